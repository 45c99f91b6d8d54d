"""The chapter 3 explorer, driven from Python: each control changes the figure, and only what
depends on a control is recomputed; the figure is one, updated in place, and what is shown is that
figure drawn in full."""

import base64

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg

import xaitutor as xt
import xaitutor.widgets.gradcam as explorer_module


@pytest.fixture(scope="module")
def explorer(lite0):
    small = xt.models.wrap(
        lite0.model, mean=lite0.mean, std=lite0.std, labels=lite0.labels, cam_layer=lite0.cam_layer, input_size=96
    )  # a small picture keeps the test fast
    return xt.widgets.gradcam_explorer(small, photo="chelsea")


def pixels(fig) -> np.ndarray:
    """The figure rendered to RGBA pixels (the explorer has closed it once displayed)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_every_control_redraws(explorer):
    assert explorer.classes.value == explorer.top[0][0]
    assert explorer.attribution.shape == (1, 1, 96, 144)
    first_cam, before = explorer.attribution, pixels(explorer.figure)

    explorer.method.value = "Guided backprop"
    assert explorer.attribution.shape == (1, 3, 96, 144)
    assert not np.array_equal(pixels(explorer.figure), before)

    shown = explorer.figure
    explorer.layer.value = explorer.layer.options[1]  # guided backprop has no layer: nothing to redraw
    assert explorer.figure is shown

    explorer.method.value = "Grad-CAM"  # the new layer's map
    second_layer = explorer.attribution
    assert not torch.equal(second_layer, first_cam)
    explorer.layer.value = explorer.layer.options[0]
    assert torch.equal(explorer.attribution, first_cam)  # from the cache, no recomputation

    before = pixels(explorer.figure)
    explorer.classes.search.value = "404: airliner"
    assert explorer.classes.value == 404 and "airliner" in explorer.figure.axes[1].get_title()
    assert not np.array_equal(pixels(explorer.figure), before)


def test_degradation_keeps_the_class_and_a_new_photo_resets_it(explorer):
    explorer.classes.search.value = "285: Egyptian cat"
    clean = explorer.picture
    before = pixels(explorer.figure)
    explorer.noise.value = 0.3
    assert explorer.classes.value == 285, "degrading the picture must not change the class explained"
    assert not torch.equal(explorer.picture, clean)
    assert not np.array_equal(pixels(explorer.figure), before)
    noisy = explorer.picture
    explorer.brightness.value = 0.5
    assert explorer.picture.mean() > noisy.mean() and explorer.classes.value == 285
    bright = explorer.picture
    explorer.contrast.value = 0.5
    assert explorer.picture.std() < bright.std() and explorer.classes.value == 285

    explorer.photo.dropdown.value = "rocket"
    top = explorer.top[0][0]
    assert explorer.classes.value == top
    assert explorer.classifier.labels[top] in explorer.figure.axes[0].get_title()


def shown(explorer) -> str:
    """The picture shown (base64), whatever its format."""
    return next(v for k, v in explorer.output.outputs[0]["data"].items() if k.startswith("image/"))


def test_a_redraw_updates_the_figure_already_there(explorer):
    explorer.method.value = "Grad-CAM"
    figure, right = explorer.figure, explorer.figure.axes[1]
    images, before, title = list(right.images), right.images[-1].get_array().copy(), right.get_title()
    picture = shown(explorer)
    explorer.classes.search.value = "948: Granny Smith"
    assert explorer.figure is figure and explorer.figure.axes[1] is right
    assert list(right.images) == images, "the same images, with new pixels: none added"
    assert not np.array_equal(right.images[-1].get_array(), before)
    assert right.get_title() != title and "Granny Smith" in right.get_title()
    assert shown(explorer) != picture


def test_what_is_shown_is_the_figure_drawn_in_full(explorer):
    """Only the map and its title are drawn again at a new class (over a copy of the rest): the
    picture must be the one a full draw of the figure gives, through every kind of change."""
    for change in (
        lambda: setattr(explorer.classes.search, "value", "1: goldfish"),
        lambda: setattr(explorer.method, "value", "Saliency"),
        lambda: setattr(explorer.classes.search, "value", "404: airliner"),
        lambda: setattr(explorer.method, "value", "Grad-CAM"),
        lambda: setattr(explorer.layer, "value", explorer.layer.options[2]),
        lambda: setattr(explorer.classes.search, "value", "285: Egyptian cat"),
    ):
        change()
        assert shown(explorer) == base64.b64encode(explorer.panels.render("jpeg")).decode("ascii")


def test_a_class_in_the_cache_is_drawn_without_computing(explorer, monkeypatch):
    calls = []
    for name, (function, uses_layer) in list(explorer_module.METHODS.items()):
        stub = lambda *args, function=function, **kwargs: calls.append(1) or function(*args, **kwargs)  # noqa: E731
        monkeypatch.setitem(explorer_module.METHODS, name, (stub, uses_layer))
    explorer.method.value = "Grad-CAM"
    explorer.classes.search.value = "281: tabby"
    explorer.classes.search.value = "282: tiger cat"
    computed, picture = len(calls), shown(explorer)
    explorer.classes.search.value = "281: tabby"
    explorer.method.value = "Saliency"
    explorer.method.value = "Grad-CAM"
    assert len(calls) == computed + 1, "only the saliency map was new"
    assert shown(explorer) != picture and "tabby" in explorer.figure.axes[1].get_title()


def test_clicking_leaves_no_figure_open(explorer):
    open_before = plt.get_fignums()
    for i in range(12):
        explorer.method.value = list(explorer_module.METHODS)[i % 4]
        explorer.classes.search.value = explorer.classes.search.options[280 + i % 3]
    fresh = xt.widgets.gradcam_explorer(explorer.classifier)
    fresh.noise.value = 0.1
    assert plt.get_fignums() == open_before
    assert all(len(ax.images) <= 2 for ax in explorer.figure.axes), "images pile up in the figure"
