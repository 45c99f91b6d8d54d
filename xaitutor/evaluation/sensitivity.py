"""Robustness of an explanation to small changes of the picture that do not matter: how much can a
map change within a small ball around the picture?

* **Max-sensitivity** (Yeh, Hsieh, Suggala, Inouye and Ravikumar, "On the (In)fidelity and
  Sensitivity of Explanations", NeurIPS 2019, https://arxiv.org/abs/1901.09392, def. 3.1), relative
  to the map's size as quantus computes it::

      SENS_max(x) = max_{||y - x||_inf <= r} ||Phi(y) - Phi(x)|| / ||Phi(x)||

* **Local Lipschitz estimate** (Alvarez-Melis and Jaakkola, "On the Robustness of Interpretability
  Methods", ICML workshop 2018, https://arxiv.org/abs/1806.08049, eq. 1)::

      L(x) = max_{y near x} ||Phi(y) - Phi(x)||_2 / ||y - x||_2

The maximum is estimated over random pictures ``y``: uniform noise in ``[-r, r]`` per pixel, or
Gaussian noise of standard deviation ``sigma``, each kept in [0, 1]; the class explained stays the
one at ``x``. quantus' ``MaxSensitivity`` and ``LocalLipschitzEstimate`` give the same numbers on
the same perturbed pictures (tests/test_robustness_measures.py).
"""

from __future__ import annotations

import torch

from ..resolve import resolve_count, resolve_seed
from .maps import explain, pictures_batch, predicted_targets


def perturbed(pixels: torch.Tensor, draws: int, seed, radius: float | None = None, sigma: float | None = None):
    """``draws`` noisy copies of the batch, uniform in ``[-radius, radius]`` or Gaussian with
    ``sigma`` per pixel, each kept in [0, 1], drawn with ``seed``."""
    generator = torch.Generator().manual_seed(resolve_seed(seed))
    copies = []
    for _ in range(resolve_count(draws, "draws")):
        if radius is not None:
            noise = (torch.rand(pixels.shape, generator=generator) * 2 - 1) * radius
        else:
            noise = torch.randn(pixels.shape, generator=generator) * sigma
        copies.append((pixels + noise.to(pixels)).clamp(0, 1))
    return copies


def relative_change(a, b, x, y) -> torch.Tensor:
    """``||Phi(y) - Phi(x)|| / ||Phi(x)||`` of flat maps ``a = Phi(x)``, ``b = Phi(y)``."""
    return (b - a).norm(dim=1) / a.norm(dim=1)


def lipschitz_ratio(a, b, x, y) -> torch.Tensor:
    """``||Phi(y) - Phi(x)|| / ||y - x||`` (quantus adds 1e-10 to the denominator)."""
    return (b - a).norm(dim=1) / ((y - x).norm(dim=1) + 1e-10)


def _worst(method, classifier, pictures, target, copies, ratio, **options) -> torch.Tensor:
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    maps = explain(method, classifier, pixels, targets, **options).flatten(1).double()
    copies = copies(pixels)
    worst = torch.full((len(pixels),), -torch.inf, dtype=torch.float64)
    for moved in copies:
        after = explain(method, classifier, moved, targets, **options).flatten(1).double()
        worst = torch.maximum(worst, ratio(maps, after, pixels.flatten(1).double(), moved.flatten(1).double()))
    return worst


def max_sensitivity(method, classifier, pictures, target=None, radius=0.02, draws=10, seed=0, copies=None, **options):
    """Max-sensitivity of ``method``'s maps for each picture, ``N`` values (0: the map never moved).

    Args:
        method: a method of the package (as :func:`~xaitutor.evaluation.explain` takes it).
        classifier, pictures, target: as :func:`~xaitutor.evaluation.explain`.
        radius: each pixel moves by at most this (uniform noise in ``[-radius, radius]``).
        draws, seed: how many noisy pictures, drawn with ``seed``.
        copies: the noisy pictures themselves, a list of batches like the pictures (instead of drawing them).
        **options: passed to the method.
    """
    draw = (lambda p: perturbed(p, draws, seed, radius=radius)) if copies is None else (lambda p: copies)
    return _worst(method, classifier, pictures, target, draw, relative_change, **options)


def local_lipschitz(method, classifier, pictures, target=None, sigma=0.1, draws=10, seed=0, copies=None, **options):
    """The local Lipschitz estimate of ``method``'s maps for each picture, ``N`` values.

    Args: as :func:`max_sensitivity`, with Gaussian noise of standard deviation ``sigma`` per pixel.
    """
    draw = (lambda p: perturbed(p, draws, seed, sigma=sigma)) if copies is None else (lambda p: copies)
    return _worst(method, classifier, pictures, target, draw, lipschitz_ratio, **options)
