"""The robustness experiments of the essay's section 3.5: a photo degraded step by step (noise,
brightness, contrast: :mod:`~xaitutor.methods.degradation`) with, at each step, the prediction and
Grad-CAM for the class now on top and for the class of the clean photo."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..imaging import add_colorbar, overlay, show, to_tensor
from ..models.classifier import require_classifier
from ..resolve import resolve_cam_layer, resolve_count
from ..scores import class_probabilities
from .class_activation_maps import upsampled
from .degradation import DEGRADATIONS
from .driver import forward, target_scores
from .grad_cam import channel_weights, heatmap


@dataclass
class DegradationSeries:
    """One photo degraded at increasing strengths, with what the model saw.

    Attributes:
        kind: ``"noise"``, ``"brightness"`` or ``"contrast"``.
        strengths: the strengths, in order.
        pictures: the degraded pictures, ``S x 3 x H x W`` in [0, 1].
        predictions: for each picture, ``(class index, label, probability)`` of the top class.
        original: the class index the model gives the clean photo.
        top_cams, original_cams: Grad-CAM for the top class and for ``original``, ``S x 1 x h x w``
            on the preprocessed grid.
    """

    kind: str
    strengths: list[float]
    pictures: torch.Tensor
    predictions: list[tuple[int, str, float]]
    original: int
    top_cams: torch.Tensor
    original_cams: torch.Tensor

    def first_flip(self) -> int | None:
        """The position in ``strengths`` of the first picture whose top class is no longer
        ``original`` (``None`` if the label never changes). A later picture may flip back."""
        return next((j for j, (index, _, _) in enumerate(self.predictions) if index != self.original), None)

    def plot(self, labels: list[str], size: float = 2.9, per_row: int = 3):
        """A grid, ``per_row`` strengths side by side and three rows for each: the picture and its
        prediction (in red once the top class is no longer the original one), Grad-CAM for the top
        class, Grad-CAM for the original class. Returns the figure."""
        import matplotlib.pyplot as plt

        blocks = -(-len(self.strengths) // per_row)
        fig, grid = plt.subplots(3 * blocks, per_row, figsize=(size * per_row, size * 2.1 * blocks), squeeze=False)
        for ax in grid.flat:
            ax.axis("off")
        for j, (picture, (index, label, p)) in enumerate(zip(self.pictures, self.predictions)):
            column = grid[3 * (j // per_row) : 3 * (j // per_row) + 3, j % per_row]
            show(picture, f"{self.kind} {self.strengths[j]:g}: {label} ({p:.0%})", ax=column[0])
            column[0].title.set_color("black" if index == self.original else "red")
            show(overlay(picture, self.top_cams[j]), f"Grad-CAM of the top class, {label}", ax=column[1])
            show(
                overlay(picture, self.original_cams[j]), f"of the original class, {labels[self.original]}", ax=column[2]
            )
            for ax in column:
                ax.title.set_fontsize(9)
        fig.tight_layout()
        add_colorbar(fig)  # the maps' scale, once for the grid
        return fig


def degradation_series(
    classifier,
    image,
    kind: str = "noise",
    strengths=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
    layer=None,
    seed: int = 0,
    batch_size: int = 2,
) -> DegradationSeries:
    """Degrade ``image`` at each strength and explain the model's answers with Grad-CAM.

    Args:
        classifier: a ``Classifier`` (its preprocessing is needed).
        image: the photo, anything ``xt.imaging.to_tensor`` reads.
        kind: a key of ``DEGRADATIONS``: ``"noise"`` (the noise's standard deviation,
            0 to 1), ``"brightness"`` (-1 black to 1 white), ``"contrast"`` (0 to 1, flat grey).
        strengths: the strengths, one picture each.
        layer: the Grad-CAM layer (default: the classifier's ``cam_layer``).
        seed: the noise's seed.
        batch_size: pictures per forward pass. A batch's autograd graph stays in memory until
            both its backward passes are done (about 120 MB per 224 x 336 picture on
            efficientnet_lite0), so small batches bound the peak.

    Returns:
        A :class:`DegradationSeries`.
    """
    if kind not in DEGRADATIONS:
        raise ValueError(f"unknown degradation {kind!r}; known: {', '.join(DEGRADATIONS)}")
    require_classifier(classifier, "degradation_series")
    batch_size = resolve_count(batch_size, "batch_size")
    if not len(strengths):
        raise ValueError("strengths must hold at least one strength, e.g. (0.0, 0.1, 0.2)")
    degrade = DEGRADATIONS[kind]
    extra = {"seed": seed} if kind == "noise" else {}
    picture = to_tensor(image)
    pictures = torch.stack([degrade(picture, s, **extra) for s in strengths])
    name = resolve_cam_layer(classifier, layer)
    original = classifier.top_classes(picture, k=1)[0][0]
    chunks = [_explain(classifier, name, chunk, original) for chunk in pictures.split(batch_size)]
    top, probabilities, top_cams, original_cams = (torch.cat(parts) for parts in zip(*chunks))
    predictions = [(int(t), classifier.labels[t], float(p)) for t, p in zip(top, probabilities)]
    return DegradationSeries(kind, list(strengths), pictures, predictions, original, top_cams, original_cams)


def _explain(classifier, name: str, pictures: torch.Tensor, original: int):
    """One forward pass for a batch of pictures, then one backward to the layer per target: the
    class on top and the class of the clean photo. Returns the top classes, their probabilities
    and the two batches of maps, on the CPU; nothing of the graph is kept."""
    with forward(classifier, classifier.preprocess(pictures), layers=[name]) as run:
        activations = run.feature_map(name)
        cams = []
        for targets, retain in ((run.targets, True), (torch.full_like(run.targets, original), False)):
            gradients = run.gradient(activations, of=run.score(targets), retain_graph=retain)
            raw = heatmap(activations.detach(), channel_weights(gradients))  # eq. 3.2, 3.1
            cams.append(upsampled(raw, run.x.shape[-2:]).cpu())
    probabilities = target_scores(class_probabilities(run.outputs.detach(), classifier.outputs), run.targets)
    return run.targets.cpu(), probabilities.cpu(), *cams
