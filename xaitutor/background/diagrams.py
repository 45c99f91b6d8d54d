"""The perceptron of chapter 1 the essay borrows as a picture (fig. 1.1, with the notation of
eq. 1.4), drawn by code with numbers a student can check by hand, and how the chapter's diagrams
write a number. Matplotlib is imported when a figure is drawn."""

from __future__ import annotations

import numpy as np
import torch

from .perceptron_learning import perceptron


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
        ax.text(
            2.05,
            row + 0.3 * (centre - row) + 0.2,
            edge,
            fontsize=11,
            color="C3",
            ha="left",
            va="bottom",
            bbox=dict(fc="white", ec="none", pad=0.5),
        )
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
        terms = " + ".join(f"{number_text(a, True)}·{number_text(b, True)}" for a, b in zip(w[1:], x))
        equation += f"\nz = {number_text(w[0])} + {terms} = {z:g},   f(x) = σ({z:g}) = {out}"
    ax.text(5.5, -1.2, equation, ha="center", va="center", fontsize=12)
    ax.set_title("the perceptron (essay, fig. 1.1)", fontsize=12)
    return fig


def number_text(value, bracket: bool = False) -> str:
    """A number as the diagram writes it: ``3``, ``-1``, ``0.5``; with ``bracket``, a negative
    number in brackets, as in a product ``9·(-1)``."""
    text = f"{float(value):g}"
    return f"({text})" if bracket and text.startswith("-") else text
