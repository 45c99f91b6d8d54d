"""The black-box adapter (xaitutor.methods.black_box): a Classifier or a plain function
``f(pictures) -> probabilities`` seen as the model-agnostic methods see it, and clear errors for a
function whose answers are not probabilities."""

import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.methods.black_box import black_box

PICTURE = torch.rand(3, 12, 20, generator=torch.Generator().manual_seed(0))


def answering(result):
    """A function that ignores its pictures and answers ``result(n)`` for ``n`` of them."""
    return lambda pictures: result(len(pictures))


def test_a_function_keeps_the_pictures_grid_and_names_its_classes():
    box = black_box(answering(lambda n: np.full((n, 3), 1 / 3)), PICTURE)
    assert box.grid == (12, 20) and box.device.type == "cpu" and box.prepare(PICTURE) is PICTURE
    with box.running():
        probabilities = box(PICTURE[None].expand(5, -1, -1, -1))
    assert probabilities.shape == (5, 3) and probabilities.dtype == torch.float64
    assert box.labels == ["class 0", "class 1", "class 2"]
    named = black_box(answering(lambda n: torch.full((n, 2), 0.5)), PICTURE, labels=["cat", "dog"])
    named(PICTURE[None])
    assert named.labels == ["cat", "dog"]


def test_a_classifier_keeps_its_labels_and_its_preprocessed_grid():
    clf = xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(180, 2)), labels=["a", "b"], input_size=6)
    box = black_box(clf, PICTURE)
    assert box.grid == (6, 10) and box.labels == ["a", "b"]


@pytest.mark.parametrize(
    "result, match",
    [
        (lambda n: np.full(n, 0.5), r"N x C probabilities.*shape \(4,\).*\[1 - p, p\]"),
        (lambda n: np.full((n + 1, 2), 0.5), r"for 4 pictures it returned shape \(5, 2\)"),
        (lambda n: np.zeros((n, 2), dtype=int), "class indices"),
        (lambda n: np.full((n, 2), np.nan), "NaN or infinite"),
        (lambda n: np.full((n, 2), 3.0), "logits.*softmax"),
        (lambda n: np.full((n, 2), 0.2), r"sum to 1.*0\.4"),
        (lambda n: "no", "probabilities"),
        (lambda n: np.ones((n, 1)), r"one column.*always 1.*\[1 - p, p\]"),
        (lambda n: np.ones((n, 0)), r"no column"),
    ],
)
def test_a_function_that_does_not_answer_probabilities_is_told_what_is_wrong(result, match):
    box = black_box(answering(result), PICTURE)
    with pytest.raises((ValueError, TypeError), match=match):
        box(PICTURE[None].expand(4, -1, -1, -1))


def test_labels_must_match_the_functions_classes():
    box = black_box(answering(lambda n: np.full((n, 4), 0.25)), PICTURE, labels=["a", "b"])
    with pytest.raises(ValueError, match="2 labels for 4 classes"):
        box(PICTURE[None])


def test_what_is_neither_a_classifier_nor_a_function_is_refused():
    with pytest.raises(TypeError, match="xt.models.wrap"):
        black_box(nn.Linear(2, 2), PICTURE)
    with pytest.raises(TypeError, match="got str"):
        black_box("resnet18", PICTURE)
