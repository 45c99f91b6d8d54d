"""Pearson's correlation of maps, pair by pair: how alike two batches of maps are, 1 for the same
map (up to scale and offset), 0 for unrelated ones, -1 for one that lights what the other leaves
dark. Chapter 3 reads it between two classes' maps, chapter 9 between a manipulated map and its
target."""

from __future__ import annotations

import torch


def pearson(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pearson's correlation of each pair of maps (``N x ...`` each, flattened after the first
    dimension), ``N`` values in [-1, 1], in float64."""
    a, b = a.detach().double().flatten(1), b.detach().double().flatten(1)
    a, b = a - a.mean(1, keepdim=True), b - b.mean(1, keepdim=True)
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1)).clamp_min(1e-30)
