"""What every method of the course declares beside its function, in one place, and the register of
those declarations that the rest of the package reads: the public API (``xt.gradcam``), chapter
6's table and its explorer, the evaluation (how to call a method) and the contract test.

A method file declares its function with :func:`declare`::

    @declare("Grad-CAM", kind="class activation map", returns="map", chapter=3,
             paper="Selvaraju et al., ICCV 2017, https://arxiv.org/abs/1610.02391",
             cost="1 forward + 1 backward to the layer")
    def gradcam(model, x, target=None, layer=None, ...):

and is found by ``import xaitutor``: adding a method is one file, its declaration and its tests
(docs/architecture.md, "Adding a method").
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

# What a method is, by how it reads the model, and how it is called.
KINDS = {
    "gradient": "the gradient of the class score, back to the input: called on a preprocessed batch",
    "class activation map": "a layer's feature maps weighed for the class: called on a preprocessed batch",
    "perturbation": "the class score of changed copies of the input, no gradient: called on a preprocessed batch",
    "black box": "the classifier's answers on changed pictures: called on one picture, a Classifier or any function",
    "relevance": "the class score propagated back layer by layer by rules: called on a preprocessed batch",
    "visualization": "a picture that the model responds to, found by gradient ascent: called with an objective",
    "attack": "a small change of the pictures that changes the answer: called on a Classifier and pictures in [0, 1]",
    "concept": "what a layer's units or directions stand for, scored on pictures of concepts: called with a layer",
}
# What it gives back.
RETURNS = {
    "map": "N x 1 x H x W, one number per pixel",
    "attribution": "N x C x H x W, a signed number per pixel and channel (xt.imaging.to_map gives one channel)",
    "explanation": "a result object for one picture, whose .map() is 1 x 1 x H x W on the classifier's grid",
    "visualization": "a Visualization: the pictures and their objective's history",
    "pictures": "N x 3 x H x W in [0, 1], the changed pictures (chapter 9's attacks)",
    "concepts": "a result object of a layer's units or directions and their concepts (chapter 8, xt.concepts)",
}
# The kinds whose result is a map of the picture: they are compared in chapter 6's table.
MAP_KINDS = ("gradient", "class activation map", "perturbation", "black box", "relevance")


@dataclass(frozen=True)
class Method:
    """One method's declaration.

    Attributes:
        name: as the course writes it (``"Grad-CAM"``).
        function: the function (``xt.gradcam``).
        kind, returns: a key of :data:`KINDS` and of :data:`RETURNS`.
        chapter: the chapter that teaches it.
        paper: who, where and the link.
        cost: its cost in passes through the network (DESIGN.md's floors).
        passes: the argument that sets how many passes it runs (``"steps"``), ``None`` for one.
        shapes, photo: its options in chapter 6's table, on the shapes and on a photo.
    """

    name: str
    function: Callable
    kind: str
    returns: str
    chapter: int
    paper: str
    cost: str
    passes: str | None = None
    shapes: dict = field(default_factory=dict)
    photo: dict = field(default_factory=dict)

    @property
    def quiet(self) -> Callable:
        """The function without its progress bar (chapter 6's table runs it hundreds of times)."""
        if "progress" in inspect.signature(self.function).parameters:
            return functools.partial(self.function, progress=False)
        return self.function

    @property
    def starts_from_picture(self) -> bool:
        """Called on one picture (not a preprocessed batch), as the black-box methods are."""
        return self.kind == "black box"


METHODS: dict[str, Method] = {}  # by function name


def declare(name: str, *, kind: str, returns: str, chapter: int, paper: str, cost: str, **options) -> Callable:
    """The decorator that declares a method (see :class:`Method` for the arguments) and puts it in
    :data:`METHODS`; the function itself is returned unchanged."""
    if kind not in KINDS or returns not in RETURNS:
        raise ValueError(f"{name}: kind must be one of {list(KINDS)} and returns one of {list(RETURNS)}")

    def register(function: Callable) -> Callable:
        METHODS[function.__name__] = Method(name, function, kind, returns, chapter, paper, cost, **options)
        return function

    return register


def declared(kinds=tuple(KINDS)) -> list[Method]:
    """The declared methods of ``kinds``, by chapter, then by name."""
    return sorted((m for m in METHODS.values() if m.kind in kinds), key=lambda m: (m.chapter, m.name.lower()))


def declaration(method) -> Method | None:
    """The declaration of ``method`` (the function, or its name as the course writes it), or
    ``None`` for a function of the user's own."""
    for m in METHODS.values():
        if m.function is method or m.name == method:
            return m
    return None
