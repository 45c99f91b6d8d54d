"""The explorer of chapter 9: pick a photo, an attack and its epsilon, and a method, and see the
attacked picture, the network's answer and the method's map of that answer. Glue only: the
attacks are :mod:`xaitutor.attacks`, the maps :func:`xaitutor.evaluation.explain`."""

from __future__ import annotations

import functools

import ipywidgets as widgets

from .. import imaging, models
from ..attacks import fgsm, pgd
from ..evaluation.maps import explain
from ..methods.protocol import declaration
from .common import Cache, FigureOutput, PhotoPicker
from .figures import PictureAndMap

ATTACKS = {
    "FGSM (1 step)": lambda clf, x, eps: fgsm(clf, x, eps=eps, progress=False),
    "PGD (10 steps)": lambda clf, x, eps: pgd(clf, x, eps=eps, steps=10, step_size=eps / 4, progress=False),
}
METHODS = ("Grad-CAM", "saliency", "guided backprop", "SmoothGrad")


def attack_explorer(model="efficientnet_lite0", photo: str = "chelsea", method: str = "Grad-CAM") -> AttackExplorer:
    """An explorer of the attacks on ``model`` (a ``Classifier`` or a name for ``xt.models.load``),
    starting from the sample ``photo`` and ``method``'s map."""
    return AttackExplorer(models.load(model) if isinstance(model, str) else model, photo, method)


class AttackExplorer(widgets.VBox):
    """Controls: photo, epsilon (in grey levels of an 8-bit picture), attack (untargeted FGSM or
    PGD) and method. ``.attacked`` is the attacked picture (``1 x 3 x H x W`` in [0, 1]),
    ``.answer`` its ``(class index, probability)``, ``.attribution`` the map; ``.figure`` the
    figure shown. The last few attacks and maps are kept."""

    def __init__(self, classifier, photo: str = "chelsea", method: str = "Grad-CAM"):
        self.classifier = classifier
        self.photo = PhotoPicker(photo)
        self.eps = widgets.IntSlider(2, min=0, max=16, description="eps (/255)", continuous_update=False)
        self.attack = widgets.ToggleButtons(options=list(ATTACKS), description="Attack")
        self.method = widgets.Dropdown(options=list(METHODS), value=method, description="Method")
        self.output = FigureOutput(format="jpeg")
        self.panels = PictureAndMap(9, 3.4)
        controls = widgets.HBox([self.eps, self.method])
        super().__init__([self.photo, controls, self.attack, self.output])
        self.figure, self.attacked, self.answer, self.attribution = self.panels.figure, None, None, None
        self._attacks, self._maps, self._drawn = Cache(), Cache(), None
        self.photo.observe(lambda _: self._new_picture(), names="image")
        for control in (self.eps, self.attack, self.method):
            control.observe(self._draw, names="value")
        self._new_picture()

    def _new_picture(self) -> None:
        x = self.classifier.preprocess(self.photo.image)
        self.pixels = imaging.denormalize(x, self.classifier.mean, self.classifier.std)
        self._attacks.clear()
        self._maps.clear()
        self._drawn = None
        self._draw()

    def _draw(self, *_) -> None:
        key = (self.attack.value, self.eps.value, self.method.value)
        if key == self._drawn:
            return
        attack, eps, method = key
        if (attack, eps) not in self._attacks:
            attacked = ATTACKS[attack](self.classifier, self.pixels, eps / 255) if eps else self.pixels
            self._attacks[attack, eps] = attacked, self.classifier.top_classes(attacked, k=1)[0]
        self.attacked, self.answer = self._attacks[attack, eps]
        if key not in self._maps:
            function = declaration(method).quiet
            if method == "SmoothGrad":
                function = functools.partial(function, samples=16)
            self._maps[key] = explain(function, self.classifier, self.attacked, self.answer[0])
        self.attribution = self._maps[key]
        label, p = self.classifier.labels[self.answer[0]], self.answer[1]
        self.panels.picture(self.attacked, f"{attack}, eps = {eps}/255\nthe network says {label} ({p:.0%})")
        self.panels.show_map(self.attribution, f"{method} of {label!r} on the attacked picture")
        self._drawn = key
        self.output.draw(self.panels)
