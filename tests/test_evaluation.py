"""The measures of xaitutor.evaluation: hand-built cases with known answers, parity with quantus,
and the cascading randomisation's promises (every layer changed, the user's model untouched)."""

import copy
import math

import numpy as np
import pytest
import torch
from helpers.models import RegionBrightnessModel
from torch import nn

import xaitutor as xt
from xaitutor import evaluation as ev
from xaitutor.models import Classifier
from xaitutor.models.shapes_cnn import CAM_LAYER, MEAN, STD, ShapesCNN


@pytest.fixture(scope="module")
def shapes6():
    return xt.data.shapes(6, seed=3)


@pytest.fixture(scope="module")
def untrained():
    """A shapes CNN with random weights: the measures must work for any Classifier."""
    torch.manual_seed(0)
    return Classifier(ShapesCNN(), xt.data.shapes(1).classes, MEAN, STD, input_size=64, cam_layer=CAM_LAYER)


# --- Localisation ---------------------------------------------------------------------------


def test_a_map_equal_to_the_mask_scores_one(shapes6):
    maps = torch.from_numpy(shapes6.masks).float()[:, None]
    assert ev.pointing_game(maps, shapes6.masks).tolist() == [1.0] * 6
    assert torch.allclose(ev.energy_share(maps, shapes6.masks), torch.ones(6))


def test_a_uniform_map_shares_its_energy_as_the_mask_shares_the_picture(shapes6):
    share = ev.energy_share(torch.full((6, 1, 64, 64), 0.3), shapes6.masks)
    area = torch.from_numpy(shapes6.masks).float().mean(dim=(1, 2))
    assert torch.allclose(share, area, atol=1e-6)


def test_energy_share_counts_only_the_positive_mass():
    masks = torch.zeros(1, 4, 4, dtype=torch.bool)
    masks[0, :2] = True  # the top half
    maps = torch.zeros(1, 1, 4, 4)
    maps[0, 0, 0, 0], maps[0, 0, 3, 3], maps[0, 0, 3, 0] = 3.0, 1.0, -5.0
    assert ev.energy_share(maps, masks).item() == pytest.approx(0.75)


def test_pointing_game_tolerance_reaches_a_near_miss():
    masks = torch.zeros(1, 20, 20, dtype=torch.bool)
    masks[0, 5:10, 5:10] = True
    maps = torch.zeros(1, 1, 20, 20)
    maps[0, 0, 7, 12] = 1.0  # 3 pixels right of the mask
    assert ev.pointing_game(maps, masks).item() == 0.0
    assert ev.pointing_game(maps, masks, tolerance=2).item() == 0.0
    assert ev.pointing_game(maps, masks, tolerance=3).item() == 1.0


def test_a_constant_map_points_nowhere_and_an_empty_mask_is_nan():
    masks = torch.zeros(2, 8, 8, dtype=torch.bool)
    masks[0, 2:4, 2:4] = True
    maps = torch.stack([torch.full((1, 8, 8), 0.5), torch.rand(1, 8, 8)])
    hit, share = ev.pointing_game(maps, masks), ev.energy_share(maps, masks)
    assert hit[0].item() == 0.0 and math.isnan(hit[1].item())
    assert math.isnan(share[1].item())
    assert math.isnan(ev.energy_share(torch.zeros(1, 1, 8, 8), masks[:1]).item())  # no positive mass


def test_maps_are_resized_to_the_masks_and_counts_are_checked(shapes6):
    masks = torch.from_numpy(shapes6.masks)
    small = torch.nn.functional.avg_pool2d(masks.float()[:, None], 4)  # 16 x 16
    big = torch.nn.functional.interpolate(small, size=(64, 64), mode="bilinear", align_corners=False)
    assert torch.equal(ev.energy_share(small, masks), ev.energy_share(big, masks))
    assert ev.energy_share(small, masks).min() > 0.6
    with pytest.raises(ValueError, match="6 maps for 5 masks or pictures"):
        ev.energy_share(small, masks[:5])
    with pytest.raises(ValueError, match="tolerance"):
        ev.pointing_game(small, masks, tolerance=-1)


