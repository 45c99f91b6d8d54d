"""The concept methods by hand on tiny models whose answers are known (xaitutor/concepts/), and
their clear errors."""

import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.concepts.concept_activation_vectors import tcav_score


class Brightness(nn.Module):
    """``features``: two units, the picture's first channel and its negative (a 1 x 1
    convolution); logits: class 0 is the first unit's mean, class 1 the second's."""

    def __init__(self):
        super().__init__()
        self.features = nn.Conv2d(3, 2, 1, bias=False)
        with torch.no_grad():
            self.features.weight.zero_()
            self.features.weight[0, 0] = 1.0
            self.features.weight[1, 0] = -1.0

    def forward(self, x):
        return self.features(x).mean(dim=(2, 3))


def squares(n=4, size=8):
    """Pictures dark everywhere but a bright 2 x 2 square at a known place; its mask."""
    x, mask = torch.zeros(n, 3, size, size), torch.zeros(n, size, size, dtype=torch.bool)
    for i in range(n):
        x[i, 0, 2 * i % size : 2 * i % size + 2, 2:4] = 1.0 + i
        mask[i, 2 * i % size : 2 * i % size + 2, 2:4] = True
    return x, mask


def test_dissection_finds_the_unit_that_covers_the_concept_by_hand():
    x, mask = squares()
    # unit 0's 256 values: 240 zeros, then the squares' 4 ones, 4 twos, 4 threes, 4 fours; its top
    # 8 / 256 starts above the 248th value, 2: its mask is the two brightest squares, 8 of 16 pixels
    d = xt.concepts.dissect(Brightness(), "features", x, {"square": mask, "rest": ~mask}, quantile=8 / 256)
    assert d.concepts == ["square", "rest"] and d.iou.shape == (2, 2) and d.layer == "features"
    assert d.thresholds.tolist() == [2.0, 0.0]  # unit 1 (the negative) is never above 0: no mask
    torch.testing.assert_close(d.iou, torch.tensor([[0.5, 0.0], [0.0, 0.0]]))
    assert d.detectors() == {0: "square"} and d.best()[0] == ("square", 0.5)
    assert d.detectors(threshold=0.6) == {} and d.counts() == {"square": 1}


def test_dissection_of_a_rotated_layer_mixes_the_units():
    x, mask = squares()
    swap = torch.tensor([[0.0, 1.0], [1.0, 0.0]])  # a rotation that swaps the two units
    plain = xt.concepts.dissect(Brightness(), "features", x, {"square": mask}, quantile=8 / 256)
    swapped = xt.concepts.dissect(Brightness(), "features", x, {"square": mask}, quantile=8 / 256, rotation=swap)
    torch.testing.assert_close(swapped.iou, plain.iou.flip(0))
    q = xt.concepts.random_rotation(5, seed=1)
    torch.testing.assert_close(q @ q.T, torch.eye(5), atol=1e-5, rtol=0)
    assert torch.equal(q, xt.concepts.random_rotation(5, seed=1))


def test_a_reinitialised_model_is_a_new_copy():
    clf = xt.models.load("shapes_cnn")
    fresh = xt.concepts.reinitialised(clf, seed=0)
    before = clf.model.features.conv1.weight.clone()
    assert fresh.model is not clf.model and torch.equal(clf.model.features.conv1.weight, before)
    assert not torch.equal(fresh.model.features.conv1.weight, before)
    assert torch.equal(fresh.model.features.conv1.weight, xt.concepts.reinitialised(clf, 0).model.features.conv1.weight)


def test_the_tcav_score_is_the_share_of_positive_directional_derivatives():
    gradients = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5], [-1.0, -1.0]])
    assert tcav_score(gradients, torch.tensor([1.0, 1.0])) == 0.5  # 1, 1, -0.5, -2
    assert tcav_score(gradients, torch.tensor([0.0, 1.0])) == 0.5  # 0 is not a rise
    assert tcav_score(gradients, torch.tensor([-1.0, 0.0])) == 0.5


def test_tcav_of_a_concept_that_raises_the_class_everywhere():
    # class 0 is the first unit's mean: a concept brighter in channel 0 than the random pictures
    # raises it for every picture, and lowers class 1 for every one
    g = torch.Generator().manual_seed(0)
    pool, pictures = torch.rand(40, 3, 8, 8, generator=g), torch.rand(6, 3, 8, 8, generator=g)
    concept = torch.rand(10, 3, 8, 8, generator=g) + torch.tensor([2.0, 0, 0]).view(1, 3, 1, 1)
    up = xt.concepts.tcav(Brightness(), "features", concept, pool, pictures, 0, runs=6)
    down = xt.concepts.tcav(Brightness(), "features", concept, pool, pictures, 1, runs=6)
    assert up.score == 1.0 and torch.equal(up.scores, torch.ones(6)) and down.score == 0.0
    assert up.vectors.shape == (6, 2 * 8 * 8) and len(up.random_scores) == 6
    assert set(up.random_scores.tolist()) <= {0.0, 1.0}  # one gradient for all: a sign, no share
    if up.random_scores.std() > 0:
        assert up.p_value < 0.05 and up.significant()
    again = xt.concepts.tcav(Brightness(), "features", concept, pool, pictures, 0, runs=6)
    assert torch.equal(again.random_scores, up.random_scores)  # seeded


