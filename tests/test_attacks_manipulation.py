"""Chapter 9's attacks on the explanation: the softplus copy (the user's model untouched, a Hessian
where the ReLU network has none), the manipulation (the map moved, the answer kept, the model back
exactly), fragility's top-k attack, the similarities by hand, and the stored results."""

import pytest
import torch
from helpers.contract import assert_same, classifier, in_every_state, snapshot
from torch import nn

import xaitutor as xt
from xaitutor.attacks import results, similarity
from xaitutor.attacks.differentiable_maps import course_map, differentiable_map
from xaitutor.attacks.pixel_space import model_input
from xaitutor.attacks.results.pictures import background, shapes
from xaitutor.attacks.softplus_swap import BETA, SoftReLU6


def test_the_softplus_copy_leaves_the_model_as_it_was():
    clf = classifier()
    clf.model.train()
    before = snapshot(clf.model)
    smooth = xt.attacks.smoothed(clf, beta=50)
    assert_same(before, snapshot(clf.model))
    assert [type(m) for m in clf.model.modules()].count(nn.ReLU) == 2
    kinds = [type(m) for m in smooth.model.modules()]
    assert nn.ReLU not in kinds and kinds.count(nn.Softplus) == 2
    x = torch.rand(2, 3, 16, 16)
    torch.testing.assert_close(smooth(x), clf(x), atol=0.05, rtol=0)  # beta = 50: close to the ReLUs


def test_softplus_of_relu6_is_close_and_smooth():
    z = torch.linspace(-3, 9, 121)
    torch.testing.assert_close(SoftReLU6(100.0)(z), nn.ReLU6()(z), atol=0.01, rtol=0)


def test_the_softplus_network_has_a_hessian_the_relu_network_has_not():
    # the saliency map's own gradient, d/dx sum |dy/dx|: zero for ReLUs (piecewise linear), not for softplus
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.ReLU(), nn.Linear(8, 2))
    clf = xt.models.wrap(net, mean=0.0, std=1.0, labels=["a", "b"], input_size=None)

    def hessian_of_saliency(model):
        x = torch.rand(1, 3, 2, 2, requires_grad=True)
        (g,) = torch.autograd.grad(model.model(x)[0, 0], x, create_graph=True)
        (h,) = torch.autograd.grad(g.abs().sum(), x)
        return h

    assert torch.all(hessian_of_saliency(clf) == 0)
    assert hessian_of_saliency(xt.attacks.smoothed(clf, beta=5)).abs().sum() > 0


def test_a_model_without_relu_modules_is_refused():
    net = nn.Sequential(nn.Flatten(), nn.Linear(12, 2))
    clf = xt.models.wrap(net, mean=0.0, std=1.0, labels=["a", "b"], input_size=None)
    with pytest.raises(ValueError, match="no nn.ReLU / nn.ReLU6 module"):
        xt.attacks.smoothed(clf)


@pytest.mark.parametrize("method", ["saliency", "guided_backprop", "gradcam", "lrp"])
def test_the_manipulation_gives_the_model_back_exactly(method):
    clf = classifier()
    net = in_every_state(clf.model)
    x, before = torch.rand(1, 3, 16, 16), snapshot(net)
    kept = x.clone()
    found = xt.attacks.manipulate(clf, x, torch.rand(16, 16), method, steps=3, progress=False)
    assert_same(before, snapshot(net))
    assert torch.equal(x, kept) and found.picture.shape == (1, 3, 16, 16) and found.map.shape == (1, 1, 16, 16)
    assert not found.picture.requires_grad and (found.picture - x).abs().max() <= 8 / 255 + 1e-6


@pytest.fixture(scope="module")
def shapes_cnn():
    return xt.models.load("shapes_cnn")


def test_lrp_epsilon_is_the_input_times_its_gradient_which_the_softplus_copy_differentiates(shapes_cnn):
    # LRP-0 of a ReLU network is x * dy/dx (chapter 7); with epsilon = 1e-6 and the pooling's
    # stabiliser it differs by 1e-4 of the largest value; the manipulation differentiates the product
    # on the softplus copy, close to the ReLU network's map at the attack's beta and closer as it grows
    x = model_input(shapes_cnn, shapes(4)[0])
    targets = shapes_cnn(x).argmax(1)
    relevance = xt.lrp(shapes_cnn, x, targets, composite="epsilon")
    product = xt.input_x_gradient(shapes_cnn, x, targets)
    assert (relevance - product).abs().max() <= 1e-3 * product.abs().max()
    relu_map = course_map("lrp", shapes_cnn, x, targets)
    for beta, least in ((BETA, 0.95), (100.0, 0.99)):
        with differentiable_map("lrp", xt.attacks.smoothed(shapes_cnn, beta), x, targets) as (run, found):
            assert found.requires_grad  # a graph to differentiate the map's loss through
            assert similarity.pearson(xt.imaging.scale_01(found.detach()), relu_map).min() > least


