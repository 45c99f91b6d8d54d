"""The two shapes classifiers trained by ``python -m xaitutor.models.train``: they load, they are as
accurate as promised on held-out pictures, and the shortcut model fails without its cue."""

import pytest
import torch

import xaitutor as xt
from xaitutor.models import train as training
from xaitutor.models.shapes_cnn import WEIGHTS, ShapesCNN

HELD_OUT_SEED = 20_000  # neither a training seed (0, 1, ...) nor the one train.py reports on


@pytest.fixture(scope="module")
def tests():
    return training.test_sets(300, seed=HELD_OUT_SEED)


@pytest.fixture(scope="module")
def models():
    return {name: xt.models.load(name) for name in ("shapes_cnn", "shapes_cnn_shortcut")}


def test_the_models_load_as_classifiers(models):
    for name, clf in models.items():
        assert name in xt.models.names()
        assert isinstance(clf, xt.Classifier) and isinstance(clf.model, ShapesCNN)
        assert clf.labels == xt.data.shapes(1).classes and clf.input_size == 64
        assert clf.cam_layer == "features.relu4" and not clf.model.training
        assert (WEIGHTS / f"{name}.pt").stat().st_size < 1_000_000


def test_shapes_cnn_reads_the_shapes(models, tests):
    for setting, data in tests.items():
        assert training.accuracy(models["shapes_cnn"], data) >= 0.97, setting


def test_the_shortcut_model_needs_its_cue(models, tests):
    clf = models["shapes_cnn_shortcut"]
    holds, randomised = (training.accuracy(clf, tests[k]) for k in ("cue holds", "randomised"))
    assert holds >= 0.97
    assert randomised < 0.6 and randomised < holds - 0.3


def test_a_picture_goes_through_predict(models):
    data = xt.data.shapes(1, seed=HELD_OUT_SEED + 1)
    label, probability = models["shapes_cnn"].predict(data.images[0], k=1)[0]
    assert label == data.classes[data.labels[0]] and probability > 0.5


def test_training_is_deterministic():
    a = training.train(shortcut=0.5, epochs=1, per_epoch=64)
    b = training.train(shortcut=0.5, epochs=1, per_epoch=64)
    assert not a.training
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))


def test_missing_weights_say_how_to_train(monkeypatch, tmp_path):
    from xaitutor.models import shapes_cnn

    monkeypatch.setattr(shapes_cnn, "WEIGHTS", tmp_path)
    with pytest.raises(FileNotFoundError, match="python -m xaitutor.models.train"):
        xt.models.load("shapes_cnn")
