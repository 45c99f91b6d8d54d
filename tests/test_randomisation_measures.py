"""SmoothMPRT, EfficientMPRT (Hedström et al. 2023-24) and the random-logit test (Sixt et al. 2020):
exact values on hand-built models, equal to quantus 0.6's given the same seeds on torchvision's
resnet18 with random weights, and the user's model back exactly as it went in."""

import copy

import numpy as np
import pytest
import torch
import torchvision
from scipy.stats import entropy, spearmanr
from torch import nn

import xaitutor as xt
from xaitutor.evaluation.randomisation import maps_of

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")


def linear_classifier(weight: torch.Tensor):
    model = nn.Sequential(nn.Flatten(), nn.Linear(weight[0].numel(), len(weight), bias=False))
    model[1].weight.data = weight.flatten(1).clone()
    return xt.models.wrap(model.eval(), mean=0, std=1, labels=[f"c{i}" for i in range(len(weight))])


def test_random_logit_is_one_where_the_other_class_has_the_same_map():
    weight = torch.randn(1, 3, 4, 4, generator=torch.Generator().manual_seed(0))
    clf = linear_classifier(torch.cat([weight, -weight]))  # saliency: |w| for both classes
    pictures = torch.rand(2, 3, 4, 4)
    assert xt.evaluation.random_logit(xt.saliency, clf, pictures).tolist() == pytest.approx([1.0, 1.0], abs=1e-6)


def test_efficient_mprt_is_the_relative_rise_of_the_entropy():
    weight = torch.linspace(-1, 1, 96).view(2, 3, 4, 4)
    clf, pictures = linear_classifier(weight), torch.rand(1, 3, 4, 4)
    rise = xt.evaluation.efficient_mprt(xt.saliency, clf, pictures, target=0, bins=10, seed=5)
    torch.manual_seed(6)  # seed + 1, as quantus
    layer = nn.Linear(48, 2, bias=False)
    before, after = (
        entropy(np.histogram(w[0].abs().view(3, 4, 4).amax(0), bins=10)[0])
        for w in (weight.flatten(1), layer.weight.data)
    )
    assert rise.item() == pytest.approx((after - before) / before, abs=1e-6)


def test_smooth_mprt_without_noise_on_one_layer_is_the_rank_correlation_of_the_two_maps():
    weight = torch.linspace(-1, 1, 96).view(2, 3, 4, 4)
    clf, pictures = linear_classifier(weight), torch.rand(1, 3, 4, 4)
    check = xt.evaluation.smooth_mprt(
        xt.saliency, clf, pictures, target=0, samples=1, seed=5, last_only=True, progress=False
    )
    torch.manual_seed(6)
    new = nn.Linear(48, 2, bias=False).weight.data[0].view(3, 4, 4).abs().amax(0)
    expected = spearmanr(weight[0].abs().amax(0).ravel(), new.ravel()).statistic
    assert check.layers == ["original", "1"] and check.spearman[:, 0].tolist() == pytest.approx(
        [1.0, expected], abs=1e-6
    )


@pytest.fixture(scope="module")
def case():
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=10).eval()
    x = torch.rand(3, 3, 16, 16, generator=torch.Generator().manual_seed(1))  # pictures; mean 0, std 1
    return xt.models.wrap(model, mean=0, std=1, input_size=None), x


def quantus_explain(model, inputs, targets, **kwargs):
    """quantus's explain_func: the package's saliency of the (randomised) module it is given."""
    clf = xt.models.wrap(model, mean=0, std=1, labels=[str(i) for i in range(10)])
    x, t = torch.from_numpy(np.asarray(inputs, dtype=np.float32)), torch.from_numpy(np.asarray(targets))
    return maps_of(xt.saliency, clf, x, t).numpy()


def gradient_sum(classifier, x, target):
    """quantus's "Gradient": the class score's gradient summed over the colours, signed."""
    x = x.detach().clone().requires_grad_()
    score = classifier.model(x).gather(1, target.view(-1, 1)).sum()
    return torch.autograd.grad(score, x)[0].sum(1, keepdim=True)


def test_smooth_mprt_equals_quantus(case):
    import quantus

    clf, x = case
    before = copy.deepcopy(clf.model.state_dict())
    ours = xt.evaluation.smooth_mprt(gradient_sum, clf, x, target=[1, 2, 3], samples=2, seed=7, progress=False)
    assert all(torch.equal(v, clf.model.state_dict()[k]) for k, v in before.items())  # a copy was randomised
    rng, spread = np.random.RandomState(7), 0.1 * (x.flatten(1).amax(1) - x.flatten(1).amin(1)).view(-1, 1, 1, 1)
    noisy = (x.double() + torch.from_numpy(rng.randn(*x.shape)) * spread.double()).float()
    original = (gradient_sum(clf, noisy, torch.tensor([1, 2, 3])) + gradient_sum(clf, x, torch.tensor([1, 2, 3]))) / 2
    metric = quantus.SmoothMPRT(nr_samples=2, seed=7, disable_warnings=True)
    np.random.seed(7)  # quantus's noise: numpy's global generator, the original's draws, then each layer's
    theirs = metric(
        model=clf.model, x_batch=x.numpy(), y_batch=np.array([1, 2, 3]), a_batch=original.abs().numpy(),
        explain_func=quantus.explain, explain_func_kwargs={"method": "Gradient"}, device="cpu",
    )  # fmt: skip
    assert list(theirs) == ours.layers and len(ours.layers) == 42  # resnet18: 41 layers with parameters
    np.testing.assert_allclose(ours.spearman.numpy(), np.array(list(theirs.values())), atol=1e-4)
    assert torch.equal(ours.spearman[0], torch.ones(3)) and ours.spearman[1:].max() < 0.9


def test_efficient_mprt_equals_quantus(case):
    import quantus

    clf, x = case
    ours = xt.evaluation.efficient_mprt(xt.saliency, clf, x, target=[1, 2, 3], seed=7)
    metric = quantus.EfficientMPRT(seed=7, disable_warnings=True)
    theirs = metric(
        model=clf.model,
        x_batch=x.numpy(),
        y_batch=np.array([1, 2, 3]),
        a_batch=None,
        explain_func=quantus_explain,
        device="cpu",
    )
    np.testing.assert_allclose(ours.numpy(), theirs, atol=1e-4)


def test_random_logit_equals_quantus(case):
    import quantus

    clf, x = case
    ours = xt.evaluation.random_logit(xt.saliency, clf, x, target=[1, 2, 3], seed=7)
    metric = quantus.RandomLogit(
        num_classes=10, seed=7, disable_warnings=True, normalise_func_kwargs={"normalise_axes": (1, 2, 3)}
    )
    a = quantus_explain(clf.model, x.numpy(), np.array([1, 2, 3]))
    theirs = metric(
        model=clf.model,
        x_batch=x.numpy(),
        y_batch=np.array([1, 2, 3]),
        a_batch=a,
        explain_func=quantus_explain,
        device="cpu",
    )
    np.testing.assert_allclose(ours.numpy(), theirs, atol=1e-4)
    assert (ours < 0.99).all()  # saliency does depend on the class
