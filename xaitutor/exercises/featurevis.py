"""Exercises of chapter 4 (feature visualization): the normalised gradient of program 4.4 without
its NaN trap, the image sizes of the multiscale pyramid (program 4.5), the 1/f scale of the
Fourier picture, and an objective built with the objectives' algebra. Each checker says what
differs from the right answer."""

from __future__ import annotations

import numpy as np
import torch

from ..methods.featurevis import normalized_gradient
from ..methods.featurevis.images import spectrum_scale
from . import Exercise, call, not_a_number, register
from .answers import is_text, plain

# --- the normalised gradient (program 4.4) ---------------------------------------------------


def _normalize_solver():
    def normalize(grad):
        # (g - mean) / std per image; a constant gradient has std 0: divide by a tiny number
        # instead, since g - mean is then 0 everywhere and 0 / tiny = 0 (no NaN, no step).
        flat = grad.flatten(1)
        mean = flat.mean(1).view(-1, 1, 1, 1)
        std = flat.std(1).view(-1, 1, 1, 1)
        return (grad - mean) / std.clamp_min(1e-12)

    return normalize


def _normalize_checker(answer):
    generator = torch.Generator().manual_seed(0)
    varied = torch.randn(2, 3, 4, 4, generator=generator) * torch.tensor([1.0, 50.0]).view(2, 1, 1, 1)
    right = normalized_gradient(varied)
    result, problem = call(answer, varied, usage="def normalize(grad): ...")
    if problem:
        return problem
    if not isinstance(result, torch.Tensor) or result.shape != varied.shape:
        return f"return a tensor of the gradient's shape {tuple(varied.shape)}."
    # the population std (correction=0, numpy's default) is as right: it differs from torch's
    # sample std by sqrt(n / (n - 1)), 1 % for these 48 values, 3e-6 for a 224 x 224 picture
    n = varied[0].numel()
    population = right * (n / (n - 1)) ** 0.5
    if not (torch.allclose(result, right, atol=1e-4) or torch.allclose(result, population, atol=1e-4)):
        centred = varied - varied.mean()
        wholes = (centred / varied.std(), centred / varied.std(correction=0))
        if any(torch.allclose(result, whole, atol=1e-4) for whole in wholes):
            return (
                "you normalised the whole batch at once: each image needs its own mean and std, "
                "or the image with the larger gradient takes all the step (flatten(1), then mean(1))."
            )
        return "the values differ from (grad - mean) / std with the mean and std of each image."
    constant = torch.cat([torch.full((1, 3, 4, 4), 0.25), torch.zeros(1, 3, 4, 4)])
    flat = answer(constant.clone())
    if not torch.isfinite(flat).all():
        return (
            "right for a varied gradient, but a constant (or zero) gradient gives NaN: its std is 0. "
            "Divide by std.clamp_min(1e-12): grad - mean is 0 there, so the step is 0."
        )
    if not torch.allclose(flat, torch.zeros_like(flat)):
        return "a constant gradient has nothing to normalise: grad - mean is 0, so return zeros there."
    return None


register(
    Exercise(
        name="featurevis.normalize",
        task="Write normalize(grad): the gradient of an N x 3 x H x W batch scaled to zero mean and unit "
        "standard deviation per image (program 4.4), with no NaN when an image's gradient is constant.",
        checker=_normalize_checker,
        solver=_normalize_solver,
    )
)


# --- the sizes of the pyramid (program 4.5) --------------------------------------------------


def _pyramid_solver():
    # the last octave is the full size, each earlier one octave_scale times smaller, rounded
    return [round(224 / 1.4**k) for k in (3, 2, 1, 0)]


def _pyramid_checker(answer):
    if is_text(answer):
        return not_a_number(answer, "a list of 4 image sides, from the smallest octave to the largest")
    try:
        values = [float(side) for side in plain(answer)]
    except (TypeError, ValueError, OverflowError):
        return "give a list of 4 image sides, from the smallest octave to the largest, e.g. [a, b, c, 224]."
    right = _pyramid_solver()
    if len(values) != 4:
        return f"4 octaves means 4 sizes; you gave {len(values)}."
    fractions = [v for v in values if not (np.isfinite(v) and v == round(v))]
    if fractions:
        return (
            f"a picture has a whole number of pixels: round each side ({fractions[0]:.10g} is not a side); "
            "each octave's side is 224 / 1.4**k, rounded to the nearest whole pixel."
        )
    sides = [int(v) for v in values]
    if sides == right:
        return None
    if sides == right[::-1]:
        return "the pyramid starts small and grows: list the sizes from the smallest to 224."
    if sides[-1] != 224:
        return "the last octave is the final image, 224 pixels; the earlier ones are smaller."
    return (
        "each octave is 1.4 times smaller than the next: compute 224 / 1.4, 224 / 1.4**2 and 224 / 1.4**3 "
        "from 224 each time, then round to whole pixels, to the nearest (int() cuts 81.6 down to 81; "
        "dividing the rounded 114 by 1.4 again gives 81.4, also 81: round once, from 224)."
    )