@pytest.mark.parametrize("measure", [ev.pointing_game, ev.energy_share])
def test_masks_must_be_binary(measure):
    maps = torch.rand(1, 1, 4, 4)
    soft = torch.full((1, 4, 4), 0.1)
    soft[0, :2] = 0.9
    with pytest.raises(ValueError, match=r"0 and 1.*0\.1.*mask > 0\.5"):
        measure(maps, soft)
    binary = (soft > 0.5).float()  # 0/1 floats, ints and booleans all mean the same mask
    scores = [measure(maps, m).item() for m in (binary, binary.long(), binary.bool(), binary.numpy())]
    assert len(set(scores)) == 1


def test_pointing_game_and_energy_share_agree_with_quantus(shapes6):
    quantus = pytest.importorskip("quantus")
    generator = torch.Generator().manual_seed(1)
    maps = torch.rand(6, 1, 64, 64, generator=generator) ** 4  # non-negative, as our maps are
    maps[2] = torch.from_numpy(shapes6.masks[2]).float()  # ties: all the mask's pixels are maxima
    maps[3, 0, 10, 10] = 2.0  # a single peak, off the object
    masks = shapes6.masks[:, None].astype(np.float32)
    inputs = dict(
        model=None,
        x_batch=np.zeros((6, 3, 64, 64), np.float32),
        y_batch=np.zeros(6, int),
        a_batch=maps.numpy(),
        s_batch=masks,
    )
    theirs = quantus.PointingGame(disable_warnings=True)(**inputs)
    ours = ev.pointing_game(maps, shapes6.masks)
    assert ours.tolist() == [float(t) for t in theirs]
    theirs = quantus.RelevanceMassAccuracy(disable_warnings=True)(**inputs)
    assert np.allclose(ev.energy_share(maps, shapes6.masks).numpy(), theirs, atol=1e-6)


def test_baselines():
    maps = ev.centre_maps(2, (8, 10))
    assert maps.shape == (2, 1, 8, 10) and maps[0, 0].argmax() == 3 * 10 + 4  # the first of the 4 centre pixels
    assert torch.allclose(maps, maps.flip(-1)) and torch.allclose(maps, maps.flip(-2))
    assert torch.equal(ev.random_maps(3, 8, seed=5), ev.random_maps(3, 8, seed=5))
    assert not torch.equal(ev.random_maps(3, 8, seed=5), ev.random_maps(3, 8, seed=6))


# --- Deletion and insertion -----------------------------------------------------------------


def region_classifier(region):
    # mean 0 and std 1: the model sees pixel values, so the expected logits are easy to write
    return Classifier(RegionBrightnessModel(region), ["region", "other"], (0.0,) * 3, (1.0,) * 3, input_size=None)


def test_deletion_of_the_region_first_gives_the_exact_curve():
    region = torch.zeros(4, 4)
    region[:2, :2] = 1
    clf = region_classifier(region)
    picture = torch.ones(1, 3, 4, 4)
    oracle = region[None, None] + 0.01 * torch.rand(1, 1, 4, 4)  # the region first, in any order
    curves = ev.deletion(clf, picture, oracle, steps=4, progress=False)
    high, low = torch.sigmoid(torch.tensor(5.0)), torch.sigmoid(torch.tensor(-5.0))
    assert torch.allclose(curves.fractions, torch.tensor([0, 0.25, 0.5, 0.75, 1.0]))
    assert torch.allclose(curves.probabilities[0], torch.stack([high] + [low] * 4))
    assert curves.targets.tolist() == [0]
    assert curves.auc.item() == pytest.approx(float(high + low) / 8 + 3 * float(low) / 4)


def test_deletion_fills_the_deleted_pixels_with_the_chosen_baseline():
    region = torch.zeros(4, 4)
    region[:2, :2] = 1
    clf = region_classifier(region)
    picture = torch.zeros(1, 3, 4, 4)
    picture[..., :2, :2] = 1.0  # the region bright on black: its mean colour is 4/16
    oracle = region[None, None] + 0.01 * torch.rand(1, 1, 4, 4)
    args = dict(steps=4, progress=False)
    after = {b: ev.deletion(clf, picture, oracle, baseline=b, **args).probabilities[0, 1] for b in ev.BASELINES}
    blurred_region = xt.imaging.gaussian_blur(picture, kernel_size=11, sigma=5.0)[0, :, :2, :2].mean()
    expected = {"black": 0.0, "mean": 0.25, "blur": float(blurred_region)}
    for baseline, brightness in expected.items():  # the region deleted: its brightness is the baseline's
        assert after[baseline] == pytest.approx(float(torch.sigmoid(torch.tensor(10 * brightness - 5))), abs=1e-6)
    with pytest.raises(ValueError, match="'black', 'blur', 'mean'"):
        ev.deletion(clf, picture, oracle, baseline="grey", **args)


