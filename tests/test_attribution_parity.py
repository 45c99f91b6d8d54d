"""Integrated gradients, input x gradient and occlusion equal captum's on torchvision's resnet18
(random weights) and on efficientnet_lite0; SmoothGrad is stable across seeds."""

import functools

import pytest
import torch
import torchvision
from captum.attr import InputXGradient, IntegratedGradients, Occlusion

import xaitutor as xt
from xaitutor.methods.baselines import resolve_baseline

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")

TARGETS = [1, 285]


def close(ours, theirs):
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5 * theirs.abs().max().item())


@functools.cache
def random_resnet18():
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    return model, torch.randn(len(TARGETS), 3, 64, 64, generator=torch.Generator().manual_seed(1))


@pytest.fixture(scope="module", params=["resnet18", "efficientnet_lite0"])
def case(request):
    """(what our methods get, the module captum gets, the batch) for each model, at 64 x 64."""
    if request.param == "resnet18":
        model, x = random_resnet18()
        return model, model, x
    clf = request.getfixturevalue("lite0")
    x = clf.preprocess([xt.data.sample_image(n) for n in ("chelsea", "coffee")], size=64)
    return clf, clf.model, x


@pytest.mark.parametrize("baseline", [None, "grey"])
def test_integrated_gradients_equals_captum(case, baseline):
    model, module, x = case
    ours = xt.integrated_gradients(model, x, TARGETS, baseline=baseline, steps=8, batch_size=6, progress=False)
    theirs = IntegratedGradients(module).attribute(
        x,
        baselines=resolve_baseline(model, x, baseline),
        target=TARGETS,
        n_steps=8,
        method="riemann_trapezoid",
        internal_batch_size=6,
    )
    close(ours * 7 / 8, theirs)  # captum weighs the points 1 / steps, not 1 / (steps - 1): its sum is 7/8 of ours


def test_input_x_gradient_equals_captum(case):
    model, module, x = case
    close(xt.input_x_gradient(model, x, TARGETS), InputXGradient(module).attribute(x, target=TARGETS))


def test_occlusion_equals_captum(case):
    model, module, x = case
    ours = xt.occlusion(model, x, TARGETS, window=16, stride=12, batch_size=8, progress=False)
    theirs = Occlusion(module).attribute(
        x,
        sliding_window_shapes=(3, 16, 16),
        strides=(3, 12, 12),
        target=TARGETS,
        baselines=resolve_baseline(model, x, 0.0),
        perturbations_per_eval=4,
    )
    assert torch.equal(theirs[:, :1], theirs[:, 2:])  # the same map in every channel
    close(ours, theirs[:, :1])


def test_smoothgrad_is_stable_across_seeds(lite0):
    # Pixel by pixel, two seeds of 200 samples correlate at 0.82 only (raw values or to_map; captum's
    # NoiseTunnel gives the same); on 4 x 4 blocks of the map (what the eye sees) at 0.965.
    x = lite0.preprocess(xt.data.sample_image("chelsea"), size=(96, 96))
    maps = [
        xt.imaging.to_map(xt.smoothgrad(lite0, x, samples=200, seed=s, batch_size=50, progress=False)) for s in (0, 1)
    ]
    blocks = torch.stack([torch.nn.functional.avg_pool2d(m, 4).flatten() for m in maps])
    assert torch.corrcoef(blocks)[0, 1] > 0.95