register(
    Exercise(
        name="featurevis.pyramid",
        task="visualize(..., size=224, octaves=4, octave_scale=1.4): list the image side of each octave, "
        "from the first (smallest) to the last, each 224 / 1.4**k rounded to the nearest whole pixel.",
        checker=_pyramid_checker,
        solver=_pyramid_solver,
    )
)


# --- the 1/f scale of the Fourier picture ------------------------------------------------------


def _spectrum_solver():
    def scale(height, width):
        # the frequency of each entry of rfft2's output, in cycles per pixel: fftfreq along the
        # rows, rfftfreq (only the non-negative half) along the columns
        fy = torch.fft.fftfreq(height)[:, None]
        fx = torch.fft.rfftfreq(width)[None, :]
        f = (fy**2 + fx**2).sqrt()
        return 1 / f.clamp_min(1 / max(height, width))  # no 1 / 0 at the zero frequency

    return scale


def _spectrum_checker(answer):
    for height, width in [(8, 6), (5, 7)]:
        right = spectrum_scale(height, width).numpy()
        result, problem = call(answer, height, width, usage="def scale(height, width): ...")
        if problem:
            return problem
        try:
            values = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            return "return a tensor (or array) of numbers."
        if values.shape != right.shape:
            return (
                f"rfft2 of a {height} x {width} picture has {right.shape[0]} x {right.shape[1]} "
                f"frequencies (width // 2 + 1 columns: use rfftfreq for the columns); got shape {values.shape}."
            )
        if not np.isfinite(values).all():
            return "the zero frequency gives 1 / 0: clamp the frequency to at least 1 / max(height, width) first."
        if np.allclose(values, right**2, rtol=1e-4):
            return "that is 1 / f**2: the task asks for 1 / f (natural photos' spectrum falls as 1 / f)."
        if values[0, 1] < values[-1, -1]:
            return "your values grow with the frequency: the scale is 1 / f, large for low frequencies."
        if not np.allclose(values, right, rtol=1e-4):
            return f"the values for a {height} x {width} picture differ from 1 / max(f, 1 / max(height, width))."
    return None


register(
    Exercise(
        name="featurevis.spectrum",
        task="Write scale(height, width): for each frequency of torch.fft.rfft2 on a height x width picture "
        "(a height x (width // 2 + 1) grid), 1 / f, with f = sqrt(fy**2 + fx**2) in cycles per pixel "
        "and f taken as at least 1 / max(height, width), so the zero frequency gets max(height, width).",
        checker=_spectrum_checker,
        solver=_spectrum_solver,
    )
)


# --- an objective with the algebra -----------------------------------------------------------


def _contrast_solver():
    from ..methods import objectives

    # pizza up, meat loaf (a class the pizza pictures are often taken for) down, half as much
    return objectives.class_logit(963) - 0.5 * objectives.class_logit(962)


def _contrast_checker(answer):
    from ..methods.objectives import Objective

    if not isinstance(answer, Objective):
        return "give an objective built from xt.objectives.class_logit(...) with + - and *."
    logits = torch.zeros(3, 1000)
    logits[1, 963] = 1.0  # one more pizza
    logits[2, 962] = 1.0  # one more meat loaf
    values = answer({}, logits)
    gain_pizza, gain_loaf = float(values[1] - values[0]), float(values[2] - values[0])
    if abs(gain_pizza - 1.0) < 1e-6 and abs(gain_loaf + 0.5) < 1e-6:
        return None
    if abs(gain_pizza) < 1e-6:
        return "your objective does not change with the pizza logit (class 963): it must rise with it."
    if gain_loaf > 0:
        return "your objective rises with the meat loaf logit (class 962): subtract it to push it down."
    return (
        f"one more unit of pizza logit adds {gain_pizza:g} and of meat loaf {gain_loaf:g}; "
        "the task asks for +1 and -0.5."
    )


register(
    Exercise(
        name="featurevis.contrast",
        task="Build an objective that raises the pizza logit (class 963) and lowers the meat loaf logit "
        "(class 962) with half the weight.",
        checker=_contrast_checker,
        solver=_contrast_solver,
    )
)
