"""The chapter 2 explorer, driven from Python: settings that change the explanation wait for
*Explain*, display settings only redraw, and segmentations and explanations are computed once."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from helpers.models import RandomOneConvCNN

import xaitutor as xt
import xaitutor.widgets.lime as explorer_module


@pytest.fixture
def calls(monkeypatch):
    """Count the segmentations and LIME runs the explorer asks for."""
    counts = {"segment": 0, "lime": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(explorer_module, "segment", counting("segment", explorer_module.segment))
    monkeypatch.setattr(explorer_module, "lime", counting("lime", explorer_module.lime))
    return counts


def picture(explorer) -> str:
    """The picture shown (base64), whatever its format."""
    return next(v for k, v in explorer.output.outputs[0]["data"].items() if k.startswith("image/"))


@pytest.fixture
def explorer(calls):
    torch.manual_seed(0)
    clf = xt.models.wrap(RandomOneConvCNN(), mean=(0.5,) * 3, std=(0.25,) * 3, labels=list("abcd"), input_size=48)
    return xt.widgets.lime_explorer(clf, photo="chelsea", num_samples=60)


def test_starts_with_the_segmentation_and_waits_for_explain(explorer, calls):
    assert explorer.picture.shape == (3, 48, 72)  # resized to the model's input size first
    assert calls == {"segment": 1, "lime": 0} and explorer.explanation is None
    assert "press Explain" in explorer.figure.axes[1].texts[0].get_text()
    assert explorer.parameter.description == "max_dist" and explorer.parameter.value == 200


def test_explain_then_display_controls_only_redraw(explorer, calls):
    explorer.run.click()
    exp = explorer.explanation
    assert calls == {"segment": 1, "lime": 1}
    assert exp.num_samples == 60 and exp.target == explorer.classes.value
    assert torch.equal(exp.segments, explorer.segments())

    shown, before = explorer.figure, picture(explorer)
    explorer.k.value = 2
    explorer.evidence.value = "both"
    assert explorer.figure is shown and explorer.explanation is exp  # the same figure, updated
    assert picture(explorer) != before
    assert "top 2 superpixels for and against" in explorer.figure.axes[1].get_title()
    assert "red: for, blue: against" in explorer.figure.axes[1].get_title()
    assert len(explorer.figure.axes) == 2, "a redraw added axes (a colour bar each time)"
    assert calls == {"segment": 1, "lime": 1}


def test_new_settings_need_a_new_run_and_old_ones_come_from_the_cache(explorer, calls):
    explorer.run.click()
    first = explorer.explanation
    explorer.segmenter.value = "slic"
    assert explorer.parameter.description == "n_segments" and explorer.parameter.value == 50
    assert explorer.explanation is None and calls["segment"] == 2
    explorer.parameter.value = 20
    explorer.hide.value = "black"
    explorer.run.click()
    assert calls == {"segment": 3, "lime": 2}
    assert explorer.explanation.num_superpixels == int(explorer.segments().max()) + 1

    explorer.segmenter.value = "quickshift"  # back to the first settings: nothing recomputed
    explorer.hide.value = "own mean colour"
    assert explorer.explanation is first and calls == {"segment": 3, "lime": 2}


def test_a_new_photo_offers_its_top_classes_and_clears_the_caches(explorer, calls):
    explorer.run.click()
    explorer.photo.dropdown.value = "coffee"
    assert explorer.picture.shape[-2] == 48 and explorer.explanation is None
    assert explorer.classes.top.options and calls["segment"] == 2


def test_the_figure_is_updated_in_place_and_nothing_piles_up(explorer, calls):
    figure, (left, right) = explorer.figure, explorer.figure.axes
    outlines = left.images[0]
    explorer.run.click()
    explorer.evidence.value = "both"
    first = right.images[0].get_array().copy()
    for k in (3, 2, 4, 1):
        explorer.k.value = k
        assert len(right.images) == 1, "each redraw replaces the explanation's image"
    assert not np.array_equal(right.images[0].get_array(), first)
    assert explorer.figure is figure and left.images[0] is outlines, "the segmentation was not drawn again"
    assert not explorer._hint.get_visible()
    explorer.segmenter.value = "slic"  # a new segmentation, no explanation yet: the hint again
    assert left.images[0] is outlines and "slic" in left.get_title() and explorer._hint.get_visible()
    assert len(right.images) == 0 and calls["lime"] == 1 and plt.get_fignums() == []
