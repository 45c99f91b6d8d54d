"""Which layer to give Grad-CAM, measured (chapter 3, "Which layer?"; the question pytorch-grad-cam's
users ask most): Grad-CAM at each stage of a network, and for each stage the three things a user
wants of a map and trades against each other: its resolution (the layer's grid), how much it changes
with the class (a class-blind map answers "where is something", not "where is the cat"), and how much
of it lies on the object of its class (the energy share of :mod:`.localisation`)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..methods.grad_cam import gradcam
from .correlation import pearson
from .localisation import energy_share


@dataclass
class LayerChoice:
    """Grad-CAM at each of ``layers``, for ``T`` classes of each picture.

    Attributes:
        layers: the layers, from the input up.
        grids: each layer's map size ``(h, w)`` before upsampling.
        maps: ``L x N x T x H x W``: each layer's maps of each picture's classes, upsampled.
        class_correlation: ``L`` numbers: the Pearson correlation of two maps of one picture for two
            of its classes, averaged over the pairs and the pictures (1: the same map whatever the
            class; 0: unrelated; below 0: each class lights what the other leaves dark).
        on_object: ``L x T``: the energy share of each class's map on its own object's mask,
            averaged over the pictures.
    """

    layers: list[str]
    grids: list[tuple[int, int]]
    maps: torch.Tensor
    class_correlation: torch.Tensor
    on_object: torch.Tensor


def gradcam_by_layer(classifier, x: torch.Tensor, targets, masks, layers: list[str]) -> LayerChoice:
    """Grad-CAM of each picture of ``x`` for each of its ``T >= 2`` classes ``targets``
    (``N x T``) at each of ``layers``, measured against ``masks`` (``N x T x H x W`` booleans on
    the grid of ``x``: where each class's object is). One forward and ``T`` backward passes to
    the layer per picture and layer."""
    targets, masks = torch.as_tensor(targets), torch.as_tensor(masks, dtype=torch.bool)
    n, t = len(x), targets.shape[-1] if targets.dim() == 2 else 0
    if targets.dim() != 2 or t < 2 or len(targets) != n:
        raise ValueError(f"targets must be N x T, T >= 2 classes per picture (N = {n}), got {tuple(targets.shape)}")
    if masks.shape[:2] != (n, t) or masks.shape[2:] != x.shape[2:]:
        raise ValueError(
            f"masks must be N x T x H x W = {(n, t, *x.shape[2:])}, one per class, got {tuple(masks.shape)}"
        )
    if not layers:
        raise ValueError("give at least one layer, e.g. classifier.conv_layers[-1]")
    pairs = [(i, j) for i in range(t) for j in range(i + 1, t)]
    every = x.repeat_interleave(t, dim=0)  # each picture once per class
    grids, maps, correlations, shares = [], [], [], []
    for layer in layers:
        parts = gradcam(classifier, every, target=targets.flatten().tolist(), layer=layer, return_parts=True)
        cams = parts.cam.reshape(n, t, *parts.cam.shape[-2:])
        grids.append(tuple(parts.raw.shape[-2:]))
        maps.append(cams)
        correlations.append(torch.stack([pearson(cams[:, i], cams[:, j]) for i, j in pairs]).mean())
        share = energy_share(cams.flatten(0, 1)[:, None], masks.flatten(0, 1)).reshape(n, t)
        shares.append(share.nanmean(dim=0))
    return LayerChoice(list(layers), grids, torch.stack(maps), torch.stack(correlations), torch.stack(shares))
