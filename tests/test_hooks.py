"""capture records the true output of a layer and its gradient, and always removes its hooks."""

import pytest
import torch
from helpers.models import ReusedInplaceReLUNet
from torch import nn

import xaitutor as xt
from xaitutor.guard import evaluating
from xaitutor.hooks import hook_count


def net():
    # conv -> in-place ReLU: the trap of vgg16's features.28 / features.29
    return nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(inplace=True), nn.Flatten(), nn.Linear(2 * 4 * 4, 3))


def test_capture_keeps_the_pre_relu_output_and_its_gradient():
    model, x = net(), torch.randn(2, 1, 4, 4)
    with xt.hooks.capture(model, ["0"]) as rec:
        logits = model(x)
        (grad,) = torch.autograd.grad(logits[:, 1].sum(), rec["0"])
    expected = model[0](x)
    assert torch.allclose(rec.activations["0"], expected)
    assert (rec.activations["0"] < 0).any(), "the in-place ReLU must not overwrite the stored output"
    # by hand: d logit_1 / d conv = W_fc[1] masked by the ReLU
    by_hand = model[3].weight[1].reshape(2, 4, 4) * (expected > 0)
    assert torch.allclose(grad, by_hand.expand_as(grad))
    assert torch.allclose(rec.gradients["0"], grad)
    assert torch.allclose(logits, model(x)), "capture must not change the model's output"
    assert hook_count(model) == 0


def test_no_hook_survives_an_exception():
    model = net()
    with pytest.raises(RuntimeError, match="boom"):
        with xt.hooks.capture(model, ["0", "1"]):
            assert hook_count(model) == 2
            raise RuntimeError("boom")
    assert hook_count(model) == 0


def test_no_hook_survives_a_bad_layer_name():
    model = net()
    with pytest.raises(ValueError, match="no layer named"):
        with xt.hooks.capture(model, ["0", "nope"]):
            pass
    assert hook_count(model) == 0


def test_capture_without_gradients():
    model = net()
    with torch.no_grad(), xt.hooks.capture(model, "0") as rec:
        model(torch.randn(1, 1, 4, 4))
    assert rec.activations["0"].shape == (1, 2, 4, 4) and not rec.gradients


def test_a_gradient_rule_rewrites_every_call_of_a_reused_inplace_module_while_active():
    """A rule tripling the gradient at each ReLU output gives ``3 * 2 * 3 (x > 0)``; off, ``2 (x > 0)``."""
    model = ReusedInplaceReLUNet()
    x = torch.tensor([1.0, -2.0, 3.0])

    def gradient():
        leaf = x.clone().requires_grad_(True)
        return torch.autograd.grad(model(leaf * 1).sum(), leaf)[0]

    with xt.hooks.gradient_rule(model, nn.ReLU, lambda g: 3 * g) as rule:
        assert hook_count(model) == 1  # one module, one hook: its second call is ruled by the same
        off = gradient()
        rule.active = True
        on = gradient()
    assert rule.calls == 4 and hook_count(model) == 0
    assert off.tolist() == [2.0, 0.0, 2.0] and on.tolist() == [18.0, 0.0, 18.0]
    with pytest.raises(RuntimeError, match="boom"), xt.hooks.gradient_rule(model, nn.ReLU, abs, active=True):
        raise RuntimeError("boom")
    assert hook_count(model) == 0


def test_evaluating_restores_the_model_exactly():
    model = net().train()
    model[0].weight.requires_grad_(False)
    model[3].weight.grad = torch.ones_like(model[3].weight)
    with evaluating(model):
        assert not model.training and not model[3].training
        model[0].weight.requires_grad_(True)
        model[3].weight.grad = None
    assert model.training and model[3].training
    assert not model[0].weight.requires_grad
    assert torch.equal(model[3].weight.grad, torch.ones_like(model[3].weight))


def test_the_conftest_finds_leaked_hooks():
    from conftest import modules_with_hooks

    model = net()
    handle = model[1].register_forward_hook(lambda *args: None)
    assert model[1] in modules_with_hooks()
    handle.remove()
    assert model[1] not in modules_with_hooks()


def test_counting_counts_the_passes_and_the_pictures_of_a_block_and_leaves_no_hook():
    model, clf = net(), xt.models.load("shapes_cnn")
    with xt.hooks.counting(model) as count:
        model(torch.randn(3, 1, 4, 4))
        model(torch.randn(5, 1, 4, 4))
    model(torch.randn(2, 1, 4, 4))  # after the block: not counted
    assert (count.passes, count.pictures) == (2, 8)
    with xt.hooks.counting(clf) as count:  # a Classifier counts its model's passes
        xt.gradcam(clf, torch.rand(4, 3, 64, 64))
    assert (count.passes, count.pictures) == (1, 4)
    assert hook_count(model) == 0 and hook_count(clf.model) == 0


def test_a_lazy_layer_removing_its_own_hook_is_no_leak_of_ours():
    # a lazy module's initialising pre-hook removes itself at the first forward: one hook fewer
    model = nn.Sequential(nn.Conv2d(3, 2, 3), nn.Flatten(), nn.LazyLinear(2))
    x = torch.rand(1, 3, 5, 5)
    assert xt.saliency(model, x).shape == (1, 3, 5, 5)
    assert xt.gradcam(model, x, layer="0").shape == (1, 1, 5, 5)


def test_a_users_hook_that_removes_itself_is_no_leak_of_ours_and_a_users_hook_stays():
    model = net()
    seen = []
    handles = []

    def once(module, inputs, output):
        seen.append(output.shape)
        handles[0].remove()

    handles.append(model[3].register_forward_hook(once))
    staying = model[0].register_forward_hook(lambda *args: seen.append("stays"))
    xt.saliency(model, torch.rand(2, 1, 4, 4))
    assert seen == [(2, 3), "stays"] or seen == ["stays", (2, 3)]
    assert hook_count(model) == 1  # the user's staying hook, untouched
    staying.remove()


def test_evaluating_still_finds_a_hook_the_package_leaves():
    from xaitutor.hooks import counting

    model = net()
    leak = counting(model)
    with pytest.raises(AssertionError, match="left a hook"):
        with evaluating(model):
            leak.__enter__()  # entered, not yet left: the package's hook is still there
    leak.__exit__(None, None, None)
