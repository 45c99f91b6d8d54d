"""RISE (xaitutor.methods.randomized_input_sampling): the masks, the map of a function that looks at
one region only, eq. 6's normalisation, determinism, batching, Ctrl-C, errors, efficientnet_lite0."""

import numpy as np
import pytest
import torch

import xaitutor as xt
from xaitutor.methods.randomized_input_sampling import draw_masks

H, W = 32, 48
REGION = (slice(8, 16), slice(28, 40))


def looks_at_the_region(pictures):
    """The probability of class 0 is the region's mean brightness: nothing else matters."""
    s = pictures[:, :, REGION[0], REGION[1]].mean(dim=(1, 2, 3))
    return torch.stack([s, 1 - s], dim=1)


def constant(pictures):
    return torch.tensor([[1.0, 0.0]]).expand(len(pictures), 2)


@pytest.fixture
def picture():
    return torch.full((3, H, W), 0.9)


def test_the_masks_are_smooth_shifted_grids():
    draws = draw_masks(400, (H, W), cells=4, p=0.3, seed=0)
    masks = draws.masks(0, 400)
    assert masks.shape == (400, H, W) and masks.min() >= 0 and masks.max() <= 1
    assert draws.cell == (8, 12) and draws.grids.float().mean().item() == pytest.approx(0.3, abs=0.03)
    assert masks.mean().item() == pytest.approx(0.3, abs=0.03)
    assert len(torch.unique(masks[0])) > 10  # bilinear, not blocks
    assert len({tuple(s) for s in draws.shifts.tolist()}) > 20
    torch.testing.assert_close(torch.cat([draws.masks(0, 150), draws.masks(150, 400)]), masks)


def test_the_map_is_highest_where_the_function_looks(picture):
    exp = xt.rise(looks_at_the_region, picture, target=0, num_masks=300, progress=False)
    saliency = exp.saliency
    inside = saliency[REGION[0], REGION[1]].mean()
    outside = torch.cat([saliency[:4].flatten(), saliency[:, :16].flatten()]).mean()
    assert inside > outside + 0.05  # the region's pixels shown: f higher by ~0.1
    peak = np.unravel_index(saliency.argmax().item(), saliency.shape)
    assert 6 <= peak[0] < 18 and 26 <= peak[1] < 42


def test_the_sum_is_divided_by_n_times_p(picture):
    # f = 1 everywhere: S = sum_i M_i / (N p), the mean mask over p, about 1.
    exp = xt.rise(constant, picture, num_masks=400, p=0.25, seed=3, progress=False)
    masks = draw_masks(400, (H, W), p=0.25, seed=3).masks(0, 400)
    torch.testing.assert_close(exp.saliency, masks.double().mean(0) / 0.25, atol=1e-6, rtol=0)
    assert exp.saliency.mean().item() == pytest.approx(1, abs=0.1)


def test_the_same_seed_gives_the_same_map_however_batched(picture):
    run = lambda seed, batch: (
        xt.rise(looks_at_the_region, picture, num_masks=50, seed=seed, batch_size=batch, progress=False).saliency
    )
    torch.testing.assert_close(run(0, None), run(0, None), atol=0, rtol=0)
    torch.testing.assert_close(run(0, 7), run(0, 1), atol=1e-9, rtol=0)
    torch.testing.assert_close(run(0, 7), run(0, 50), atol=1e-9, rtol=0)
    assert not torch.equal(run(0, None), run(1, None))


def test_ctrl_c_averages_over_the_masks_done(picture):
    calls = []

    def interrupted(pictures):
        calls.append(len(pictures))
        if len(calls) == 4:  # the picture itself, then two batches of masks
            raise KeyboardInterrupt
        return constant(pictures)

    with pytest.warns(UserWarning, match="interrupted after 20 of 100"):
        exp = xt.rise(interrupted, picture, num_masks=100, batch_size=10, progress=False)
    masks = draw_masks(100, (H, W)).masks(0, 20)
    assert exp.num_masks == 20
    torch.testing.assert_close(exp.saliency, masks.double().mean(0) / 0.5, atol=1e-6, rtol=0)


def test_a_classifier_is_explained_on_its_grid_and_evaluated(lite0):
    cat = xt.imaging.resize(xt.imaging.to_tensor(xt.data.sample_image("chelsea")), (48, 72))
    small = xt.models.wrap(lite0.model, mean=lite0.mean, std=lite0.std, labels=lite0.labels, input_size=64)
    exp = xt.rise(small, cat, num_masks=16, progress=False)
    assert exp.saliency.shape == (48, 72) and exp.map().shape == (1, 1, 64, 96)
    probability = small(small.preprocess(cat)).softmax(-1)[0, exp.target].item()
    assert exp.probability == pytest.approx(probability, abs=1e-5) and exp.label == small.labels[exp.target]
    maps = xt.evaluation.explain(xt.rise, small, [cat], num_masks=8, progress=False)
    assert maps.shape == (1, 1, 64, 64)
    import matplotlib.pyplot as plt

    fig = exp.plot()
    assert "RISE" in fig.axes[0].get_title()
    plt.close(fig)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(num_masks=0), ValueError, "num_masks"),
        (dict(cells=0), ValueError, "cells"),
        (dict(p=0), ValueError, "probability of keeping"),
        (dict(p=1.5), ValueError, "probability of keeping"),
        (dict(target=5), ValueError, "not a class index"),
        (dict(batch_size=0), ValueError, "batch_size"),
    ],
)
def test_errors_say_what_is_wrong(picture, kwargs, error, match):
    with pytest.raises(error, match=match):
        xt.rise(looks_at_the_region, picture, **{"progress": False, **kwargs})