def test_an_oracle_order_beats_a_random_one():
    region = torch.zeros(16, 16)
    region[4:10, 6:12] = 1
    clf = region_classifier(region)
    pictures = torch.full((3, 3, 16, 16), 0.55)
    pictures[:, :, 4:10, 6:12] = 1.0  # a bright object on grey, where the model looks
    oracle = region.expand(3, 1, 16, 16)
    random = ev.random_maps(3, 16, seed=0)
    args = dict(steps=16, progress=False)
    assert (ev.deletion(clf, pictures, oracle, **args).auc < ev.deletion(clf, pictures, random, **args).auc).all()
    assert (ev.insertion(clf, pictures, oracle, **args).auc > ev.insertion(clf, pictures, random, **args).auc).all()
    inserted = ev.insertion(clf, pictures, random, **args).probabilities
    assert torch.allclose(inserted[:, -1], torch.sigmoid(torch.tensor(5.0)))  # all revealed: the picture
    assert (inserted[:, 0] < inserted[:, -1]).all()  # the blurred start is less convincing


def test_curves_work_for_a_real_method_and_take_three_channel_maps(untrained, shapes6):
    saliency = xt.saliency(untrained, untrained.preprocess(list(shapes6.images)))
    curves = ev.insertion(untrained, shapes6.images, saliency, target=2, steps=8, batch_size=10, progress=False)
    assert curves.probabilities.shape == (6, 9) and curves.targets.tolist() == [2] * 6
    assert not torch.isnan(curves.probabilities).any()
    with pytest.raises(ValueError, match="got 2 maps for 6"):
        ev.deletion(untrained, shapes6.images, saliency[:2], progress=False)
    fig = curves.plot(label="saliency")
    assert fig.axes[0].get_legend() is not None


# --- Maps from any method -------------------------------------------------------------------


@pytest.mark.parametrize("method", [xt.gradcam, xt.saliency, xt.guided_backprop, xt.guided_gradcam])
def test_explain_gives_one_channel_maps_for_every_gradient_method(untrained, shapes6, method):
    maps = ev.explain(method, untrained, shapes6.images, target=1)
    assert maps.shape == (6, 1, 64, 64) and (maps >= 0).all()


def test_explain_runs_lime_per_picture_through_its_map(untrained, shapes6):
    maps = ev.explain(xt.lime, untrained, shapes6.images[:2], num_samples=30, seed=0, progress=False)
    direct = xt.lime(
        untrained,
        shapes6.images[1],
        num_samples=30,
        seed=0,
        progress=False,
        target=int(ev.predicted_targets(untrained, ev.pictures_batch(untrained, shapes6.images[1:2]))[0]),
    )
    assert maps.shape == (2, 1, 64, 64)
    assert torch.allclose(maps[1:], direct.map())


# --- Cascading randomisation ----------------------------------------------------------------


def test_randomisation_changes_every_layer_and_leaves_the_model_untouched(shapes6):
    # A model as training leaves it: no parameter at its initial value (batch norms included).
    torch.manual_seed(0)
    model = ShapesCNN()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))
    untrained = Classifier(model, xt.data.shapes(1).classes, MEAN, STD, input_size=64, cam_layer=CAM_LAYER)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()  # the user's mode must come back as it was
    rng = torch.get_rng_state()
    check = ev.cascading_randomization(xt.gradcam, untrained, shapes6.images, progress=False)
    assert model.training and all(m.training for m in model.modules())
    model.eval()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert torch.equal(torch.get_rng_state(), rng)  # seeded without touching the global generator

    layers = check.layers[1:]
    assert layers == [
        "fc",
        "features.bn4",
        "features.conv4",
        "features.bn3",
        "features.conv3",
        "features.bn2",
        "features.conv2",
        "features.bn1",
        "features.conv1",
    ]
    assert check.maps.shape == (10, 6, 1, 64, 64) and check.spearman.shape == check.ssim.shape == (10, 6)
    assert torch.allclose(check.maps[0], ev.explain(xt.gradcam, untrained, shapes6.images))
    assert torch.allclose(check.ssim[0], torch.ones(6))

    # Re-run the cascade by hand: every layer's parameters differ from the trained ones.
    broken = copy.deepcopy(model)
    for j, name in enumerate(layers):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(j)
            dict(broken.named_modules())[name].reset_parameters()
    for name in layers:
        for p, q in zip(
            dict(model.named_modules())[name].parameters(), dict(broken.named_modules())[name].parameters()
        ):
            assert not torch.equal(p, q), f"{name} was not changed"


