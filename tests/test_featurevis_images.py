"""The two parameterisations of feature visualization: the essay's pixels and lucid's decorrelated
Fourier spectrum, by hand and against lucent's implementation."""

import numpy as np
import pytest
import torch

from xaitutor.methods.featurevis import FourierImage, PixelImage, normalized_gradient
from xaitutor.methods.featurevis.images import COLOR_CORRELATION, correlate_colors, decorrelate_colors, spectrum_scale


def pictures(n=2, h=12, w=9):
    return torch.rand(n, 3, h, w, generator=torch.Generator().manual_seed(0))


def test_colour_decorrelation_is_invertible_and_is_lucids_matrix():
    x = torch.randn(2, 3, 5, 4)
    torch.testing.assert_close(decorrelate_colors(correlate_colors(x)), x, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(correlate_colors(decorrelate_colors(x)), x, atol=1e-5, rtol=1e-5)
    # one pixel by hand: RGB = C @ (decorrelated channels)
    pixel = torch.tensor([1.0, -2.0, 0.5]).view(1, 3, 1, 1)
    torch.testing.assert_close(correlate_colors(pixel).flatten(), COLOR_CORRELATION @ pixel.flatten())
    from lucent.optvis.param.color import color_correlation_normalized

    np.testing.assert_allclose(COLOR_CORRELATION.numpy(), color_correlation_normalized, rtol=1e-6)


def test_the_spectrum_scale_is_one_over_the_frequency():
    scale = spectrum_scale(8, 6)
    assert scale.shape == (8, 4)  # rfft2 keeps 6 // 2 + 1 columns
    assert scale[0, 1] == pytest.approx(6.0) and scale[1, 0] == pytest.approx(8.0)  # 1 / (1/6), 1 / (1/8)
    assert scale[0, 0] == pytest.approx(8.0)  # the zero frequency: as the lowest
    assert scale[4, 3] == pytest.approx(1 / np.hypot(0.5, 0.5))  # the highest: (1/2, 1/2) cycles per pixel
    assert torch.allclose(spectrum_scale(8, 6, decay_power=2.0), scale**2)


@pytest.mark.parametrize("height, width", [(12, 9), (16, 16)])  # odd widths too
def test_fourier_round_trip_picture_spectrum_picture(height, width):
    x = pictures(h=height, w=width).clamp(0.01, 0.99)
    image = FourierImage.from_pixels(x, lr=0.05)
    torch.testing.assert_close(image.pixels(), x, atol=1e-4, rtol=1e-4)


def test_fourier_pictures_stay_in_0_1_even_for_huge_spectra():
    generators = [torch.Generator().manual_seed(s) for s in (0, 1)]
    image = FourierImage.random((10, 14), generators, lr=0.05)
    assert image.leaf.shape == (2, 3, 10, 8, 2)
    assert (image.pixels() - 0.5).abs().max() < 0.05  # lucid's start: near grey
    with torch.no_grad():
        image.leaf.mul_(1e4)
    values = image.pixels()
    assert values.min() >= 0 and values.max() <= 1 and torch.isfinite(values).all()


def test_fourier_random_start_matches_lucents_fft_image():
    # the same spectrum through lucent's fft_image + to_valid_rgb(decorrelate=True) gives our picture
    from lucent.optvis.param import color, spatial

    generators = [torch.Generator().manual_seed(3)]
    ours = FourierImage.random((16, 16), generators, lr=0.05)
    torch.manual_seed(0)
    params, image_f = spatial.fft_image((1, 3, 16, 16))
    with torch.no_grad():
        params[0].copy_(ours.leaf)
    theirs = color.to_valid_rgb(image_f, decorrelate=True)()
    torch.testing.assert_close(ours.pixels(), theirs, atol=1e-5, rtol=1e-5)


def test_a_fourier_step_is_adams_ascent():
    image = FourierImage.random((8, 8), [torch.Generator().manual_seed(0)], lr=0.1)
    before = image.leaf.detach().clone()
    grad = torch.randn_like(before)
    image.step(grad)
    # Adam's first step moves every parameter by lr in the direction of its gradient's sign
    torch.testing.assert_close(image.leaf.detach() - before, 0.1 * grad.sign(), atol=1e-6, rtol=1e-4)
    assert image.leaf.grad is None


def test_a_pixel_step_is_the_normalised_gradient_clamped():
    x = pictures()
    image = PixelImage.from_pixels(x, lr=0.5)
    grad = torch.randn_like(x)
    image.step(grad)
    torch.testing.assert_close(image.pixels().detach(), (x + 0.5 * normalized_gradient(grad)).clamp(0, 1))
    assert image.pixels() is image.leaf and image.leaf.requires_grad


def test_the_normalised_gradient_per_image_and_without_nan():
    grad = torch.randn(2, 3, 4, 4) * torch.tensor([1.0, 50.0]).view(2, 1, 1, 1)
    normalised = normalized_gradient(grad)
    torch.testing.assert_close(normalised.flatten(1).mean(1), torch.zeros(2), atol=1e-6, rtol=0)
    torch.testing.assert_close(normalised.flatten(1).std(1), torch.ones(2))
    assert torch.equal(normalized_gradient(torch.full((1, 3, 2, 2), 0.3)), torch.zeros(1, 3, 2, 2))
