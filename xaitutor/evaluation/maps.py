"""Maps from any method of the package, on the classifier's input grid, and the baselines every
score should be compared with."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import imaging
from ..methods.driver import forward
from ..methods.protocol import declaration
from ..models.classifier import require_classifier
from ..resolve import resolve_seed


def pictures_batch(classifier, pictures) -> torch.Tensor:
    """Pictures as the ``N x 3 x H x W`` batch in [0, 1] (pixel space) that the classifier sees,
    on its device: resized as ``classifier.preprocess`` does, not normalised.

    ``pictures`` is a list of pictures, an ``N x 3 x H x W`` tensor in [0, 1] or an
    ``N x H x W x 3`` uint8 array (``xt.data.shapes(...).images``).
    """
    require_classifier(classifier, "the evaluation")
    if isinstance(pictures, np.ndarray) and pictures.ndim == 4:
        pictures = list(pictures)
    x = classifier.preprocess(pictures)
    return imaging.denormalize(x, classifier.mean, classifier.std)


def predicted_targets(classifier, pixels: torch.Tensor, target=None) -> torch.Tensor:
    """One class per picture: ``target`` checked, or the classifier's top class when ``None``."""
    with forward(
        classifier, imaging.normalize(pixels, classifier.mean, classifier.std), target, gradients=False
    ) as run:
        return run.targets


def explain(method, classifier, pictures, target=None, per_picture: bool | None = None, **kwargs) -> torch.Tensor:
    """The maps of ``method`` for ``pictures``, ``N x 1 x H x W`` on the classifier's input grid.

    A method called on a preprocessed batch (gradient, CAM, perturbation) is called once on the
    whole batch; a 3-channel attribution becomes one channel by the maximum absolute value over the
    channels (:func:`xaitutor.imaging.to_map`). A method that starts from the picture itself (a
    black box, as ``xt.lime``) is called once per picture and gives its result's ``.map()``. The
    method's declaration says which; for a function of your own, say ``per_picture``.

    Args:
        method: a method of the package (or one with ``functools.partial`` options), or a function
            of your own with one of those two signatures.
        classifier: a :class:`~xaitutor.Classifier`.
        pictures: see :func:`pictures_batch`.
        target: ``None`` (each picture's top class), an int, or one class per picture.
        per_picture: ``None`` (from the method's declaration; a batch for an undeclared function),
            or whether to call ``method(classifier, picture, target=...)`` once per picture.
        **kwargs: passed to the method (``layer=``, ``num_samples=``, ``seed=``, ...).
    """
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    if starts_from_picture(method) if per_picture is None else per_picture:
        maps = torch.cat(
            [method(classifier, p, target=int(t), **kwargs).map().to(pixels.device) for p, t in zip(pixels, targets)]
        )
    else:
        x = imaging.normalize(pixels, classifier.mean, classifier.std)
        maps = method(classifier, x, target=targets, **kwargs)
    return imaging.to_map(maps.detach().float())


def starts_from_picture(method) -> bool:
    """True for a method its declaration says is called on one picture (a black box, as
    ``xt.lime``; through a ``functools.partial`` too); False for a function of your own."""
    declared = declaration(getattr(method, "func", method))
    return declared is not None and declared.starts_from_picture


def random_maps(n: int, size, seed: int = 0) -> torch.Tensor:
    """``n`` maps of uniform noise (``size``: an int or ``(H, W)``): the baseline an explanation
    must beat. Ordering pixels by a random map is ordering them at random. ``seed=None``: fresh
    randomness at each call."""
    h, w = (size, size) if isinstance(size, int) else size
    return torch.rand(n, 1, h, w, generator=torch.Generator().manual_seed(resolve_seed(seed)))


def centre_maps(n: int, size, sigma: float = 0.25) -> torch.Tensor:
    """``n`` copies of a Gaussian bump in the middle of the picture (``sigma`` in picture widths):
    the guess "objects are near the centre", which needs no model at all."""
    h, w = (size, size) if isinstance(size, int) else size
    y = (torch.arange(h) + 0.5) / h - 0.5
    x = (torch.arange(w) + 0.5) / w - 0.5
    bump = torch.exp(-(y[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma**2))
    return bump.expand(n, 1, h, w).clone()


def one_channel(maps: torch.Tensor, n: int, size) -> torch.Tensor:
    """``n`` maps as ``n x H x W`` floats of the given size: checked, reduced, resized."""
    if not isinstance(maps, torch.Tensor):
        raise TypeError(f"maps must be a tensor N x 1 x H x W, got {type(maps).__name__}")
    maps = imaging.to_map(maps.detach().float())
    if not torch.isfinite(maps).all():
        raise ValueError(
            "the maps hold NaN or infinite values: a score of them would rank their pixels at "
            "random. Find where they come from (a division by zero?)"
        )
    if len(maps) != n:
        raise ValueError(f"got {len(maps)} maps for {n} masks or pictures: give one map for each")
    if maps.shape[-2:] != tuple(size):
        maps = F.interpolate(maps, size=tuple(size), mode="bilinear", align_corners=False)
    return maps[:, 0]
