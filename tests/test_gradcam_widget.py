"""The chapter 3 explorer, driven from Python: each control changes the figure, and only what
depends on a control is recomputed."""

import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg

import xaitutor as xt


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
