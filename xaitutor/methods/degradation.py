"""The degradations of the essay's section 3.5: noise, brightness and contrast, each a function of a
picture in [0, 1] and a strength (:mod:`~xaitutor.methods.robustness` degrades a photo step by step
and explains the model's answers)."""

from __future__ import annotations

import numbers

import torch

from ..imaging import to_tensor
from ..resolve import resolve_seed

# Each degradation takes a picture in [0, 1] and a strength.


def add_noise(image, strength: float, seed: int = 0) -> torch.Tensor:
    """Add Gaussian noise with standard deviation ``strength`` (in [0, 1] pixel units), clamped;
    ``seed=None``: fresh noise at each call."""
    x = to_tensor(image)
    _check_strength(strength, 0, 1)
    generator = torch.Generator().manual_seed(resolve_seed(seed))
    return (x + strength * torch.randn(x.shape, generator=generator)).clamp(0, 1)


def change_brightness(image, strength: float) -> torch.Tensor:
    """Blend toward white by ``strength`` in [0, 1], or toward black for a negative strength."""
    x = to_tensor(image)
    _check_strength(strength, -1, 1)
    toward = 1.0 if strength >= 0 else 0.0
    return x + abs(strength) * (toward - x)


def change_contrast(image, strength: float) -> torch.Tensor:
    """Blend toward the picture's mean grey by ``strength`` in [0, 1] (1: a flat grey picture)."""
    x = to_tensor(image)
    _check_strength(strength, 0, 1)
    grey = x.mean(dim=(-3, -2, -1), keepdim=True)
    return (1 - strength) * x + strength * grey


DEGRADATIONS = {"noise": add_noise, "brightness": change_brightness, "contrast": change_contrast}


def _check_strength(strength: float, low: float, high: float) -> None:
    if isinstance(strength, bool) or not isinstance(strength, numbers.Real):
        raise TypeError(f"strength must be a number in [{low}, {high}], got {strength!r}")
    if not low <= strength <= high:
        raise ValueError(f"strength must lie in [{low}, {high}], got {strength}")
