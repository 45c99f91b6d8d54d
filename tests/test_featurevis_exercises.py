"""Chapter 4's exercises: each refuses the mistakes students make, saying what is wrong, and
accepts a right answer written another way than the solution."""

import numpy as np
import pytest
import torch
from helpers.exercise_cases import assert_names_slips_and_accepts

import xaitutor as xt

objectives = xt.objectives


def numpy_scale(height, width):
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    return 1 / np.maximum(np.hypot(fy, fx), 1 / max(height, width))


def no_clamp(height, width):
    return 1 / (torch.fft.fftfreq(height)[:, None] ** 2 + torch.fft.rfftfreq(width)[None] ** 2).sqrt()


def frequency_itself(height, width):
    return 1 / numpy_scale(height, width)


def population_std(g):
    """numpy's std (divided by n, not n - 1): as right for normalising a gradient."""
    flat = g.flatten(1)
    centred = flat - flat.mean(1, keepdim=True)
    std = centred.pow(2).mean(1, keepdim=True).sqrt()
    return (centred / std.clamp_min(1e-12)).view_as(g)


def full_fft_grid(height, width):
    fy, fx = torch.fft.fftfreq(height)[:, None], torch.fft.fftfreq(width)[None]
    return 1 / (fy**2 + fx**2).sqrt().clamp_min(1 / max(height, width))


CASES = {
    "featurevis.normalize": dict(
        wrong=[
            (lambda g: (g - g.mean()) / g.std(), "whole batch"),
            (lambda g: (g - g.mean((1, 2, 3), keepdim=True)) / g.std((1, 2, 3), keepdim=True), "NaN"),
            (lambda g: g / g.abs().amax((1, 2, 3), keepdim=True).clamp_min(1e-12), "differ"),
            (lambda g: ..., "placeholder"),
        ],
        right=lambda g: torch.nan_to_num((g - g.mean((1, 2, 3), keepdim=True)) / g.std((1, 2, 3), keepdim=True)),
        also_right=[population_std],
    ),
    "featurevis.pyramid": dict(
        wrong=[
            ([224, 160, 114, 82], "starts small"),
            ([int(224 / 1.4**k) for k in (3, 2, 1, 0)], "round to whole pixels"),  # 81: truncated
            ([224, 314, 439, 615], "last octave is the final image"),
            ([114, 160, 224], "4 sizes"),
            ([224 / 1.4**k for k in (3, 2, 1, 0)], "whole number of pixels"),  # unrounded
            (np.array([81.6, 114.3, 160.0, 224.0]), "whole number of pixels"),
            ([81, 114, 160, 224], "round once, from 224"),  # 224 / 1.4 / 1.4 / 1.4, rounded at each step
        ],
        right=np.array([82.0, 114.0, 160.0, 224.0]),
        also_right=[[82, 114, 160, 224], torch.tensor([82, 114, 160, 224])],
    ),
    "featurevis.spectrum": dict(
        wrong=[
            (no_clamp, "zero frequency"),
            (frequency_itself, "large for low frequencies"),
            (full_fft_grid, "rfftfreq"),
            (lambda h, w: numpy_scale(h, w) ** 2, "1 / f**2"),
        ],
        right=numpy_scale,
    ),
    "featurevis.contrast": dict(
        wrong=[
            (objectives.class_logit(963) + objectives.class_logit(962), "subtract"),
            (objectives.class_logit(963) - objectives.class_logit(962), "+1 and -0.5"),
            (0.5 * objectives.class_logit(963) - objectives.class_logit(962), "+1 and -0.5"),
            (objectives.class_logit(962), "does not change with the pizza"),
        ],
        right=-0.5 * objectives.class_logit(962) + objectives.class_logit(963),
        also_right=[objectives.class_logit(963) - objectives.class_logit(962) / 2],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_exercise_refuses_the_usual_mistakes_and_accepts_another_right_form(name):
    right = [CASES[name]["right"], *CASES[name].get("also_right", [])]
    assert_names_slips_and_accepts(name, CASES[name]["wrong"], right)


def test_every_chapter_4_exercise_is_tested_here():
    assert {n for n in xt.exercises.names() if n.startswith("featurevis.")} == set(CASES)
