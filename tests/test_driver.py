"""The shared driver of the gradient methods: gradients by hand to the input and to a captured layer,
the targets and their scores, the model guarded."""

import pytest
import torch
from helpers.models import RELU_LINEAR_WEIGHTS, relu_linear_net
from torch import nn

import xaitutor as xt
from xaitutor.hooks import hook_count
from xaitutor.methods.driver import forward, gradient, target_scores

W = RELU_LINEAR_WEIGHTS


X = torch.tensor([[[[1.0, -1.0], [2.0, 0.5]]], [[[-3.0, 1.0], [1.0, 1.0]]]])  # 2 pictures


def test_the_input_gradient_by_hand():
    model = relu_linear_net()
    with forward(model, X, target=[2, 1]) as run:
        grad = run.gradient(run.x)
        logits, targets = run.logits.detach(), run.targets
    positive = (X.flatten(1) > 0).float()
    torch.testing.assert_close(grad.flatten(1), torch.stack([W[2], W[1]]) * positive)
    torch.testing.assert_close(logits, X.flatten(1).clamp(min=0) @ W.T)
    assert targets.tolist() == [2, 1]


def test_none_means_each_images_top_class_and_scores_are_the_target_logits():
    model = relu_linear_net()
    with forward(model, X) as run:
        top = run.logits.argmax(dim=1)
        assert torch.equal(run.targets, top)
        assert torch.equal(target_scores(run.logits, run.targets), run.logits.max(dim=1).values)
        assert run.score(torch.tensor([0, 0])).item() == pytest.approx(run.logits[:, 0].sum().item())


def test_the_gradient_to_a_captured_layer_by_hand():
    model = relu_linear_net()
    with forward(model, X, target=0, layers=["1"]) as run:
        grad = run.gradient(run.activations["1"])  # d y^0 / d relu(x) = W[0], for every image
    torch.testing.assert_close(grad, W[0].expand(2, 4))


def test_retain_graph_serves_two_backward_passes_of_one_forward():
    model = relu_linear_net()
    with forward(model, X, target=0, layers=["1"]) as run:
        first = run.gradient(run.activations["1"], retain_graph=True)
        second = run.gradient(run.x, of=run.score(torch.tensor([1, 1])))
    torch.testing.assert_close(first, W[0].expand(2, 4))
    torch.testing.assert_close(second.flatten(1), W[1] * (X.flatten(1) > 0))


def test_the_model_is_guarded_even_on_error_and_under_no_grad():
    model = nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2), nn.Dropout(0.5), nn.Flatten(), nn.Linear(8, 3))
    model.train()
    model[0].weight.requires_grad_(False)
    marker = torch.ones_like(model[4].weight)
    model[4].weight.grad = marker
    with torch.no_grad(), forward(model, X, layers=["0"]) as run:  # no_grad cannot stop the methods
        assert not model.training and hook_count(model) == 1
        grad = run.gradient(run.x)
    assert grad.shape == X.shape and grad.abs().sum() > 0
    with pytest.raises(RuntimeError, match="boom"), forward(model, X, layers=["0"]):
        raise RuntimeError("boom")
    assert model.training and model[2].training and hook_count(model) == 0
    assert not model[0].weight.requires_grad and model[4].weight.grad is marker


def test_clear_errors():
    model = relu_linear_net()
    with pytest.raises(ValueError, match="got 1 targets for a batch of 2"), forward(model, X, target=[0]):
        pass
    with pytest.raises(ValueError, match="N x C x H x W"), forward(model, X[0]):
        pass
    model = nn.Sequential(relu_linear_net())
    model.side = nn.Conv2d(1, 1, 1)  # an attribute of a container that never calls it
    model.forward = model[0].forward
    with forward(model, X, layers=["side", "0.1"]) as run:
        with pytest.raises(ValueError, match="layer 'side' was not used by the model's forward"):
            run.feature_map("side")
        with pytest.raises(ValueError, match="outputs shape \\(2, 4\\), not N x K x h x w"):
            run.feature_map("0.1")
        with pytest.raises(ValueError, match="does not depend on the input x"):
            run.gradient(run.x, of=run.logits.new_ones((), requires_grad=True) * 2)


def test_gradient_of_several_tensors_is_a_tuple():
    a, b = torch.tensor(2.0, requires_grad=True), torch.tensor(3.0, requires_grad=True)
    assert gradient(a * b, [a, b]) == (3.0, 2.0)
    assert gradient(a * b, a) == 3.0


def test_the_gradient_methods_work_inside_no_grad():
    model = relu_linear_net()
    with torch.no_grad():
        torch.testing.assert_close(
            xt.saliency(model, X, target=[2, 1]).flatten(1), torch.stack([W[2], W[1]]) * (X.flatten(1) > 0)
        )
