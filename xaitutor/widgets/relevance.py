"""The explorer of chapter 7: pick a photo and a class, and a composite or a rule for each layer
group (the first layer, the convolutions, the linear layers), and see LRP's map. Glue only: the
computing is in :mod:`xaitutor.methods.relevance`."""

from __future__ import annotations

import ipywidgets as widgets

from .. import models
from ..methods.relevance import COMPOSITES, lrp
from ..methods.relevance.composites import GROUPS, RULES
from ..methods.relevance.figures import relevance_picture
from .common import Cache, ClassPicker, FigureOutput, PhotoPicker
from .figures import PictureAndMap

OWN = "rules per layer group"


def relevance_explorer(model="efficientnet_lite0", photo: str = "cat_and_coffee") -> RelevanceExplorer:
    """An explorer of LRP on ``model`` (a ``Classifier`` or a name for ``xt.models.load``), starting
    from the sample ``photo``."""
    return RelevanceExplorer(models.load(model) if isinstance(model, str) else model, photo)


class RelevanceExplorer(widgets.VBox):
    """Controls: photo, class, composite (a named one, or the rules below), a rule for the first
    layer, the convolutions and the linear layers, and the canonizers. ``.figure`` is the figure
    shown (kept and updated), ``.relevance`` the last map; the last few maps are kept."""

    def __init__(self, classifier, photo: str = "cat_and_coffee"):
        self.classifier = classifier
        self.photo = PhotoPicker(photo)
        self.classes = ClassPicker(classifier.labels)
        self.composite = widgets.Dropdown(
            options=[*COMPOSITES, OWN], value="epsilon_plus_flat", description="Composite"
        )
        defaults = {"first": "box", "conv": "gamma", "linear": "epsilon"}
        self.rules = {g: widgets.Dropdown(options=list(RULES), value=defaults[g], description=g) for g in GROUPS}
        self.canonize = widgets.Checkbox(value=True, description="canonize (batch norm, residuals)")
        self.output = FigureOutput(format="jpeg")
        self.panels = PictureAndMap(9, 3.4)
        rules = widgets.HBox(list(self.rules.values()))
        super().__init__([self.photo, self.classes, widgets.HBox([self.composite, self.canonize]), rules, self.output])
        self.figure, self.relevance, self._drawn, self._cache = self.panels.figure, None, None, Cache()
        self.photo.observe(lambda _: self._new_picture(), names="image")
        for control in (self.classes, self.composite, self.canonize, *self.rules.values()):
            control.observe(self._draw, names="value")
        self._new_picture()

    def _new_picture(self) -> None:
        self.x = self.classifier.preprocess(self.photo.image)
        top = self.classifier.top_classes(self.photo.image, k=5)
        self._cache.clear()
        self._drawn = None
        self.panels.picture(self.photo.image, f"prediction: {self.classifier.labels[top[0][0]]} ({top[0][1]:.0%})")
        self.classes.show_top(top)
        self._draw()

    def _key(self):
        own = self.composite.value == OWN
        rules = tuple(self.rules[g].value for g in GROUPS) if own else None
        return self.composite.value, rules, self.canonize.value, self.classes.value

    def _draw(self, *_):
        key = self._key()
        for control in self.rules.values():
            control.disabled = key[1] is None
        if key == self._drawn or key[3] is None:
            return
        composite, rules, canonize, target = key
        if key not in self._cache:
            chosen = dict(zip(GROUPS, rules)) if rules else composite
            self._cache[key] = lrp(self.classifier, self.x, target, composite=chosen, canonize=canonize).detach()
        self.relevance = self._cache[key]
        what = ", ".join(f"{g}: {r}" for g, r in zip(GROUPS, rules)) if rules else composite
        title = f"LRP ({what}) for {self.classifier.labels[target]!r}: red for, blue against"
        self.panels.show_map(relevance_picture(self.relevance), title, kind="colours")
        self._drawn = key
        self.output.draw(self.panels, moving=self.panels.moving)
