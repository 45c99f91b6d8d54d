"""Localisation: does the map point at the object? Scores against a ground-truth mask (the shapes
data set draws its objects, so it knows where they are)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .maps import one_channel


def pointing_game(maps: torch.Tensor, masks, tolerance: int = 0) -> torch.Tensor:
    """Whether each map's maximum falls on the object (Zhang et al. 2016, "Top-down neural
    attention by excitation backprop", https://arxiv.org/abs/1608.00507, sec. 5.1).

    Args:
        maps: ``N x 1 x H x W`` (or ``N x 3 x H x W``, reduced by :func:`~xaitutor.imaging.to_map`);
            resized to the masks' size when they differ.
        masks: ``N x H x W`` booleans (or 0 and 1), True on the object (tensor or array); a
            soft mask is refused: binarise it first, e.g. ``mask > 0.5``.
        tolerance: a hit may miss the mask by up to this many pixels (the paper uses 15 on
            ImageNet-sized pictures).

    Returns:
        ``N`` floats: 1.0 for a hit, 0.0 for a miss, NaN where a mask is empty. When several
        pixels share the maximum, one of them on the object is a hit, as in quantus's
        ``PointingGame``; a constant map has no maximum to point with and scores a miss.
    """
    maps, masks = _maps_and_masks(maps, masks)
    flat = maps.flatten(1)
    peak = flat == flat.amax(dim=1, keepdim=True)
    hit = (peak & _dilate(masks, tolerance).flatten(1)).any(dim=1).float()
    hit[flat.amin(dim=1) == flat.amax(dim=1)] = 0.0
    hit[~masks.flatten(1).any(dim=1)] = float("nan")
    return hit


def energy_share(maps: torch.Tensor, masks) -> torch.Tensor:
    """The share of each map's positive mass that lies on the object: ``sum(map+ on mask) /
    sum(map+)``, 1 when the map is zero off the object (Wang et al. 2020, Score-CAM's
    "energy-based pointing game", https://arxiv.org/abs/1910.01279; quantus's
    ``RelevanceMassAccuracy`` for a non-negative map, Arras et al. 2022).

    Args:
        maps, masks: as for :func:`pointing_game`.

    Returns:
        ``N`` floats in [0, 1]; NaN where a map has no positive mass or a mask is empty. A map of
        uniform noise scores about the mask's share of the picture, the level to beat.
    """
    maps, masks = _maps_and_masks(maps, masks)
    positive = maps.clamp_min(0).flatten(1)
    share = (positive * masks.flatten(1)).sum(dim=1) / positive.sum(dim=1)  # 0 / 0 -> NaN
    share[~masks.flatten(1).any(dim=1)] = float("nan")
    return share


def _maps_and_masks(maps: torch.Tensor, masks) -> tuple[torch.Tensor, torch.Tensor]:
    """Check and align: ``N x H x W`` float maps and ``N x H x W`` bool masks on one device."""
    masks = torch.as_tensor(np.asarray(masks) if not isinstance(masks, torch.Tensor) else masks)
    if masks.dim() == 4 and masks.shape[1] == 1:
        masks = masks[:, 0]
    if masks.dim() != 3:
        raise ValueError(f"masks must be N x H x W, got shape {tuple(masks.shape)}")
    # A soft mask cast to bool would count a pixel of 0.1 as fully on the object: refuse it.
    if ((masks != 0) & (masks != 1)).any():
        raise ValueError(
            f"masks must hold only 0 and 1 (or booleans), got values from {masks.min().item():.3g} "
            f"to {masks.max().item():.3g}: binarise a soft mask first, e.g. mask > 0.5"
        )
    maps = one_channel(maps, len(masks), masks.shape[-2:])
    return maps, masks.to(device=maps.device, dtype=torch.bool)


def _dilate(masks: torch.Tensor, radius: int) -> torch.Tensor:
    """Grow each mask by every pixel within ``radius`` pixels (a disc)."""
    if radius < 0:
        raise ValueError(f"tolerance must be a number of pixels >= 0, got {radius}")
    if radius == 0:
        return masks
    r = torch.arange(-radius, radius + 1, device=masks.device, dtype=torch.float32)
    disc = ((r[:, None] ** 2 + r[None, :] ** 2) <= radius**2).float()[None, None]
    return F.conv2d(masks[:, None].float(), disc, padding=radius)[:, 0] > 0
