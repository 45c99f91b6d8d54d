"""The explorer of chapter 2: pick a photo, a class, a segmenter and how to hide superpixels, run
LIME, and browse its evidence. Glue only: the computing is in :mod:`xaitutor.methods.lime_image`."""

from __future__ import annotations

import ipywidgets as widgets
from skimage.segmentation import mark_boundaries

from .. import imaging, models
from ..methods.lime_image import lime, segment
from .common import Cache, ClassPicker, FigureOutput, PhotoPicker
from .figures import Sheet, put, title

# segmenter -> its main parameter: (name, default, min, max, step)
PARAMETERS = {
    "quickshift": ("max_dist", 200, 10, 400, 10),
    "slic": ("n_segments", 50, 5, 200, 5),
    "felzenszwalb": ("scale", 200, 20, 1000, 20),
}
HIDES = {"own mean colour": "mean", "blur": "blur", "black": 0.0, "grey": 0.5}
EVIDENCE = {"for the class": (True, False), "against it": (False, True), "both": (False, False)}


def lime_explorer(model="efficientnet_lite0", photo: str = "chelsea", num_samples: int = 300) -> LimeExplorer:
    """An explorer of LIME on ``model`` (a ``Classifier`` or a name for ``xt.models.load``),
    starting from the sample ``photo``, with ``num_samples`` samples per run."""
    classifier = models.load(model) if isinstance(model, str) else model
    return LimeExplorer(classifier, photo, num_samples)


class LimeExplorer(widgets.VBox):
    """Controls: photo, class, segmenter and its main parameter, hiding, number of samples (these
    need a new run: press *Explain*), and the number of superpixels shown and their sign (these
    only redraw). The photo is first resized to the model's input size, so LIME works on the
    picture the model sees. The segmentations and explanations of the last few settings are kept, per photo.
    ``.explanation`` is the last explanation, ``.figure`` the figure shown (one for the explorer's
    life, updated at each redraw)."""

    def __init__(self, classifier, photo: str = "chelsea", num_samples: int = 300):
        self.classifier = classifier
        self.photo = PhotoPicker(photo)
        self.classes = ClassPicker(classifier.labels)
        self.segmenter = widgets.ToggleButtons(options=list(PARAMETERS), description="Segmenter")
        self.parameter = widgets.IntSlider(continuous_update=False)
        self.hide = widgets.Dropdown(options=list(HIDES), description="Hide with")
        self.num_samples = widgets.IntSlider(
            num_samples, min=50, max=3000, step=50, description="Samples", continuous_update=False
        )
        self.run = widgets.Button(description="Explain", button_style="primary", icon="play")
        self.k = widgets.IntSlider(5, min=1, max=20, description="Superpixels", continuous_update=False)
        self.evidence = widgets.ToggleButtons(options=list(EVIDENCE), description="Show")
        self.progress = widgets.Output()
        self.output = FigureOutput(format="jpeg")
        self.sheet = Sheet(9, 3.6, 2)
        self.figure = self.sheet.figure
        left, right = self.figure.axes
        right.axis("off")
        self._hint = right.text(
            0.5,
            0.5,
            "press Explain to run LIME\nwith these settings",
            ha="center",
            va="center",
            transform=right.transAxes,
        )
        self._outlined, self._outlines = None, None  # the segmentation shown at the left, its image
        super().__init__(
            [
                self.photo,
                self.classes,
                widgets.HBox([self.segmenter, self.parameter]),
                widgets.HBox([self.hide, self.num_samples, self.run]),
                widgets.HBox([self.k, self.evidence]),
                self.progress,
                self.output,
            ]
        )
        self.explanation, self._quiet = None, False
        self._segments, self._explanations = Cache(), Cache()
        self._set_parameter_range()
        self.photo.observe(lambda _: self._new_picture(), names="image")
        self.segmenter.observe(lambda _: (self._set_parameter_range(), self._draw()), names="value")
        for control in (self.classes, self.parameter, self.hide, self.num_samples, self.k, self.evidence):
            control.observe(lambda _: self._draw(), names="value")
        self.run.on_click(lambda _: self.explain())
        self._new_picture()

    def _new_picture(self) -> None:
        picture = imaging.to_tensor(self.photo.image)
        size = self.classifier.input_size
        self.picture = imaging.resize(picture, size) if size else picture
        self._segments.clear()
        self._explanations.clear()
        self._quiet = True  # the class picker's own update must not draw: one draw below
        try:
            self.classes.show_top(self.classifier.top_classes(self.picture, k=5))
        finally:
            self._quiet = False
        self._draw()

    def _set_parameter_range(self) -> None:
        name, default, low, high, step = PARAMETERS[self.segmenter.value]
        self._quiet = True
        try:  # widen first, so that the new value is never clipped by the old range
            self.parameter.min, self.parameter.max = min(low, self.parameter.min), max(high, self.parameter.max)
            self.parameter.value, self.parameter.step = default, step
            self.parameter.min, self.parameter.max = low, high
            self.parameter.description = name
        finally:
            self._quiet = False

    def _segmentation_key(self):
        return self.segmenter.value, self.parameter.value

    def _settings(self):
        return (*self._segmentation_key(), self.hide.value, self.num_samples.value, self.classes.value)

    def segments(self):
        """The current photo's superpixels for the chosen segmenter, computed once per setting."""
        key = self._segmentation_key()
        if key not in self._segments:
            name, value = key
            self._segments[key] = segment(self.picture, name, **{PARAMETERS[name][0]: value})
        return self._segments[key]

    def explain(self) -> None:
        """Run LIME with the chosen settings (or take the cached run) and draw it."""
        settings = self._settings()
        if settings not in self._explanations:
            segments = self.segments()
            with self.progress:
                self.progress.clear_output()
                self._explanations[settings] = lime(
                    self.classifier,
                    self.picture,
                    target=self.classes.value,
                    num_samples=self.num_samples.value,
                    segmenter=lambda _: segments.numpy(),
                    hide=HIDES[self.hide.value],
                )
        self._draw()

    def _draw(self) -> None:
        if self._quiet:
            return
        self.explanation = self._explanations.get(self._settings())
        left, right = self.figure.axes
        segments = self.segments()
        if segments is not self._outlined:  # a new segmentation: the left panel and the still part change
            marked = mark_boundaries(imaging.to_image(self.picture), segments.numpy())
            self._outlines = put(left, self._outlines, marked)
            title(left, f"{self.segmenter.value}: {int(segments.max()) + 1} superpixels")
            self._outlined = segments
            self.sheet.changed()
        for image in list(right.images):  # Explanation.plot adds an image: keep only the one it draws now
            image.remove()
        if self._hint.get_visible() != (self.explanation is None):
            self._hint.set_visible(self.explanation is None)
            self.sheet.changed()
        if self.explanation is None:
            right.set_title("")
        else:
            positive_only, negative_only = EVIDENCE[self.evidence.value]
            self.explanation.plot(self.k.value, positive_only, negative_only, ax=right, colorbar=False)
            title(right, right.get_title(), fontsize=9)
        self.output.draw(self.sheet, moving=(*right.images, right.title))
