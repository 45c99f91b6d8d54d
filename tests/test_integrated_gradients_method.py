"""Integrated gradients and input x gradient on hand-built models: exact values, completeness,
baselines, batching, errors, the model given back unchanged."""

import pytest
import torch

import xaitutor as xt
from tests.helpers.models import RandomTwoConvCNN, linear_pixels_model
from xaitutor.methods.baselines import resolve_baseline


def _batch(n=2, shape=(3, 4, 5), seed=1):
    return torch.randn(n, *shape, generator=torch.Generator().manual_seed(seed))


def test_linear_model_with_black_baseline_is_x_times_w_and_complete():
    model, x = linear_pixels_model(), _batch()
    parts = xt.integrated_gradients(model, x, target=[0, 2], steps=5, progress=False, return_parts=True)
    w = model[1].weight.detach()
    torch.testing.assert_close(parts.attribution, x * torch.stack([w[0], w[2]]).view_as(x))
    assert parts.gap.abs().max() < 1e-4
    logits = model(x).detach()
    torch.testing.assert_close(parts.scores, logits[[0, 1], [0, 2]])
    assert parts.targets.tolist() == [0, 2]


def test_a_baseline_tensor_and_the_grey_of_a_classifier():
    model, x = linear_pixels_model(), _batch()
    base = torch.full_like(x, 0.3)
    ig = xt.integrated_gradients(model, x, target=1, baseline=base, steps=3, progress=False)
    torch.testing.assert_close(ig, (x - 0.3) * model[1].weight.detach()[1].view(1, *x.shape[1:]))
    clf = xt.models.wrap(model, mean=(0.5, 0.4, 0.3), std=(0.2, 0.25, 0.3), labels=["a", "b", "c"])
    grey = resolve_baseline(clf, x, "grey")
    torch.testing.assert_close(grey[0, :, 0, 0], torch.tensor([0.0, 0.4, 2 / 3]))
    black = resolve_baseline(clf, x, None)
    torch.testing.assert_close(black[1, :, 2, 3], torch.tensor([-2.5, -1.6, -1.0]))
    assert torch.equal(resolve_baseline(model, x, "black"), torch.zeros_like(x))
    assert torch.equal(resolve_baseline(model, x, "noise", seed=3), resolve_baseline(model, x, "noise", seed=3))
    flat = torch.full((1, 3, 16, 16), 0.2)  # a flat picture stays flat under the blur
    torch.testing.assert_close(resolve_baseline(model, flat, "blur"), flat)


def test_completeness_gap_shrinks_with_steps_on_a_cnn():
    torch.manual_seed(0)
    model, x = RandomTwoConvCNN().eval(), torch.rand(2, 3, 8, 8)
    gaps = [
        xt.integrated_gradients(model, x, steps=s, progress=False, return_parts=True).gap.abs().max() for s in (2, 64)
    ]
    assert gaps[1] <= gaps[0] + 1e-6 and gaps[1] < 1e-2


def test_batching_gives_the_same_result_and_works_under_no_grad():
    torch.manual_seed(0)
    model, x = RandomTwoConvCNN().eval(), torch.rand(3, 3, 8, 8)
    whole = xt.integrated_gradients(model, x, steps=7, batch_size=21, progress=False)
    with torch.no_grad():
        pieces = xt.integrated_gradients(model, x, steps=7, batch_size=4, progress=False)
    torch.testing.assert_close(whole, pieces, rtol=1e-5, atol=1e-6)


def test_input_x_gradient_of_a_linear_model():
    model, x = linear_pixels_model(), _batch()
    out = xt.input_x_gradient(model, x, target=[1, 0])
    w = model[1].weight.detach()
    torch.testing.assert_close(out, x * torch.stack([w[1], w[0]]).view_as(x))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(steps=1), "steps must be an int of at least 2"),
        (dict(baseline="white"), "baseline must be None, one of"),
        (dict(baseline=torch.zeros(2, 3)), "must broadcast"),
        (dict(target=[0, 1, 2]), "got 3 targets for a batch of 2"),
        (dict(batch_size=0), "batch_size must be a positive int"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        xt.integrated_gradients(linear_pixels_model(), _batch(), progress=False, **kwargs)
