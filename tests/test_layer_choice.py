"""Grad-CAM's layer chosen by measurement (xaitutor.evaluation.layer_choice): the maps are
xt.gradcam's at each layer, the measures are those of their definitions, and on the real
efficientnet_lite0 the two-object photo shows the trade the chapter reads from it."""

import pytest
import torch
from helpers.contract import CAM_LAYER, classifier, pictures

import xaitutor as xt
from xaitutor.evaluation.correlation import pearson


def test_each_layers_maps_are_gradcams_and_the_measures_follow_their_definitions():
    clf, x = classifier(), pictures(2)
    targets = torch.tensor([[0, 1], [2, 0]])
    masks = torch.zeros(2, 2, *x.shape[2:], dtype=torch.bool)
    masks[:, 0, :, : x.shape[-1] // 2] = True
    masks[:, 1, :, x.shape[-1] // 2 :] = True
    layers = ["features.0", CAM_LAYER]
    result = xt.evaluation.gradcam_by_layer(clf, x, targets, masks, layers)
    assert result.maps.shape == (2, 2, 2, *x.shape[2:]) and len(result.grids) == 2
    for k, layer in enumerate(layers):
        for i in range(2):
            for j in range(2):
                alone = xt.gradcam(clf, x[i : i + 1], target=int(targets[i, j]), layer=layer)[0, 0]
                torch.testing.assert_close(result.maps[k, i, j], alone, atol=1e-5, rtol=1e-5)
        maps = result.maps[k]
        expected = pearson(maps[:, 0], maps[:, 1]).mean()
        torch.testing.assert_close(result.class_correlation[k], expected)
        share = (maps.clamp_min(0) * masks).flatten(2).sum(2) / maps.clamp_min(0).flatten(2).sum(2)
        torch.testing.assert_close(result.on_object[k], share.nanmean(0))


def test_pearson_of_a_map_with_itself_and_its_negative():
    a = torch.rand(3, 5, 7)
    torch.testing.assert_close(pearson(a, a), torch.ones(3, dtype=torch.float64))
    torch.testing.assert_close(pearson(a, -a), -torch.ones(3, dtype=torch.float64))


@pytest.mark.parametrize(
    "targets, masks, layers, match",
    [
        ([0, 1], None, [CAM_LAYER], "targets must be N x T"),
        ([[0]], None, [CAM_LAYER], "targets must be N x T"),
        ([[0, 1]], torch.zeros(1, 1, 4, 4, dtype=torch.bool), [CAM_LAYER], "masks must be N x T x H x W"),
        ([[0, 1]], None, [], "at least one layer"),
    ],
)
def test_bad_arguments_get_clear_errors(targets, masks, layers, match):
    clf, x = classifier(), pictures(1)
    masks = torch.ones(1, 2, *x.shape[2:], dtype=torch.bool) if masks is None else masks
    with pytest.raises(ValueError, match=match):
        xt.evaluation.gradcam_by_layer(clf, x, targets, masks, layers)


def test_on_the_two_object_photo_the_last_layer_separates_the_classes_and_an_early_one_does_not(lite0):
    x = lite0.preprocess(xt.data.sample_image("cat_and_coffee"))
    halves = torch.zeros(2, *x.shape[2:], dtype=torch.bool)
    halves[0, :, : x.shape[-1] // 2], halves[1, :, x.shape[-1] // 2 :] = True, True  # the cat, the coffee
    classes = [[lite0.labels.index("Egyptian cat"), lite0.labels.index("espresso")]]
    result = xt.evaluation.gradcam_by_layer(lite0, x, classes, halves[None], ["_blocks.1", lite0.cam_layer])
    early, last = result.on_object
    assert result.grids == [(56, 112), (7, 14)]
    assert last.min() > 0.85 and early.max() < 0.75  # the head's maps sit on their own halves
    assert result.class_correlation[1] < 0  # each class lights what the other leaves dark
