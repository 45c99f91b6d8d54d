"""The Grad-CAM pipeline as one figure, drawn from the tensors of a real pass
(``xt.gradcam(..., return_parts=True)``): activations -> channel weights (essay, eq. 3.2) ->
weighted sum -> ReLU (eq. 3.1) -> upsampled heatmap, the steps of essay section 3.1 (the essay
shows only their results, figs. 3.1 to 3.4). Display only: the computing is in :mod:`.grad_cam`."""

from __future__ import annotations

from ..imaging import to_image


def plot_gradcam_pipeline(parts, picture, labels=None, index: int = 0, channels: int = 4):
    """Draw the steps of one Grad-CAM, each panel holding the very tensors ``parts`` holds.

    Args:
        parts: what ``xt.gradcam(clf, x, return_parts=True)`` returns.
        picture: the picture the model saw (e.g. ``pictures[0]``), anything ``xt.imaging.to_image``
            reads; it is drawn under the heatmap, stretched to the heatmap's grid.
        labels: the class names (``clf.labels``), to name the class explained.
        index: which image of the batch to draw.
        channels: how many feature maps to show, those that add most to the weighted sum.

    Returns:
        The figure: (1) the picture, (2) the ``channels`` maps ``A^k`` of the layer, (3) all
        weights ``alpha_k^c`` (eq. 3.2), (4) ``sum_k alpha_k^c A^k``, (5) its ReLU (eq. 3.1),
        ``parts.raw``, (6) ``parts.cam``, upsampled to the input's size, over the picture.
    """
    import matplotlib.pyplot as plt

    A, alpha = parts.activations[index].float(), parts.weights[index].float()
    weighted = (alpha[:, None, None] * A).sum(0)
    raw, cam = parts.raw[index, 0], parts.cam[index, 0]
    share = (alpha[:, None, None] * A).sum((1, 2))  # what each channel adds to the sum
    shown = share.topk(min(channels, len(alpha))).indices.tolist()
    target = int(parts.targets[index])
    name = f"'{labels[target]}'" if labels is not None else f"class {target}"
    K, (h, w), (H, W) = len(alpha), A.shape[-2:], cam.shape
    fig = plt.figure(figsize=(12, 7.6), dpi=90)
    fig.suptitle(f"Grad-CAM step by step: why {name}? (layer {parts.layer})", fontsize=13)
    boxes = [[0.02 + 0.335 * col, 0.57 - 0.52 * row, 0.22, 0.31] for row in (0, 1) for col in (0, 1, 2)]
    extent = (0, W, H, 0)
    ax = fig.add_axes(boxes[0])
    ax.imshow(to_image(picture), extent=extent)
    ax.set_title(f"1. the picture, {H} x {W}", fontsize=10)
    ax.axis("off")
    left, bottom, width, height = boxes[1]
    top = float(A[shown].max())
    tiles = []
    for i, k in enumerate(shown):  # a 2 x 2 (or 1 x n) block of feature maps on one colour scale
        cols = 2 if len(shown) > 2 else len(shown)
        r, c = divmod(i, cols)
        rows = -(-len(shown) // cols)
        tile = fig.add_axes(
            [left + c * width / cols, bottom + (rows - 1 - r) * height / rows, width / cols * 0.94, height / rows * 0.8]
        )
        tiles.append(tile.imshow(A[k].numpy(), cmap="viridis", vmin=0 if A.min() >= 0 else None, vmax=top))
        tile.set_title(f"$A^{{{k}}}$, α = {alpha[k]:.2g}", fontsize=9)
        tile.axis("off")
    _bar(fig, boxes[1], tiles[0], "activation")
    fig.text(
        left + width / 2,
        bottom + height + 0.035,
        f"2. feature maps $A^k$: {len(shown)} of {K}, {h} x {w}",
        ha="center",
        fontsize=10,
    )
    ax = fig.add_axes(boxes[2])
    ax.plot(range(K), alpha.numpy(), color="0.5", lw=0.6)
    ax.plot(shown, alpha[shown].numpy(), "o", color="C3", ms=5, label="the maps of step 2")
    ax.axhline(0, color="k", lw=0.6)
    ax.set(xlabel="channel k", xlim=(0, K - 1))
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(r"3. weights $\alpha_k^c$: the mean of $\partial y^c / \partial A^k$ (eq. 3.2)", fontsize=10)
    limit = float(weighted.abs().max()) or 1.0
    negative = int((weighted < 0).sum())
    for box, data, title, style, label in (
        (
            boxes[3],
            weighted,
            r"4. weighted sum $\Sigma_k\, \alpha_k^c A^k$" + f", {h} x {w}",
            dict(cmap="RdBu_r", vmin=-limit, vmax=limit),
            "red: for, blue: against",
        ),
        (
            boxes[4],
            raw,
            r"5. ReLU (eq. 3.1): $H = \max(0, \Sigma_k\, \alpha_k^c A^k)$"
            + f"\n{negative} of {h * w} cells were < 0, now 0",
            dict(cmap="viridis", vmin=0),
            "H",
        ),
    ):
        ax = fig.add_axes(box)
        _bar(fig, box, ax.imshow(data.numpy(), **style), label)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    ax = fig.add_axes(boxes[5])
    ax.imshow(to_image(picture), extent=extent)
    heat = ax.imshow(cam.numpy(), cmap="viridis", alpha=0.5, extent=extent)
    _bar(fig, boxes[5], heat, "Grad-CAM, scaled to [0, 1]").solids.set_alpha(1)
    ax.set_title(f"6. upsampled to {H} x {W}", fontsize=10)
    ax.axis("off")
    _arrows(fig, boxes)
    return fig


def _arrows(fig, boxes):
    """An arrow from each panel to the next: along the rows, and from the end of the first row
    down to the start of the second."""
    from matplotlib.patches import FancyArrowPatch

    style = dict(transform=fig.transFigure, arrowstyle="-|>", mutation_scale=18, color="0.3", lw=1.5)
    for a, b in ((0, 1), (1, 2), (3, 4), (4, 5)):
        y = boxes[a][1] + boxes[a][3] / 2
        end = boxes[b][0] - (0.045 if b == 2 else 0.008)  # panel 3 has tick labels on its left
        fig.patches.append(FancyArrowPatch((boxes[a][0] + boxes[a][2] + 0.07, y), (end, y), **style))
    start = (boxes[2][0] + boxes[2][2] / 2, boxes[2][1] - 0.065)
    fig.patches.append(
        FancyArrowPatch(
            start,
            (boxes[3][0] + boxes[3][2] / 2, boxes[3][1] + boxes[3][3] + 0.07),
            connectionstyle="arc3,rad=-0.05",
            **style,
        )
    )


def _bar(fig, box, mappable, label: str):
    """A colour bar just right of the panel at ``box`` (figure coordinates), labelled."""
    left, bottom, width, height = box
    bar = fig.colorbar(mappable, cax=fig.add_axes([left + width + 0.006, bottom + 0.02, 0.01, height - 0.04]))
    bar.ax.tick_params(labelsize=8)
    bar.set_label(label, fontsize=8)
    return bar
