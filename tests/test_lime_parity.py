"""Parity with the ``lime`` package: the surrogate against ``lime_base.LimeBase`` given the same
samples, distances and kernel, and a whole explanation against ``lime_image.LimeImageExplainer``
with the same segmentation and the same random state."""

from functools import partial

import numpy as np
import pytest
import skimage.data
import torch
from helpers.models import RandomTwoConvCNN
from lime import lime_base, lime_image
from lime.wrappers.scikit_image import SegmentationAlgorithm
from sklearn.metrics import pairwise_distances

import xaitutor as xt
from xaitutor.methods.lime_image import cosine_distance, draw_samples, fit_surrogate, kernel, segment

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")


def lime_kernel(d, kernel_width):
    """lime_image's default kernel, copied from LimeImageExplainer.__init__."""
    return np.sqrt(np.exp(-(d**2) / kernel_width**2))


@pytest.fixture
def neighbourhood():
    """Samples as lime draws them and probabilities of a noisy linear rule, for 30 superpixels."""
    rng = np.random.RandomState(7)
    rows = draw_samples(np.random.RandomState(0), 400, 30)
    truth = rng.randn(30) / 10
    probs = 1 / (1 + np.exp(-(rows @ truth - 0.5 + rng.randn(400) / 20)))
    return rows.astype(np.int64), np.stack([1 - probs, probs], axis=1)


def test_distances_and_kernel_equal_lime_and_scikit_learn(neighbourhood):
    rows, _ = neighbourhood
    rows = np.vstack([rows, np.zeros(30, np.int64)])  # the all-off row too
    distances = pairwise_distances(rows, rows[:1], metric="cosine").ravel()
    np.testing.assert_allclose(cosine_distance(rows), distances, atol=1e-12)
    np.testing.assert_allclose(kernel(distances, 0.25), lime_kernel(distances, 0.25), rtol=1e-15)


@pytest.mark.parametrize("num_features", [None, 4, 12])  # all; lime's forward selection; its highest weights
def test_surrogate_equals_lime_base(neighbourhood, num_features):
    rows, labels = neighbourhood
    distances = pairwise_distances(rows, rows[:1], metric="cosine").ravel()
    base = lime_base.LimeBase(partial(lime_kernel, kernel_width=0.25), random_state=0)
    intercept, exp, score, local_pred = base.explain_instance_with_data(
        rows, labels, distances, label=1, num_features=num_features or 100000, feature_selection="auto"
    )
    ours = fit_surrogate(rows, labels[:, 1], kernel(cosine_distance(rows), 0.25), num_features)
    theirs = np.zeros(30)
    for feature, weight in exp:
        theirs[feature] = weight
    assert np.count_nonzero(ours.weights) == len(exp)
    np.testing.assert_allclose(ours.weights, theirs, rtol=0, atol=1e-6)
    assert ours.intercept == pytest.approx(intercept, abs=1e-6)
    assert ours.score == pytest.approx(score, abs=1e-6)
    assert ours.local_prediction == pytest.approx(local_pred[0], abs=1e-6)


