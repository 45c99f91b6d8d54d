"""Chapter 9's attacks on the answer, FGSM and PGD: by hand on a linear model, equal to captum's
FGSM and PGD on the same model and pictures, and what they do to efficientnet_lite0."""

import pytest
import torch
import torchvision
from helpers.models import InterruptedAfter, linear_pixels_model
from torch import nn

import xaitutor as xt

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
PUG = 254


def linear_classifier(classes=2, shape=(3, 4, 5)):
    return xt.models.wrap(
        linear_pixels_model(shape, classes), mean=0.5, std=0.25, labels=list("ab")[:classes], input_size=None
    )


def pictures(n=3, shape=(3, 4, 5), seed=0):
    return torch.rand(n, *shape, generator=torch.Generator().manual_seed(seed)) * 0.8 + 0.1


def test_fgsm_by_hand_on_a_linear_model():
    # two classes, y = W x' with x' = (x - 0.5) / 0.25: the loss of the answer a grows fastest
    # along W_other - W_a, so each pixel moves by eps that way (pictures near grey: no probability
    # rounds to 1, where float32's softmax would leave p_other * W_other alone)
    clf, x = linear_classifier(), 0.5 + (pictures() - 0.5) / 40
    weights = clf.model[1].weight.detach()
    answers = clf(xt.imaging.normalize(x, 0.5, 0.25)).argmax(1)
    direction = (weights[1 - answers] - weights[answers]).sign().view_as(x)
    torch.testing.assert_close(xt.attacks.fgsm(clf, x, eps=0.05, progress=False), x + 0.05 * direction)
    towards = xt.attacks.fgsm(clf, x, target=1 - answers, eps=0.05, targeted=True, progress=False)
    torch.testing.assert_close(towards, x + 0.05 * direction)  # targeted at the other class: the same step


def test_l2_pgd_steps_along_the_gradient_by_hand_on_a_linear_model():
    # L2 PGD steps along g / ||g||_2 (Madry et al. 2018), then projects onto the ball. captum's PGD
    # with norm="L2" steps along sign(g), an L-infinity step, and only projects onto the L2 ball: a
    # different attack, so its L2 results are not compared; for a linear model g points along
    # W_other - W_answer at every step
    clf, x = linear_classifier(), 0.5 + (pictures() - 0.5) / 40
    weights = clf.model[1].weight.detach()
    answers = clf(xt.imaging.normalize(x, 0.5, 0.25)).argmax(1)
    direction = (weights[1 - answers] - weights[answers]).view_as(x)
    unit = direction / direction.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
    one = xt.attacks.pgd(clf, x, eps=0.5, steps=1, step_size=0.2, norm="2", progress=False)
    torch.testing.assert_close(one, x + 0.2 * unit)
    three = xt.attacks.pgd(clf, x, eps=0.5, steps=3, step_size=0.2, norm="2", progress=False)
    torch.testing.assert_close(three, x + 0.5 * unit)  # 0.6 along the direction, projected back to 0.5


def test_the_pictures_stay_in_the_ball_and_in_0_1():
    clf, x = linear_classifier(), pictures()
    x[0, 0, 0, 0] = 0.0
    inf = xt.attacks.pgd(clf, x, eps=0.1, steps=5, step_size=0.04, progress=False)
    assert (inf - x).abs().max() <= 0.1 + 1e-6 and inf.min() >= 0 and inf.max() <= 1
    l2 = xt.attacks.pgd(clf, x, eps=0.3, steps=5, step_size=0.2, norm="2", progress=False)
    assert torch.all((l2 - x).flatten(1).norm(dim=1) <= 0.3 + 1e-5) and l2.min() >= 0 and l2.max() <= 1
    assert torch.all((l2 - x).flatten(1).norm(dim=1) > 0.29)  # a linear loss pushes to the edge of the ball


def test_a_random_start_is_seeded():
    clf, x = linear_classifier(), pictures()
    a, b, c = (xt.attacks.pgd(clf, x, steps=1, random_start=True, seed=s, progress=False) for s in (1, 1, 2))
    assert torch.equal(a, b) and not torch.equal(a, c)


def resnet_and_peer_function():
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=10).eval()
    clf = xt.models.wrap(net, mean=MEAN, std=STD, labels=[str(i) for i in range(10)], input_size=None)
    return clf, lambda pixels: net(xt.imaging.normalize(pixels, MEAN, STD))


