"""Lucid's picture taken apart, one idea at a time, for chapter 4's steps: a picture as waves
(``rfft2`` and its frequencies), the ``1 / f`` scale, the decorrelated colours, the sigmoid; and
where a picture (or a step) keeps its power, by frequency.

:class:`~xaitutor.methods.featurevis.images.FourierImage` uses :func:`to_pixels` with every part
switched on; the notebook switches them on one by one to show what each does.
"""

from __future__ import annotations

import torch

from .images import to_pixels  # the picture of a spectrum, each of lucid's parts switched on or off

__all__ = ["frequencies", "power_below", "split", "to_pixels"]


def frequencies(height: int, width: int) -> torch.Tensor:
    """``f = sqrt(fy**2 + fx**2)`` in cycles per pixel for every entry of ``torch.fft.fft2`` on a
    ``height x width`` picture (``fftfreq`` along both axes: 0 up to 0.5, then the negative half)."""
    return (torch.fft.fftfreq(height)[:, None] ** 2 + torch.fft.fftfreq(width)[None, :] ** 2).sqrt()


def power_below(x: torch.Tensor, cutoffs) -> torch.Tensor:
    """The share of the power of ``x`` (``... x H x W``: a picture, a gradient, a step) at spatial
    frequencies below each cutoff (cycles per pixel), its mean removed, summed over colours: the
    cumulative power spectrum, from 0 (nothing below 0) to 1 (everything below the corner's 0.71)."""
    x = x.detach().double()
    power = torch.fft.fft2(x - x.mean((-2, -1), keepdim=True)).abs().pow(2)
    power = power.reshape(-1, *power.shape[-2:]).sum(0)
    f = frequencies(*power.shape)
    return torch.stack([power[f < c].sum() for c in torch.as_tensor(cutoffs, dtype=torch.double)]) / power.sum()


def split(picture: torch.Tensor, cutoff: float) -> tuple[torch.Tensor, torch.Tensor]:
    """``picture`` (``... x H x W``) as the sum of its waves below ``cutoff`` cycles per pixel (the
    large shapes, with the mean) and the rest (the detail): ``rfft2``, keep, ``irfft2``."""
    height, width = picture.shape[-2:]
    spectrum = torch.fft.rfft2(picture)
    f = (torch.fft.fftfreq(height)[:, None] ** 2 + torch.fft.rfftfreq(width)[None, :] ** 2).sqrt()
    low = torch.fft.irfft2(spectrum * (f < cutoff), s=(height, width))
    return low, picture - low
