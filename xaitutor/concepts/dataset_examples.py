"""Dataset examples (Olah et al., distill 2017, https://distill.pub/2017/feature-visualization/):
the pictures of a pool that excite a unit most, shown beside its feature visualization. The
visualization says what the unit wants in its purest form; the examples say what it responds to
in the pictures it meets, and where in each one (the patch around its strongest position).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..methods.protocol import declare
from ..resolve import resolve_count
from .activations import layer_activations, layer_name


@dataclass
class DatasetExamples:
    """What :func:`top_examples` found, strongest first.

    Attributes:
        indices: the pictures' indices in the pool, ``k``.
        activations: the unit's strongest activation on each, ``k``.
        boxes: ``k x 4``, the patch of each picture (top, left, bottom, right, in pixels) centred
            on the unit's strongest position; the whole picture when no ``patch`` was asked for.
        layer, unit: what was asked.
    """

    indices: torch.Tensor
    activations: torch.Tensor
    boxes: torch.Tensor
    layer: str
    unit: int

    def patches(self, pictures: torch.Tensor) -> list[torch.Tensor]:
        """The boxes cut out of ``pictures`` (the pool, preprocessed or not): ``3 x h x w`` each."""
        return [
            pictures[i, :, top:bottom, left:right]
            for i, (top, left, bottom, right) in zip(self.indices.tolist(), self.boxes.tolist())
        ]


@declare(
    "dataset examples",
    kind="concept",
    returns="concepts",
    chapter=8,
    paper="Olah et al., distill 2017, https://distill.pub/2017/feature-visualization/",
    cost="1 forward per picture of the pool (no gradient)",
)
def top_examples(model, layer, unit: int, pictures: torch.Tensor, k: int = 8, patch=None, batch_size=None):
    """The ``k`` pictures of the pool ``pictures`` (preprocessed, ``N x 3 x H x W``) on which unit
    ``unit`` of ``layer`` reaches its highest activation (the maximum over its map), each with the
    ``patch x patch`` pixels around that position (``None``: the whole picture).

    Returns a :class:`DatasetExamples`.
    """
    a = layer_activations(model, pictures, layer, batch_size)
    if not isinstance(unit, int) or not 0 <= unit < a.shape[1]:
        raise ValueError(f"unit must be a channel of the layer, an int in [0, {a.shape[1] - 1}], got {unit!r}")
    k = min(resolve_count(k, "k"), len(pictures))
    peak, where = a[:, unit].flatten(1).max(dim=1)
    values, indices = peak.topk(k)
    (height, width), (h, w) = pictures.shape[-2:], a.shape[-2:]
    rows = (where[indices] // w + 0.5) * height / h  # the strongest position's centre, in pixels
    cols = (where[indices] % w + 0.5) * width / w
    if patch is None:
        boxes = torch.tensor([[0, 0, height, width]] * k)
    else:
        side = min(resolve_count(patch, "patch"), height, width)
        top = (rows - side / 2).round().long().clamp(0, height - side)
        left = (cols - side / 2).round().long().clamp(0, width - side)
        boxes = torch.stack([top, left, top + side, left + side], dim=1)
    return DatasetExamples(indices, values, boxes, layer_name(model, layer), unit)


def photo_pool(size: int = 224, grid: int = 2) -> torch.Tensor:
    """A small pool of pictures from the course's photos (``xt.data.sample_names()``, no
    download): each photo, and each of its ``grid x grid`` tiles enlarged, at ``size x size``;
    ``M x 3 x size x size`` in [0, 1]. A few dozen pictures, not ImageNet's millions: a unit's
    examples here say what it answers to among these, not what it was trained to see."""
    from .. import data, imaging

    pool = []
    for name in data.sample_names():
        photo = imaging.center_crop(
            imaging.resize(imaging.to_tensor(data.sample_image(name).convert("RGB")), size), size
        )
        pool.append(photo)
        tile = size // grid
        for i in range(grid):
            for j in range(grid):
                part = photo[:, i * tile : (i + 1) * tile, j * tile : (j + 1) * tile]
                pool.append(imaging.resize(part, (size, size)))
    return torch.stack(pool).clamp(0, 1)
