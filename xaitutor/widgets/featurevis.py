"""The explorer of chapter 4: choose what to maximise (a class, a channel, a whole layer or one
neuron), how the picture is described (lucid's Fourier picture or the essay's pixels), the
transformations it must survive, the recipe (size, octaves, steps, learning rate, blur) and the
start (noise, or a photo for DeepDream); press Run and watch the picture form, or look at the
gallery's pictures, made ahead of time. Glue only: the computing is :func:`xaitutor.visualize`."""

from __future__ import annotations

import io

import ipywidgets as widgets
import torch
from PIL import Image

from .. import imaging, models, objectives
from ..methods.featurevis import RECIPES, gallery, transforms, visualize
from .common import ClassPicker, FigureOutput, PhotoPicker
from .figures import Sheet

KINDS = ["class", "channel", "layer", "neuron"]
PICTURES = {"Fourier (lucid)": "fourier", "pixels (essay)": "pixel"}
RECIPE_WORDS = {"essay": "the essay's recipe", "lucid": "lucid's recipe", "pyramid": "lucid's on a 3-octave pyramid"}
PREVIEWS = 20  # image refreshes per run: enough to watch it form, few enough to stay fast


def featurevis_explorer(model="efficientnet_lite0", size: int = 224) -> FeatureVisExplorer:
    """An explorer of feature visualization on ``model`` (a ``Classifier`` or a name for
    ``xt.models.load``); ``size`` is the starting image side."""
    classifier = models.load(model) if isinstance(model, str) else model
    return FeatureVisExplorer(classifier, size)


