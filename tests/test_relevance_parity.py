"""LRP equals zennit's (0.5.1 here: zennit 1.0 needs Python >= 3.11.11) with the same composite and
canonizer on torchvision's vgg16 and resnet18 (random weights) and on efficientnet_lite0 (its real
weights, with a zennit canonizer written here for its blocks); DeepLIFT equals captum's DeepLift and
DeconvNet captum's Deconvolution where captum's module hooks see every ReLU."""

import copy
import functools

import pytest
import torch
import torchvision
from captum.attr import Deconvolution
from zennit.attribution import Gradient
from zennit.canonizers import AttributeCanonizer, CompositeCanonizer, NamedMergeBatchNorm
from zennit.composites import COMPOSITES, LayerMapComposite, layer_map_base
from zennit.layer import Sum
from zennit.rules import Epsilon
from zennit.torchvision import ResNetCanonizer, VGGCanonizer
from zennit.types import Convolution, Linear

import xaitutor as xt
from xaitutor.methods.relevance.composites import input_bounds
from xaitutor.models.efficientnet_lite import MBConvBlock

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")
TARGETS = [1, 285]


def close(ours, theirs, rtol=1e-5):
    torch.testing.assert_close(ours, theirs, rtol=rtol, atol=rtol * theirs.abs().max().item())


@functools.cache
def random_model(name):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            # zennit's merged batch norm keeps 1 / sqrt(1 + eps) in the forward pass; eps = 0 makes
            # it the identity it means, so that both libraries compute the same forward
            m.eps = 0.0
            m.running_var.uniform_(0.5, 2.0), m.running_mean.normal_(0, 0.1), m.bias.data.normal_(0, 0.1)
    clf = xt.models.wrap(model, mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225], input_size=None)
    return clf, torch.randn(len(TARGETS), 3, 64, 64, generator=torch.Generator().manual_seed(1))


def lite_block_forward(self, x):
    out = x
    if self.has_expansion:
        out = self._expand_act(self._bn0(self._expand_conv(out)))
    out = self._depthwise_act(self._bn1(self._depthwise_conv(out)))
    out = self._bn2(self._project_conv(out))
    return self.canonizer_sum(torch.stack([x, out], dim=-1)) if self.has_residual else out


def lite_canonizer(model):
    """zennit has no canonizer for efficientnet_lite: its batch norms by name, and its residual
    blocks given a Sum module, as zennit's ResNet canonizer does for resnet's blocks."""
    names = dict(model.named_modules())
    pairs = [(["_conv_stem"], "_bn0"), (["_conv_head"], "_bn1")]
    for name, module in names.items():
        if isinstance(module, MBConvBlock):
            convs = ["_expand_conv", "_depthwise_conv", "_project_conv"] if module.has_expansion else []
            convs = convs or ["_depthwise_conv", "_project_conv"]
            pairs += [([f"{name}.{c}"], f"{name}._bn{i + (not module.has_expansion)}") for i, c in enumerate(convs)]

    def blocks(name, module):
        if isinstance(module, MBConvBlock):
            return {"forward": lite_block_forward.__get__(module), "canonizer_sum": Sum()}
        return None

    return CompositeCanonizer([NamedMergeBatchNorm(pairs), AttributeCanonizer(blocks)])


def epsilon_everywhere(canonizers):
    """zennit's rules for xt's ``"epsilon"`` composite (it names no such composite)."""
    return LayerMapComposite(layer_map_base() + [(Convolution, Epsilon()), (Linear, Epsilon())], canonizers=canonizers)


def zennit_lrp(clf, x, composite, canonizer):
    kwargs = {}
    if composite == "epsilon_gamma_box":
        low, high = input_bounds(clf)
        kwargs = dict(low=low.expand_as(x), high=high.expand_as(x))
    made = epsilon_everywhere if composite == "epsilon" else COMPOSITES[composite]
    with Gradient(model=clf.model, composite=made(canonizers=[canonizer], **kwargs)) as attributor:
        seed = torch.nn.functional.one_hot(torch.tensor(TARGETS), 1000).float()
        _, relevance = attributor(x, lambda out: out * seed)
    return relevance


@pytest.mark.parametrize(
    "composite", ["epsilon_plus_flat", "epsilon_gamma_box", "epsilon_alpha2_beta1", "epsilon_plus", "epsilon"]
)
@pytest.mark.parametrize("name", ["vgg16", "resnet18"])
def test_lrp_equals_zennits_on_torchvision_models(name, composite):
    clf, x = random_model(name)
    canonizer = VGGCanonizer() if name == "vgg16" else ResNetCanonizer()
    # LRP-ε everywhere divides by sums near 0 in every layer: float rounding (the merged batch norm)
    # is amplified, so that composite is compared to 1e-4 of the maximum
    tolerance = 1e-4 if composite == "epsilon" else 1e-5
    close(xt.lrp(clf, x, TARGETS, composite=composite), zennit_lrp(clf, x, composite, canonizer), tolerance)


def without_eps(clf):
    """The same function with each batch norm's eps moved into its running variance (see random_model)."""
    model = copy.deepcopy(clf.model)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_var += m.eps
            m.eps = 0.0
    return xt.models.wrap(model, mean=clf.mean, std=clf.std, input_size=None)


@pytest.mark.parametrize("composite", ["epsilon_plus_flat", "epsilon_gamma_box"])
def test_lrp_equals_zennits_on_efficientnet_lite0(lite0, composite):
    clf = without_eps(lite0)
    x = lite0.preprocess([xt.data.sample_image(n) for n in ("chelsea", "coffee")], size=64)
    close(xt.lrp(clf, x, TARGETS, composite=composite), zennit_lrp(clf, x, composite, lite_canonizer(clf.model)))


@pytest.mark.parametrize("name", ["vgg16", "resnet18"])
def test_deconvnet_equals_captums_deconvolution(name):
    clf, x = random_model(name)
    close(xt.deconvnet(clf, x, TARGETS), Deconvolution(clf.model).attribute(x, target=TARGETS))
