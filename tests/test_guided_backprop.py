"""Saliency, guided backpropagation and Guided Grad-CAM: values by hand, the guided rule at
in-place and reused activations against an independent reference, and the guided rule kept out of
the Grad-CAM weights."""

import copy

import pytest
import torch
import torch.nn.functional as F
from helpers.models import ReusedInplaceReLU6Net, plus_minus_relu_net
from torch import nn

import xaitutor as xt

X = torch.tensor([2.0, -1.0]).reshape(1, 1, 1, 2)  # h = (2, 0, 0, 1), logits (1, -4)


@pytest.mark.parametrize("inplace", [False, True])
def test_by_hand(inplace):
    model = plus_minus_relu_net(inplace)
    # class 0: dy/dh = (1, 1, -1, -1); the ReLU passes h0p0 and h1p1 (positive input)
    # backprop: (1, 0, 0, -1) -> dx = (1, 0) from h0 = x, plus (0, +1) from h1 = -x
    torch.testing.assert_close(xt.saliency(model, X), torch.tensor([[[[1.0, 1.0]]]]))
    # guided: the negative -1s stop at the ReLU first: (1, 1, 0, 0) -> masked (1, 0, 0, 0)
    torch.testing.assert_close(xt.guided_backprop(model, X), torch.tensor([[[[1.0, 0.0]]]]))
    # class 1: dy/dh = (-1, 2, 3, -2): backprop (-1, 0, 0, -2) -> (-1, 2); guided: nothing passes
    torch.testing.assert_close(xt.saliency(model, X, target=1), torch.tensor([[[[-1.0, 2.0]]]]))
    torch.testing.assert_close(xt.guided_backprop(model, X, target=1), torch.zeros(1, 1, 1, 2))


def test_guided_rule_stays_out_of_the_gradcam_weights():
    """The layer is the convolution, *below* the ReLU: its plain gradient for class 0 is
    (1, 0 | 0, -1), so alpha = (0.5, -0.5) and the raw map ReLU(0.5 x + 0.5 x) = (2, 0). Guided
    gradients would give (1, 0 | 0, 0), alpha = (0.5, 0) and the map (1, 0): a leak shows."""
    model = plus_minus_relu_net(inplace=True)
    cam = xt.gradcam(model, X, layer="0", upsample=None, normalize=False)
    torch.testing.assert_close(cam, torch.tensor([[[[2.0, 0.0]]]]))
    ggc = xt.guided_gradcam(model, X, layer="0", upsample="nearest", normalize=False)
    torch.testing.assert_close(ggc, torch.tensor([[[[2.0, 0.0]]]]))  # (1, 0) * (2, 0)


class _GuidedClamp(torch.autograd.Function):
    """The reference's activation: ``clamp(x, 0, high)`` forward; backward, the gradient where
    the input was in the open interval (0, high) and the gradient itself is positive."""

    @staticmethod
    def forward(ctx, x, high):
        ctx.save_for_backward(x)
        ctx.high = high
        return x.clamp(0, high)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad.clamp(min=0) * ((x > 0) & (x < ctx.high)), None


class _GuidedActivation(nn.Module):
    def __init__(self, high):
        super().__init__()
        self.high = high

    def forward(self, x):
        return _GuidedClamp.apply(x, self.high)


def guided_reference(model: nn.Module, x: torch.Tensor, target) -> torch.Tensor:
    """Guided backpropagation computed independently: a deep copy of the model whose ReLU / ReLU6
    modules are swapped for :class:`_GuidedActivation`, and a plain input gradient."""
    guided = copy.deepcopy(model).eval()
    for name, module in list(guided.named_modules()):
        if isinstance(module, (nn.ReLU, nn.ReLU6)):
            parent, _, child = name.rpartition(".")
            high = 6.0 if isinstance(module, nn.ReLU6) else float("inf")
            setattr(guided.get_submodule(parent) if parent else guided, child, _GuidedActivation(high))
    x = x.clone().requires_grad_(True)
    score = guided(x).gather(1, torch.as_tensor(target).reshape(-1, 1)).sum()
    return torch.autograd.grad(score, x)[0]


def test_inplace_relu6_called_twice_matches_reference():
    model = ReusedInplaceReLU6Net()
    x = 8 * torch.randn(3, 3, 10, 10)  # large enough that many activations saturate at 6
    with torch.no_grad():
        pre = model.conv1(x)
    assert (pre > 6).any() and (pre < 0).any()
    targets = [0, 3, 4]
    guided = xt.guided_backprop(model, x, target=targets)
    torch.testing.assert_close(guided, guided_reference(model, x, targets), atol=1e-6, rtol=1e-5)
    assert not torch.allclose(guided, xt.saliency(model, x, target=targets)), "the rule changed nothing"


