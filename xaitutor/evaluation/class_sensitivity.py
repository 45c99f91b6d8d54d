"""The random-logit test (Sixt et al. 2020, "When explanations lie", ICML,
https://arxiv.org/abs/1912.09818, sec. 5): explain the picture for a class it does not show and
compare with the map of its own class. A map that explains the class must change; the modified
backpropagation rules that Sixt et al. studied give almost the same map for any class."""

from __future__ import annotations

import numpy as np
import torch

from .. import imaging
from ..resolve import resolve_seed
from .maps import pictures_batch, predicted_targets
from .randomisation import maps_of


def random_logit(method, classifier, pictures, target=None, seed: int = 0, **kwargs) -> torch.Tensor:
    """``N`` structural similarities (SSIM) between each picture's map for its target and its map
    for another class drawn at random (a numpy ``RandomState(seed)``: class ``k`` of the others,
    ``k = randint(0, classes - 1)`` per picture, as quantus's ``RandomLogit`` draws it). High:
    the map does not depend on the class.

    Both maps are divided by their largest absolute value; the SSIM is taken as quantus 0.6 takes
    it, on the flattened maps (a 7-pixel window along the rows), over the pair's range of values.

    Args:
        method, classifier, pictures, target, ``**kwargs``: as for :func:`explain`.
        seed: seeds the other classes.
    """
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    x = imaging.normalize(pixels, classifier.mean, classifier.std)
    others = other_classes(targets, len(classifier.labels), seed)
    return logit_similarity(*[maps_of(method, classifier, x, t, **kwargs).cpu() for t in (targets, others)])


def other_classes(targets: torch.Tensor, classes: int, seed: int = 0) -> torch.Tensor:
    """For each target, another of the ``classes`` drawn at random as quantus's ``RandomLogit``
    draws it: ``k = randint(0, classes - 1)`` from a numpy ``RandomState(seed)``, the ``k``-th of
    the classes other than the target."""
    draws = torch.from_numpy(np.random.RandomState(resolve_seed(seed)).randint(0, classes - 1, len(targets)))
    return (draws + (draws >= targets.cpu()).long()).to(targets)


def logit_similarity(maps: torch.Tensor, other_maps: torch.Tensor) -> torch.Tensor:
    """The random-logit test's SSIM between each map of the target and its map of another class,
    both divided by their largest absolute value, on the flattened maps (see :func:`random_logit`)."""
    from skimage.metrics import structural_similarity

    similarity = []
    for a, b in zip(*(_by_max(m).flatten(1).numpy() for m in (maps, other_maps))):
        both = np.concatenate([a, b])
        similarity.append(structural_similarity(a, b, data_range=float(both.max() - both.min())))
    return torch.tensor(similarity, dtype=torch.float32)


def _by_max(maps: torch.Tensor) -> torch.Tensor:
    """Each map divided by its largest absolute value (an all-zero map stays zero)."""
    peak = maps.flatten(1).abs().amax(1).view(-1, 1, 1, 1)
    return maps / torch.where(peak > 0, peak, 1)
