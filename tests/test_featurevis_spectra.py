"""Lucid's picture taken apart (spectra.py) and chapter 4's figures: the power below a frequency
of pictures whose spectrum is known, the split into waves, the parts switched on giving exactly
the picture the optimiser uses, and each objective on an axis of its own."""

import math

import matplotlib
import numpy as np
import torch

from xaitutor.methods.featurevis import FourierImage, Visualization, figures, spectra

matplotlib.use("Agg")


def wave(f, size=64):
    y, x = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    return torch.cos(2 * math.pi * f * x).expand(1, 3, size, size) + 0 * y


def test_a_single_wave_has_all_its_power_at_its_frequency():
    share = spectra.power_below(wave(4 / 64), [0.05, 0.07, 0.71])  # 0.0625 cycles per pixel
    assert torch.allclose(share, torch.tensor([0.0, 1.0, 1.0], dtype=share.dtype), atol=1e-9)


def test_white_noise_spreads_its_power_over_the_frequency_plane():
    noise = torch.randn(1, 3, 128, 128, generator=torch.Generator().manual_seed(0))
    share = spectra.power_below(noise, [0.1, 0.25])
    assert np.allclose(share.numpy(), [math.pi * 0.1**2, math.pi * 0.25**2], atol=0.02)  # the disc's area


def test_the_split_adds_up_and_keeps_the_slow_wave_in_the_shapes():
    picture = wave(2 / 64) + 0.1 * wave(20 / 64)
    shapes, detail = spectra.split(picture, 0.05)
    assert torch.allclose(shapes + detail, picture, atol=1e-6)
    assert torch.allclose(shapes, wave(2 / 64), atol=1e-5)


def test_every_part_switched_on_is_the_optimisers_picture():
    image = FourierImage.random((20, 24), [torch.Generator().manual_seed(1)], lr=0.05)
    assert torch.equal(spectra.to_pixels(image.leaf, (20, 24)), image.pixels())
    bare = spectra.to_pixels(image.leaf.detach(), (20, 24), scale=False, decorrelate=False, saturation=None)
    assert abs(float(bare.mean()) - 0.5) < 0.02 and 0 <= bare.min() and bare.max() <= 1


def test_each_objective_gets_an_axis_of_its_own():
    history = np.stack([np.linspace(30, 120, 8), np.linspace(-1, 3, 8)])
    vis = Visualization(np.zeros((2, 8, 8, 3)), torch.zeros(2, 3, 8, 8), history, ["layer b", "class 254 (pug)"])
    fig = figures.show_run(vis, ["layer", "pug"], "a run", octaves=2)
    curves = fig.axes[2:]
    assert [ax.get_ylabel() for ax in curves] == ["mean squared activation", "logit"]
    assert [len(ax.lines) for ax in curves] == [2, 2]  # the curve and the octave's dashed line
    assert curves[0].get_ylim()[1] > 100 and curves[1].get_ylim()[1] < 10  # not one shared scale
