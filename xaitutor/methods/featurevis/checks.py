"""What :func:`~xaitutor.visualize` refuses before the ascent starts: settings that are no numbers
or out of range, and a first octave too small for the model."""

from __future__ import annotations

import math
import numbers

import torch

from ... import imaging


def check_settings(param, size, octaves, octave_scale, steps, lr, blur, blur_kernel, blur_every) -> None:
    """Every setting of :func:`~xaitutor.visualize` checked, the first wrong one named."""
    checks = [
        (param in ("pixel", "fourier"), f"param must be 'pixel' or 'fourier', got {param!r}"),
        (isinstance(size, int) and size >= 8, f"size must be an int of at least 8 pixels, got {size!r}"),
        (isinstance(octaves, int) and octaves >= 1, f"octaves must be an int >= 1, got {octaves!r}"),
        (
            _number(octave_scale) and octave_scale >= 1,
            f"octave_scale must be a number >= 1 (each octave larger), got {octave_scale!r}",
        ),
        (
            _number(lr) and lr >= 0,
            f"lr must be a number >= 0, got {lr!r}: the step of the ascent (a negative "
            "one would descend, lowering the objective)",
        ),
        (blur is None or (_number(blur) and blur > 0), f"blur must be None or a positive sigma, got {blur!r}"),
        (isinstance(steps, int) and steps >= 1, f"steps must be an int >= 1, got {steps!r}"),
        (
            not blur or param == "pixel",
            "blur smooths the pixel picture (param='pixel'); the Fourier "
            "picture damps high frequencies by its 1/f scale already: leave blur=None",
        ),
        (blur_kernel % 2 == 1 and blur_kernel > 0, f"blur_kernel must be odd and positive, got {blur_kernel!r}"),
        (isinstance(blur_every, int) and blur_every >= 1, f"blur_every must be an int >= 1, got {blur_every!r}"),
    ]
    for ok, message in checks:
        if not ok:
            raise ValueError(message)


def _number(value) -> bool:
    """A finite real number (``True`` is none)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_fits(model, shape, transform) -> None:
    """Fail early, and clearly, when the smallest octave is too small for the model (VGG16's five
    poolings need at least 32 x 32 pixels)."""
    probe = transform(torch.full((1, 3, *shape), 0.5, device=model.device), [torch.Generator()])
    try:
        with torch.no_grad():
            model(imaging.normalize(probe, model.mean, model.std))  # in eval mode: no statistics updated
    except RuntimeError as error:
        raise ValueError(
            f"a {shape[0]} x {shape[1]} picture (the first octave) is too small for "
            f"{model.name}: use fewer octaves, a smaller octave_scale or a larger size "
            f"({str(error).splitlines()[0]})"
        ) from None
