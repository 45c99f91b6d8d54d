"""Parity of Grad-CAM++, Score-CAM and LayerCAM with pytorch-grad-cam's GradCAMPlusPlus, ScoreCAM
and LayerCAM: the channel weights and the raw maps (at the layer's resolution) to 1e-5, the
upsampled maps correlated above 0.999 (pytorch-grad-cam scales each map before it resizes it).

pytorch-grad-cam adds 1e-6 to Grad-CAM++'s denominator ``2 g^2 + sum A g^3``, which is about 1e-4
at these layers: its weights differ from the paper's formula by up to 1-3 % of the largest. Its arithmetic is
compared on rescaled inputs, ``A / c`` and ``c g`` for ``c = 1e4``, where its weights are ``c``
times the paper's and the constant no longer counts.

On torchvision's resnet18 with random weights (layer4, 512 channels) and efficientnet_lite0
(``_head_act``, 1280 channels), 64 x 64 inputs (Score-CAM: one 48 x 48 picture, its 1280
forwards cheap)."""

import functools

import numpy as np
import pytest
import torch
import torchvision
from pytorch_grad_cam import GradCAMPlusPlus, LayerCAM, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

import xaitutor as xt

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")

TARGETS = [1, 207]
SIZE = 64
RESCALE = 1e4


@functools.cache
def resnet18():
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    return model, torch.randn(len(TARGETS), 3, SIZE, SIZE, generator=torch.Generator().manual_seed(1))


@pytest.fixture(scope="module", params=["resnet18", "efficientnet_lite0"])
def case(request):
    """(model, batch, layer name)."""
    if request.param == "resnet18":
        return (*resnet18(), "layer4")
    clf = request.getfixturevalue("lite0")
    images = [xt.data.sample_image(n) for n in ("chelsea", "coffee")]
    return clf.model, clf.preprocess(images, size=SIZE), clf.cam_layer


def peer(kind, model, layer, x, targets=TARGETS, **attributes):
    """pytorch-grad-cam's maps, activations, gradients and (where it has them) channel weights."""
    seen = {}
    with kind(model=model, target_layers=[model.get_submodule(layer)]) as cam:
        for name, value in attributes.items():
            setattr(cam, name, value)
        weigh = cam.get_cam_weights

        def recorded(*args):  # the weights it uses, kept on the way
            seen["weights"] = weigh(*args)
            return seen["weights"]

        cam.get_cam_weights = recorded
        maps = cam(input_tensor=x, targets=[ClassifierOutputTarget(t) for t in targets])
        grads = cam.activations_and_grads.gradients
        seen.update(
            cam=maps,
            activations=cam.activations_and_grads.activations[0].numpy(),
            gradients=grads[0].numpy() if grads else None,
            instance=cam,
        )
    model.zero_grad(set_to_none=True)  # its .backward() wrote parameter gradients
    return seen


def assert_maps_correlate(ours, theirs):
    compared = 0
    for a, b in zip(ours[:, 0].numpy(), theirs):
        if a.max() == 0:
            assert np.abs(b).max() < 1e-6
            continue
        assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.999
        compared += 1
    assert compared >= 1


def test_gradcam_plusplus_matches(case):
    model, x, layer = case
    parts = xt.gradcam_plusplus(
        model, x, target=TARGETS, layer=layer, upsample=None, normalize=False, return_parts=True
    )
    theirs = peer(GradCAMPlusPlus, model, layer, x)
    np.testing.assert_allclose(parts.activations.numpy(), theirs["activations"], rtol=1e-5, atol=1e-6)
    cam, own = theirs["instance"], theirs["weights"]  # get_cam_image below records its weights again
    acts, grads = theirs["activations"] / RESCALE, theirs["gradients"] * RESCALE
    weights = GradCAMPlusPlus.get_cam_weights(cam, x, None, None, acts, grads) / RESCALE
    np.testing.assert_allclose(parts.weights.numpy(), weights, rtol=1e-5, atol=1e-7)
    raw = np.maximum(cam.get_cam_image(x, None, None, acts, grads), 0)  # A / c with c w: the same maps
    np.testing.assert_allclose(parts.raw[:, 0].numpy(), raw, rtol=1e-5, atol=1e-6)
    # its own weights, with its 1e-6, are 0.7 % (lite0) to 3 % (resnet18) off; its maps still correlate
    off = np.abs(own - weights).max() / np.abs(weights).max()
    assert off > 1e-3
    assert_maps_correlate(xt.gradcam_plusplus(model, x, target=TARGETS, layer=layer), theirs["cam"])


def test_layercam_matches(case):
    model, x, layer = case
    parts = xt.layercam(model, x, target=TARGETS, layer=layer, upsample=None, normalize=False, return_parts=True)
    theirs = peer(LayerCAM, model, layer, x)
    np.testing.assert_allclose(parts.weights.numpy(), np.maximum(theirs["gradients"], 0), rtol=1e-5, atol=1e-8)
    raw = np.maximum(
        theirs["instance"].get_cam_image(x, None, None, theirs["activations"], theirs["gradients"], False), 0
    )
    np.testing.assert_allclose(parts.raw[:, 0].numpy(), raw, rtol=1e-5, atol=1e-6)
    assert_maps_correlate(xt.layercam(model, x, target=TARGETS, layer=layer), theirs["cam"])


def test_scorecam_matches(case):
    """One picture of 48 x 48 (the layer still 2 x 2): 512 or 1280 masked forwards each."""
    model, x, layer = case
    x = torch.nn.functional.interpolate(x[:1], size=(48, 48), mode="bilinear")
    parts = xt.scorecam(model, x, target=TARGETS[:1], layer=layer, batch_size=128, progress=False, return_parts=True)
    assert parts.raw.shape[-2:] == (2, 2)
    theirs = peer(ScoreCAM, model, layer, x, batch_size=128, targets=TARGETS[:1])
    np.testing.assert_allclose(parts.weights.numpy(), theirs["weights"], rtol=1e-5, atol=1e-8)
    raw = np.maximum((theirs["weights"][:, :, None, None] * theirs["activations"]).sum(1), 0)
    torch.testing.assert_close(parts.raw, xt.methods.grad_cam.heatmap(parts.activations, parts.weights))
    np.testing.assert_allclose(parts.raw[:, 0].numpy(), raw, rtol=1e-5, atol=1e-6)
    assert_maps_correlate(parts.cam, theirs["cam"])
