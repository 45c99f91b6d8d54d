"""The figures of chapter 1: a descent path, a decision boundary, a receptive field. Matplotlib is
imported when a figure is drawn, not before."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .perceptron_learning import perceptron
from .receptive_fields import ReceptiveField


def plot_descent(f: Callable[[torch.Tensor], torch.Tensor], path: torch.Tensor, ax=None, title: str | None = None):
    """Draw a gradient-descent path on ``f``: the curve with the iterates for a 1-D function, the
    contour lines with the zig-zag for a 2-D one. Returns the figure."""
    fig, ax = _figure(ax, (5, 3.4))
    path = path.numpy()
    reach = max(2.0, float(np.abs(path[: min(len(path), 8)]).max()) * 1.1)
    if path.shape[1] == 1:
        grid = np.linspace(-reach, reach, 301)
        curve = torch.vmap(f)(torch.from_numpy(grid)[:, None]).numpy()  # f at every grid point
        ax.plot(grid, curve, color="0.6")
        values = torch.vmap(f)(torch.from_numpy(path)).numpy()
        ax.plot(path[:, 0], values, "-o", color="C1", markersize=4, lw=1)
        ax.plot(path[0, 0], values[0], "s", color="C3", label="start $x_0$")
        margin = 0.05 * (curve.max() - curve.min())
        ax.set(xlim=(-reach, reach), ylim=(curve.min() - margin, curve.max() + margin), xlabel="x", ylabel="f(x)")
    else:
        grid = np.linspace(-reach, reach, 121)
        gx, gy = np.meshgrid(grid, grid)
        points = torch.from_numpy(np.stack([gx, gy], -1).reshape(-1, 2))
        values = torch.vmap(f)(points).reshape(gx.shape).numpy()  # f at every grid point
        levels = values.min() + np.linspace(0, np.sqrt(np.ptp(values)), 15)[1:] ** 2  # evenly spaced in |x|
        ax.contour(gx, gy, values, levels=levels, colors="0.7", linewidths=0.7)
        ax.plot(path[:, 0], path[:, 1], "-o", color="C1", markersize=4, lw=1)
        ax.plot(path[0, 0], path[0, 1], "s", color="C3", label="start $x_0$")
        ax.set(xlim=(-reach, reach), ylim=(-reach, reach), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.legend(loc="upper center", fontsize=8)
    ax.set_title(title or f"{len(path) - 1} steps, last x = {np.array2string(path[-1], precision=3)}", fontsize=9)
    return fig


def plot_decision(
    predict: Callable[[torch.Tensor], torch.Tensor], X, y, lines=(), ax=None, title: str | None = None, line_labels=()
):
    """Draw binary samples (filled: label 1, hollow: label 0), shade where ``predict`` says 1 and
    draw the line ``w_0 + w_1 x_1 + w_2 x_2 = 0`` of each perceptron in ``lines``, with a legend
    under the axes saying which is which.

    Args:
        predict: maps a ``... x 2`` float64 tensor of points to 0/1 (a perceptron, an MLP...).
        X, y: the ``N x 2`` samples and their N labels.
        lines: weight triples ``(w_0, w_1, w_2)`` whose boundaries to draw.
        line_labels: their names in the legend (default: "boundary", or "line 1", "line 2", ...).

    Returns:
        The figure.
    """
    fig, ax = _figure(ax, (3, 3))
    X, y = torch.as_tensor(X).numpy(), torch.as_tensor(y).numpy()
    grid = np.linspace(-0.5, 1.5, 201)
    gx, gy = np.meshgrid(grid, grid)
    with torch.no_grad():
        inside = torch.as_tensor(predict(torch.from_numpy(np.stack([gx, gy], -1)))).double().numpy()
    ax.contourf(gx, gy, inside, levels=[-0.5, 0.5, 1.5], colors=["white", "#cfe3f7"])
    for i, w in enumerate(lines):
        w = [float(v) for v in w]
        if w[1] or w[2]:  # all-zero input weights: no line at all
            ax.contour(gx, gy, w[0] + w[1] * gx + w[2] * gy, levels=[0], colors=f"C{i}")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=80, color="C0", edgecolor="k", label="y = 1", zorder=3)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=80, facecolor="white", edgecolor="k", label="y = 0", zorder=3)
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    if title:
        ax.set_title(title, fontsize=9)
    _decision_legend(ax, len(lines), line_labels)
    return fig


def _decision_legend(ax, lines: int, labels) -> None:
    """The legend of :func:`plot_decision`: the two labels, the shaded region, the lines."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Line2D([], [], ls="", marker="o", ms=7, color="C0", mec="k", label="label 1"),
        Line2D([], [], ls="", marker="o", ms=7, mfc="white", mec="k", label="label 0"),
        Patch(facecolor="#cfe3f7", edgecolor="0.6", label="predicted 1"),
    ]
    labels = list(labels) or (["boundary"] if lines == 1 else [f"line {i + 1}" for i in range(lines)])
    handles += [Line2D([], [], color=f"C{i}", label=label) for i, label in enumerate(labels)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.27), ncol=2, fontsize=7, frameon=False)


def plot_perceptron(weights, X, y, ax=None, title: str | None = None):
    """:func:`plot_decision` for one perceptron: its positive side shaded, its line drawn, the
    weights in the title. Returns the figure."""
    w = torch.as_tensor(weights, dtype=torch.float64)
    return plot_decision(
        lambda points: perceptron(w, points),
        X,
        y,
        lines=[w],
        ax=ax,
        title=title or "w = " + np.array2string(w.numpy(), precision=2),
    )


def plot_receptive_field(field: ReceptiveField, ax=None, title: str | None = None):
    """Show the input gradient of one output pixel with the receptive field's bounding box drawn
    around it. Returns the figure."""
    from matplotlib.patches import Rectangle

    fig, ax = _figure(ax, (3.2, 3.2))
    image = ax.imshow(field.gradient.numpy(), cmap="viridis")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="|gradient|: 0 = no influence")
    rows, cols = torch.nonzero(field.gradient, as_tuple=True)
    h, w = field.size
    ax.add_patch(Rectangle((int(cols.min()) - 0.5, int(rows.min()) - 0.5), w, h, fill=False, color="C3", lw=1.5))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or f"receptive field: {h} x {w}", fontsize=9)
    return fig


def _figure(ax, size):
    """The figure and axes to draw on: ``ax``'s, or a new figure of ``size`` inches."""
    if ax is None:
        import matplotlib.pyplot as plt  # here: importing the package must not load pyplot

        fig, ax = plt.subplots(figsize=size, dpi=90)
        return fig, ax
    return ax.figure, ax
