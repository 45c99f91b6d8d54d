"""SmoothGrad, SmoothGrad² and VarGrad: the noiseless case is the saliency, seeds, batching, errors."""

import pytest
import torch

import xaitutor as xt
from tests.helpers.models import RandomTwoConvCNN, linear_pixels_model


def _case():
    torch.manual_seed(0)
    return RandomTwoConvCNN().eval(), torch.rand(2, 3, 10, 10, generator=torch.Generator().manual_seed(1))


def test_no_noise_and_one_sample_is_the_saliency_exactly():
    model, x = _case()
    for target in (None, 2, [0, 1]):
        assert torch.equal(
            xt.smoothgrad(model, x, target=target, samples=1, noise=0.0, progress=False),
            xt.saliency(model, x, target=target),
        )


def test_a_linear_model_has_the_same_gradient_everywhere():
    model, x = linear_pixels_model(), torch.randn(2, 3, 4, 5)
    w = model[1].weight.detach()[1].view(1, 3, 4, 5).expand(2, -1, -1, -1)
    torch.testing.assert_close(xt.smoothgrad(model, x, target=1, samples=4, progress=False), w)
    torch.testing.assert_close(xt.smoothgrad(model, x, target=1, samples=4, squared=True, progress=False), w**2)
    vargrad = xt.smoothgrad(model, x, target=1, samples=4, variance=True, progress=False)
    assert vargrad.abs().max() < 1e-5


def test_seeded_batch_independent_and_under_no_grad():
    model, x = _case()
    one = xt.smoothgrad(model, x, samples=6, seed=3, batch_size=12, progress=False)
    with torch.no_grad():
        pieces = xt.smoothgrad(model, x, samples=6, seed=3, batch_size=3, progress=False)
    torch.testing.assert_close(one, pieces, rtol=1e-5, atol=1e-7)
    assert not torch.equal(one, xt.smoothgrad(model, x, samples=6, seed=4, progress=False))
    # VarGrad is E[g^2] - E[g]^2
    mean, square = (xt.smoothgrad(model, x, samples=6, seed=3, squared=s, progress=False) for s in (False, True))
    torch.testing.assert_close(
        xt.smoothgrad(model, x, samples=6, seed=3, variance=True, progress=False), square - mean**2
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(samples=0), "samples must be a positive int"),
        (dict(noise=-0.1), "noise must be a finite number >= 0"),
        (dict(noise=float("inf")), "noise must be a finite number >= 0"),
        (dict(squared=True, variance=True), "not both"),
        (dict(target=[0]), "got 1 targets for a batch of 2"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    model, x = _case()
    with pytest.raises(ValueError, match=message):
        xt.smoothgrad(model, x, progress=False, **kwargs)
