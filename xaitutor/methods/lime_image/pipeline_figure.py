"""LIME's six steps as one figure, drawn from a real explanation (what ``xt.lime`` returns):
segment -> sample -> perturb -> predict -> weigh -> fit (essay, section 2.1 and eq. 2.1; the
essay has no figure of them). Display only: the computing is in the steps' own modules."""

from __future__ import annotations

import numpy as np

from ... import imaging
from ..hidden_superpixels.mixing import perturb

SHOWN = (1, 2, 3)  # the samples followed through the steps (sample 0 is the picture itself)


def plot_lime_pipeline(explanation, samples=SHOWN, rows: int = 8):
    """Draw the steps of one LIME explanation, each panel holding the explanation's own data.

    Args:
        explanation: a :class:`LimeExplanation` (``xt.lime(clf, picture, ...)``).
        samples: the indices of the samples followed through steps 2 to 5, each in its colour.
        rows: how many on/off rows step 2 shows.

    Returns:
        The figure: (1) the superpixels, numbered; (2) the first ``rows`` on/off vectors ``z'``;
        (3) the pictures ``z`` of the followed samples; (4) the classifier's probability ``f(z)``
        of every sample; (5) each sample's weight ``pi_x(z)`` against its distance; (6) the
        fitted surrogate's weights painted on their superpixels, with its R^2.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from skimage.segmentation import mark_boundaries

    e, samples = explanation, list(samples)
    segments = e.segments.numpy()
    picture = imaging.to_image(e.picture)
    F, shown = e.num_superpixels, e.samples.sum(1)
    colours = {s: f"C{i + 1}" for i, s in enumerate(samples)}
    fig = plt.figure(figsize=(12, 7.6), dpi=90)
    fig.suptitle(f"LIME step by step: why '{e.label}'? ({e.num_samples} samples, {F} superpixels)", fontsize=13)
    boxes = [[0.06 + 0.315 * col, 0.57 - 0.49 * row, 0.22, 0.31] for row in (0, 1) for col in (0, 1, 2)]
    ax = fig.add_axes(boxes[0])
    ax.imshow(mark_boundaries(picture, segments, color=(1, 1, 0)))
    for i in range(F):  # each superpixel's number at its centre
        r, c = np.argwhere(segments == i).mean(0)
        ax.text(c, r, str(i), ha="center", va="center", fontsize=7, color="white", weight="bold")
    ax.set_title(f"1. segment: {F} superpixels", fontsize=10)
    ax.axis("off")
    ax = fig.add_axes(boxes[1])
    ax.imshow(e.samples[:rows], cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for s in samples:
        if s < rows:
            ax.add_patch(Rectangle((-0.5, s - 0.5), F, 1, fill=False, ec=colours[s], lw=2.5))
    ax.set(
        xlabel="superpixel i",
        ylabel="sample n",
        yticks=range(min(rows, e.num_samples)),
        xticks=range(0, F, 1 if F <= 12 else 2),
    )
    ax.tick_params(labelsize=8)
    ax.set_title("2. sample: random on/off rows $z'$\n(white: shown; row 0: the picture itself)", fontsize=10)
    left, bottom, width, height = boxes[2]
    pictures = list(perturb(e.picture, e.hidden, e.segments, e.samples[samples])) + [e.hidden]
    titles = [f"sample {s}\n{shown[s]} of {F} shown" for s in samples] + ["all hidden:\nwhat 'off' shows"]
    cols = 2 if len(pictures) > 2 else len(pictures)
    grid = -(-len(pictures) // cols)
    for j, (z, title) in enumerate(zip(pictures, titles)):
        r, c = divmod(j, cols)
        tile = fig.add_axes(
            [left + c * width / cols, bottom + (grid - 1 - r) * height / grid, width / cols * 0.95, height / grid * 0.7]
        )
        tile.imshow(imaging.to_image(z))
        tile.set_title(title, fontsize=8, color=colours.get(samples[j] if j < len(samples) else None, "k"))
        tile.set_xticks([])
        tile.set_yticks([])
        for spine in tile.spines.values():
            spine.set(color=colours[samples[j]], lw=2.5) if j < len(samples) else None
    fig.text(
        left + width / 2,
        bottom + height + 0.035,
        "3. perturb: hide the superpixels that are off",
        ha="center",
        fontsize=10,
    )
    plots = [
        (
            boxes[3],
            shown,
            e.predictions,
            "superpixels shown",
            f"f(z): p('{e.label}')",
            f"4. predict: the classifier on each of the {e.num_samples} z",
        ),
        (
            boxes[4],
            e.distances,
            e.sample_weights,
            "cosine distance d(x, z)",
            r"weight $\pi_x(z)$",
            r"5. weigh: $\pi_x(z) = \sqrt{\exp(-d^2 / \sigma^2)}$",
        ),
    ]
    for box, x, y, xlabel, ylabel, title in plots:
        ax = fig.add_axes(box)
        ax.scatter(x, y, s=10, color="0.6", label="every sample")
        ax.scatter(x[0], y[0], s=60, marker="*", color="k", label="0: the picture", zorder=3)
        for s in samples:
            ax.scatter(x[s], y[s], s=45, color=colours[s], edgecolor="k", zorder=3)
        ax.set(xlabel=xlabel, ylabel=ylabel)
        ax.tick_params(labelsize=8)
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    ax = fig.add_axes(boxes[5])
    painted = e.weights[segments]
    limit = float(np.abs(e.weights).max()) or 1.0
    ax.imshow(picture)
    heat = ax.imshow(painted, cmap="RdBu_r", vmin=-limit, vmax=limit, alpha=0.7)
    bar = fig.colorbar(heat, cax=fig.add_axes([boxes[5][0] + boxes[5][2] + 0.006, boxes[5][1] + 0.02, 0.01, 0.27]))
    bar.solids.set_alpha(1)
    bar.ax.tick_params(labelsize=8)
    bar.set_label("weight $w_i$: red for, blue against", fontsize=8)
    ax.set_title(
        f"6. fit: weighted ridge $g(z') = w_0 + \\Sigma_i\\, w_i z'_i$\nR² = {e.score:.2f} (fidelity on the samples)",
        fontsize=10,
    )
    ax.axis("off")
    _arrows(fig, boxes)
    return fig


def _arrows(fig, boxes):
    """An arrow from each panel to the next, and from the first row's end to the second's start."""
    from matplotlib.patches import FancyArrowPatch

    style = dict(transform=fig.transFigure, arrowstyle="-|>", mutation_scale=18, color="0.3", lw=1.5)
    for a, b in ((0, 1), (1, 2), (3, 4), (4, 5)):
        y = boxes[a][1] + boxes[a][3] / 2
        fig.patches.append(FancyArrowPatch((boxes[a][0] + boxes[a][2] + 0.012, y), (boxes[b][0] - 0.045, y), **style))
    start = (boxes[2][0] + boxes[2][2] / 2, boxes[2][1] - 0.03)
    fig.patches.append(
        FancyArrowPatch(
            start,
            (boxes[3][0] + boxes[3][2] / 2, boxes[3][1] + boxes[3][3] + 0.07),
            connectionstyle="arc3,rad=-0.05",
            **style,
        )
    )
