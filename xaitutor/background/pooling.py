"""1.4.3 Pooling: the maximum or the mean of each window."""

from __future__ import annotations

import torch

from .convolution import windows


def pool(x: torch.Tensor, size: int = 2, stride: int | None = None, mode: str = "max") -> torch.Tensor:
    """Max or average pooling over the last two axes (section 1.4.3): a ``size x size`` window
    slides by ``stride`` (``size`` by default, so windows do not overlap) and each output is the
    maximum (``"max"``) or the mean (``"avg"``) of the values under it."""
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    cells = windows(x, (size, size), stride or size)
    return cells.amax(0) if mode == "max" else cells.mean(0)


# Kernels for the convolution playground. The mean filter is fig. 1.4's; the Sobel and emboss
# kernels are not symmetric, so convolution and cross-correlation give different pictures.
