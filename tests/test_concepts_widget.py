"""The chapter 8 explorer, driven from Python: a layer and a unit give the unit's strongest
examples, its visualization and its best concept with the IoU of the dissection."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import xaitutor as xt


@pytest.fixture(scope="module")
def explorer():
    return xt.widgets.concept_explorer("shapes_cnn", pictures=48, steps=4)


def pixels(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_a_unit_shows_its_examples_and_its_best_concept(explorer):
    d = xt.concepts.dissect(explorer.classifier, explorer.layer.value, explorer.x, explorer.dataset.concept_masks)
    assert explorer.layer.value == "features.relu4" and explorer.unit.max == 63
    assert explorer.best == d.best()[explorer.unit.value]
    top = xt.concepts.top_examples(explorer.classifier, "features.relu4", explorer.unit.value, explorer.x, k=5)
    assert explorer.examples.indices.tolist() == top.indices.tolist()
    assert explorer.best[0] in explorer.figure._suptitle.get_text() and explorer.best[0] in explorer.status.value


def test_a_new_unit_redraws_the_same_figure(explorer):
    figure, before = explorer.figure, pixels(explorer.figure)
    explorer.unit.value = 7
    assert explorer.figure is figure and "unit 7" in figure._suptitle.get_text()
    assert not np.array_equal(pixels(figure), before)


def test_a_new_layer_sets_the_units_range(explorer):
    explorer.layer.value = "features.relu1"
    assert explorer.unit.max == 15 and explorer.unit.value == 7 and "features.relu1" in explorer.status.value
    explorer.unit.value = 15
    explorer.layer.value = "features.relu4"
    assert explorer.unit.max == 63 and explorer.unit.value == 15
