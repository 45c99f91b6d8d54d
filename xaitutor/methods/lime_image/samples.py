"""Steps 2 and 3 of LIME: random on/off rows, one bit per superpixel, and the perturbed pictures
they stand for."""

from __future__ import annotations

import numpy as np
import torch


def draw_samples(rng: np.random.RandomState, num_samples: int, num_superpixels: int, first: bool = True) -> np.ndarray:
    """Step 2: ``num_samples`` random on/off rows, one bit per superpixel (``True``: shown).

    Each bit is a fair coin, drawn as lime draws it; with ``first``, row 0 is all on: the
    original picture, the point being explained.
    """
    rows = rng.randint(0, 2, (num_samples, num_superpixels)).astype(bool)
    if first:
        rows[0] = True
    return rows


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
