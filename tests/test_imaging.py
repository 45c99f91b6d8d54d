"""Maps, overlays, figures and the degradations of chapter 3."""

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
import torch

import xaitutor as xt
from xaitutor import imaging


def test_to_map_takes_the_max_absolute_value_over_channels():
    a = torch.tensor([[[[1.0, -3.0]], [[-2.0, 0.5]], [[0.0, 1.0]]]])  # 1 x 3 x 1 x 2
    assert imaging.to_map(a).tolist() == [[[[2.0, 3.0]]]]
    assert imaging.to_map(a[:, :1]) is not None and imaging.to_map(a[:, :1]).shape == (1, 1, 1, 2)


def test_scale_01_per_map_and_constant_maps_become_zeros():
    maps = torch.stack([torch.tensor([[[1.0, 3.0], [2.0, 5.0]]]), torch.full((1, 2, 2), 7.0)])
    scaled = imaging.scale_01(maps)
    assert scaled[0].flatten().tolist() == [0.0, 0.5, 0.25, 1.0]
    assert torch.equal(scaled[1], torch.zeros(1, 2, 2)) and not scaled.isnan().any()


def test_normalize_and_denormalize_are_inverse():
    x = torch.rand(2, 3, 4, 4)
    mean, std = (0.5, 0.4, 0.3), (0.2, 0.3, 0.4)
    assert torch.allclose(imaging.denormalize(imaging.normalize(x, mean, std), mean, std), x, atol=1e-6)


def test_overlay_blends_a_resized_heatmap():
    picture = np.zeros((8, 10, 3), np.uint8)
    heat = torch.zeros(1, 1, 4, 5)
    heat[..., 0, 0] = 1
    out = imaging.overlay(picture, heat, alpha=1.0, cmap="gray")
    assert out.shape == (8, 10, 3)
    assert out[0, 0].max() == pytest.approx(1.0) and out[-1, -1].max() == pytest.approx(0.0)


def test_show_returns_a_figure_with_one_axis_per_item():
    fig = imaging.show([torch.rand(3, 8, 8), torch.rand(1, 8, 8), np.zeros((8, 8))], titles=["a", "b", "c"])
    assert len([ax for ax in fig.axes if ax.images]) == 3
    assert fig.axes[0].get_title() == "a"
    fig2, ax = matplotlib.pyplot.subplots()
    assert imaging.show(torch.rand(3, 8, 8), ax=ax) is fig2


@pytest.mark.parametrize(
    "shape, kernel_size, sigma", [((2, 3, 50, 70), 11, 5.0), ((3, 40, 33), 7, 0.9), ((1, 1, 30, 30), 29, 8.0)]
)
def test_gaussian_blur_gives_torchvisions_numbers(shape, kernel_size, sigma):
    import torchvision.transforms.functional as TF

    x = torch.rand(shape)
    assert torch.equal(
        xt.imaging.gaussian_blur(x, kernel_size, sigma), TF.gaussian_blur(x, [kernel_size] * 2, [sigma] * 2)
    )
    flat = torch.full((3, 12, 12), 0.3)
    torch.testing.assert_close(xt.imaging.gaussian_blur(flat, 5, 2.0), flat)
    with pytest.raises(ValueError, match="odd kernel_size"):
        xt.imaging.gaussian_blur(x, 4, 1.0)


@pytest.mark.parametrize("h, w", [(256, 300), (255, 301), (224, 224)])
def test_center_crop_cuts_where_torchvision_does(h, w):
    import torchvision.transforms.functional as TF

    x = torch.rand(2, 3, h, w)
    assert torch.equal(xt.imaging.center_crop(x, 224), TF.center_crop(x, [224, 224]))


def test_a_blur_wider_than_a_small_picture_repeats_its_border():
    flat = torch.full((3, 4, 5), 0.3)
    torch.testing.assert_close(xt.imaging.gaussian_blur(flat, kernel_size=11, sigma=5.0), flat)
    one = torch.rand(1, 3, 1, 1)
    torch.testing.assert_close(xt.imaging.gaussian_blur(one, kernel_size=11, sigma=5.0), one)
    ramp = torch.linspace(0, 1, 4).expand(1, 1, 4, 4)
    blurred = xt.imaging.gaussian_blur(ramp, kernel_size=11, sigma=5.0)
    assert (blurred.diff(dim=-1) >= 0).all() and blurred.min() >= 0 and blurred.max() <= 1
    # the methods whose blur is wider than a few pixels' picture
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 2))
    assert xt.integrated_gradients(model, torch.rand(1, 3, 4, 4), baseline="blur", steps=2, progress=False).shape == (
        1,
        3,
        4,
        4,
    )
    clf = xt.models.wrap(model, mean=0.5, std=0.25)
    assert (
        xt.evaluation.insertion(clf, torch.rand(1, 3, 4, 4), torch.rand(1, 1, 4, 4), steps=2, progress=False)
        .probabilities.isfinite()
        .all()
    )


def test_a_gradient_pictures_colour_bar_counts_standard_deviations_around_grey():
    import matplotlib

    matplotlib.use("Agg")
    gradient = torch.randn(1, 3, 8, 8)
    fig = xt.imaging.show([xt.imaging.gradient_picture(gradient, spread=0.25)[0]], ["guided"])
    bar = xt.imaging.gradient_colorbar(fig.axes[0], spread=0.25)
    assert [t.get_text() for t in bar.ax.get_yticklabels()] == ["-2", "0", "+2"]
    assert bar.cmap.name == "gray" and bar.ax.get_ylabel() == "sd"
    fig.clf()