def test_tcav_corrects_its_p_value_for_the_layers_tested():
    g = torch.Generator().manual_seed(0)
    pool, pictures, concept = torch.rand(30, 3, 8, 8, generator=g), torch.rand(5, 3, 8, 8, generator=g), None
    concept = torch.rand(8, 3, 8, 8, generator=g)
    one = xt.concepts.tcav(Brightness(), "features", concept, pool, pictures, 0, runs=5)
    three = xt.concepts.tcav(Brightness(), "features", concept, pool, pictures, 0, runs=5, layers_tested=3)
    assert three.p_value == pytest.approx(min(1.0, 3 * one.p_value))


def test_factorization_recovers_two_parts_by_hand():
    # channel 0 lights the left half, channel 1 the right half: two parts, one per half
    x = torch.zeros(2, 3, 8, 8)
    x[:, 0, :, :4], x[:, 1, :, 4:] = 1.0, 2.0
    net = nn.Sequential(nn.Conv2d(3, 3, 1, bias=False), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    with torch.no_grad():
        net[0].weight.copy_(torch.eye(3).view(3, 3, 1, 1))
    f = xt.concepts.factorize(net, x, "1", parts=2)
    assert f.maps.shape == (2, 2, 8, 8) and f.vectors.shape == (2, 3) and f.layer == "1"
    left = f.segments()[0, 0, 0]
    assert (f.segments()[:, :, :4] == left).all() and (f.segments()[:, :, 4:] == 1 - left).all()
    half = torch.zeros(2, 8, 8, dtype=torch.bool)
    half[:, :, :4] = True
    torch.testing.assert_close(f.iou(half)[left], torch.tensor(1.0))
    assert f.vectors[left].argmax() == 0 and f.vectors[1 - left].argmax() == 1


def test_top_examples_are_the_brightest_pictures_and_their_patches():
    x, _ = squares(4)
    e = xt.concepts.top_examples(Brightness(), "features", 0, x, k=3, patch=4)
    assert e.indices.tolist() == [3, 2, 1] and e.activations.tolist() == [4.0, 3.0, 2.0]
    assert e.boxes.tolist()[0] == [4, 0, 8, 4]  # around the first strongest pixel (6, 2): its centre +- 2
    assert [p.shape for p in e.patches(x)] == [(3, 4, 4)] * 3
    whole = xt.concepts.top_examples(Brightness(), "features", 0, x, k=10)
    assert len(whole.indices) == 4 and whole.boxes.tolist()[0] == [0, 0, 8, 8]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m, x, s: xt.concepts.dissect(m, "features", x, {"s": s}, quantile=0), "quantile must be in"),
        (lambda m, x, s: xt.concepts.dissect(m, "features", x, {}), "masks is empty"),
        (lambda m, x, s: xt.concepts.dissect(m, "features", x, {"s": s[:2]}), r"must be N x H x W = \(4, 8, 8\)"),
        (lambda m, x, s: xt.concepts.top_examples(m, "features", 2, x), r"an int in \[0, 1\]"),
        (lambda m, x, s: xt.concepts.tcav(m, "features", x, x[:2], x, 0), "random holds 2 pictures, fewer than"),
        (lambda m, x, s: xt.concepts.tcav(m, "features", x, x, x, 0, runs=1), "runs"),
        (lambda m, x, s: xt.concepts.factorize(m, x[0], "features"), "preprocessed N x C x H x W batch"),
        (lambda m, x, s: xt.concepts.dissect(m, "featurs", x, {"s": s}), "Did you mean 'features'"),
    ],
)
def test_bad_input_is_named(call, message):
    x, mask = squares()
    with pytest.raises(ValueError, match=message):
        call(Brightness(), x, mask)


def test_the_concept_methods_are_declared():
    names = {m.function.__name__ for m in xt.methods.declared(("concept",))}
    assert names == {"dissect", "tcav", "factorize", "top_examples"}
    assert xt.tcav is xt.concepts.tcav and np.all([m.returns == "concepts" for m in xt.methods.declared(("concept",))])
