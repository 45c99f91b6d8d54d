"""The two diagrams of chapter 1 the essay borrows as pictures, drawn by code: the perceptron
(essay, fig. 1.1, with the notation of eq. 1.4) and the sliding window of a 2-D convolution
(fig. 1.3), with numbers a student can check by hand. Matplotlib is imported when a figure is drawn."""
from __future__ import annotations

import numpy as np
import torch

from .convolution import convolve, cross_correlate
from .perceptron_learning import perceptron

INPUT = torch.tensor([[3, 0, 1, 2, 7], [1, 5, 8, 9, 3], [2, 7, 2, 5, 1], [0, 1, 3, 1, 7], [4, 2, 1, 6, 2]])
KERNEL = torch.tensor([[1, 0, -1], [1, 0, -1], [1, 0, -1]])  # a vertical-edge detector


def perceptron_diagram(weights=None, x=None):
    """The perceptron of essay fig. 1.1: inputs ``x_1 .. x_n`` times weights ``w_1 .. w_n``, plus
    the bias ``w_0`` (a weight on a constant input 1), summed, passed through the step ``sigma``
    (eq. 1.3), giving ``f(x) = sigma(w_0 + sum_i w_i x_i)`` (eq. 1.4).

    With no arguments the diagram is symbolic (``x_1, x_2, ..., x_n``). Given ``weights``
    ``(w_0, w_1, ..., w_n)`` (bias first, as :func:`perceptron`) and one input ``x`` of n values,
    every node shows its number, the sum and the output are computed, and the output is
    :func:`perceptron`'s. Returns the figure.
    """
    import matplotlib.pyplot as plt

    numeric = weights is not None
    if numeric:
        w = torch.as_tensor(weights, dtype=torch.float64)
        x = torch.as_tensor(x, dtype=torch.float64)
        z = float(w[0] + x @ w[1:])
        out = int(perceptron(w, x))
        inputs = ["1"] + [f"{v:g}" for v in x.tolist()]
        names = [""] + [f"$x_{i + 1}$" for i in range(len(x))]
        edges = [f"$w_{i}$ = {v:g}" for i, v in enumerate(w.tolist())]
    else:
        inputs = ["1", "$x_1$", "$x_2$", r"$\vdots$", "$x_n$"]
        edges = ["$w_0$ (bias)", "$w_1$", "$w_2$", "", "$w_n$"]
        names = [""] * len(inputs)
    fig, ax = plt.subplots(figsize=(10, 0.75 * len(inputs) + 2.2), dpi=90)
    ax.set(xlim=(-0.6, 11.6), ylim=(-1.9, len(inputs) - 0.4), aspect="equal")
    ax.axis("off")
    rows = np.arange(len(inputs))[::-1].astype(float)
    centre = (rows.max() + rows.min()) / 2
    arrow = dict(arrowstyle="-|>", color="0.25", lw=1.3, shrinkA=0, shrinkB=0, mutation_scale=14)
    for k, (row, name, label, edge) in enumerate(zip(rows, inputs, names, edges)):
        if name == r"$\vdots$":
            ax.text(0.6, row, name, ha="center", va="center", fontsize=16)
            continue
        bias = k == 0
        ax.add_patch(plt.Circle((0.6, row), 0.38, fc="#fde2c8" if bias else "#d6e6f5", ec="0.2"))
        ax.text(0.6, row, name, ha="center", va="center", fontsize=13)
        ax.text(0.1, row, label, ha="right", va="center", fontsize=13)
        ax.annotate("", (4.45, centre + 0.1 * (row - centre)), (1.0, row), arrowprops=arrow)
        ax.text(2.05, row + 0.3 * (centre - row) + 0.2, edge, fontsize=11, color="C3", ha="left", va="bottom",
                bbox=dict(fc="white", ec="none", pad=0.5))
    ax.add_patch(plt.Circle((5.0, centre), 0.55, fc="#e8e8e8", ec="0.2"))
    ax.text(5.0, centre, r"$\Sigma$", ha="center", va="center", fontsize=20)
    ax.text(5.0, centre - 0.8, "weighted sum", ha="center", va="top", fontsize=10)
    ax.annotate("", (7.05, centre), (5.55, centre), arrowprops=arrow)
    ax.text(6.3, centre + 0.12, f"z = {z:g}" if numeric else "z", ha="center", va="bottom", fontsize=11)
    ax.add_patch(plt.Rectangle((7.05, centre - 0.6), 1.2, 1.2, fc="white", ec="0.2"))
    ax.plot([7.2, 7.65, 7.65, 8.1], [centre - 0.35, centre - 0.35, centre + 0.35, centre + 0.35], color="C0", lw=2)
    ax.text(7.65, centre - 0.8, "step σ (eq. 1.3)\n1 if z ≥ 0, else 0", ha="center", va="top", fontsize=10)
    ax.annotate("", (9.95, centre), (8.25, centre), arrowprops=arrow)
    ax.add_patch(plt.Circle((10.45, centre), 0.5, fc="#d9f0d3", ec="0.2"))
    ax.text(10.45, centre, f"{out}" if numeric else "$f(x)$", ha="center", va="center", fontsize=13)
    ax.text(10.45, centre - 0.75, "output", ha="center", va="top", fontsize=10)
    equation = r"$f(x) = \sigma\left(w_0 + \sum_{i=1}^{n} w_i\, x_i\right)$   (eq. 1.4)"
    if numeric:
        terms = " + ".join(f"{_num(a, True)}·{_num(b, True)}" for a, b in zip(w[1:], x))
        equation += f"\nz = {_num(w[0])} + {terms} = {z:g},   f(x) = σ({z:g}) = {out}"
    ax.text(5.5, -1.2, equation, ha="center", va="center", fontsize=12)
    ax.set_title("the perceptron (essay, fig. 1.1)", fontsize=12)
    return fig


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
            ax.text(c + j + 0.95, -(r + i) - 0.95, f"×{_num(placed[i, j], True)}", ha="right", va="bottom",
                    fontsize=9, color="C3")
    ax.add_patch(plt.Rectangle((c, -r - kh), kw, kh, fill=False, ec="C3", lw=2.5))
    _grid(ax, placed, w + gap, lambda i, j: True, "#fde2c8", top=-(h - kh) / 2)
    _grid(ax, out, right, lambda i, j: (i, j) == (r, c), "#fff2a8", top=-(h - out.shape[0]) / 2)
    for x0, sign in ((w + gap / 2, "⊛"), (w + gap + kw + gap / 2, "=")):
        ax.text(x0, -h / 2, sign, ha="center", va="center", fontsize=22)
    ax.add_patch(plt.Rectangle((right + c, -(h - out.shape[0]) / 2 - r - 1), 1, 1, fill=False, ec="C3", lw=2.5))
    titles = ((w / 2, f"input {h} x {w}"), (w + gap + kw / 2, f"kernel {kh} x {kw}" + (", flipped" if flip else "")),
              (right + out.shape[1] / 2, f"output {out.shape[0]} x {out.shape[1]}"))
    for x0, text in titles:
        ax.text(x0, 0.35, text, ha="center", va="bottom", fontsize=11)
    terms = " + ".join(f"{_num(a)}·{_num(b, True)}" for a, b in zip(x[r:r + kh, c:c + kw].flatten(), placed.flatten()))
    ax.text((right + out.shape[1]) / 2, -h - 0.5, f"output[{r}][{c}] = {terms} = {_num(out[r, c])}",
            ha="center", va="top", fontsize=11)
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
            ax.text(left + j + 0.5, top - i - 0.5, _num(values[i, j]), ha="center", va="center", fontsize=13)


def _num(value, bracket: bool = False) -> str:
    """A number as the diagram writes it: ``3``, ``-1``, ``0.5``; with ``bracket``, a negative
    number in brackets, as in a product ``9·(-1)``."""
    text = f"{float(value):g}"
    return f"({text})" if bracket and text.startswith("-") else text
