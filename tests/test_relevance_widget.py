"""The chapter 7 explorer, driven from Python: a composite or a rule per layer group and a class
give an LRP map, drawn into the one figure the explorer keeps; a cached choice computes nothing."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import xaitutor as xt
import xaitutor.widgets.relevance as relevance_widget


@pytest.fixture(scope="module")
def explorer(lite0):
    small = xt.models.wrap(lite0.model, mean=lite0.mean, std=lite0.std, labels=lite0.labels, input_size=48)
    return xt.widgets.relevance_explorer(small, photo="cat_and_coffee")


def pixels(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_a_composite_a_class_and_rules_per_group_each_redraw_the_same_figure(explorer):
    figure, first = explorer.figure, explorer.relevance
    assert first.shape == (1, 3, 48, 96) and all(rule.disabled for rule in explorer.rules.values())
    before = pixels(figure)
    explorer.composite.value = "zplus"
    assert "zplus" in figure.axes[1].get_title() and not np.array_equal(pixels(figure), before)
    explorer.composite.value = relevance_widget.OWN
    assert not any(rule.disabled for rule in explorer.rules.values())
    assert "first: box, conv: gamma, linear: epsilon" in figure.axes[1].get_title()
    before = pixels(figure)
    explorer.rules["conv"].value = "alpha2_beta1"
    assert "conv: alpha2_beta1" in figure.axes[1].get_title() and not np.array_equal(pixels(figure), before)
    explorer.classes.search.value = "967: espresso"
    assert "espresso" in figure.axes[1].get_title() and explorer.figure is figure


def test_the_canonizers_switch_changes_the_map(explorer):
    explorer.composite.value = "epsilon_plus_flat"
    with_them = explorer.relevance
    explorer.canonize.value = False
    assert explorer.relevance.abs().sum() > with_them.abs().sum()
    explorer.canonize.value = True


def test_a_cached_choice_computes_nothing(explorer, monkeypatch):
    explorer.composite.value = "epsilon"
    explorer.composite.value = "epsilon_plus_flat"
    calls = []
    monkeypatch.setattr(relevance_widget, "lrp", lambda *a, **k: calls.append(1))
    explorer.composite.value = "epsilon"
    explorer.composite.value = "epsilon_plus_flat"
    assert calls == []
