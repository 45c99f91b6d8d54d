"""Grad-CAM++, Score-CAM and LayerCAM: exact values on a network small enough to do by hand, the
contract of the call (batches, targets, errors, Ctrl-C, the model given back untouched)."""

import math

import pytest
import torch
from helpers.models import InterruptedAfter, RandomTwoConvCNN, UnusedLayersNet, plus_minus_cnn, position_weights_net
from torch import nn

import xaitutor as xt

X = torch.tensor([[[[2.0, -1.0]]]])  # A^0 = (2, -1), A^1 = (-2, 1): logits (3, 0)
METHODS = [xt.gradcam_plusplus, xt.layercam, xt.scorecam]
RAW = dict(layer="0", upsample=None, normalize=False, return_parts=True)


def test_gradcam_plusplus_by_hand():
    # class 0, gradient g = (1, 3) on A^0 (sum 1) and (-1, 2) on A^1 (sum -1):
    # alpha^0 = (1 / (2 + 1), 9 / (18 + 27)) = (1/3, 1/5), w_0 = 1/3 * 1 + 1/5 * 3 = 14/15;
    # alpha^1 = (1 / (2 + 1), 4 / (8 - 8)): a zero denominator gives 0, and ReLU(-1) = 0, so w_1 = 0
    parts = xt.gradcam_plusplus(position_weights_net(), X, target=0, **RAW)
    torch.testing.assert_close(parts.weights, torch.tensor([[14 / 15, 0.0]]))
    torch.testing.assert_close(parts.raw, torch.tensor([[[[28 / 15, 0.0]]]]))
    assert parts.targets.tolist() == [0] and parts.layer == "0"
    # Grad-CAM's uniform gradients (plus_minus_cnn, x of mean 1, Z = 4): g^0 = 1/2, g^1 = 1/4 with
    # sums 4 and -4: alpha^0 = 1/4 / (1/2 + 1/2), alpha^1 = (1/16) / (1/8 - 1/16) = 1: w = (1/2, 1)
    x = torch.tensor([[1.0, 2.0], [-3.0, 4.0]])[None, None]
    parts = xt.gradcam_plusplus(plus_minus_cnn(), x, target=0, **RAW)
    torch.testing.assert_close(parts.weights, torch.tensor([[0.5, 1.0]]))
    torch.testing.assert_close(parts.raw, torch.tensor([[[[0.0, 0.0], [1.5, 0.0]]]]))


def test_layercam_by_hand():
    # the weights are ReLU(g): (1, 3) and (0, 2); the map 1 * 2 + 0 * -2 = 2, 3 * -1 + 2 * 1 = -1
    parts = xt.layercam(position_weights_net(), X, target=0, **RAW)
    torch.testing.assert_close(parts.weights, torch.tensor([[[[1.0, 3.0]], [[0.0, 2.0]]]]))
    torch.testing.assert_close(parts.raw, torch.tensor([[[[2.0, 0.0]]]]))
    signed = xt.layercam(position_weights_net(), X, target=0, layer="0", upsample=None, normalize=False, relu=False)
    torch.testing.assert_close(signed, torch.tensor([[[[2.0, -1.0]]]]))
    # Grad-CAM there: the mean gradients (2, 1/2) give (3, -1.5), another map
    torch.testing.assert_close(
        xt.gradcam(position_weights_net(), X, target=0, layer="0", upsample=None, normalize=False, relu=False),
        torch.tensor([[[[3.0, -1.5]]]]),
    )


def test_scorecam_by_hand():
    # the masks s(A^0) = (1, 0) and s(A^1) = (0, 1) show (2, 0) and (0, -1); their class-0 logits
    # are 2 + 2 = 4 and -3 + 2 = -1; the weights softmax(4, -1)
    parts = xt.scorecam(position_weights_net(), X, target=0, progress=False, **RAW)
    w = torch.tensor([[math.exp(5), 1.0]]) / (math.exp(5) + 1)
    torch.testing.assert_close(parts.weights, w, atol=1e-7, rtol=1e-6)
    # w_0 (2, -1) + w_1 (-2, 1) = (w_0 - w_1) (2, -1), with w_0 > w_1: the ReLU keeps the first pixel
    torch.testing.assert_close(parts.raw, (w[0, 0] - w[0, 1]) * torch.tensor([[[[2.0, 0.0]]]]))
    torch.testing.assert_close(parts.logits, torch.tensor([[3.0, 0.0]]))


