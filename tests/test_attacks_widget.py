"""The chapter 9 explorer, driven from Python: epsilon, attack and method change the attacked
picture, its answer and its map, in the one figure the explorer keeps; a cached choice computes nothing."""

import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg

import xaitutor as xt
import xaitutor.widgets.attacks as explorer_module


@pytest.fixture(scope="module")
def explorer(lite0):
    small = xt.models.wrap(
        lite0.model, mean=lite0.mean, std=lite0.std, labels=lite0.labels, cam_layer=lite0.cam_layer, input_size=64
    )  # a small picture keeps the test fast
    return xt.widgets.attack_explorer(small, photo="chelsea")


def pixels(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_epsilon_changes_the_picture_its_answer_and_the_map(explorer):
    explorer.eps.value = 0
    clean, answer, first = explorer.attacked, explorer.answer, explorer.attribution
    before = pixels(explorer.figure)
    explorer.eps.value = 8
    assert (explorer.attacked - clean).abs().max() == pytest.approx(8 / 255, abs=1e-6)
    assert explorer.answer[0] != answer[0], "eight grey levels of FGSM change the answer on the small cat"
    assert not torch.equal(explorer.attribution, first) and not np.array_equal(pixels(explorer.figure), before)
    assert "eps = 8/255" in explorer.figure.axes[0].get_title()
    assert explorer.classifier.labels[explorer.answer[0]] in explorer.figure.axes[0].get_title().replace("\n", " ")


@pytest.mark.parametrize("method", explorer_module.METHODS)
def test_every_method_draws_a_map_of_the_attacked_picture(explorer, method):
    explorer.method.value = method
    assert explorer.attribution.shape == (1, 1, 64, 96) and torch.isfinite(explorer.attribution).all()
    assert method in explorer.figure.axes[1].get_title()


def test_pgd_stays_in_the_ball_and_a_cached_choice_computes_nothing(explorer, monkeypatch):
    explorer.attack.value = "PGD (10 steps)"
    explorer.eps.value = 4
    assert (explorer.attacked - explorer.pixels).abs().max() <= 4 / 255 + 1e-6
    explorer.eps.value = 2
    calls = []
    monkeypatch.setitem(explorer_module.ATTACKS, "PGD (10 steps)", lambda *a: calls.append(a))
    explorer.eps.value = 4  # computed before: from the cache
    assert not calls and len(explorer.figure.axes[0].images) == 1