def test_grad_cam_of_a_shape_moves_to_the_background_and_the_answer_stays(shapes_cnn):
    pixels, dataset = shapes(20)
    goal = background(dataset.masks[1])
    found = xt.attacks.manipulate(shapes_cnn, pixels[1:2], goal, "gradcam", eps=16 / 255, steps=60, progress=False)
    s = found.similarity()
    assert found.kept and found.answer[0] == found.original_answer[0] and found.size <= 16
    assert s["pearson before"] < 0 < 0.5 < s["pearson after"]
    torch.testing.assert_close(found.picture * 255, (found.picture * 255).round())  # 8 bits: a PNG keeps it


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c, x: xt.attacks.manipulate(c, torch.cat([x, x]), torch.rand(16, 16)), "one picture at a time"),
        (lambda c, x: xt.attacks.manipulate(c, x, torch.rand(16, 16), "lime"), "method must be one of"),
        (lambda c, x: xt.attacks.manipulate(c.model, x, torch.rand(16, 16)), r"xt\.models\.wrap"),
    ],
)
def test_bad_manipulations_are_refused(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(classifier(), torch.rand(1, 3, 16, 16))


def test_the_top_k_attack_keeps_the_labels_and_moves_saliency_more_than_noise(shapes_cnn):
    pixels = shapes(6)[0]
    attacked = xt.attacks.top_k_attack(shapes_cnn, pixels, "saliency", eps=8 / 255, k=64, steps=10)
    noisy = xt.attacks.random_signs(pixels, 8 / 255)
    with torch.no_grad():
        answers = [shapes_cnn(shapes_cnn.preprocess(p)).argmax(1) for p in (pixels, attacked)]
    assert torch.equal(*answers) and (attacked - pixels).abs().max() <= 8 / 255 + 1e-6
    maps = [xt.evaluation.explain(xt.saliency, shapes_cnn, p, answers[0]) for p in (pixels, attacked, noisy)]
    under_attack = similarity.top_k_intersection(maps[0], maps[1], 64).mean()
    under_noise = similarity.top_k_intersection(maps[0], maps[2], 64).mean()
    assert under_attack < under_noise


def test_the_similarities_by_hand():
    a = torch.tensor([1.0, 2.0, 3.0, 4.0]).view(1, 1, 2, 2)
    b = torch.tensor([2.0, 4.0, 6.0, 8.0]).view(1, 1, 2, 2)
    c = torch.tensor([4.0, 1.0, 2.0, 3.0]).view(1, 1, 2, 2)
    assert similarity.pearson(a, b).item() == pytest.approx(1.0)
    assert similarity.pearson(a, -b).item() == pytest.approx(-1.0)
    assert similarity.rank_correlation(a, c).item() == pytest.approx(-0.2)  # 1 - 6 * (9 + 1 + 1 + 1) / (4 * 15)
    assert similarity.top_k_intersection(a, c, 2).item() == 0.5  # {3, 4} and {4, 1} share one
    m = torch.rand(1, 1, 16, 16)
    assert similarity.ssim(m, m * 3).item() == pytest.approx(1.0)  # scaled to [0, 1] first


def test_every_result_is_stored_and_the_shapes_showcase_is_made_again():
    for name in results.ENTRIES:
        assert results.load(name), name
    stored, picture = results.load("shape"), results.picture("shape")
    again, pixels = results.make("shape")
    assert again["kept"] and stored["kept"] and again["answer"][0] == stored["answer"][0]
    assert again["pearson after"] == pytest.approx(stored["pearson after"], abs=0.05)
    assert (pixels - picture).abs().max() <= 2 / 255  # the same pixels on the same kind of CPU


def test_the_defence_is_also_attacked_on_its_own_smoothed_network(monkeypatch):
    # an adaptive attacker knows the defence: each row attacks the beta-smoothed map itself too
    from xaitutor.attacks.results import measures

    betas = []

    def recorded(*args, beta, **kwargs):
        betas.append(beta)
        return xt.attacks.manipulate(*args, beta=beta, **kwargs)

    monkeypatch.setattr(measures, "manipulate", recorded)
    rows = measures.manipulation(n=1, steps=1)
    assert len(rows) == 8 and sorted(set(betas)) == [measures.DEFENCE_BETA, BETA]
    assert betas.count(measures.DEFENCE_BETA) == 8  # one picture, four methods, two epsilons
    for row in rows + results.load("manipulation"):
        assert 0 <= row["adaptive kept"] <= row["n"]
        assert -1 <= row["beta-smoothed adaptive"] <= 1
