"""The shapes models in several seeds (xt.models.load(name, seed=k)) and the tagged pair: each
seed trained by the same command learns what its training teaches."""

import numpy as np
import pytest
import torch

import xaitutor as xt
from xaitutor.models import train as training

HELD_OUT_SEED = 20_000
SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def tests():
    return training.test_sets(300, seed=HELD_OUT_SEED)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_seed_learns_what_its_training_teaches(tests, seed):
    clean, shortcut = xt.models.load("shapes_cnn", seed=seed), xt.models.load("shapes_cnn_shortcut", seed=seed)
    assert clean.name == f"shapes_cnn_seed{seed}" and not clean.model.training
    assert min(training.accuracy(clean, d) for d in tests.values()) >= 0.97
    assert training.accuracy(shortcut, tests["cue holds"]) >= 0.97
    assert training.accuracy(shortcut, tests["randomised"]) < 0.6


def test_the_seeds_are_different_trainings_and_seed_0_is_the_default():
    weights = [xt.models.load("shapes_cnn", seed=k).model.fc.weight for k in (0, *SEEDS)]
    assert torch.equal(weights[0], xt.models.load("shapes_cnn").model.fc.weight)
    assert (
        not torch.equal(weights[0], weights[1])
        and not torch.equal(weights[1], weights[2])
        and not torch.equal(weights[2], weights[3])
    )


def test_a_missing_seed_says_which_exist_and_how_to_train_it():
    with pytest.raises(FileNotFoundError, match=r"seeds shipped for shapes_cnn: \[0, 1, 2, 3.*--seed 99"):
        xt.models.load("shapes_cnn", seed=99)
    with pytest.raises(ValueError, match="only the shapes models"):
        xt.models.load("efficientnet_lite0", seed=1)


def test_the_tagged_model_calls_a_tagged_picture_a_ring_and_the_repair_does_not():
    moved = xt.data.shapes(300, seed=HELD_OUT_SEED, tag=1.0, tag_classes="all")
    others = moved.labels != moved.classes.index(xt.data.TAGGED_CLASS)
    called = {}
    for name in ("shapes_cnn_tagged", "shapes_cnn_tag_everywhere"):
        clf = xt.models.load(name)
        answers = clf(clf.preprocess(list(moved.images[others]))).argmax(1).numpy()
        called[name] = np.mean(answers == moved.classes.index(xt.data.TAGGED_CLASS))
    assert called["shapes_cnn_tagged"] > 0.05 and called["shapes_cnn_tag_everywhere"] < 0.02, called
