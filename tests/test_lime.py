"""LIME (xaitutor.methods.lime_image): behaviour on hand-built classifiers whose evidence we know,
determinism, grayscale input, errors, and one run on the real efficientnet_lite0."""

import numpy as np
import pytest
import torch
from helpers.models import REGION, RegionStatisticModel
from torch import nn

import xaitutor as xt
from xaitutor.methods.black_box import black_box
from xaitutor.methods.lime_image import cosine_distance, draw_samples, hidden_picture, perturb, segment

H, W, BLOCK = 32, 48, 8


def blocks(array, **_):
    """A segmenter cutting the picture into BLOCK x BLOCK squares, numbered row by row."""
    rows, cols = np.indices(array.shape[:2]) // BLOCK
    return rows * (array.shape[1] // BLOCK) + cols


def region_classifier(statistic="var", input_size=None):
    return xt.Classifier(
        RegionStatisticModel(statistic), ["region", "other"], (0, 0, 0), (1, 1, 1), input_size=input_size
    )


@pytest.fixture
def picture():
    return torch.rand(3, H, W, generator=torch.Generator().manual_seed(1))


def test_ranks_the_region_the_classifier_looks_at_first(picture):
    exp = xt.lime(region_classifier("var"), picture, target=0, num_samples=300, segmenter=blocks, progress=False)
    others = np.delete(exp.weights, [8, 9])
    assert set(exp.top(2)) == {8, 9}
    assert exp.weights[[8, 9]].min() > 10 * np.abs(others).max()
    assert exp.score > 0.9


def test_the_explanation_holds_its_surrogate(picture):
    exp = xt.lime(region_classifier("var"), picture, target=0, num_samples=50, segmenter=blocks, progress=False)
    assert isinstance(exp.surrogate, xt.methods.lime_image.Surrogate)
    assert exp.weights is exp.surrogate.weights and exp.score == exp.surrogate.score
    assert exp.intercept == exp.surrogate.intercept and exp.local_prediction == exp.surrogate.local_prediction


def test_hiding_with_the_mean_colour_hides_nothing_from_a_model_that_sees_only_means(picture):
    # Its own mean colour leaves a superpixel's mean unchanged: the classifier cannot notice.
    blind = xt.lime(region_classifier("mean"), picture, target=0, num_samples=200, segmenter=blocks, progress=False)
    assert np.abs(blind.weights).max() < 1e-6
    black = xt.lime(
        region_classifier("mean"), picture, target=0, num_samples=200, segmenter=blocks, hide=0.0, progress=False
    )
    assert set(black.top(2)) == {8, 9}


def test_perturb_takes_each_superpixel_from_the_picture_or_the_hidden_picture(picture):
    segments = segment(picture, blocks)
    hidden = hidden_picture(picture, segments, "mean")
    rows = np.zeros((3, 24), dtype=bool)
    rows[0] = True
    rows[2, 8] = True
    out = perturb(picture, hidden, segments, rows)
    assert torch.equal(out[0], picture) and torch.equal(out[1], hidden)
    assert torch.equal(out[2, :, REGION[0], 16:24], picture[:, REGION[0], 16:24])
    assert torch.equal(out[2, :, REGION[0], 24:32], hidden[:, REGION[0], 24:32])
    # Every pixel of a hidden superpixel shows that superpixel's mean colour.
    assert torch.allclose(hidden[:, :8, :8], picture[:, :8, :8].mean(dim=(1, 2), keepdim=True).expand(3, 8, 8))


@pytest.mark.parametrize("input_size", [None, 20, 40])
def test_classifier_inputs_equal_preprocessing_each_perturbed_picture(picture, input_size):
    model = nn.Sequential(nn.Conv2d(3, 2, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    clf = xt.models.wrap(model, mean=(0.4, 0.5, 0.6), std=(0.2, 0.3, 0.25), labels=["a", "b"], input_size=input_size)
    segments = segment(picture, blocks)
    hidden = hidden_picture(picture, segments, "mean")
    rows = draw_samples(np.random.RandomState(0), 5, 24)
    box = black_box(clf, picture)
    with box.running():
        probabilities = box(perturb(box.prepare(picture), box.prepare(hidden), segments, rows))
        expected = torch.cat([clf(clf.preprocess(p)) for p in perturb(picture, hidden, segments, rows)])
    assert box.grid == tuple(clf.preprocess(picture).shape[-2:]) and box.labels == ["a", "b"]
    torch.testing.assert_close(probabilities, expected.softmax(dim=1), rtol=0, atol=1e-6)


def test_same_seed_same_explanation_and_another_seed_other_samples(picture):
    clf = region_classifier("var")
    run = lambda seed: xt.lime(clf, picture, num_samples=50, segmenter=blocks, seed=seed, progress=False)
    a, b, c = run(3), run(3), run(4)
    assert np.array_equal(a.samples, b.samples) and np.array_equal(a.weights, b.weights)
    assert not np.array_equal(a.samples, c.samples)
    assert a.samples[0].all(), "the first sample must be the original picture"


def test_the_result_holds_what_the_surrogate_was_fitted_on(picture):
    clf = region_classifier("var", input_size=16)
    exp = xt.lime(clf, picture, num_samples=40, segmenter=blocks, num_features=4, progress=False)
    assert exp.label == clf.predict(picture, k=1)[0][0] == clf.labels[exp.target]  # the top class
    assert exp.samples.shape == (40, 24) and exp.predictions.shape == (40,)
    assert np.count_nonzero(exp.weights) == 4
    np.testing.assert_allclose(exp.distances, cosine_distance(exp.samples))
    np.testing.assert_allclose(exp.sample_weights, np.sqrt(np.exp(-(exp.distances**2) / 0.25**2)))
    assert exp.sample_weights[0] == 1
    assert exp.map().shape == (1, 1, 16, 24) == (1, 1, *exp.grid)
    assert exp.mask(2, positive_only=False).sum() == 2 * BLOCK * BLOCK


def test_map_paints_the_weights_on_their_superpixels(picture):
    exp = xt.lime(region_classifier("var"), picture, num_samples=30, segmenter=blocks, progress=False)
    painted = torch.from_numpy(exp.weights).float()[exp.segments]
    torch.testing.assert_close(exp.map()[0, 0], painted)


def test_the_figure_draws_for_in_red_and_against_in_blue_with_a_colour_bar(picture):
    import matplotlib

    matplotlib.use("Agg")
    black = torch.zeros(3, H, W)  # a black picture: what shows in a superpixel is its tint alone
    exp = xt.lime(region_classifier("var"), picture, num_samples=60, segmenter=blocks, progress=False)
    exp.picture = black
    fig = exp.plot(k=40, positive_only=False)
    shown, segments = fig.axes[0].images[0].get_array(), exp.segments.numpy()
    inner = np.zeros_like(segments, dtype=bool)
    inner[1:-1, 1:-1] = True  # away from the yellow outlines at the picture's edge
    for i in exp.top(40, positive_only=False):
        colour = shown[(segments == i) & inner].mean(axis=0)
        if abs(exp.weights[i]) > 0.5 * np.abs(exp.weights).max():
            assert (colour[0] > colour[2]) == (exp.weights[i] > 0), (i, exp.weights[i], colour)
    assert len(fig.axes) == 2 and "red: for, blue: against" in fig.axes[1].get_ylabel()
    fig.clf()


def test_masks_pick_positive_negative_or_both(picture):
    exp = xt.lime(region_classifier("var"), picture, num_samples=60, segmenter=blocks, progress=False)
    w = exp.weights
    assert all(w[i] > 0 for i in exp.top(30)) and all(
        w[i] < 0 for i in exp.top(30, positive_only=False, negative_only=True)
    )
    both = exp.top(3, positive_only=False)
    assert list(np.abs(w[both])) == sorted(np.abs(w), reverse=True)[:3]
    with pytest.raises(ValueError, match="cannot both"):
        exp.mask(3, positive_only=True, negative_only=True)


def test_auto_stops_when_the_top_superpixels_settle_and_matches_a_fixed_run(picture):
    clf = region_classifier("var")
    auto = xt.lime(clf, picture, num_samples="auto", segmenter=blocks, progress=False)
    assert auto.num_samples % 100 == 0 and 400 <= auto.num_samples < 3000
    fixed = xt.lime(clf, picture, num_samples=auto.num_samples, segmenter=blocks, progress=False)
    np.testing.assert_array_equal(auto.samples, fixed.samples)
    np.testing.assert_allclose(auto.weights, fixed.weights)


def test_grayscale_pictures_are_explained_as_grey_rgb():
    gray = (np.random.RandomState(0).rand(H, W) * 255).astype(np.uint8)
    clf = region_classifier("var")
    a = xt.lime(clf, gray, num_samples=30, segmenter=blocks, progress=False)
    b = xt.lime(clf, np.repeat(gray[..., None], 3, axis=2), num_samples=30, segmenter=blocks, progress=False)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.picture.shape == (3, H, W)


def test_ctrl_c_returns_the_samples_done_so_far(picture):
    class Interrupted(RegionStatisticModel):
        calls = 0

        def forward(self, x):
            Interrupted.calls += 1
            if Interrupted.calls == 3:
                raise KeyboardInterrupt
            return super().forward(x)

    clf = xt.Classifier(Interrupted(), ["region", "other"], (0, 0, 0), (1, 1, 1), input_size=None)
    with pytest.warns(UserWarning, match="interrupted"):
        exp = xt.lime(clf, picture, num_samples=100, batch_size=10, segmenter=blocks, progress=False)
    assert exp.num_samples == 20


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(num_samples=1), ValueError, "at least 2"),
        (dict(num_samples="many"), ValueError, "num_samples"),
        (dict(segmenter="watershed"), ValueError, "unknown segmenter 'watershed'"),
        (dict(segmenter=[1, 2, 3]), ValueError, r"unknown segmenter \[1, 2, 3\]"),
        (dict(segmenter={"name": "slic"}), ValueError, "unknown segmenter {'name'"),
        (dict(segmenter=lambda a: np.zeros(3, int)), ValueError, "H x W integer labels"),
        (dict(hide="black"), ValueError, "hide='black'"),
        (dict(hide=(0, 0, 2)), ValueError, "hide="),
        (dict(kernel_width=0), ValueError, "kernel_width"),
        (dict(num_features=0), ValueError, "num_features"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(target=5), ValueError, "not a class index"),
    ],
)
def test_bad_arguments_get_clear_errors(picture, kwargs, error, match):
    with pytest.raises(error, match=match):
        xt.lime(
            region_classifier("var"), picture, **{"num_samples": 4, "segmenter": blocks, "progress": False, **kwargs}
        )


