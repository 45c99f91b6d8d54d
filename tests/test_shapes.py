"""Tests for the synthetic shapes data set (xaitutor/data/shapes.py)."""

import numpy as np
import pytest
import torch
from matplotlib.colors import rgb_to_hsv

from xaitutor.data.shapes import CLASSES, CUE_NAMES, ShapesDataset, shapes

NOISE = 0.1 * 255 + 1  # how far an object pixel may stray from the object's colour


@pytest.fixture(scope="module")
def data():
    return shapes(600, seed=0)


def object_colours(ds):
    """The median colour of each image's object pixels (n x 3)."""
    return np.stack([np.median(im[m], axis=0) for im, m in zip(ds.images, ds.masks)])


def test_arrays_have_the_documented_shapes_and_types(data):
    assert isinstance(data, ShapesDataset) and len(data) == 600
    assert data.images.shape == (600, 64, 64, 3) and data.images.dtype == np.uint8
    assert data.labels.shape == (600,) and data.labels.dtype == np.int64
    assert data.masks.shape == (600, 64, 64) and data.masks.dtype == bool
    assert data.cues.shape == (600,) and data.cues.dtype == np.int64
    assert data.classes == CLASSES and len(set(CLASSES)) >= 6
    assert len(CUE_NAMES) == len(CLASSES)
    small = shapes(7, size=32)
    assert small.images.shape == (7, 32, 32, 3) and small.masks.shape == (7, 32, 32)


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = shapes(60, seed=3), shapes(60, seed=3), shapes(60, seed=4)
    for name in ["images", "labels", "masks", "cues"]:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.images, c.images)
    assert not np.array_equal(a.masks, c.masks)


def test_masks_hold_a_whole_object_of_sensible_size(data):
    area = data.masks.mean(axis=(1, 2))
    assert area.min() > 0.01 and area.max() < 0.5
    # The whole object is inside the image: nothing touches the border.
    border = np.ones((64, 64), bool)
    border[1:-1, 1:-1] = False
    assert not data.masks[:, border].any()


def test_mask_is_exactly_the_object(data):
    colours = object_colours(data)
    for im, m, colour in zip(data.images.astype(float), data.masks, colours):
        distance = np.abs(im - colour).max(axis=-1)  # per pixel, worst channel
        assert distance[m].max() <= NOISE  # inside: the object's colour + noise
        assert distance[~m].min() > NOISE  # outside: nothing looks like it


def test_the_cue_changes_the_background_only():
    randomised, holds = shapes(300, seed=1, shortcut=0.0), shapes(300, seed=1, shortcut=1.0)
    np.testing.assert_array_equal(randomised.labels, holds.labels)
    np.testing.assert_array_equal(randomised.masks, holds.masks)
    np.testing.assert_array_equal(randomised.images[randomised.masks], holds.images[holds.masks])
    # ... while the backgrounds do change wherever the cue changed.
    changed = randomised.cues != holds.cues
    assert changed.mean() > 0.7
    difference = np.abs(randomised.images.astype(int) - holds.images).max(axis=-1)
    background_change = [d[~m].mean() for d, m in zip(difference, holds.masks)]
    assert np.min(np.array(background_change)[changed]) > 10


def test_the_cue_is_the_background_hue(data):
    background = [im[~m].mean(axis=0) for im, m in zip(data.images, data.masks)]
    hue = rgb_to_hsv(np.array(background) / 255)[:, 0]
    k = len(CUE_NAMES)
    nearest_cue = np.round(hue * k).astype(int) % k  # cue c has hue c / k
    assert (nearest_cue == data.cues).mean() > 0.95


def test_classes_are_balanced(data):
    counts = np.bincount(data.labels, minlength=len(CLASSES))
    assert len(counts) == len(CLASSES) and counts.min() == counts.max() == 100


@pytest.mark.parametrize("shortcut, expected", [(0.0, 1 / 6), (0.5, 0.5 + 0.5 / 6), (1.0, 1.0)])
def test_the_cue_follows_the_class_as_often_as_asked(shortcut, expected):
    ds = shapes(600, seed=2, shortcut=shortcut)
    assert abs((ds.cues == ds.labels).mean() - expected) < 0.06
    if shortcut == 0.0:  # randomised: every cue turns up for every class
        for label in range(len(CLASSES)):
            assert set(ds.cues[ds.labels == label]) == set(range(len(CUE_NAMES)))
    if shortcut == 1.0:
        np.testing.assert_array_equal(ds.cues, ds.labels)


def test_object_colours_are_random_and_do_not_reveal_the_class(data):
    hue = rgb_to_hsv(object_colours(data) / 255)[:, 0]
    assert np.histogram(hue, bins=6, range=(0, 1))[0].min() > 60  # all hues turn up
    mean_hue_per_class = [hue[data.labels == label].mean() for label in range(len(CLASSES))]
    assert np.ptp(mean_hue_per_class) < 0.15  # uniform hues average 0.5 each


def test_getitem_returns_the_image_as_a_float_tensor(data):
    x, label = data[5]
    assert isinstance(x, torch.Tensor) and x.dtype == torch.float32
    assert x.shape == (3, 64, 64) and 0 <= x.min() and x.max() <= 1
    np.testing.assert_allclose(x.permute(1, 2, 0).numpy() * 255, data.images[5], atol=1e-3)
    assert label == data.labels[5] and isinstance(label, int)
    xs, labels = next(iter(torch.utils.data.DataLoader(data, batch_size=8)))
    assert xs.shape == (8, 3, 64, 64) and labels.tolist() == data.labels[:8].tolist()