@pytest.mark.parametrize("method", METHODS)
def test_options_and_sizes(method):
    model, x = RandomTwoConvCNN(), torch.randn(2, 3, 17, 19)
    kwargs = dict(progress=False) if method is xt.scorecam else {}
    cam = method(model, x, target=[0, 2], layer="features", **kwargs)
    assert cam.shape == (2, 1, 17, 19) and cam.min() >= 0 and cam.max() <= 1
    parts = method(model, x, target=[0, 2], layer="features", return_parts=True, **kwargs)
    torch.testing.assert_close(parts.cam, cam)
    assert parts.raw.shape == (2, 1, 6, 7) and parts.activations.shape == (2, 8, 6, 7)
    assert parts.weights.shape == ((2, 8, 6, 7) if method is xt.layercam else (2, 8))
    raw = method(model, x, target=[0, 2], layer="features", upsample=None, normalize=False, **kwargs)
    torch.testing.assert_close(raw, parts.raw)
    nearest = method(model, x, target=[0, 2], layer="features", upsample="nearest", normalize=False, **kwargs)
    torch.testing.assert_close(nearest, nn.functional.interpolate(raw, size=(17, 19), mode="nearest"))
    with pytest.raises(ValueError, match="upsample must be one of"):
        method(model, x, layer="features", upsample="linear", **kwargs)


@pytest.mark.parametrize("method", METHODS)
def test_errors(method):
    kwargs = dict(progress=False) if method is xt.scorecam else {}
    flat = xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(12, 3)), mean=[0.0] * 3, std=[1.0] * 3)
    with pytest.raises(ValueError, match="has no Grad-CAM layer"):
        method(flat, torch.randn(1, 3, 2, 2), **kwargs)
    with pytest.raises(ValueError, match="not N x K x h x w"):
        method(flat, torch.randn(1, 3, 2, 2), layer="1", **kwargs)
    with pytest.raises(ValueError, match="no layer given"):
        method(RandomTwoConvCNN(), torch.randn(1, 3, 9, 9), **kwargs)
    model, x = RandomTwoConvCNN(), torch.randn(2, 3, 9, 9)
    with pytest.raises(ValueError, match="not a class index"):
        method(model, x, target=3, layer="features", **kwargs)
    with pytest.raises(ValueError, match="got 1 targets for a batch of 2"):
        method(model, x, target=[0], layer="features", **kwargs)
    with pytest.raises(ValueError, match="not used by the model's forward"):
        method(UnusedLayersNet(), torch.randn(1, 1, 3, 3), layer="unused", **kwargs)


def test_default_layer_is_the_classifiers_cam_layer():
    model = RandomTwoConvCNN()
    clf = xt.models.wrap(model, mean=[0.0] * 3, std=[1.0] * 3, cam_layer="features.2")
    x = torch.randn(1, 3, 13, 13)
    for method, kwargs in ((xt.gradcam_plusplus, {}), (xt.layercam, {}), (xt.scorecam, dict(progress=False))):
        torch.testing.assert_close(method(clf, x, **kwargs), method(model, x, layer="features.2", **kwargs))


def test_scorecam_batches_give_the_same_maps():
    model, x, targets = RandomTwoConvCNN(), torch.randn(3, 3, 21, 21), [2, 0, 1]
    whole = xt.scorecam(model, x, target=targets, layer="features", progress=False, return_parts=True)
    for batch_size in (1, 5, 24):  # 24 = N K: one forward for all; 5 spans two images
        parts = xt.scorecam(
            model, x, target=targets, layer="features", batch_size=batch_size, progress=False, return_parts=True
        )
        torch.testing.assert_close(parts.weights, whole.weights, atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(parts.cam, whole.cam, atol=1e-5, rtol=1e-5)
    singles = [
        xt.scorecam(model, x[i : i + 1], target=t, layer="features", progress=False, return_parts=True)
        for i, t in enumerate(targets)
    ]
    torch.testing.assert_close(torch.cat([s.weights for s in singles]), whole.weights, atol=1e-6, rtol=1e-5)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        xt.scorecam(model, x, layer="features", batch_size=0, progress=False)


def test_scorecam_ctrl_c_gives_the_channels_scored_so_far():
    model, x = RandomTwoConvCNN(), torch.randn(1, 3, 21, 21)
    whole = xt.scorecam(model, x, target=1, layer="features", batch_size=3, progress=False, return_parts=True)
    interrupted = InterruptedAfter(model, calls=3)  # the layer's forward, one batch of 3, then Ctrl-C
    with pytest.warns(UserWarning, match="interrupted after 3 of 8"):
        parts = xt.scorecam(
            interrupted, x, target=1, layer="inner.features", batch_size=3, progress=False, return_parts=True
        )
    first = whole.weights[:, :3] / whole.weights[:, :3].sum()
    torch.testing.assert_close(parts.weights, torch.cat([first, torch.zeros(1, 5)], dim=1))
    interrupted.calls, interrupted.seen = 2, 0  # before any channel: nothing to give, the Ctrl-C goes on
    with pytest.raises(KeyboardInterrupt):
        xt.scorecam(interrupted, x, layer="inner.features", batch_size=3, progress=False)


def test_scorecam_sees_the_layer_before_an_inplace_relu():
    """Without gradients too, the captured map is the layer's own output, not the ReLU's."""
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(inplace=True), nn.Flatten(), nn.Linear(4 * 5 * 5, 3))
    parts = xt.scorecam(model, torch.randn(1, 3, 7, 7), layer="0", progress=False, return_parts=True)
    assert parts.activations.min() < 0
