"""The tagged shapes (a Clever Hans on purpose) and SpRAy's clustering, on hand-built maps."""

import numpy as np
import pytest
import torch

import xaitutor as xt
from xaitutor.data.tagged import MARGIN, TAG_SIZE

FIRST_TAGGED = [8, 23, 40]  # drawn by tagged_shapes before the tag moved into shapes()


def test_the_tag_rides_on_the_share_asked_of_the_tagged_class_only():
    data = xt.data.shapes(120, seed=3, tag=0.5)
    plain = xt.data.shapes(120, seed=3)
    assert plain.tagged.shape == (120,) and not plain.tagged.any()  # every data set says: no tag
    ring = data.labels == data.classes.index(xt.data.TAGGED_CLASS)
    assert data.tagged.dtype == bool and data.tagged.shape == (120,)
    assert data.tagged[ring].sum() == 10 and not data.tagged[~ring].any()  # round(0.5 * 20)
    where = data.tag_mask
    assert where.sum() == TAG_SIZE**2 and where[64 - MARGIN - 1, MARGIN] and not where[0, 0]
    assert (data.images[data.tagged][:, where] != plain.images[data.tagged][:, where]).any()
    outside = ~where[None, :, :] | ~data.tagged[:, None, None]
    assert np.array_equal(data.images[outside], plain.images[outside])  # the same pictures elsewhere
    assert np.array_equal(data.images[data.tagged][:, 64 - MARGIN - 1, MARGIN], np.full((10, 3), 250))
    assert np.array_equal(data.labels, plain.labels) and np.array_equal(data.masks, plain.masks)


def test_the_tag_on_every_class_and_its_errors():
    data = xt.data.shapes(60, seed=1, tag=1.0, tag_classes="all")
    assert data.tagged.all()
    assert not xt.data.shapes(60, seed=1, tag=0.0).tagged.any()
    with pytest.raises(ValueError, match="share"):
        xt.data.shapes(6, tag=1.5)
    with pytest.raises(ValueError, match="unknown classes"):
        xt.data.shapes(6, tag=0.5, tag_classes=["horse"])


def test_the_tagged_pictures_are_those_the_tagged_models_were_trained_and_tested_on():
    # the tags' stream is seeded as before the tag moved into shapes(): these pictures are tagged
    data = xt.data.shapes(600, seed=30_000, tag=0.5)
    assert data.tagged.sum() == 50 and np.flatnonzero(data.tagged)[:3].tolist() == FIRST_TAGGED


def blobs(n, corner, seed):
    """``n`` maps with a bright 4 x 4 blob in one corner, plus faint noise."""
    maps = 0.05 * torch.rand(n, 1, 16, 16, generator=torch.Generator().manual_seed(seed))
    rows, cols = (slice(0, 4), slice(0, 4)) if corner == "top left" else (slice(12, 16), slice(12, 16))
    maps[:, :, rows, cols] += 1
    return maps


def test_spray_separates_two_strategies_and_its_eigengap_says_two():
    maps = torch.cat([blobs(12, "top left", 0), blobs(12, "bottom right", 1)])
    result = xt.evaluation.spray(maps, clusters=2, size=8, neighbours=5)
    truth = np.repeat([0, 1], 12)
    assert result.labels.shape == (24,) and len(set(result.labels[:12])) == 1
    assert (result.labels == truth).all() or (result.labels == 1 - truth).all()
    assert result.eigenvalues[:2] == pytest.approx([0, 0], abs=1e-9) and result.eigenvalues[2] > 0.1
    assert result.suggested_clusters == 2
    means = result.mean_maps(maps)
    first = int(result.labels[0])
    assert torch.allclose(means[first], maps[:12].mean(0)) and torch.allclose(means[1 - first], maps[12:].mean(0))
    again = xt.evaluation.spray(maps, clusters=2, size=8, neighbours=5)
    assert np.array_equal(again.labels, result.labels)  # seeded


def test_spray_names_what_is_wrong():
    with pytest.raises(TypeError, match="N x 1 x H x W"):
        xt.evaluation.spray(np.zeros((4, 1, 8, 8)))
    with pytest.raises(ValueError, match="too few"):
        xt.evaluation.spray(torch.rand(5, 1, 8, 8), clusters=2)