def test_efficientnet_lite0_matches_reference(lite0):
    x = lite0.preprocess([xt.data.sample_image("chelsea"), xt.data.sample_image("rocket")], size=128)
    targets = [285, 812]
    guided = xt.guided_backprop(lite0, x, target=targets)
    reference = guided_reference(lite0.model, x, targets)
    torch.testing.assert_close(guided, reference, atol=1e-5, rtol=1e-4)
    assert guided.abs().flatten(1).amax(1).gt(0).all()


def test_batch_with_targets_equals_single_calls():
    import torchvision

    model = torchvision.models.resnet18(weights=None).eval()
    x = torch.randn(4, 3, 64, 64)
    targets = [3, 141, 999, 0]
    for method, kwargs in ((xt.saliency, {}), (xt.guided_backprop, {}), (xt.guided_gradcam, {"layer": "layer4"})):
        batch = method(model, x, target=targets, **kwargs)
        singles = torch.cat([method(model, x[i : i + 1], target=t, **kwargs) for i, t in enumerate(targets)])
        torch.testing.assert_close(batch, singles, atol=1e-6, rtol=1e-4)
    assert batch.shape == (4, 3, 64, 64)


class Functional(nn.Module):
    """conv -> ``activation`` (a function) -> mean -> linear: no activation module to hook."""

    def __init__(self, activation):
        super().__init__()
        self.conv, self.fc, self.activation = nn.Conv2d(3, 4, 3), nn.Linear(4, 2), activation

    def forward(self, x):
        return self.fc(self.activation(self.conv(x)).mean(dim=(2, 3)))


@pytest.mark.parametrize("relu", [F.relu, torch.relu, F.relu6, lambda t: t.relu()])
def test_a_functional_relu_is_guided_as_its_module_is(relu):
    torch.manual_seed(0)
    model, x = Functional(relu), torch.randn(2, 3, 8, 8)
    twin = nn.Sequential(model.conv, nn.ReLU6() if relu is F.relu6 else nn.ReLU())  # the same ReLU, a module
    reference = guided_reference(nn.Sequential(twin, nn.Flatten(2), Mean(), model.fc), x, [0, 1])
    guided = xt.guided_backprop(model, x, target=[0, 1])
    torch.testing.assert_close(guided, reference, atol=1e-6, rtol=1e-5)
    assert not torch.allclose(guided, xt.saliency(model, x, target=[0, 1])), "the rule changed nothing"


class Mean(nn.Module):
    def forward(self, t):
        return t.mean(dim=2)


def test_a_model_without_relus_warns_and_gives_saliency():
    model, x = Functional(F.gelu), torch.randn(1, 3, 8, 8)
    with pytest.warns(UserWarning, match="found no ReLU"):
        guided = xt.guided_backprop(model, x)
    torch.testing.assert_close(guided, xt.saliency(model, x))


def test_errors_name_the_problem():
    model = plus_minus_relu_net(inplace=False)
    with pytest.raises(ValueError, match="target 5 is not a class index"):
        xt.guided_backprop(model, X, target=5)
    with pytest.raises(ValueError, match="got 3 targets for a batch of 1"):
        xt.saliency(model, X, target=[0, 1, 1])
    with pytest.raises(TypeError, match="clf.preprocess"):
        xt.guided_backprop(model, [[2.0, -1.0]])


def test_gradient_picture_centres_on_grey():
    from xaitutor.imaging import gradient_picture

    gradient = torch.randn(2, 3, 5, 5)
    picture = gradient_picture(gradient)
    assert picture.shape == gradient.shape and 0 <= picture.min() and picture.max() <= 1
    torch.testing.assert_close(picture.mean(dim=(1, 2, 3)), torch.full((2,), 0.5), atol=0.01, rtol=0)
    assert torch.equal(gradient_picture(torch.zeros(1, 3, 2, 2)), torch.full((1, 3, 2, 2), 0.5))


def test_saliency_picture_clips_at_the_percentile():
    from xaitutor.imaging import saliency_picture

    gradient = torch.zeros(1, 3, 10, 10)
    gradient[0, 1, 0, :] = -torch.arange(10.0)  # |g| up to 9 in channel 1
    gradient[0, 0, 5, 5] = 1000.0  # one outlier
    picture = saliency_picture(gradient, percentile=95)
    assert picture.shape == (1, 1, 10, 10) and picture.max() == 1 and picture.min() == 0
    assert picture[0, 0, 0, 4] > 0 and picture[0, 0, 5, 5] == 1
    assert torch.equal(saliency_picture(torch.zeros(1, 3, 2, 2)), torch.zeros(1, 1, 2, 2))
