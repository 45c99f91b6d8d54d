"""DeepLIFT (rescale rule) equals captum's DeepLift where captum's module hooks are right, sums to
f(x) - f(x') everywhere (summation-to-delta), and stays right where captum is not: a ReLU module
called twice (resnet18), a functional ReLU, a ReLU next to a max pooling (vgg16)."""

import copy
import functools

import pytest
import torch
import torchvision
from captum.attr import DeepLift
from torch import nn

import xaitutor as xt

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")
TARGETS = [1, 285]


def close(ours, theirs):
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5 * theirs.abs().max().item())


@functools.cache
def random_model(name, pooling=None):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    if pooling is not None:  # vgg16 with average pooling: no ReLU next to a max pooling
        model.features = nn.Sequential(*[pooling if isinstance(m, nn.MaxPool2d) else m for m in model.features])
    generator = torch.Generator().manual_seed(1)
    x, baseline = torch.randn(2, 3, 64, 64, generator=generator), 0.1 * torch.randn(2, 3, 64, 64, generator=generator)
    return model, x, baseline


def small_net(functional=False):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.conv1, self.conv2 = nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, 3)
            self.relu1, self.relu2, self.fc = nn.ReLU(), nn.ReLU(inplace=True), nn.Linear(8 * 4 * 4, 300)

        def forward(self, x):
            h = self.relu1(self.conv1(x))
            h = torch.relu(self.conv2(h)) if functional else self.relu2(self.conv2(h))
            return self.fc(h.flatten(1))

    return Net().eval()


def inputs(size=8):
    generator = torch.Generator().manual_seed(2)
    return torch.randn(2, 3, size, size, generator=generator), 0.1 * torch.randn(2, 3, size, size, generator=generator)


def test_deeplift_equals_captums_on_module_relus():
    model, (x, baseline) = small_net(), inputs()
    close(xt.deeplift(model, x, TARGETS, baseline=baseline), DeepLift(model).attribute(x, baseline, target=TARGETS))


def test_deeplift_equals_captums_on_vgg16_with_average_pooling():
    """In float64: sixteen layers of Δy / Δx in float32 leave one pixel in 24576 at 1.2e-5 of the maximum."""
    model, x, baseline = random_model("vgg16", nn.AvgPool2d(2))
    model, x, baseline = copy.deepcopy(model).double(), x.double(), baseline.double()
    close(xt.deeplift(model, x, TARGETS, baseline=baseline), DeepLift(model).attribute(x, baseline, target=TARGETS))


@pytest.mark.parametrize("name", ["vgg16", "resnet18"])
def test_deeplift_sums_to_the_difference_of_the_scores_where_captum_does_not(name):
    model, x, baseline = random_model(name)
    parts = xt.deeplift(model, x, TARGETS, baseline=baseline, return_parts=True)
    delta = parts.scores - parts.baseline_scores
    assert (parts.gap.abs() <= 1e-5 * delta.abs()).all()
    if name == "resnet18":  # BasicBlock calls self.relu twice: captum refuses
        with pytest.raises(RuntimeError, match="used more than once"):
            DeepLift(model).attribute(x, baseline, target=TARGETS)
    else:  # a ReLU next to a max pooling: captum's multipliers miss the sum
        _, captum_gap = DeepLift(model).attribute(x, baseline, target=TARGETS, return_convergence_delta=True)
        assert (captum_gap.abs() > 1e-3 * delta.abs()).all()


def test_a_functional_relu_gets_its_multiplier_too():
    (x, baseline), model = inputs(), small_net(functional=True)
    parts = xt.deeplift(model, x, TARGETS, baseline=baseline, return_parts=True)
    assert (parts.gap.abs() <= 1e-5 * (parts.scores - parts.baseline_scores).abs()).all()
    close(parts.attribution, xt.deeplift(small_net(), x, TARGETS, baseline=baseline))
    _, captum_gap = DeepLift(model).attribute(x, baseline, target=TARGETS, return_convergence_delta=True)
    assert (captum_gap.abs() > 1e-3).any(), "captum's module hooks do not see torch.relu"


def test_deeplift_on_efficientnet_lite0_sums_to_the_difference(lite0):
    """ReLU6, residual blocks and batch norm, with the default (black) baseline."""
    x = lite0.preprocess(xt.data.sample_image("chelsea"), size=96)
    parts = xt.deeplift(lite0, x, return_parts=True)
    assert parts.gap.abs().item() <= 1e-4 * (parts.scores - parts.baseline_scores).abs().item()
