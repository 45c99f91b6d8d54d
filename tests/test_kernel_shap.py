"""Kernel SHAP (xaitutor.methods.shapley): the exact Shapley values from the definition on a
small game, efficiency, sampled values on an additive game, determinism, errors, and one run on
the real efficientnet_lite0."""

import itertools
from math import factorial

import numpy as np
import pytest
import torch

import xaitutor as xt
from xaitutor.methods.lime_image import perturb, segment
from xaitutor.methods.shapley import choose_coalitions, kernel_weight

H, W, BLOCK = 16, 32, 8  # 2 x 4 blocks: 8 superpixels, 256 coalitions


def blocks(array, **_):
    """A segmenter cutting the picture into BLOCK x BLOCK squares, numbered row by row."""
    rows, cols = np.indices(array.shape[:2]) // BLOCK
    return rows * (array.shape[1] // BLOCK) + cols


def block_means(pictures):
    """Each block's mean brightness, ``N x 8``."""
    return pictures.mean(dim=1).reshape(len(pictures), H // BLOCK, BLOCK, W // BLOCK, BLOCK).mean(dim=(2, 4)).flatten(1)


def interacting(pictures):
    """A game with interactions (products, a square, a sigmoid): Shapley values are not its weights."""
    m = block_means(pictures)
    s = torch.sigmoid(3 * m[:, 0] * m[:, 5] - m[:, 2] + 2 * m[:, 7] * m[:, 1] + m[:, 3] ** 2 + m[:, 4])
    return torch.stack([s, 1 - s], dim=1)


WEIGHTS = torch.tensor([0.30, -0.10, 0.05, 0.20, 0.0, -0.15, 0.10, 0.08])


def additive(pictures):
    """A game that is a sum of one term per block: its Shapley values are those terms."""
    s = 0.4 + block_means(pictures) @ WEIGHTS / 2
    return torch.stack([s, 1 - s], dim=1)


@pytest.fixture
def picture():
    return torch.rand(3, H, W, generator=torch.Generator().manual_seed(1))


def brute_force_shapley(f, picture, hide=0.0):
    """phi_j = sum_{S not holding j} |S|! (M-|S|-1)! / M! (f(S + j) - f(S)), every coalition."""
    segments = segment(picture, blocks)
    m = int(segments.max()) + 1
    rows = np.array(list(itertools.product([False, True], repeat=m)))
    values = f(perturb(picture, torch.full_like(picture, hide), segments, rows))[:, 0].double().numpy()
    value = {tuple(r): v for r, v in zip(rows, values)}
    phi = np.zeros(m)
    for r in rows:
        for j in np.flatnonzero(~r):
            s, with_j = r.sum(), r.copy()
            with_j[j] = True
            phi[j] += factorial(s) * factorial(m - s - 1) / factorial(m) * (value[tuple(with_j)] - value[tuple(r)])
    return phi, value[(False,) * m], value[(True,) * m]


def test_all_coalitions_give_the_exact_shapley_values(picture):
    phi, empty, full = brute_force_shapley(interacting, picture)
    exp = xt.kernel_shap(interacting, picture, target=0, num_samples=256, segmenter=blocks, hide=0.0, progress=False)
    assert exp.exact and exp.num_samples == 256 and len(np.unique(exp.samples, axis=0)) == 256
    np.testing.assert_allclose(exp.values, phi, atol=1e-6)
    assert exp.base_value == pytest.approx(empty, abs=1e-7) and exp.full_value == pytest.approx(full, abs=1e-7)
    assert np.abs(phi).min() < 1e-6 < np.abs(phi[[0, 2, 5]]).min()  # block 6 plays no part


@pytest.mark.parametrize("num_samples", [9, 40, 256])
def test_the_values_add_up_to_the_prediction(picture, num_samples):
    exp = xt.kernel_shap(interacting, picture, num_samples=num_samples, segmenter=blocks, progress=False)
    assert exp.values.sum() == pytest.approx(exp.full_value - exp.base_value, abs=1e-12)
    assert exp.exact == (num_samples == 256)


def test_sampled_coalitions_are_exact_on_an_additive_game(picture):
    phi, _, _ = brute_force_shapley(additive, picture)
    means = block_means(picture[None])[0]
    np.testing.assert_allclose(phi, (WEIGHTS * means / 2).numpy(), atol=1e-6)
    exp = xt.kernel_shap(additive, picture, target=0, num_samples=60, segmenter=blocks, hide=0.0, progress=False)
    assert not exp.exact and exp.num_samples == 60
    np.testing.assert_allclose(exp.values, phi, atol=1e-6)


def test_sampled_values_come_close_to_the_exact_ones(picture):
    phi, _, _ = brute_force_shapley(interacting, picture)
    exp = xt.kernel_shap(interacting, picture, target=0, num_samples=200, segmenter=blocks, hide=0.0, progress=False)
    assert not exp.exact
    assert np.abs(exp.values - phi).max() < 0.2 * np.abs(phi).max()


def test_coalitions_enumerate_the_heavy_sizes_and_weigh_by_the_kernel():
    rows, weights, exact = choose_coalitions(8, 256, np.random.default_rng(0))
    assert exact and rows[0].all() and not rows[1].any() and np.isinf(weights[:2]).all()
    np.testing.assert_allclose(weights[2:], kernel_weight(8, rows[2:].sum(axis=1)))
    rows, weights, exact = choose_coalitions(8, 40, np.random.default_rng(0))
    sizes = rows.sum(axis=1)
    assert not exact and len(rows) == 40 and set(sizes[2:18]) == {1, 7}  # sizes 1 and 7 whole: 16 rows
    np.testing.assert_allclose(weights[2:18], kernel_weight(8, 1))


def test_the_same_seed_gives_the_same_values(picture):
    run = lambda seed: (
        xt.kernel_shap(interacting, picture, num_samples=50, segmenter=blocks, seed=seed, progress=False).values
    )
    np.testing.assert_array_equal(run(0), run(0))
    assert not np.array_equal(run(0), run(1))


def test_batches_give_the_same_values(picture):
    run = lambda b: (
        xt.kernel_shap(interacting, picture, num_samples=50, segmenter=blocks, batch_size=b, progress=False).values
    )
    np.testing.assert_allclose(run(7), run(None), atol=1e-9)


def test_the_views_are_lime_s(picture):
    exp = xt.kernel_shap(interacting, picture, target=0, num_samples=256, segmenter=blocks, hide=0.0, progress=False)
    assert exp.top(2) == list(np.argsort(-exp.values)[:2])
    assert exp.mask(1).sum() == BLOCK * BLOCK
    painted = exp.map()
    assert painted.shape == (1, 1, H, W) and painted[0, 0, 0, 0] == pytest.approx(exp.values[0], abs=1e-6)
    import matplotlib.pyplot as plt

    fig = exp.plot(k=3)
    assert "Shapley" in fig.axes[0].get_title()
    plt.close(fig)


def test_ctrl_c_fits_the_coalitions_done(picture):
    calls = []

    def interrupted(pictures):
        calls.append(len(pictures))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return interacting(pictures)

    with pytest.warns(UserWarning, match="interrupted"):
        exp = xt.kernel_shap(interrupted, picture, num_samples=256, batch_size=20, segmenter=blocks, progress=False)
    assert exp.num_samples == 40 and not exp.exact
    assert exp.values.sum() == pytest.approx(exp.full_value - exp.base_value, abs=1e-12)


def test_a_classifier_is_explained(lite0):
    cat = xt.data.sample_image("chelsea")
    small = xt.models.wrap(lite0.model, mean=lite0.mean, std=lite0.std, labels=lite0.labels, input_size=64)
    exp = xt.kernel_shap(
        small, cat, num_samples=40, segmenter="slic", segmenter_params=dict(n_segments=6), progress=False
    )
    assert exp.label == small.labels[exp.target] and exp.map().shape[-2:] == small.preprocess(cat).shape[-2:]
    probability = small(small.preprocess(cat)).softmax(-1)[0, exp.target].item()
    assert exp.full_value == pytest.approx(probability, abs=1e-5)
    assert exp.values.sum() == pytest.approx(exp.full_value - exp.base_value, abs=1e-9)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(num_samples=1), ValueError, "at least 2"),
        (dict(num_samples=5), ValueError, "too few for 8 superpixels: .* at least 9"),
        (dict(num_samples=2.5), ValueError, "num_samples"),
        (dict(target=5), ValueError, "not a class index"),
        (dict(target="cat"), TypeError, "class index"),
        (dict(hide="black"), ValueError, "hide='black'"),
    ],
)
def test_errors_say_what_is_wrong(picture, kwargs, error, match):
    with pytest.raises(error, match=match):
        xt.kernel_shap(interacting, picture, **{"segmenter": blocks, "progress": False, **kwargs})
