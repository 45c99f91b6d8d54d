"""The explorer of chapter 3: pick a photo, degrade it, and watch Grad-CAM, guided
backpropagation, Guided Grad-CAM and saliency for any class and layer. Glue only: the computing is
in :mod:`xaitutor.methods` and :mod:`xaitutor.imaging`."""

from __future__ import annotations

import ipywidgets as widgets

from .. import imaging, models
from ..methods import gradcam, guided_backprop, guided_gradcam, saliency
from ..methods.degradation import add_noise, change_brightness, change_contrast
from .common import Cache, ClassPicker, FigureOutput, PhotoPicker
from .figures import PictureAndMap

# name -> (method, whether it uses the layer)
METHODS = {
    "Grad-CAM": (gradcam, True),
    "Guided backprop": (guided_backprop, False),
    "Guided Grad-CAM": (guided_gradcam, True),
    "Saliency": (saliency, False),
}


def gradcam_explorer(model="efficientnet_lite0", photo: str = "chelsea") -> GradCamExplorer:
    """An explorer of the chapter's methods on ``model`` (a ``Classifier`` or a name for
    ``xt.models.load``), starting from the sample ``photo``."""
    classifier = models.load(model) if isinstance(model, str) else model
    return GradCamExplorer(classifier, photo)


class GradCamExplorer(widgets.VBox):
    """Controls: photo (samples or an upload), layer, class (top-5 or a search), method, and the
    noise, brightness and contrast degradations (section 3.5). A change recomputes only what
    depends on it: a new picture re-predicts, a new class, layer or method recomputes one map
    (the last few are kept while the picture stays), and a layer change under a method without a layer
    draws nothing. ``.figure`` is the figure shown (one for the explorer's life, updated at each
    redraw), ``.attribution`` the last map."""

    def __init__(self, classifier, photo: str = "chelsea"):
        self.classifier = classifier
        self.photo = PhotoPicker(photo)
        layers = [classifier.cam_layer] + [n for n in reversed(classifier.conv_layers) if n != classifier.cam_layer]
        self.layer = widgets.Dropdown(options=layers, value=classifier.cam_layer, description="Layer")
        self.classes = ClassPicker(classifier.labels)
        self.method = widgets.ToggleButtons(options=list(METHODS), description="Method")
        slider = dict(continuous_update=False, readout_format=".2f")
        self.noise = widgets.FloatSlider(0.0, min=0.0, max=0.5, step=0.05, description="Noise", **slider)
        self.brightness = widgets.FloatSlider(0.0, min=-0.9, max=0.9, step=0.1, description="Brightness", **slider)
        self.contrast = widgets.FloatSlider(0.0, min=0.0, max=0.95, step=0.05, description="Contrast", **slider)
        self.output = FigureOutput(format="jpeg")
        self.panels = PictureAndMap(9, 3.4)
        super().__init__(
            [
                self.photo,
                widgets.HBox([self.noise, self.brightness, self.contrast]),
                self.classes,
                widgets.HBox([self.method, self.layer]),
                self.output,
            ]
        )
        self.figure, self.attribution, self._drawn = self.panels.figure, None, None
        self._cache = Cache()
        self._choosing = False
        self.photo.observe(lambda _: self._new_picture(keep_class=False), names="image")
        for slider_ in (self.noise, self.brightness, self.contrast):
            slider_.observe(lambda _: self._new_picture(keep_class=True), names="value")
        self.classes.observe(self._draw, names="value")
        self.method.observe(self._draw, names="value")
        self.layer.observe(self._draw, names="value")
        self._new_picture(keep_class=False)

    def _new_picture(self, keep_class: bool) -> None:
        """Degrade the photo, predict, offer the top-5; keep the chosen class under degradation."""
        picture = imaging.to_tensor(self.photo.image)
        picture = add_noise(picture, self.noise.value, seed=0)
        picture = change_brightness(picture, self.brightness.value)
        self.picture = change_contrast(picture, self.contrast.value)
        self.x = self.classifier.preprocess(self.picture)
        self.top = self.classifier.top_classes(self.picture, k=5)
        self._cache.clear()
        self._drawn = None
        top, p = self.top[0]
        self.panels.picture(self.picture, f"prediction: {self.classifier.labels[top]} ({p:.0%})")
        chosen = self.classes.value
        self._choosing = True  # the class picker's own updates must not draw: one draw below
        try:
            self.classes.show_top(self.top)
            if keep_class and chosen is not None:  # highlight its button if it is still in the top-5
                key = f"{chosen}: {self.classifier.labels[chosen]}"
                self.classes.top.value = key if key in [v for _, v in self.classes.top.options] else None
                self.classes.value = chosen
        finally:
            self._choosing = False
        self._draw()

    def _key(self):
        method = self.method.value
        return method, self.layer.value if METHODS[method][1] else None, self.classes.value

    def _draw(self, *_):
        key = self._key()
        if self._choosing or key == self._drawn:
            return
        method, layer, target = key
        if key not in self._cache:
            function, uses_layer = METHODS[method]
            kwargs = {"layer": layer} if uses_layer else {}
            self._cache[key] = function(self.classifier, self.x, target=target, **kwargs).detach().cpu()
        self.attribution = self._cache[key]
        self._plot(method, layer, target)
        self._drawn = key
        self.output.draw(self.panels, moving=self.panels.moving)

    def _plot(self, method: str, layer, target: int) -> None:
        where = f", layer {layer}" if layer else ""
        title = f"{method} for {self.classifier.labels[target]!r}{where}"
        if self.attribution.shape[1] == 1:
            self.panels.show_map(self.attribution, title)
        elif method == "Saliency":  # the largest absolute value over the colours, as Simonyan et al. show it
            self.panels.show_map(imaging.saliency_picture(self.attribution), title, kind="grey")
        else:  # guided gradients keep their colours: grey is zero, brighter is positive
            self.panels.show_map(imaging.gradient_picture(self.attribution), title, kind="colours")
