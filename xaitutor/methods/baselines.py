"""The reference input x' of the methods that explain a difference from it (integrated gradients,
DeepLIFT, occlusion), and what integrated gradients and DeepLIFT return with ``return_parts``.

A baseline is a picture that should carry no evidence: black, grey, a blurred copy, or noise. For a
``Classifier`` it is made in pixel space and normalised as the model's input is, so "black" is the
normalised black ``(0 - mean) / std``; for a bare ``nn.Module`` it is made in the model's own input
space (black = 0).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import torch

from .. import imaging
from ..resolve import resolve_seed

BASELINES = ("black", "grey", "gray", "blur", "noise")


@dataclass
class CompletenessParts:
    """One run of a method whose attributions should add up to ``f(x) - f(x')`` (completeness, or
    DeepLIFT's summation-to-delta), for the lesson's check (all detached).

    Attributes:
        attribution: ``N x C x H x W`` attributions.
        baseline: the baseline ``x'``, ``N x C x H x W``, in the model's input space.
        scores: the target logits ``f(x)`` at the input, ``N``.
        baseline_scores: the target logits ``f(x')`` at the baseline, ``N``.
        gap: ``sum attribution - (f(x) - f(x'))`` per image, ``N``: near 0 when integrated
            gradients' ``steps`` suffice, 0 up to float rounding for DeepLIFT's rescale rule.
        targets: the class explained for each image, ``N``.
    """

    attribution: torch.Tensor
    baseline: torch.Tensor
    scores: torch.Tensor
    baseline_scores: torch.Tensor
    gap: torch.Tensor
    targets: torch.Tensor


def resolve_baseline(model, x: torch.Tensor, baseline, seed: int = 0) -> torch.Tensor:
    """The baseline for the batch ``x`` (on ``x``'s device, ``x``'s shape).

    Args:
        model: a ``Classifier`` (pixel-space baselines, normalised) or a bare ``nn.Module``.
        x: the preprocessed batch, ``N x C x H x W``.
        baseline: ``None`` or ``"black"``, ``"grey"``/``"gray"`` (0.5), ``"blur"`` (a Gaussian
            blur of the picture, kernel 11, sigma 5), ``"noise"`` (uniform in [0, 1], seeded), a
            number (a pixel value), or a tensor (or array) broadcastable to ``x`` (taken as it is,
            in the model's input space); NaN and infinities are refused.
        seed: the seed of ``"noise"`` (``None``: fresh randomness at each call).
    """
    if isinstance(baseline, np.ndarray):
        baseline = torch.from_numpy(baseline)
    if isinstance(baseline, (torch.Tensor, numbers.Real)) and not torch.isfinite(torch.as_tensor(baseline)).all():
        raise ValueError(
            "the baseline holds NaN or infinite values: every attribution would be NaN; give a "
            "picture, a pixel value or one of " + ", ".join(BASELINES)
        )
    if isinstance(baseline, torch.Tensor):
        try:
            return torch.broadcast_to(baseline.to(x.device, x.dtype), x.shape).clone()
        except RuntimeError:
            raise ValueError(
                f"a baseline tensor must broadcast to the batch's shape {tuple(x.shape)}, "
                f"got shape {tuple(baseline.shape)}"
            ) from None
    mean, std = getattr(model, "mean", None), getattr(model, "std", None)
    pixels = x if mean is None else imaging.denormalize(x, mean, std)
    if baseline is None or baseline == "black":
        made = torch.zeros_like(x)
    elif baseline in ("grey", "gray"):
        made = torch.full_like(x, 0.5)
    elif baseline == "blur":
        made = imaging.gaussian_blur(pixels, kernel_size=11, sigma=5.0)
    elif baseline == "noise":
        generator = torch.Generator().manual_seed(resolve_seed(seed))
        made = torch.rand(x.shape, generator=generator).to(x.device, x.dtype)  # the same noise for every type
    elif isinstance(baseline, numbers.Real) and not isinstance(baseline, bool):
        made = torch.full_like(x, float(baseline))
    else:
        raise ValueError(f"baseline must be None, one of {BASELINES}, a number or a tensor, got {baseline!r}")
    return made if mean is None else imaging.normalize(made, mean, std).to(x.device, x.dtype)