def test_randomisation_is_seeded_and_takes_a_layer_list(untrained, shapes6):
    args = dict(layers=["fc", "features.conv4"], progress=False)
    a = ev.cascading_randomization(xt.saliency, untrained, shapes6.images[:2], seed=3, **args)
    b = ev.cascading_randomization(xt.saliency, untrained, shapes6.images[:2], seed=3, **args)
    assert a.layers == ["original", "fc", "features.conv4"]
    assert torch.equal(a.maps, b.maps)
    assert not torch.equal(a.maps[2], a.maps[0])
    with pytest.raises(ValueError, match="no layer named"):
        ev.cascading_randomization(xt.saliency, untrained, shapes6.images[:2], layers=["fc2"], progress=False)
    with pytest.raises(ValueError, match="no parameters to re-initialise"):
        ev.cascading_randomization(
            xt.saliency, untrained, shapes6.images[:2], layers=["features.relu4"], progress=False
        )
    assert a.plot().axes and len(a.show().axes) == 3


def test_randomisation_reinitialises_a_whole_block(shapes6):
    torch.manual_seed(0)
    model = ShapesCNN()
    clf = Classifier(model, xt.data.shapes(1).classes, MEAN, STD, input_size=64, cam_layer=CAM_LAYER)
    check = ev.cascading_randomization(xt.gradcam, clf, shapes6.images[:2], layers=["fc", "features"], progress=False)
    assert check.layers == ["original", "fc", "features"]
    # The same cascade by hand: fc under seed 0, then every layer of the block under seed 1.
    manual = copy.deepcopy(model)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        manual.fc.reset_parameters()
        torch.manual_seed(1)
        for part in manual.features.modules():
            if hasattr(part, "reset_parameters") and list(part.parameters(recurse=False)):
                part.reset_parameters()
    targets = ev.predicted_targets(clf, ev.pictures_batch(clf, shapes6.images[:2]))
    broken = Classifier(manual, clf.labels, MEAN, STD, input_size=64, cam_layer=CAM_LAYER)
    assert torch.allclose(check.maps[2], ev.explain(xt.gradcam, broken, shapes6.images[:2], target=targets))
    assert not torch.allclose(check.maps[2], check.maps[0])


def test_curves_classify_in_batches_that_bound_the_memory():
    """By default a batch holds eight 224 x 224 pictures' worth of pixels, however many steps."""
    seen = []

    class Counting(nn.Module):
        def forward(self, x):
            seen.append(len(x))
            return x.mean(dim=(2, 3))

    clf = Classifier(Counting(), ["r", "g", "b"], (0, 0, 0), (1, 1, 1), input_size=None)
    pictures = torch.rand(2, 3, 224, 224)
    ev.deletion(clf, pictures, torch.rand(2, 1, 224, 224), steps=15, progress=False)
    assert seen == [2, 8, 8, 8, 8]  # the first call finds the targets, then 32 perturbed pictures
    seen.clear()
    ev.insertion(clf, torch.rand(2, 3, 64, 64), torch.rand(2, 1, 64, 64), steps=15, progress=False)
    assert seen[1:] == [32]


def test_maps_with_nan_or_inf_are_refused_not_scored():
    nan_map = torch.rand(1, 1, 8, 8)
    nan_map[0, 0, 2, 3] = float("nan")
    mask = torch.zeros(1, 8, 8, dtype=torch.bool)
    mask[0, :4] = True
    clf = xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 2)), mean=0.5, std=0.25)
    for score in (
        lambda m: xt.evaluation.pointing_game(m, mask),
        lambda m: xt.evaluation.energy_share(m, mask),
        lambda m: xt.evaluation.deletion(clf, torch.rand(1, 3, 8, 8), m, steps=2, progress=False),
        lambda m: xt.evaluation.insertion(clf, torch.rand(1, 3, 8, 8), m, steps=2, progress=False),
    ):
        for bad in (nan_map, nan_map.nan_to_num(nan=float("inf"))):
            with pytest.raises(ValueError, match="maps hold NaN or infinite values"):
                score(bad)
