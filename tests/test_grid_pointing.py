"""The grid pointing game (Rao et al. 2022): the grids of the course's photos, exact shares for
hand-made maps, and Grad-CAM well above chance on efficientnet_lite0."""

import pytest
import torch

import xaitutor as xt


@pytest.fixture(scope="module")
def grids(lite0):
    return xt.evaluation.grid_pictures(lite0)


def test_four_photos_qualify_and_each_sits_in_every_cell_once(lite0, grids):
    assert set(grids.confidence) == {"chelsea", "rocket", "motorcycle", "camera"}
    assert all(p >= 0.9 for _, p in grids.confidence.values())
    assert grids.pictures.shape == (4, 3, 224, 224) and grids.targets.shape == (4, 4)
    for cell in range(4):
        assert {row[cell] for row in grids.photos} == set(grids.confidence)
    labels = {lite0.labels[k] for k, _ in grids.confidence.values()}
    assert labels == {"Egyptian cat", "drilling platform", "moped", "tripod"}
    top_left = xt.evaluation.grid_pointing.photo_cell(grids.photos[0][0], 112)
    assert torch.equal(grids.pictures[0, :, :112, :112], top_left)


def fixed(values):
    """A 'method' of one's own whose map is ``values`` (2 x 2, spread over the cells) for every picture."""

    def method(classifier, x, target):
        cells = torch.tensor(values, dtype=torch.float32).view(1, 1, 2, 2)
        return cells.repeat_interleave(112, 2).repeat_interleave(112, 3).expand(len(x), 1, -1, -1)

    return method


def test_the_share_in_the_right_cell_exactly(lite0, grids):
    one = grids.__class__(grids.pictures[:1], grids.targets[:1], grids.photos[:1], grids.confidence)
    score = xt.evaluation.grid_pointing_game(fixed([[3.0, 1.0], [-5.0, 0.0]]), lite0, one)
    assert score.tolist() == [pytest.approx([0.75, 0.25, 0.0, 0.0])]  # negative evidence ignored
    assert xt.evaluation.grid_pointing_game(fixed([[1.0, 1.0], [1.0, 1.0]]), lite0, one).tolist() == [[0.25] * 4]
    assert xt.evaluation.grid_pointing_game(fixed([[-1.0, 0.0], [0.0, 0.0]]), lite0, one).tolist() == [[0.0] * 4]


def test_gradcam_points_at_the_right_photo(lite0, grids):
    one = grids.__class__(grids.pictures[:1], grids.targets[:1], grids.photos[:1], grids.confidence)
    score = xt.evaluation.grid_pointing_game(xt.gradcam, lite0, one)
    assert score.mean() > 0.5 and score.min() > 0.25, score
