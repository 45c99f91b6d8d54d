"""Chapter 7's pictures: a relevance map in red (for the class) and blue (against it), and the total
relevance layer by layer (matplotlib imported inside the functions that draw)."""

from __future__ import annotations

import numpy as np
import torch


def relevance_picture(relevance: torch.Tensor, percentile: float = 99.5) -> torch.Tensor:
    """``N x 3 x H x W`` relevance as ``N x 3 x H x W`` colours in [0, 1]: the sum over the colour
    channels (a pixel's relevance), red where positive, blue where negative, white at 0, each map
    divided by its ``percentile`` of absolute values (clipped at 1), so one value does not grey the
    rest (zennit's ``bwr`` pictures)."""
    from matplotlib import colormaps

    pixels = relevance.detach().float().sum(1)
    top = torch.quantile(pixels.abs().flatten(1), percentile / 100, dim=1).clamp(min=1e-12)
    scaled = (pixels / top[:, None, None]).clamp(-1, 1) * 0.5 + 0.5
    return torch.from_numpy(colormaps["bwr"](scaled.cpu().numpy())[..., :3]).permute(0, 3, 1, 2).float()


def conservation_figure(curves: dict, ax=None):
    """The total relevance at each layer, from the output (left) to the pixels (right), as a share
    of the class score: ``curves`` maps a label to ``(layer names, totals)``. A conserving rule draws
    a flat line at 1. The axis is logarithmic beyond ±0.1 (linear inside), so that a total that
    grows tenfold and one that falls to a hundredth are both seen."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.2))
    for label, (_, totals) in curves.items():
        ax.plot(np.arange(len(totals)), totals, marker="o", markersize=3, label=label)
    names = next(iter(curves.values()))[0]
    ax.set_xticks(np.arange(len(names)), names, rotation=60, ha="right", fontsize=8)
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_yscale("symlog", linthresh=0.1)
    ax.set_ylabel("total relevance / class score")
    ax.legend(fontsize=8, frameon=False)
    ax.figure.tight_layout()
    return ax.figure
