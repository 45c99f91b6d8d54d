"""The explorer of chapter 6: every method of the course on one photo, for any class, with the
number of passes of the methods that run many (integrated gradients' steps, SmoothGrad's samples,
LIME's and Kernel SHAP's samples, RISE's masks), and what each explanation cost. Glue only: the
methods are :mod:`xaitutor.methods`, their settings :mod:`xaitutor.evaluation.contenders`."""

from __future__ import annotations

import time

import ipywidgets as widgets

from .. import imaging, models
from ..evaluation.contenders import CONTENDERS, contender
from ..hooks import counting
from .common import Cache, ClassPicker, FigureOutput, PhotoPicker
from .figures import PictureAndMap

# passes argument -> (min, max, step) of its slider
PASSES = {"steps": (4, 128, 4), "samples": (4, 128, 4), "num_samples": (50, 2000, 50), "num_masks": (100, 4000, 100)}


def toolbox_explorer(
    model="efficientnet_lite0", photo: str = "cat_and_coffee", method: str = "integrated gradients"
) -> ToolboxExplorer:
    """An explorer of every method of the course on ``model`` (a ``Classifier`` or a name for
    ``xt.models.load``), starting from the sample ``photo`` and ``method``."""
    classifier = models.load(model) if isinstance(model, str) else model
    return ToolboxExplorer(classifier, photo, method)


class ToolboxExplorer(widgets.VBox):
    """Controls: photo (samples or an upload), class (top-5 or a search), method (chapters 2, 3
    and 6) and its number of passes. Each change computes one map (the last few are kept while
    the picture stays) and says its cost: pictures through the network and seconds.
    ``.attribution`` is the last map (``1 x 1 x H x W``), ``.cost`` its ``(pictures, seconds)``,
    ``.figure`` the figure shown (one for the explorer's life, updated at each redraw)."""

    def __init__(self, classifier, photo: str = "cat_and_coffee", method: str = "integrated gradients"):
        self.classifier = classifier
        self.photo = PhotoPicker(photo)
        self.classes = ClassPicker(classifier.labels)
        names = [c.name for c in CONTENDERS]
        self.method = widgets.Dropdown(
            options=[(f"{c.name} (ch. {c.chapter})", c.name) for c in CONTENDERS],
            value=contender(method).name if method in names else names[0],
            description="Method",
        )
        self.passes = widgets.IntSlider(32, min=4, max=128, step=4, description="Passes", continuous_update=False)
        self.status = widgets.Label()
        self.output = FigureOutput(format="jpeg")
        self.panels = PictureAndMap(10, 3.2)
        super().__init__([self.photo, self.classes, widgets.HBox([self.method, self.passes]), self.status, self.output])
        self.attribution, self.cost, self.figure, self._drawn = None, None, self.panels.figure, None
        self._cache, self._choosing = Cache(), False
        self._set_passes()
        self.photo.observe(lambda _: self._new_picture(), names="image")
        self.classes.observe(self._draw, names="value")
        self.method.observe(lambda _: (self._set_passes(), self._draw()), names="value")
        self.passes.observe(self._draw, names="value")
        self._new_picture()

    def _set_passes(self) -> None:
        """The slider of the method's passes, at the method's own setting; off for one-pass methods."""
        entry = contender(self.method.value)
        self._choosing = True
        try:
            if entry.passes is None:
                self.passes.disabled = True
            else:
                low, high, step = PASSES[entry.passes]
                self.passes.min, self.passes.max, self.passes.step = low, high, step
                self.passes.value = entry.photo.get(entry.passes, low)
                self.passes.disabled = False
        finally:
            self._choosing = False

    def _new_picture(self) -> None:
        self.picture = imaging.to_tensor(self.photo.image)
        self.x = self.classifier.preprocess(self.picture)
        self.pixels = imaging.denormalize(self.x, self.classifier.mean, self.classifier.std)[0].cpu()
        self.panels.picture(self.pixels, "the picture, as the model sees it")
        self._cache.clear()
        self._drawn = None
        self._choosing = True
        try:
            self.classes.show_top(self.classifier.top_classes(self.picture, k=5))
        finally:
            self._choosing = False
        self._draw()

    def _key(self):
        entry = contender(self.method.value)
        return entry.name, self.classes.value, None if entry.passes is None else self.passes.value

    def _draw(self, *_):
        key = self._key()
        if self._choosing or key == self._drawn or key[1] is None:
            return
        if key not in self._cache:
            self.status.value = f"computing {key[0]}..."
            self._cache[key] = self._explain(*key)
        self.attribution, self.cost = self._cache[key]
        self.status.value = f"{key[0]}: {self.cost[0]} pictures through the network, {self.cost[1]:.2f} s"
        self.panels.show_map(self.attribution, f"{key[0]} for {self.classifier.labels[key[1]]!r}")
        self._drawn = key
        self.output.draw(self.panels, moving=self.panels.moving)

    def _explain(self, name: str, target: int, passes):
        entry = contender(name)
        options = dict(entry.photo, **({} if passes is None else {entry.passes: passes}))
        with counting(self.classifier) as count:
            start = time.perf_counter()
            if entry.starts_from_picture:
                result = entry.quiet(self.classifier, self.pixels, target=target, **options).map()
            else:
                result = entry.quiet(self.classifier, self.x, target=target, **options)
            seconds = time.perf_counter() - start
        return imaging.to_map(result.detach().float().cpu()), (count.pictures, seconds)
