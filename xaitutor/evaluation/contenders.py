"""The methods of chapters 2, 3 and 6, each with the settings it is measured with in chapter 6's
table: on the 64 x 64 shapes (``shapes``) and on a 224 x 224 photo for efficientnet_lite0
(``photo``). The black-box methods hide a superpixel or a window by turning it black on the shapes
(chapter 5's shortcut lab shows why: the shortcut model reads the background's colour, which the
mean colour would keep)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import methods


@dataclass(frozen=True)
class Contender:
    """A method of the course and how the table runs it.

    Attributes:
        name: as the notebooks write it.
        chapter: where the course teaches it.
        method: the function (a gradient method or one that starts from the picture).
        shapes: its options on the shapes data.
        photo: its options on the photo.
        passes: the name of its argument that sets how many passes it runs (``steps``,
            ``num_samples``, ...), ``None`` for a method of one pass.
    """

    name: str
    chapter: int
    method: Callable
    shapes: dict = field(default_factory=dict)
    photo: dict = field(default_factory=dict)
    passes: str | None = None

    @property
    def quiet(self) -> Callable:
        """The method without its progress bar (the table runs it hundreds of times)."""
        if "progress" in inspect.signature(self.method).parameters:
            return functools.partial(self.method, progress=False)
        return self.method


BLACK = dict(hide=0.0)
CONTENDERS = [
    Contender(
        "LIME",
        2,
        methods.lime,
        dict(num_samples=200, batch_size=200, seed=0, **BLACK),
        dict(num_samples=500, segmenter="slic", seed=0),
        "num_samples",
    ),
    Contender("Grad-CAM", 3, methods.gradcam),
    Contender("saliency", 3, methods.saliency),
    Contender("guided backprop", 3, methods.guided_backprop),
    Contender("Guided Grad-CAM", 3, methods.guided_gradcam),
    Contender("input x gradient", 6, methods.input_x_gradient),
    Contender("integrated gradients", 6, methods.integrated_gradients, dict(steps=32), dict(steps=32), "steps"),
    Contender("SmoothGrad", 6, methods.smoothgrad, dict(samples=32), dict(samples=32), "samples"),
    Contender("occlusion", 6, methods.occlusion, dict(window=8, stride=4), dict(window=32, stride=16)),
    Contender("Grad-CAM++", 6, methods.gradcam_plusplus),
    Contender("Score-CAM", 6, methods.scorecam),
    Contender("LayerCAM", 6, methods.layercam),
    Contender(
        "Kernel SHAP",
        6,
        methods.kernel_shap,
        dict(num_samples=200, batch_size=200, seed=0, **BLACK),
        dict(num_samples=500, segmenter="slic", seed=0),
        "num_samples",
    ),
    Contender(
        "RISE", 6, methods.rise, dict(num_masks=500, batch_size=250, seed=0), dict(num_masks=1000, seed=0), "num_masks"
    ),
]


def contender(name: str) -> Contender:
    """The contender called ``name`` (as in the table)."""
    for c in CONTENDERS:
        if c.name == name:
            return c
    raise KeyError(f"no method {name!r} in the table; known: {', '.join(c.name for c in CONTENDERS)}")
