"""Max-sensitivity and the local Lipschitz estimate (chapter 9): by hand on a model whose maps are
known, equal to quantus' MaxSensitivity and LocalLipschitzEstimate on the same perturbed pictures,
and the behaviour that makes them useful (SmoothGrad's maps move less than saliency's)."""

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

import xaitutor as xt
from xaitutor.evaluation.sensitivity import perturbed

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def resnet_classifier():
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=10).eval()
    return xt.models.wrap(net, mean=MEAN, std=STD, labels=[str(i) for i in range(10)], input_size=None)


def quantus_inputs(clf, x, copies):
    """What quantus is called with: the model on pixels, the same explanations, our noisy pictures."""
    model = nn.Sequential(torchvision.transforms.Normalize(MEAN, STD), clf.model).eval()
    targets = xt.evaluation.predicted_targets(clf, x).numpy()
    remaining = iter(copies)

    def perturb_func(arr, indices, **_):
        return next(remaining).numpy().reshape(arr.shape)

    def explain_func(model, inputs, targets, **_):
        return xt.evaluation.explain(xt.saliency, clf, torch.from_numpy(inputs), torch.from_numpy(targets)).numpy()

    return model, targets, perturb_func, explain_func


@pytest.mark.parametrize("measure", ["max_sensitivity", "local_lipschitz"])
def test_equal_to_quantus_on_the_same_perturbations(measure, same_layout_as_the_peers):
    quantus = pytest.importorskip("quantus")
    clf, x = resnet_classifier(), torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    noise = {"radius": 0.05} if measure == "max_sensitivity" else {"sigma": 0.1}
    copies = perturbed(x, 4, seed=2, **noise)
    ours = getattr(xt.evaluation, measure)(xt.saliency, clf, x, copies=copies).numpy()
    model, targets, perturb_func, explain_func = quantus_inputs(clf, x, copies)
    peer = quantus.MaxSensitivity if measure == "max_sensitivity" else quantus.LocalLipschitzEstimate
    metric = peer(nr_samples=4, perturb_func=perturb_func, disable_warnings=True, normalise=False, abs=False)
    theirs = np.array(
        metric(model=model, x_batch=x.numpy(), y_batch=targets, a_batch=None, explain_func=explain_func, device="cpu")
    )
    assert np.isfinite(ours).all() and (ours > 0).all()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)


def test_by_hand_on_a_linear_model():
    # y = w . x: saliency is w wherever x is, so its map never moves (sensitivity 0); the map of
    # input x gradient, w * x, moves by |w| * |dx|: its Lipschitz ratio is at most max |w|
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(3 * 4 * 4, 2))
    clf = xt.models.wrap(net, mean=0.0, std=1.0, labels=["a", "b"], input_size=None)
    x = torch.rand(2, 3, 4, 4) * 0.5 + 0.25
    assert torch.all(xt.evaluation.max_sensitivity(xt.saliency, clf, x, radius=0.1, draws=3) == 0)
    lipschitz = xt.evaluation.local_lipschitz(xt.input_x_gradient, clf, x, sigma=0.05, draws=3)
    assert torch.all(lipschitz > 0) and torch.all(lipschitz <= net[1].weight.abs().max() + 1e-6)


def test_the_noise_is_seeded_bounded_and_kept_in_the_picture():
    x = torch.rand(2, 3, 8, 8)
    a, b = perturbed(x, 3, seed=5, radius=0.1), perturbed(x, 3, seed=5, radius=0.1)
    assert all(torch.equal(p, q) for p, q in zip(a, b)) and not torch.equal(a[0], a[1])
    assert all((p - x).abs().max() <= 0.1 + 1e-7 and p.min() >= 0 and p.max() <= 1 for p in a)


def test_smoothgrad_moves_less_than_saliency_on_the_shapes():
    clf = xt.models.load("shapes_cnn")
    pictures = xt.data.shapes(4, seed=11).images
    plain = xt.evaluation.max_sensitivity(xt.saliency, clf, pictures, radius=0.03, draws=3)
    smooth = xt.evaluation.max_sensitivity(
        xt.smoothgrad, clf, pictures, radius=0.03, draws=3, samples=16, progress=False
    )
    assert smooth.mean() < plain.mean()
