"""The sliding window of a 2-D convolution (essay, fig. 1.3), drawn by code: an input grid, a
kernel placed on it and the output cell it gives, every number written so that the product-sum can
be checked by hand. Matplotlib is imported when a figure is drawn."""

from __future__ import annotations

import torch

from .convolution import convolve, cross_correlate
from .diagrams import number_text

INPUT = torch.tensor([[3, 0, 1, 2, 7], [1, 5, 8, 9, 3], [2, 7, 2, 5, 1], [0, 1, 3, 1, 7], [4, 2, 1, 6, 2]])
KERNEL = torch.tensor([[1, 0, -1], [1, 0, -1], [1, 0, -1]])  # a vertical-edge detector


def sliding_window_diagram(x=None, kernel=None, at=(1, 1), flip: bool = False):
    """The sliding window of essay fig. 1.3: a small input grid, a 3 x 3 kernel placed on it, and
    the output cell it produces, every number written so that the product-sum can be checked by hand.

    Args:
        x: the input, a 2-D grid of numbers (default: a 5 x 5 grid of small integers).
        kernel: the window (default: a vertical-edge detector, 3 x 3).
        at: ``(row, column)`` of the output cell drawn, i.e. of the window's top-left corner.
        flip: ``False`` (default) slides the kernel as it is, the cross-correlation that CNN
            layers compute; ``True`` flips it first, the convolution of the essay's equation
            (the essay's figure does not show the flip).

    Returns:
        The figure; the whole output grid is drawn, the output cell at ``at`` highlighted.
    """
    import matplotlib.pyplot as plt

    x = torch.as_tensor(INPUT if x is None else x)
    kernel = torch.as_tensor(KERNEL if kernel is None else kernel)
    out = (convolve if flip else cross_correlate)(x, kernel)
    placed = kernel.flip((0, 1)) if flip else kernel  # the weights as they lie on the input
    (r, c), (kh, kw) = at, placed.shape
    if not (0 <= r < out.shape[0] and 0 <= c < out.shape[1]):
        raise ValueError(f"at={at} is outside the {out.shape[0]} x {out.shape[1]} output")
    h, w = x.shape
    fig, ax = plt.subplots(figsize=(11, 4.6), dpi=90)
    ax.axis("off")
    gap, right = 1.6, w + 1.6 + kw + 1.6
    _grid(ax, x, 0, lambda i, j: r <= i < r + kh and c <= j < c + kw, "#fff2a8")
    for i in range(kh):  # the kernel's weight in the corner of each covered cell
        for j in range(kw):
            ax.text(
                c + j + 0.95,
                -(r + i) - 0.95,
                f"×{number_text(placed[i, j], True)}",
                ha="right",
                va="bottom",
                fontsize=9,
                color="C3",
            )
    ax.add_patch(plt.Rectangle((c, -r - kh), kw, kh, fill=False, ec="C3", lw=2.5))
    _grid(ax, placed, w + gap, lambda i, j: True, "#fde2c8", top=-(h - kh) / 2)
    _grid(ax, out, right, lambda i, j: (i, j) == (r, c), "#fff2a8", top=-(h - out.shape[0]) / 2)
    for x0, sign in ((w + gap / 2, "⊛"), (w + gap + kw + gap / 2, "=")):
        ax.text(x0, -h / 2, sign, ha="center", va="center", fontsize=22)
    ax.add_patch(plt.Rectangle((right + c, -(h - out.shape[0]) / 2 - r - 1), 1, 1, fill=False, ec="C3", lw=2.5))
    titles = (
        (w / 2, f"input {h} x {w}"),
        (w + gap + kw / 2, f"kernel {kh} x {kw}" + (", flipped" if flip else "")),
        (right + out.shape[1] / 2, f"output {out.shape[0]} x {out.shape[1]}"),
    )
    for x0, text in titles:
        ax.text(x0, 0.35, text, ha="center", va="bottom", fontsize=11)
    terms = " + ".join(
        f"{number_text(a)}·{number_text(b, True)}"
        for a, b in zip(x[r : r + kh, c : c + kw].flatten(), placed.flatten())
    )
    ax.text(
        (right + out.shape[1]) / 2,
        -h - 0.5,
        f"output[{r}][{c}] = {terms} = {number_text(out[r, c])}",
        ha="center",
        va="top",
        fontsize=11,
    )
    ax.set(xlim=(-0.3, right + out.shape[1] + 0.3), ylim=(-h - 1.9, 1.1), aspect="equal")
    kind = "convolution (kernel flipped)" if flip else "cross-correlation, what a CNN layer computes"
    ax.set_title(f"the sliding window (essay, fig. 1.3): {kind}", fontsize=12)
    return fig


def _grid(ax, values, left, lit, colour, top=0.0):
    """Draw ``values`` as a grid of numbered cells, top-left corner at ``(left, top)``; cells where
    ``lit(i, j)`` get ``colour``."""
    from matplotlib.patches import Rectangle

    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.add_patch(Rectangle((left + j, top - i - 1), 1, 1, fc=colour if lit(i, j) else "white", ec="0.3"))
            ax.text(left + j + 0.5, top - i - 0.5, number_text(values[i, j]), ha="center", va="center", fontsize=13)
