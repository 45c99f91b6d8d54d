"""Occlusion on a model whose answer can be counted by hand; baselines, batching, errors."""

import pytest
import torch

import xaitutor as xt
from tests.helpers.models import PixelSumModel, RandomTwoConvCNN


def test_windows_that_tile_the_picture():
    x = torch.ones(1, 1, 4, 4)
    out = xt.occlusion(PixelSumModel(), x, target=0, window=2, stride=2, progress=False)
    assert out.shape == (1, 1, 4, 4) and torch.equal(out, torch.full((1, 1, 4, 4), 4.0))


def test_overlapping_windows_cut_at_the_border_are_averaged():
    # window 3, stride 2 on 4 x 4: windows start at rows/cols 0 and 2; the second is cut to 2 pixels,
    # so the four windows hide 9, 6, 6 and 4 ones.
    out = xt.occlusion(PixelSumModel(), torch.ones(1, 1, 4, 4), target=0, window=3, stride=2, progress=False)
    expected = torch.tensor([[9, 9, 7.5, 6], [9, 9, 7.5, 6], [7.5, 7.5, 6.25, 5], [6, 6, 5, 4]])
    torch.testing.assert_close(out[0, 0], expected)
    minus = xt.occlusion(PixelSumModel(), torch.ones(1, 1, 4, 4), target=1, window=3, stride=2, progress=False)
    torch.testing.assert_close(minus[0, 0], -expected)


def test_the_baseline_fills_the_window():
    x = torch.ones(1, 3, 4, 4)
    grey = xt.occlusion(PixelSumModel(), x, target=0, window=2, stride=2, baseline="grey", progress=False)
    torch.testing.assert_close(grey, torch.full((1, 1, 4, 4), 3 * 4 * 0.5))
    clf = xt.models.wrap(PixelSumModel(), mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5), labels=["a", "b"])
    black = xt.occlusion(clf, x, target=0, window=4, stride=4, progress=False)  # black is (0 - .5) / .5 = -1
    torch.testing.assert_close(black, torch.full((1, 1, 4, 4), 3 * 16 * 2.0))


def test_batching_gives_the_same_result():
    torch.manual_seed(0)
    model, x = RandomTwoConvCNN().train(), torch.rand(2, 3, 12, 12)
    whole = xt.occlusion(model, x, window=4, stride=2, batch_size=100, progress=False)
    with torch.no_grad():
        pieces = xt.occlusion(model, x, window=4, stride=2, batch_size=3, progress=False)
    torch.testing.assert_close(whole, pieces)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(window=5), "larger than the picture"),
        (dict(window=2, stride=3), "stride=3 is larger than window=2"),
        (dict(window=0), "window must be a positive int"),
        (dict(window=2, stride=2, baseline="white"), "baseline must be None, one of"),
        (dict(window=2, stride=2, target=[0, 1]), "got 2 targets for a batch of 1"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        xt.occlusion(PixelSumModel(), torch.ones(1, 1, 4, 4), progress=False, **kwargs)
