"""SpRAy finds the Clever Hans: its clusters of the rings' Grad-CAM maps are the tagged and the
untagged rings for the model trained with the tag (ARI >= 0.8), and unrelated to the tag for the
clean model (<= 0.2); the repaired model lights the tag no more and is not fooled by a moved tag."""

import pytest

import xaitutor as xt
from xaitutor.evaluation.clever_hans import clever_hans


@pytest.fixture(scope="module")
def scores():
    return {
        name: clever_hans(xt.models.load(name), xt.gradcam, n=600)
        for name in ("shapes_cnn_tagged", "shapes_cnn", "shapes_cnn_tag_everywhere")
    }


def test_spray_finds_the_tag_in_the_tagged_model_only(scores):
    assert scores["shapes_cnn_tagged"]["ari"] >= 0.8, scores
    assert abs(scores["shapes_cnn"]["ari"]) <= 0.2, scores


def test_the_repair_takes_the_relevance_off_the_tag_and_the_accuracy_back(scores):
    tagged, repaired = scores["shapes_cnn_tagged"], scores["shapes_cnn_tag_everywhere"]
    assert repaired["tag share, tagged"] < tagged["tag share, tagged"] / 5
    assert tagged["accuracy, tag moved"] < 0.9 < 0.97 < repaired["accuracy, tag moved"]
    assert tagged["tagged others called ring"] > 0.05 > repaired["tagged others called ring"]
