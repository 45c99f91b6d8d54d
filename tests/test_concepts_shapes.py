"""The concept methods on the course's shapes models, whose learned concepts are known:
``shapes_cnn`` reads the shape, ``shapes_cnn_shortcut`` the background's hue (what chapter 8
shows, asserted with margins)."""

import pytest
import torch

import xaitutor as xt
from xaitutor.data.shapes import CLASSES


@pytest.fixture(scope="module")
def shapes():
    data = xt.data.shapes(300, seed=8, shortcut=0.0)
    pictures = torch.from_numpy(data.images).permute(0, 3, 1, 2).float() / 255
    return data, xt.models.load("shapes_cnn").preprocess(pictures)


@pytest.mark.parametrize("model", ["shapes_cnn", "shapes_cnn_shortcut"])
def test_tcav_finds_the_grass_in_the_shortcut_model_only(shapes, model):
    data, x = shapes
    clf = xt.models.load(model)
    circles = x[100:][data.labels[100:] == 0]
    hue, shape = (
        xt.concepts.tcav(
            clf, "features.relu3", clf.preprocess(xt.data.concept_pictures(c, 40, seed=1)), x[:100], circles, 0
        )
        for c in ("red background", "circle")
    )
    if model == "shapes_cnn_shortcut":
        assert hue.significant() and hue.score > 0.9
    else:
        assert not hue.significant() and shape.significant() and shape.score > 0.9


def test_dissection_finds_shape_detectors_in_the_clean_model_only(shapes):
    data, x = shapes
    clean = xt.concepts.dissect(xt.models.load("shapes_cnn"), "features.relu4", x, data.concept_masks)
    found = list(clean.detectors().values())
    assert len(found) > 40 and sum(c in CLASSES for c in found) > 0.8 * len(found)
    fresh = xt.models.load("shapes_cnn")
    fresh = xt.concepts.reinitialised(fresh, seed=0)
    random = xt.concepts.dissect(fresh, "features.relu4", x, data.concept_masks)
    assert not any(c in CLASSES for c in random.detectors().values())
    shortcut = xt.concepts.dissect(xt.models.load("shapes_cnn_shortcut"), "features.relu4", x, data.concept_masks)
    hue_share = data.concept_masks["red background"].mean()
    assert shortcut.detectors() == {} and float(shortcut.iou.max()) < 0.005 / hue_share  # too large to detect


def test_factorization_separates_object_and_background(shapes):
    data, x = shapes
    parts = xt.concepts.factorize(xt.models.load("shapes_cnn"), x[:40], "features.relu3", parts=3)
    assert parts.iou(data.masks[:40]).max() > 0.5 and parts.iou(~data.masks[:40]).max() > 0.7
