"""The chapter 6 explorer, driven from Python: every method of the course draws a map of the
picture's grid and says its cost; the passes slider follows the method and changes the map."""

import base64

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg

import xaitutor as xt
from xaitutor.evaluation.contenders import CONTENDERS


@pytest.fixture(scope="module")
def explorer(lite0):
    small = xt.models.wrap(
        lite0.model, mean=lite0.mean, std=lite0.std, labels=lite0.labels, cam_layer=lite0.cam_layer, input_size=48
    )  # a small picture keeps the test fast
    return xt.widgets.toolbox_explorer(small, photo="cat_and_coffee", method="integrated gradients")


def pixels(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_the_passes_slider_follows_the_method_and_redraws(explorer):
    assert explorer.method.value == "integrated gradients" and not explorer.passes.disabled
    assert explorer.attribution.shape == (1, 1, 48, 96)
    pictures, _ = explorer.cost
    assert pictures == explorer.passes.value, "integrated gradients runs one picture per step"
    before, first = pixels(explorer.figure), explorer.attribution
    explorer.passes.value = 4
    assert explorer.cost[0] == 4 and not torch.equal(explorer.attribution, first)
    assert not np.array_equal(pixels(explorer.figure), before)
    explorer.method.value = "Grad-CAM"
    assert explorer.passes.disabled and explorer.cost[0] == 1


@pytest.mark.parametrize("name", [c.name for c in CONTENDERS if c.passes is None or c.name == "RISE"])
def test_every_method_draws_a_map_of_the_picture(explorer, name):
    explorer.method.value = name
    if name == "RISE":
        explorer.passes.value = explorer.passes.min  # the fewest masks: quick
    assert explorer.attribution.shape == (1, 1, 48, 96) and torch.isfinite(explorer.attribution).all()
    assert name in explorer.figure.axes[1].get_title() and name in explorer.status.value


def test_a_new_class_redraws(explorer):
    explorer.method.value = "Grad-CAM"
    before = pixels(explorer.figure)
    explorer.classes.search.value = "967: espresso"
    assert explorer.classes.value == 967 and "espresso" in explorer.figure.axes[1].get_title()
    assert not np.array_equal(pixels(explorer.figure), before)


def test_a_new_method_updates_the_same_figure_and_a_cached_one_computes_nothing(explorer, monkeypatch):
    explorer.method.value = "Grad-CAM"
    figure, right = explorer.figure, explorer.figure.axes[1]
    images, before = list(right.images), right.images[-1].get_array().copy()
    calls = []
    explain = explorer._explain
    monkeypatch.setattr(explorer, "_explain", lambda *args: calls.append(args[0]) or explain(*args))
    explorer.method.value = "input x gradient"
    assert explorer.figure is figure and list(right.images) == images
    assert not np.array_equal(right.images[-1].get_array(), before) and "input x gradient" in right.get_title()
    picture = next(v for k, v in explorer.output.outputs[0]["data"].items() if k.startswith("image/"))
    assert picture == base64.b64encode(explorer.panels.render("jpeg")).decode("ascii"), "not the figure drawn in full"
    explorer.method.value = "Grad-CAM"
    explorer.method.value = "input x gradient"
    assert calls == ["input x gradient"], "Grad-CAM and input x gradient again came from the cache"
    assert plt.get_fignums() == []