@pytest.mark.parametrize("hide, hide_color", [("mean", None), (0.3, 0.3)])
def test_whole_explanation_equals_lime_image(hide, hide_color):
    torch.manual_seed(0)
    clf = xt.models.wrap(
        RandomTwoConvCNN(), mean=(0.5, 0.4, 0.3), std=(0.2, 0.25, 0.3), labels=["a", "b", "c"], input_size=40
    )
    photo = np.array(xt.data.sample_image("coffee").resize((90, 60)))
    picture = xt.imaging.to_tensor(photo)
    segments = segment(picture, "slic", n_segments=20)

    def classifier_fn(images):  # lime hands over N x H x W x 3 float64 pictures
        batch = torch.from_numpy(images).permute(0, 3, 1, 2).float()
        with torch.no_grad():
            return clf(clf.preprocess(batch)).softmax(dim=-1).numpy()

    ours = xt.lime(
        clf, photo, target=2, num_samples=300, segmenter=lambda _: segments.numpy(), hide=hide, seed=5, progress=False
    )
    explainer = lime_image.LimeImageExplainer(kernel_width=0.25, random_state=5)
    # lime gets the same float picture: from uint8 it would truncate each superpixel's mean colour
    theirs = explainer.explain_instance(
        picture.permute(1, 2, 0).double().numpy(),
        classifier_fn,
        labels=(2,),
        hide_color=hide_color,
        top_labels=None,
        num_samples=300,
        batch_size=16,
        segmentation_fn=lambda _: segments.numpy(),
        random_seed=0,
    )
    weights = np.zeros(ours.num_superpixels)
    for feature, weight in theirs.local_exp[2]:
        weights[feature] = weight
    np.testing.assert_allclose(ours.weights, weights, rtol=0, atol=1e-6)
    assert ours.intercept == pytest.approx(theirs.intercept[2], abs=1e-6)
    assert ours.score == pytest.approx(theirs.score, abs=1e-6)
    assert ours.local_prediction == pytest.approx(theirs.local_pred[0], abs=1e-6)


def test_quickshift_segments_equal_lime_default_segmentation():
    photo = np.array(xt.data.sample_image("chelsea").resize((80, 60)))
    theirs = SegmentationAlgorithm("quickshift", kernel_size=4, max_dist=200, ratio=0.2, random_seed=42)(photo)
    np.testing.assert_array_equal(segment(photo, "quickshift").numpy(), theirs)


@pytest.mark.parametrize("dtype", ["float64", "uint8"])
def test_quickshift_segments_what_lime_segments_at_its_precision(dtype):
    # Rounded to float32 first, this picture's segmentation differs from lime's by one pixel of
    # 33,900 (float64 and uint8 alike): segmentation must see the values lime's does.
    cat = skimage.data.chelsea()[::2, ::2]
    photo = cat / 255.0 if dtype == "float64" else cat
    params = dict(kernel_size=3, max_dist=6, ratio=0.5)
    theirs = SegmentationAlgorithm("quickshift", **params, random_seed=42)(photo)
    np.testing.assert_array_equal(segment(photo, "quickshift", **params).numpy(), theirs)
    exp = xt.lime(
        lambda p: torch.full((len(p), 2), 0.5),
        photo,
        num_samples=2,
        segmenter="quickshift",
        segmenter_params=params,
        progress=False,
    )
    np.testing.assert_array_equal(exp.segments.numpy(), theirs)


def test_a_function_is_explained_as_lime_image_explains_it():
    torch.manual_seed(0)
    net = RandomTwoConvCNN().eval()
    photo = np.array(xt.data.sample_image("coffee").resize((60, 40)))
    picture = xt.imaging.to_tensor(photo)
    segments = segment(picture, "slic", n_segments=15).numpy()

    def probabilities(pictures):  # N x 3 x H x W in [0, 1] -> N x 3 (numpy, as scikit-learn gives)
        with torch.no_grad():
            return net(pictures).softmax(dim=-1).double().numpy()

    ours = xt.lime(
        probabilities, photo, target=1, num_samples=200, segmenter=lambda _: segments, seed=3, progress=False
    )
    theirs = lime_image.LimeImageExplainer(kernel_width=0.25, random_state=3).explain_instance(
        picture.permute(1, 2, 0).double().numpy(),
        lambda images: probabilities(torch.from_numpy(images).permute(0, 3, 1, 2).float()),
        labels=(1,),
        top_labels=None,
        num_samples=200,
        batch_size=16,
        segmentation_fn=lambda _: segments,
        random_seed=0,
    )
    weights = np.zeros(ours.num_superpixels)
    for feature, weight in theirs.local_exp[1]:
        weights[feature] = weight
    np.testing.assert_allclose(ours.weights, weights, rtol=0, atol=1e-6)
    assert ours.intercept == pytest.approx(theirs.intercept[1], abs=1e-6)
    assert ours.label == "class 1" and ours.grid == (40, 60)