def test_bad_pictures_and_models_get_clear_errors(picture):
    clf = region_classifier("var")
    with pytest.raises(ValueError, match="one picture at a time"):
        xt.lime(clf, torch.rand(2, 3, H, W), num_samples=4, segmenter=blocks)
    with pytest.raises(ValueError, match="channels"):
        xt.lime(clf, np.zeros((H, W, 5), np.uint8), num_samples=4, segmenter=blocks)
    with pytest.raises(TypeError, match="xt.models.wrap"):
        xt.lime(clf.model, picture, num_samples=4, segmenter=blocks)
    with pytest.raises(TypeError, match="a function from pictures to probabilities"):
        xt.lime("resnet18", picture, num_samples=4, segmenter=blocks)
    with pytest.raises(ValueError, match="labels= names a function's classes"):
        xt.lime(clf, picture, num_samples=4, segmenter=blocks, labels=["x", "y"])


@pytest.mark.parametrize("name", ["quickshift", "slic", "felzenszwalb"])
def test_segmenters_number_superpixels_from_zero(name, picture):
    segments = segment(picture, name)
    assert segments.shape == (H, W) and segments.min() == 0
    assert torch.equal(torch.unique(segments), torch.arange(int(segments.max()) + 1))


def test_on_efficientnet_lite0_explains_its_top_class_on_the_preprocessed_grid(lite0):
    photo = xt.data.sample_image("chelsea").resize((150, 100))
    exp = xt.lime(lite0, photo, num_samples=32, segmenter="slic", segmenter_params=dict(n_segments=15), progress=False)
    assert exp.label == lite0.predict(photo, k=1)[0][0]
    assert exp.predictions[0] == pytest.approx(lite0.predict(photo, k=1)[0][1], abs=1e-5)
    assert exp.map().shape[-2:] == lite0.preprocess(photo).shape[-2:] == (224, 336)
    assert np.isfinite(exp.weights).all() and np.count_nonzero(exp.weights) == exp.num_superpixels


