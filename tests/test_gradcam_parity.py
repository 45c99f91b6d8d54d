"""Parity with the peers: captum's LayerGradCam (raw map, to 1e-5), pytorch-grad-cam's GradCAM
(upsampled normalised map, correlation above 0.999), captum's GuidedBackprop (to 1e-5) and
GuidedGradCam (with its conventions: nearest upsampling, no normalisation).

torchvision's resnet18 and vgg16 with random weights are enough for the arithmetic (in-place
ReLUs, and ResNet's BasicBlock calls one ReLU twice); efficientnet_lite0 has its real weights. Its
activations are ReLU6, which captum does not guide, so its guided parity is in
test_guided_backprop.py, against an independent reference."""

import functools
import warnings

import numpy as np
import pytest
import torch
import torchvision
from captum.attr import GuidedBackprop, GuidedGradCam, LayerGradCam
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

import xaitutor as xt

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")

TARGETS = [1, 207, 285, 812]


@functools.cache
def random_torchvision(name: str, size: int):
    """A torchvision model with random weights (built once) and a random batch."""
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    return model, torch.randn(len(TARGETS), 3, size, size, generator=torch.Generator().manual_seed(1))


@pytest.fixture(scope="module", params=["resnet18", "vgg16", "efficientnet_lite0"])
def case(request):
    """(model, batch, layer name) for each model; small inputs keep the tests fast."""
    if request.param == "resnet18":
        return (*random_torchvision("resnet18", 112), "layer4")
    if request.param == "vgg16":
        return (*random_torchvision("vgg16", 64), "features.29")  # the last ReLU(inplace=True), 4 x 4 here
    clf = request.getfixturevalue("lite0")
    images = [xt.data.sample_image(n) for n in ("chelsea", "coffee", "rocket", "astronaut")]
    return clf.model, clf.preprocess(images, size=128), clf.cam_layer


def test_raw_map_equals_captum_layer_gradcam(case):
    model, x, layer = case
    ours = xt.gradcam(model, x, target=TARGETS, layer=layer, upsample=None, normalize=False)
    theirs = LayerGradCam(model, model.get_submodule(layer)).attribute(x, target=TARGETS, relu_attributions=True)
    torch.testing.assert_close(ours, theirs.detach(), atol=1e-5, rtol=1e-5)
    assert ours.flatten(1).amax(1).gt(0).sum() >= 2, "too few non-zero maps to compare"
    signed = xt.gradcam(model, x, target=TARGETS, layer=layer, upsample=None, normalize=False, relu=False)
    theirs = LayerGradCam(model, model.get_submodule(layer)).attribute(x, target=TARGETS)
    torch.testing.assert_close(signed, theirs.detach(), atol=1e-5, rtol=1e-5)


def test_map_correlates_with_pytorch_grad_cam(case):
    model, x, layer = case
    ours = xt.gradcam(model, x, target=TARGETS, layer=layer)[:, 0].numpy()
    with GradCAM(model=model, target_layers=[model.get_submodule(layer)]) as cam:
        theirs = cam(input_tensor=x, targets=[ClassifierOutputTarget(t) for t in TARGETS])
    model.zero_grad(set_to_none=True)  # pytorch-grad-cam's .backward() wrote parameter gradients
    compared = 0
    for a, b in zip(ours, theirs):
        if a.max() == 0:  # a zero map (no positive evidence) has no correlation; theirs is zero too
            assert np.abs(b).max() < 1e-6
            continue
        assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.999
        compared += 1
    assert compared >= 2


@pytest.mark.parametrize("name", ["resnet18", "vgg16"])
def test_guided_backprop_equals_captum(name):
    model, x = random_torchvision(name, 112 if name == "resnet18" else 64)
    ours = xt.guided_backprop(model, x, target=TARGETS)
    with warnings.catch_warnings():  # captum warns that it sets requires_grad and hooks the ReLUs
        warnings.simplefilter("ignore")
        theirs = GuidedBackprop(model).attribute(x, target=TARGETS)
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-5)
    assert not torch.allclose(ours, xt.saliency(model, x, target=TARGETS)), "the rule changed nothing"


@pytest.mark.parametrize("layer", ["layer4", "layer3"])
def test_guided_gradcam_equals_captum(layer):
    """With layer3, the ReLUs of layer4 sit between the layer and the output: guided gradients
    leaking into the Grad-CAM weights would break the equality."""
    model, x = random_torchvision("resnet18", 112)
    ours = xt.guided_gradcam(model, x, target=TARGETS, layer=layer, upsample="nearest", normalize=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = GuidedGradCam(model, model.get_submodule(layer)).attribute(x, target=TARGETS)
    torch.testing.assert_close(ours, theirs.detach(), atol=1e-5, rtol=1e-5)
    assert ours.abs().flatten(1).amax(1).gt(0).sum() >= 2
