"""Chapter 4's figures: runs with their objectives (one axis each), grids of pictures with what
two models think of them, where a step keeps its power, and the sigmoid. Drawing only."""

from __future__ import annotations

import numpy as np
import torch

from ... import imaging
from .images import SATURATION
from .result import probabilities
from .spectra import power_below


def opinions(model, judge, pictures, classes, names) -> list[str]:
    """Each name with the probability ``model``, and ``judge`` (the second opinion), give its class."""
    own, second = probabilities(model, pictures, classes), probabilities(judge, pictures, classes)
    short = judge.name.replace("efficientnet_", "")
    return [f"{name}\n{model.name}: {p:.2f}, {short}: {q:.2f}" for name, p, q in zip(names, own, second)]


def show_run(vis, titles, title: str, octaves: int = 1):
    """The pictures of a run, then each picture's objective against the step on an axis of its own
    (a mean of squared activations and a logit have different units); dashed lines: new octaves."""
    import matplotlib.pyplot as plt

    pictures = vis.image if vis.image.ndim == 4 else vis.image[None]
    curves = vis.history if vis.history.ndim == 2 else vis.history[None]
    n = len(pictures)
    fig, axes = plt.subplots(1, 2 * n, figsize=(3.6 * 2 * n, 3.6), gridspec_kw={"width_ratios": [1] * n + [1.25] * n})
    for ax, picture, name in zip(axes, pictures, titles):
        imaging.show(picture, name, ax=ax)
    every = curves.shape[1] // octaves
    for ax, curve, name in zip(axes[n:], curves, vis.names):
        ax.plot(np.arange(1, len(curve) + 1), curve)
        for step in range(every, len(curve), every):
            ax.axvline(step + 0.5, color="grey", linestyle="--", linewidth=0.8)
        ax.set(xlabel="step", title=name, ylabel="logit" if name.startswith("class") else "mean squared activation")
        ax.title.set_fontsize(9)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.93))  # room for the title
    return fig


def show_grid(pictures, titles, cols: int, size: float = 2.4, row_labels=None):
    """Pictures in a grid of ``cols`` columns, a title each (``None`` for a picture: an empty place);
    ``row_labels`` name the rows at the left."""
    import matplotlib.pyplot as plt

    rows = -(-len(pictures) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, (size + 0.45) * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, picture, title in zip(axes.flat, pictures, titles):
        if picture is not None:
            imaging.show(picture, title, ax=ax)
    for row, label in enumerate(row_labels or []):
        axes[row, 0].axis("on")
        axes[row, 0].set(xticks=[], yticks=[])
        axes[row, 0].set_ylabel(label, fontsize=9)
    fig.tight_layout()
    return fig


def show_power_below(things: dict, cutoff: float = 0.05):
    """For each named ``1 x 3 x H x W`` tensor, the share of its power below each frequency (a
    cumulative curve, 0 to 1); the dotted line marks ``cutoff``. Returns the figure and the share
    of each below ``cutoff``."""
    import matplotlib.pyplot as plt

    grid = torch.linspace(0.0025, 0.71, 284)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    below = {}
    for name, x in things.items():
        ax.plot(grid, power_below(x, grid), label=name)
        below[name] = float(power_below(x, [cutoff])[0])
    ax.axvline(cutoff, color="grey", linestyle=":", linewidth=1)
    ax.set(xscale="log", xlabel="frequency f (cycles per pixel)", ylim=(0, 1.02))
    ax.set_ylabel("share of the power below f")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig, below


def show_sigmoid():
    """The sigmoid, with and without lucid's division by ``SATURATION``, against a clamp to [0, 1]."""
    import matplotlib.pyplot as plt

    v = torch.linspace(-12, 12, 241)
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.plot(v, (v + 0.5).clamp(0, 1), label="clamp(v + 0.5, 0, 1): gradient 0 outside")
    ax.plot(v, torch.sigmoid(v), label="sigmoid(v)")
    ax.plot(v, torch.sigmoid(v / SATURATION), label=f"sigmoid(v / {SATURATION:g}): lucid's")
    ax.set(xlabel="v, a value of the picture before the sigmoid", ylabel="pixel value")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig
