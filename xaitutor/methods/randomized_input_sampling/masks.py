"""RISE's random masks: small binary grids, upsampled smoothly and shifted at random (Petsiuk,
Das and Saenko 2018, https://arxiv.org/abs/1806.07421, section 3.2, "Mask generation").

A mask ``M_i`` of an ``H x W`` picture is made in three steps, as in the paper and its code:
(1) a ``cells x cells`` grid of independent bits, each 1 with probability ``p``; (2) the grid
upsampled bilinearly to ``(cells + 1) C_H x (cells + 1) C_W``, where ``C = ceil(size / cells)``
is one cell's size in pixels; (3) an ``H x W`` crop of it, shifted by a random offset in
``[0, C_H) x [0, C_W)``. Smooth masks hide parts of objects without sharp edges the classifier
would react to, and the shifts place their edges anywhere, not on one fixed grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import torch
import torch.nn.functional as F


@dataclass
class MaskDraws:
    """The random draws of ``N`` masks, made once (``N x cells x cells`` bits and ``N x 2``
    shifts), so that the masks do not depend on how they are batched."""

    grids: torch.Tensor
    shifts: torch.Tensor
    size: tuple[int, int]

    def __len__(self) -> int:
        return len(self.grids)

    @property
    def cell(self) -> tuple[int, int]:
        """One cell's size in pixels, ``(C_H, C_W)``."""
        cells = self.grids.shape[-1]
        return ceil(self.size[0] / cells), ceil(self.size[1] / cells)

    def masks(self, start: int, stop: int) -> torch.Tensor:
        """Masks ``start .. stop - 1``, ``n x H x W`` float32 in [0, 1]: steps (2) and (3)."""
        (h, w), (ch, cw), cells = self.size, self.cell, self.grids.shape[-1]
        grids = self.grids[start:stop, None].float()
        up = F.interpolate(grids, size=((cells + 1) * ch, (cells + 1) * cw), mode="bilinear", align_corners=False)
        return torch.stack(
            [up[i, 0, y : y + h, x : x + w] for i, (y, x) in enumerate(self.shifts[start:stop].tolist())]
        )


def draw_masks(num_masks: int, size, cells: int = 7, p: float = 0.5, seed: int = 0) -> MaskDraws:
    """Step (1) and the shifts of ``num_masks`` masks of an ``H x W = size`` picture, seeded."""
    generator = torch.Generator().manual_seed(seed)
    grids = torch.rand(num_masks, cells, cells, generator=generator) < p
    draws = MaskDraws(grids, torch.empty(num_masks, 2, dtype=torch.long), tuple(size))
    ch, cw = draws.cell
    draws.shifts[:, 0] = torch.randint(0, ch, (num_masks,), generator=generator)
    draws.shifts[:, 1] = torch.randint(0, cw, (num_masks,), generator=generator)
    return draws