class FeatureVisExplorer(widgets.VBox):
    """Controls: what to maximise (class, channel, layer, neuron), the layer, the channel or the
    class; the picture (Fourier or pixels: choosing one sets the recipe's values, lucid's or the
    essay's), the transformations (pad and jitter, scale, rotate), the size, octaves, steps,
    learning rate, blur (pixels only), the start (noise or a photo). Run shows a live progress bar
    and the picture as it forms, then the objective-vs-step curve and the probability the model
    gives its top class. The gallery shows a stored picture at once. ``.result`` is the last
    :class:`~xaitutor.methods.featurevis.Visualization`, ``.figure`` the figure of its curve (one
    for the explorer's life, drawn again at each run)."""

    def __init__(self, classifier, size: int = 224):
        self.classifier = classifier
        self.kind = widgets.ToggleButtons(options=KINDS, value="class", description="Maximise")
        layers = list(reversed(classifier.conv_layers))
        self.layer = widgets.Dropdown(options=layers, value=layers[len(layers) // 3], description="Layer")
        self.channel = widgets.BoundedIntText(0, min=0, max=4095, description="Channel")
        self.classes = ClassPicker(classifier.labels)
        self.classes.search.value = self.classes.search.options[min(254, len(classifier.labels) - 1)]
        self.param = widgets.ToggleButtons(options=list(PICTURES), description="Picture")
        check = dict(indent=False, layout=widgets.Layout(width="auto"))
        self.jitter = widgets.Checkbox(True, description="pad and jitter", **check)
        self.scale = widgets.Checkbox(True, description="scale", **check)
        self.rotate = widgets.Checkbox(True, description="rotate", **check)
        slider = dict(continuous_update=False, style={"description_width": "initial"})  # labels in full
        self.size = widgets.IntSlider(size, min=32, max=448, step=16, description="Size", **slider)
        self.octaves = widgets.IntSlider(1, min=1, max=6, description="Octaves", **slider)
        self.steps = widgets.IntSlider(128, min=1, max=256, description="Steps/octave", **slider)
        self.lr = widgets.FloatLogSlider(
            0.05, base=10, min=-2, max=-0.3, step=0.1, readout_format=".3f", description="Learning rate", **slider
        )
        self.blur = widgets.Checkbox(False, description="Blur (sigma 0.9, every step)", **check)
        self.start = widgets.ToggleButtons(options=["noise", "photo"], value="noise", description="Start")
        self.photo = PhotoPicker()
        self.run_button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.progress = widgets.IntProgress(0, min=0, max=1, description="Progress")
        self.picture = widgets.Image(format="png", width=320)
        self.message = widgets.HTML()
        self.gallery = widgets.Dropdown(options=_gallery_options(), description="Gallery")
        self.output = FigureOutput()
        transformations = widgets.HBox([widgets.Label("Transformations"), self.jitter, self.scale, self.rotate])
        super().__init__(
            [
                self.kind,
                widgets.HBox([self.layer, self.channel]),
                self.classes,
                widgets.HBox([self.param, transformations]),
                widgets.HBox([self.size, self.octaves, self.steps]),
                widgets.HBox([self.lr, self.blur]),
                widgets.HBox([self.start, self.photo]),
                widgets.HBox([self.run_button, self.progress, self.gallery]),
                widgets.HBox([self.picture, self.output]),
                self.message,
            ]
        )
        self.result, self.figure = None, None
        self.kind.observe(lambda _: self._show_relevant(), names="value")
        self.start.observe(lambda _: self._show_relevant(), names="value")
        self.param.observe(lambda _: self._use_recipe(), names="value")
        self.run_button.on_click(lambda _: self.run())
        self.gallery.observe(lambda change: self.show_gallery(change["new"]), names="value")
        self._show_relevant()

    def objective(self):
        """The objective the controls describe."""
        kind, layer, channel = self.kind.value, self.layer.value, self.channel.value
        if kind == "class":
            return objectives.class_logit(self.classes.value, self.classifier.labels)
        if kind == "channel":
            return objectives.channel(layer, channel)
        if kind == "neuron":
            return objectives.neuron(layer, channel)
        return objectives.layer(layer)

    def transforms(self) -> list:
        """The transformations the checkboxes describe, in lucid's order (pad 12, jitter 8, scale,
        rotate, jitter 4)."""
        wanted = [self.jitter.value] * 2 + [self.scale.value, self.rotate.value, self.jitter.value]
        return [t for t, on in zip(transforms.STANDARD, wanted) if on]

    def run(self) -> None:
        """Optimise with the current settings, refreshing the picture as it goes."""
        self.run_button.disabled = True
        self.message.value = ""
        self.gallery.value = None  # the picture shown is this run's
        every = max(1, self.octaves.value * self.steps.value // PREVIEWS)

        def live(step, total, pixels):
            self.progress.max, self.progress.value = total, step
            if step % every == 0 or step == total:
                self._show_picture(pixels[0])

        param = PICTURES[self.param.value]
        try:
            self.result = visualize(
                self.classifier,
                self.objective(),
                param=param,
                transforms=self.transforms(),
                init="random" if self.start.value == "noise" else self.photo.image,
                size=self.size.value,
                octaves=self.octaves.value,
                steps=self.steps.value,
                lr=self.lr.value,
                blur=0.9 if self.blur.value and param == "pixel" else None,
                progress=False,
                callback=live,
            )
        except ValueError as error:  # a channel out of range, a picture too small: say it, do not crash
            self.message.value = f"<b style='color:#b35900'>{error}</b>"
            return
        finally:
            self.run_button.disabled = False
        self._report()

    def _use_recipe(self) -> None:
        recipe = RECIPES["lucid" if PICTURES[self.param.value] == "fourier" else "essay"]
        self.octaves.value, self.steps.value, self.lr.value = recipe["octaves"], recipe["steps"], recipe["lr"]
        self.blur.value = bool(recipe["blur"])
        self.jitter.value = self.scale.value = self.rotate.value = bool(recipe["transforms"])
        self._show_relevant()

    def show_gallery(self, choice) -> None:
        """Show a picture of the gallery, ``(entry name, file)``: its stored PNG as it is, no
        decoding, no forward pass; the curve of the last run is taken away (it is not this one's)."""
        if choice is None:
            return
        name, path = choice
        if not path.exists():
            self.message.value = f"<b style='color:#b35900'>the gallery has no {path.name}: run `make gallery`</b>"
            return
        self.picture.value = path.read_bytes()
        self.output.outputs = ()
        entry = gallery.ENTRIES[name]
        recipe = next(
            (RECIPE_WORDS[k] for k in ("essay", "pyramid") if entry.settings == RECIPES[k]), RECIPE_WORDS["lucid"]
        )
        self.message.value = f"gallery: <b>{path.stem}</b>, {entry.objective.name} on {gallery.MODEL}, {recipe}"

    def _report(self) -> None:
        with torch.no_grad():
            probs = self.classifier.probabilities(self.result.tensor)[0]
        top = int(probs.argmax())
        if self.figure is None:
            self.sheet = Sheet(5, 3)
            self.figure = self.sheet.figure
        self.figure.axes[0].clear()
        self.result.plot_history(ax=self.figure.axes[0])
        self.figure.axes[0].set_title(
            f"model's top class: {self.classifier.labels[top]} ({float(probs[top]):.0%})", fontsize=10
        )
        self.output.draw(self.sheet)

    def _show_picture(self, pixels) -> None:
        buffer = io.BytesIO()
        Image.fromarray((imaging.to_image(pixels) * 255).round().astype("uint8")).save(buffer, format="png")
        self.picture.value = buffer.getvalue()

    def _show_relevant(self) -> None:
        kind = self.kind.value
        self.classes.layout.display = None if kind == "class" else "none"
        self.layer.layout.display = "none" if kind == "class" else None
        self.channel.layout.display = None if kind in ("channel", "neuron") else "none"
        self.photo.layout.display = None if self.start.value == "photo" else "none"
        self.blur.disabled = PICTURES[self.param.value] == "fourier"  # the 1/f scale smooths already


def _gallery_options() -> list:
    """The gallery's pictures, one per file (an entry of several seeds has several)."""
    return [("(a stored picture)", None)] + [
        (path.stem, (name, path)) for name in gallery.ENTRIES for path in gallery.files(name)
    ]