@pytest.mark.parametrize("targeted", [False, True])
def test_equal_to_captum_fgsm_and_pgd(targeted, same_layout_as_the_peers):
    robust = pytest.importorskip("captum.robust")
    clf, function = resnet_and_peer_function()
    x = torch.rand(4, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    labels = torch.tensor([1, 2, 3, 4]) if targeted else function(x).argmax(1)
    loss = nn.CrossEntropyLoss(reduction="none")
    fgsm, pgd = robust.FGSM(function, loss, 0, 1), robust.PGD(function, loss, 0, 1)
    fgsm.zero_thresh = pgd.fgsm.zero_thresh = 0  # captum skips gradients below 1e-6; the course takes every sign
    target = labels if targeted else None
    ours = xt.attacks.fgsm(clf, x, target, eps=4 / 255, targeted=targeted, progress=False)
    torch.testing.assert_close(ours, fgsm.perturb(x, 4 / 255, labels, targeted=targeted), rtol=0, atol=1e-6)
    ours = xt.attacks.pgd(clf, x, target, eps=8 / 255, steps=5, step_size=2 / 255, targeted=targeted, progress=False)
    theirs = pgd.perturb(x, 8 / 255, 2 / 255, 5, labels, targeted=targeted)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-6)


def test_equal_to_captum_pgd_on_efficientnet_lite0(lite0, same_layout_as_the_peers):
    robust = pytest.importorskip("captum.robust")
    x = xt.imaging.denormalize(lite0.preprocess(xt.data.sample_image("chelsea"), size=(96, 96)), lite0.mean, lite0.std)
    function = lambda pixels: lite0.model.eval()(xt.imaging.normalize(pixels, lite0.mean, lite0.std))  # noqa: E731
    pgd = robust.PGD(function, nn.CrossEntropyLoss(reduction="none"), 0, 1)
    pgd.fgsm.zero_thresh = 0
    theirs = pgd.perturb(x, 4 / 255, 1 / 255, 4, torch.tensor([PUG]), targeted=True)
    ours = xt.attacks.pgd(lite0, x, PUG, eps=4 / 255, steps=4, step_size=1 / 255, targeted=True, progress=False)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-6)


def test_the_cat_becomes_a_pug_to_efficientnet_lite0(lite0):
    cat = xt.data.sample_image("chelsea")
    pixels = xt.imaging.denormalize(lite0.preprocess(cat), lite0.mean, lite0.std)
    pug = xt.attacks.pgd(lite0, cat, PUG, eps=4 / 255, steps=10, step_size=1 / 255, targeted=True, progress=False)
    assert lite0.predict(pixels, k=1)[0][0] == "Egyptian cat"
    assert lite0.top_classes(pug, k=1)[0][0] == PUG and (pug - pixels).abs().max() <= 4 / 255 + 1e-6
    moved = xt.attacks.fgsm(lite0, pixels, eps=2 / 255, progress=False)
    assert lite0.predict(moved, k=1)[0][0] != "Egyptian cat"  # one step of two grey levels


def test_ctrl_c_keeps_the_pictures_done():
    clf = linear_classifier()
    clf.model = InterruptedAfter(clf.model, calls=3)  # the answers, one step, then Ctrl-C
    x = pictures(2)
    with pytest.warns(UserWarning, match="PGD interrupted after 2 of 6 pictures"):
        attacked = xt.attacks.pgd(clf, x, eps=0.1, steps=3, step_size=0.02, batch_size=2, progress=False)
    assert (attacked - x).abs().max() == pytest.approx(0.02, abs=1e-6)  # one step done of three


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c, x: xt.attacks.fgsm(c, x * 255), ValueError, r"pictures in \[0, 1\]"),
        (lambda c, x: xt.attacks.pgd(c, x, targeted=True), ValueError, "a targeted attack needs target="),
        (lambda c, x: xt.attacks.pgd(c, x, norm="1"), ValueError, "norm must be 'inf' or '2'"),
        (lambda c, x: xt.attacks.fgsm(c, x, eps=-0.1), ValueError, "eps must be a number >= 0"),
        (lambda c, x: xt.attacks.fgsm(c, x, target=5), ValueError, "not a class index of this model"),
        (lambda c, x: xt.attacks.fgsm(c, x[:0]), ValueError, "x is an empty batch"),
        (lambda c, x: xt.attacks.fgsm(c, x.clone().fill_(float("nan"))), ValueError, "NaN or infinite"),
        (lambda c, x: xt.attacks.fgsm(c.model, x), TypeError, r"xt\.models\.wrap\(model, mean=\.\.\., std=\.\.\.\)"),
    ],
)
def test_bad_input_is_refused_with_what_to_do(call, error, message):
    with pytest.raises(error, match=message):
        call(linear_classifier(), pictures())
