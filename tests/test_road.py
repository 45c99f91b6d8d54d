"""ROAD (Rong et al. 2022): the imputation's exact values on hand-built pictures, and ROAD equal to
pytorch-grad-cam's ROADMostRelevantFirst / ROADLeastRelevantFirst (noise and seeds included) and
to quantus's ROAD and noisy_linear_imputation, on torchvision's resnet18 with random weights."""

import numpy as np
import pytest
import torch
import torchvision

import xaitutor as xt
from xaitutor.evaluation.road_imputation import impute

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")
PERCENTAGES = (25, 50, 75)  # H * W * p / 100 whole: grad-cam's percentile removes as many pixels


def test_a_removed_pixel_is_the_weighted_mean_of_its_eight_neighbours():
    x = torch.arange(9.0).view(1, 3, 3)
    centre = torch.zeros(3, 3, dtype=torch.bool)
    centre[1, 1] = True
    # corners 0, 2, 6, 8 weigh 1/12, sides 1, 3, 5, 7 weigh 1/6: 16/12 + 16/6 = 4
    assert impute(x, centre, noise=0)[0, 1, 1].item() == pytest.approx(4.0, abs=1e-6)
    corner = torch.zeros(3, 3, dtype=torch.bool)
    corner[0, 0] = True  # three neighbours inside: (1/6 * 1 + 1/6 * 3 + 1/12 * 4) / (5/12) = 2.4
    out = impute(x, corner, noise=0)
    assert out[0, 0, 0].item() == pytest.approx(2.4, abs=1e-6)
    assert torch.equal(out.flatten()[1:], x.flatten()[1:])  # the rest untouched


def test_a_hole_in_a_flat_picture_stays_flat_and_the_noise_is_seeded():
    x = torch.full((3, 8, 8), 0.25)
    removed = torch.rand(8, 8, generator=torch.Generator().manual_seed(0)) < 0.6
    assert torch.allclose(impute(x, removed, noise=0), x, atol=1e-7)
    noisy = [impute(x, removed, 0.5, torch.Generator().manual_seed(1)) for _ in range(2)]
    assert torch.equal(noisy[0], noisy[1]) and not torch.allclose(noisy[0], x)
    assert torch.equal(noisy[0][:, ~removed], x[:, ~removed])


@pytest.fixture(scope="module")
def case():
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=10).eval()
    generator = torch.Generator().manual_seed(1)
    pixels, maps = torch.rand(3, 3, 32, 32, generator=generator), torch.rand(3, 1, 32, 32, generator=generator)
    return xt.models.wrap(model, input_size=None), pixels, maps


@pytest.mark.parametrize("order", ["most", "least"])
def test_road_equals_pytorch_grad_cam(case, order):
    from pytorch_grad_cam.metrics.road import ROADLeastRelevantFirst, ROADMostRelevantFirst
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputSoftmaxTarget

    clf, pixels, maps = case
    ours = xt.evaluation.road(clf, pixels, maps, percentages=PERCENTAGES, order=order, seed=3, progress=False)
    metric = ROADMostRelevantFirst if order == "most" else ROADLeastRelevantFirst
    x, targets = (
        xt.imaging.normalize(pixels, clf.mean, clf.std),
        [ClassifierOutputSoftmaxTarget(int(t)) for t in ours.targets],
    )
    torch.manual_seed(3)  # grad-cam draws its noise from torch's global generator, percentage by percentage
    theirs = np.stack([metric(100 - p)(x, maps[:, 0].numpy(), targets, clf.model) for p in PERCENTAGES], 1)
    assert ours.change.abs().max() > 1e-3  # the pictures did change the answers
    np.testing.assert_allclose(ours.change.numpy(), theirs, atol=1e-4)


class Grey(torch.nn.Module):
    """The classifier on one-channel pictures in [0, 1], as quantus feeds them."""

    def __init__(self, clf):
        super().__init__()
        self.clf = clf
        self.model = clf.model

    def forward(self, x):
        return self.model(xt.imaging.normalize(x.expand(-1, 3, -1, -1), self.clf.mean, self.clf.std))


def test_road_equals_quantus_on_grey_pictures(case):
    import quantus

    # quantus 0.6's ROAD indexes the C x H x W attribution into H x W pixels (an IndexError for
    # colour pictures): on grey pictures, one channel for quantus and three equal ones for us.
    clf, pixels, maps = case
    grey = pixels.mean(1, keepdim=True)
    model = Grey(clf).eval()
    ours = xt.evaluation.road(clf, grey.expand(-1, 3, -1, -1), maps, percentages=PERCENTAGES, noise=0, progress=False)
    metric = quantus.ROAD(percentages=list(PERCENTAGES), noise=0.0, disable_warnings=True)
    theirs = metric(model=model, x_batch=grey.numpy(), y_batch=ours.targets.numpy(), a_batch=maps.numpy(), device="cpu")
    np.testing.assert_allclose(ours.accuracy.numpy(), [theirs[p] for p in PERCENTAGES], atol=1e-4)


def test_the_imputation_equals_quantus_on_colour_pictures(case):
    from quantus.functions.perturb_func import noisy_linear_imputation

    _, pixels, maps = case
    order = maps[0, 0].flatten().argsort(descending=True)[:300].numpy()
    removed = torch.zeros(32 * 32, dtype=torch.bool)
    removed[order] = True
    theirs = noisy_linear_imputation(pixels[0].numpy(), indices=order, noise=0.0)
    np.testing.assert_allclose(impute(pixels[0], removed.view(32, 32), noise=0).numpy(), theirs, atol=1e-5)


def test_road_names_what_is_wrong(case):
    clf, pixels, maps = case
    with pytest.raises(ValueError, match="MoRF"):
        xt.evaluation.road(clf, pixels, maps, order="top", progress=False)
    with pytest.raises(ValueError, match="percent"):
        xt.evaluation.road(clf, pixels, maps, percentages=(0.5, 120), progress=False)


def test_the_model_comes_back_as_it_went_in(case):
    clf, pixels, maps = case
    clf.model.train()
    before = {k: v.clone() for k, v in clf.model.state_dict().items()}
    try:
        xt.evaluation.road(clf, pixels[:1], maps[:1], percentages=(50,), progress=False)
        xt.evaluation.random_logit(xt.saliency, clf, pixels[:1])
        xt.evaluation.efficient_mprt(xt.saliency, clf, pixels[:1])
        assert clf.model.training and all(m.training for m in clf.model.modules())
        assert all(torch.equal(v, clf.model.state_dict()[k]) for k, v in before.items())
        assert all(p.grad is None and p.requires_grad for p in clf.model.parameters())
    finally:
        clf.model.eval()
