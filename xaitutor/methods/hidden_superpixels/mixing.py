"""Step 3 of LIME and of Kernel SHAP: the pictures an on/off row per superpixel stands for, each
pixel from the picture or from what a hidden superpixel shows."""

from __future__ import annotations

import numpy as np
import torch


def perturb(picture: torch.Tensor, hidden: torch.Tensor, segments: torch.Tensor, rows) -> torch.Tensor:
    """Step 3: the perturbed pictures, ``N x 3 x H x W``, with no loop over samples or pixels.

    Pixel ``p`` of sample ``n`` comes from ``picture`` when its superpixel ``segments[p]`` is on
    in ``rows[n]``, from ``hidden`` otherwise: looking every pixel's bit up at once gives an
    ``N x 1 x H x W`` mask of zeros and ones, and ``lerp(hidden, picture, mask)`` picks the pixels.
    """
    bits = torch.from_numpy(np.asarray(rows, dtype=np.float32))
    keep = bits.index_select(1, segments.flatten()).view(len(bits), 1, *segments.shape)
    # lerp is exact at its ends (weight 0 gives `hidden`, 1 gives `picture`, bit for bit) and,
    # on a CPU, many times faster than torch.where with a broadcast mask.
    return torch.lerp(hidden, picture, keep)