def region_function(pictures):
    """RegionModel as a plain function: pictures in, probabilities out (a numpy array)."""
    with torch.no_grad():
        return RegionStatisticModel("var")(pictures).softmax(dim=1).numpy()


def test_a_function_is_explained_as_the_same_classifier(picture):
    run = lambda model, **kw: xt.lime(model, picture, num_samples=60, segmenter=blocks, progress=False, **kw)
    ours, reference = run(region_function, labels=["region", "other"]), run(region_classifier("var"))
    np.testing.assert_array_equal(ours.predictions, reference.predictions)
    np.testing.assert_array_equal(ours.weights, reference.weights)
    assert (ours.target, ours.label) == (reference.target, reference.label) == (0, "region")
    assert run(region_function, target=1).label == "class 1"


def test_a_function_gets_cpu_batches_of_pictures_at_their_own_size(picture):
    seen = []

    def probabilities(pictures):
        seen.append(pictures)
        return torch.full((len(pictures), 4), 0.25)

    exp = xt.lime(probabilities, picture, num_samples=40, batch_size=16, segmenter=blocks, progress=False)
    assert [len(p) for p in seen] == [16, 16, 8]
    assert all(p.shape[1:] == (3, H, W) and p.dtype == torch.float32 and p.device.type == "cpu" for p in seen)
    assert all(p.min() >= 0 and p.max() <= 1 for p in seen)
    torch.testing.assert_close(seen[0][0], picture)  # sample 0: the picture itself
    assert exp.grid == (H, W) and exp.map().shape == (1, 1, H, W)


def test_by_default_a_batch_holds_eight_224_pictures_whatever_the_number_of_samples():
    seen = []

    def probabilities(pictures):
        seen.append(len(pictures))
        return torch.full((len(pictures), 2), 0.5)

    xt.lime(probabilities, torch.rand(3, 224, 224), num_samples=20, segmenter="slic", progress=False)
    assert seen == [8, 8, 4]


# The exercises of the chapter are tested in test_exercise_checks.py.
