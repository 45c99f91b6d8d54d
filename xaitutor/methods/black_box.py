"""A classifier seen from outside, as the model-agnostic methods see it: pictures in, probabilities
out.

LIME (and, in chapter 6, Kernel SHAP and RISE) explains a prediction from the classifier's answers
alone, so it takes either an xaitutor ``Classifier`` or any plain function

    f(pictures) -> probabilities

where ``pictures`` is an ``N x 3 x H x W`` float32 CPU tensor in [0, 1] at the explained
picture's own size and the result is ``N x C`` class probabilities (a tensor or a numpy array,
each row summing to 1): a network behind its own preprocessing, a scikit-learn model's
``predict_proba`` behind a reshaping, a web service. :func:`black_box` turns either into one
:class:`BlackBox`, which these methods call on their mixed pictures.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager, nullcontext

import torch
from torch import nn

from .. import imaging
from ..guard import evaluating
from ..models.classifier import Classifier, require_classifier
from ..resolve import resolve_labels
from ..scores import function_probabilities


class BlackBox:
    """A function from mixed pictures to ``N x C`` class probabilities, with what a method needs
    around it.

    The methods mix each sample pixel by pixel from a few pictures (the picture itself and what a
    hidden part shows). :attr:`prepare` is the per-pixel affine part of the preprocessing (a
    ``Classifier``'s normalisation when no resizing comes first, else nothing): affine steps
    commute with mixing, so a method prepares the few source pictures once instead of every sample.

    Attributes:
        prepare: applied once to each source picture.
        grid: ``(height, width)`` an explanation's map is painted on: what
            ``classifier.preprocess`` gives for a ``Classifier``, the picture's own for a function.
        labels: one name per class (for a function without ``labels=``, ``"class 0"``, ... once
            its first answer tells how many).
        module: the network held in eval mode by :meth:`running` (``None`` for a function).
        device: where the samples are sent (a function gets CPU tensors).
    """

    def __init__(
        self,
        forward: Callable,
        prepare: Callable,
        grid,
        labels,
        module: nn.Module | None = None,
        device=None,
    ):
        self._forward, self.prepare, self.grid = forward, prepare, tuple(grid)
        self.labels, self.module, self.device = labels, module, torch.device("cpu") if device is None else device

    def __call__(self, mixed: torch.Tensor) -> torch.Tensor:
        """The ``N x C`` probabilities of a batch of mixed (prepared) pictures."""
        probabilities = self._forward(mixed)
        classes = probabilities.shape[1]
        if self.labels is None:
            self.labels = [f"class {i}" for i in range(classes)]
        resolve_labels(self.labels, classes)
        return probabilities

    @contextmanager
    def running(self):
        """Classify without autograd, a network in eval mode, given back as it came."""
        with evaluating(self.module) if self.module is not None else nullcontext(), torch.no_grad():
            yield self


def black_box(model, picture: torch.Tensor, labels=None) -> BlackBox:
    """``model`` as a :class:`BlackBox` for explaining ``picture``.

    Args:
        model: a :class:`~xaitutor.Classifier`, or a function ``f(pictures) -> probabilities``
            (see the module docstring for its contract).
        picture: the ``3 x H x W`` picture in [0, 1] to be explained.
        labels: the class names of a function (default ``"class 0"``, ``"class 1"``, ...); a
            ``Classifier`` has its own.

    Returns:
        A :class:`BlackBox`; for a ``Classifier`` it computes exactly
        ``classifier.probabilities(classifier.preprocess(each picture))``, batched: the softmax
        of the logits, or what ``outputs`` says (:mod:`xaitutor.scores`).
    """
    if isinstance(model, Classifier):
        if labels is not None:
            raise ValueError(
                "labels= names a function's classes; a Classifier has its own: xt.models.wrap(model, ..., labels=[...])"
            )
        return _classifier_box(model, picture)
    if isinstance(model, nn.Module):  # a network without its preprocessing
        require_classifier(model, "LIME, Kernel SHAP and RISE", " or pass a function from pictures to probabilities")
    if not callable(model):
        raise TypeError(
            f"expected an xaitutor Classifier or a function from pictures to probabilities, got {type(model).__name__}"
        )
    return BlackBox(
        lambda pictures: function_probabilities(model(pictures), len(pictures)),
        lambda source: source,
        picture.shape[-2:],
        None if labels is None else list(labels),
    )


def _classifier_box(classifier: Classifier, picture: torch.Tensor) -> BlackBox:
    grid = tuple(classifier.preprocess(picture).shape[-2:])
    mean, std, device = classifier.mean, classifier.std, classifier.device
    if grid == tuple(picture.shape[-2:]):
        # Nothing to resize: normalising is the whole preprocessing and is affine per pixel, so
        # the sources are normalised once and each batch needs one pass instead of three.
        return BlackBox(
            lambda mixed: classifier.probabilities(mixed.to(device)),
            lambda source: imaging.normalize(source, mean, std),
            grid,
            classifier.labels,
            classifier.model,
            device,
        )

    def forward(mixed: torch.Tensor) -> torch.Tensor:
        return classifier.probabilities(imaging.normalize(imaging.resize(mixed, grid), mean, std).to(device))

    return BlackBox(forward, lambda source: source, grid, classifier.labels, classifier.model, device)


def one_picture(image, dtype: torch.dtype | None = torch.float32) -> torch.Tensor:
    """``image`` as one ``3 x H x W`` picture (of ``dtype``, see :func:`~xaitutor.imaging.to_tensor`);
    a batch of more than one is refused."""
    picture = imaging.to_tensor(image, dtype)
    if picture.dim() == 4:
        if len(picture) != 1:
            raise ValueError(
                f"LIME, Kernel SHAP and RISE explain one picture at a time, got a batch of {len(picture)}: "
                "call it once per picture"
            )
        picture = picture[0]
    return picture
