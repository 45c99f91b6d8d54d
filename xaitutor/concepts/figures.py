"""The chapter's figures: concept pictures, a unit's dataset examples beside its visualization,
the dissection's detectors per network, TCAV's test against random vectors, and the factorised
parts over the pictures. Each returns its figure (pyplot only makes it; nothing is shown)."""

from __future__ import annotations

import numpy as np
import torch

from .. import imaging


def _grid(rows: int, cols: int, size: float = 1.6, aspect: float = 1.0):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(size * aspect * cols, size * rows + 0.3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, axes


def show_concepts(pictures: dict) -> object:
    """One column per concept (name -> ``n x 3 x H x W`` in [0, 1]), its pictures below its name."""
    n = max(len(p) for p in pictures.values())
    fig, axes = _grid(n, len(pictures), size=1.1)
    for j, (name, batch) in enumerate(pictures.items()):
        axes[0, j].set_title(name.replace(" ", "\n", 1), fontsize=8)
        for i, picture in enumerate(batch):
            axes[i, j].imshow(imaging.to_image(picture))
    fig.tight_layout()
    return fig


def show_examples(examples, pictures: torch.Tensor, visualization=None, title: str = "") -> object:
    """A unit's dataset examples (:class:`DatasetExamples`, patches of ``pictures`` in [0, 1]),
    after its feature visualization (an ``H x W x 3`` picture) when one is given."""
    patches = examples.patches(pictures)
    extra = visualization is not None
    fig, axes = _grid(1, len(patches) + extra, size=1.5)
    if extra:
        axes[0, 0].imshow(np.asarray(visualization))
        axes[0, 0].set_title("visualization", fontsize=8)
    for ax, patch, value in zip(axes[0, extra:], patches, examples.activations.tolist()):
        ax.imshow(imaging.to_image(patch))
        ax.set_title(f"{value:.1f}", fontsize=8)
    fig.suptitle(title or f"{examples.layer}, unit {examples.unit}: strongest examples", fontsize=10)
    fig.tight_layout()
    return fig


def show_detectors(dissections: dict, threshold: float = 0.04) -> object:
    """For each network (name -> :class:`Dissection`), how many units detect each concept family."""
    import matplotlib.pyplot as plt

    from ..data.shapes import CLASSES, COLOURS, HUES

    families = {
        "shape": CLASSES,
        "object / background": ["object", "background"],
        "object colour": COLOURS,
        "background hue": HUES,
        "texture": ["stripes", "dots"],
    }
    fig, ax = plt.subplots(figsize=(9, 3))
    width = 0.8 / len(dissections)
    for i, (name, d) in enumerate(dissections.items()):
        found = list(d.detectors(threshold).values())
        counts = [sum(found.count(c) for c in members) for members in families.values()]
        ax.bar(np.arange(len(families)) + i * width, counts, width, label=name)
    ax.set_xticks(np.arange(len(families)) + 0.4 - width / 2, list(families))
    ax.set(ylabel=f"units with IoU > {threshold}", title="detectors by concept family")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def show_tcav(tests: dict, ax=None) -> object:
    """TCAV's test, one row per test (label -> :class:`ConceptTest`): the random vectors' scores
    (grey dots) and the concept's (coloured), with the p-value."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * len(tests))) if ax is None else (ax.figure, ax)
    jitter = np.random.default_rng(0)
    for row, test in enumerate(tests.values()):
        for scores, colour in ((test.random_scores, "grey"), (test.scores, "tab:red" if test.significant() else "C0")):
            y = row + jitter.uniform(-0.15, 0.15, len(scores))
            ax.scatter(scores.numpy(), y, s=12, color=colour, alpha=0.6)
        ax.text(1.04, row, f"p = {test.p_value:.1g}", va="center", fontsize=8)
    ax.set_yticks(range(len(tests)), list(tests), fontsize=8)
    ax.set(xlim=(-0.02, 1.02), xlabel="TCAV score (grey: random vectors; red: concept, significant at 0.05)")
    ax.invert_yaxis()
    fig.tight_layout()
    return fig


def show_parts(factorization, pictures: torch.Tensor, count: int = 4) -> object:
    """The first ``count`` pictures (in [0, 1]) and, below each, its pixels coloured by their
    strongest part (:meth:`Factorization.segments`)."""
    import matplotlib.pyplot as plt

    count = min(count, len(pictures))
    parts = factorization.maps.shape[1]
    colours = plt.get_cmap("tab10")(np.arange(parts))[:, :3]
    segments = factorization.segments()
    fig, axes = _grid(2, count, size=2.2, aspect=pictures.shape[-1] / pictures.shape[-2])
    for j in range(count):
        picture = imaging.to_image(pictures[j])
        axes[0, j].imshow(picture)
        axes[1, j].imshow(0.45 * picture / max(picture.max(), 1) + 0.55 * colours[segments[j].numpy()])
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    fig.legend(handles, [f"part {k}" for k in range(parts)], loc="lower center", ncol=parts, fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
