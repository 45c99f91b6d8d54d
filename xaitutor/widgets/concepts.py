"""The explorer of chapter 8: pick a layer and a unit of a shapes model, see the unit's feature
visualization, its strongest examples among the shapes pictures (its top-quantile mask drawn on
each), and the concept it detects best with its IoU (Network Dissection). Glue only: the methods
are :mod:`xaitutor.concepts`."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch

from .. import concepts, data, imaging, models, objectives
from ..methods.featurevis.loop import visualize
from .common import Cache, FigureOutput
from .figures import Sheet, put, title

EXAMPLES = 5


def concept_explorer(model="shapes_cnn", pictures: int = 200, seed: int = 8, steps: int = 64) -> ConceptExplorer:
    """An explorer of ``model``'s units (a shapes ``Classifier`` or a name for ``xt.models.load``)
    on ``pictures`` shapes pictures drawn with ``seed``; the visualizations take ``steps`` steps."""
    classifier = models.load(model) if isinstance(model, str) else model
    return ConceptExplorer(classifier, data.shapes(pictures, seed=seed), steps)


class ConceptExplorer(widgets.VBox):
    """Controls: the layer (the model's ReLUs) and the unit. ``.examples`` is the last
    :class:`~xaitutor.concepts.DatasetExamples`, ``.best`` the unit's best concept and IoU,
    ``.figure`` the figure shown (one for the explorer's life)."""

    def __init__(self, classifier, dataset, steps: int = 64):
        self.classifier, self.dataset, self.steps = classifier, dataset, steps
        self.pictures = torch.from_numpy(dataset.images).permute(0, 3, 1, 2).float() / 255
        self.x = classifier.preprocess(self.pictures)
        layers = [n for n, m in classifier.model.named_modules() if isinstance(m, torch.nn.ReLU)]
        self.layer = widgets.Dropdown(options=layers, value=layers[-1], description="Layer")
        self.unit = widgets.IntSlider(0, min=0, max=1, description="Unit", continuous_update=False)
        self.status = widgets.Label()
        self.output = FigureOutput()
        self.sheet = Sheet(10, 2.6, 1 + EXAMPLES)
        super().__init__([widgets.HBox([self.layer, self.unit]), self.status, self.output])
        self.figure, self.examples, self.best = self.sheet.figure, None, None
        self._dissections, self._visualizations, self._images, self._masks = Cache(4), Cache(32), None, None
        self.layer.observe(lambda _: self._new_layer(), names="value")
        self.unit.observe(lambda _: self._draw(), names="value")
        self._new_layer()

    def _new_layer(self) -> None:
        name = self.layer.value
        if name not in self._dissections:
            self.status.value = f"dissecting {name}..."
            self._dissections[name] = concepts.dissect(self.classifier, name, self.x, self.dataset.concept_masks)
        self._activations = concepts.layer_activations(self.classifier, self.x, name)
        units = self._activations.shape[1]
        if self.unit.max != units - 1 or self.unit.value >= units:
            self.unit.value = min(self.unit.value, units - 1)  # its observer draws
            self.unit.max = units - 1
        self._draw()

    def _visualization(self, layer: str, unit: int) -> np.ndarray:
        key = (layer, unit)
        if key not in self._visualizations:
            self.status.value = f"visualizing {layer}, unit {unit}..."
            vis = visualize(self.classifier, objectives.channel(layer, unit), size=64, steps=self.steps, progress=False)
            self._visualizations[key] = np.asarray(vis.image)
        return self._visualizations[key]

    def _draw(self) -> None:
        layer, unit = self.layer.value, self.unit.value
        d = self._dissections[layer]
        self.examples = concepts.top_examples(self.classifier, layer, unit, self.x, k=EXAMPLES)
        self.best = d.best()[unit]
        masks = concepts.unit_masks(self._activations[self.examples.indices], d.thresholds, self.x.shape[-2:])
        axes = self.sheet.figure.axes
        self._images = self._images or [None] * len(axes)
        self._images[0] = put(axes[0], self._images[0], self._visualization(layer, unit))
        title(axes[0], "visualization", fontsize=9)
        for k, (i, ax) in enumerate(zip(self.examples.indices.tolist(), axes[1:]), start=1):
            pixels = imaging.to_image(self.pictures[i]).copy()
            pixels[~masks[k - 1, unit].numpy()] *= 0.35  # the unit's mask stays bright
            self._images[k] = put(ax, self._images[k], pixels)
            title(ax, f"{self.dataset.classes[self.dataset.labels[i]]}: {self.examples.activations[k - 1]:.1f}", 9)
        concept, iou = self.best
        verdict = "a detector" if iou > concepts.dissection.BAU_IOU else "no detector"
        self.sheet.figure.suptitle(f"{layer}, unit {unit}: best concept {concept!r}, IoU {iou:.3f} ({verdict})")
        self.status.value = f"{layer} unit {unit}: {concept} (IoU {iou:.3f}); dimmed: outside the unit's top 0.5 %"
        self.sheet.changed()
        self.output.draw(self.sheet)
