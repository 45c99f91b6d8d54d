"""Exercise of chapter 2 (LIME): perturbing a picture without a Python loop. The answer runs on
two pictures (squares, and superpixels of any shape) and is compared with
:func:`xaitutor.methods.lime_image.perturb`; "without a loop" is read from its code with ast."""

from __future__ import annotations

import numpy as np
import torch

from ..methods.lime_image import perturb
from . import Exercise, call, loops_in, register
from .answers import names_in

# --- perturbing a picture without a loop -----------------------------------------------------


def _perturb_solver():
    def perturb_one(picture, hidden, segments, row):
        # row[segments] looks up every pixel's on/off bit at once: an H x W boolean mask
        keep = torch.as_tensor(row)[segments]
        return torch.where(keep, picture, hidden)  # the mask broadcasts over the 3 colours

    return perturb_one


def _perturb_examples():
    """Two pictures: 12 x 16 in twelve 4 x 4 squares, and 9 x 7 in 5 superpixels of any shape."""
    generator = torch.Generator().manual_seed(0)
    squares = torch.arange(12)[:, None] // 4 * 4 + torch.arange(16)[None] // 4
    scattered = torch.from_numpy(np.random.RandomState(1).randint(0, 5, (9, 7)))
    for segments, seed in ((squares, 3), (scattered, 4)):
        shape = (3, *segments.shape)
        picture, hidden = torch.rand(shape, generator=generator), torch.rand(shape, generator=generator)
        yield picture, hidden, segments, np.random.RandomState(seed).rand(int(segments.max()) + 1) > 0.5


def _perturb_checker(answer):
    if callable(answer) and {"perturb", "hidden_picture"} & names_in(answer):
        return (
            "your function calls the package's perturb, which does the exercise for you: write it yourself "
            "(row indexed by segments gives every pixel's bit, then torch.where)."
        )
    if callable(answer) and loops_in(answer):
        return (
            f"the task asks for no Python loop, and your code has {' and '.join(loops_in(answer))}: "
            "index row with segments to get every pixel's bit at once, then torch.where."
        )
    for picture, hidden, segments, row in _perturb_examples():
        result, problem = call(
            answer, picture, hidden, segments, row, usage="def perturb_one(picture, hidden, segments, row): ..."
        )
        if problem:
            return problem
        if not isinstance(result, torch.Tensor):
            return f"return a torch tensor, got a {type(result).__name__}."
        right = perturb(picture, hidden, segments, row[None])[0]
        if result.shape != right.shape:
            return f"return one 3 x H x W picture, shape {tuple(right.shape)}, got {tuple(result.shape)}."
        result = result.float()
        if torch.equal(result, right):
            continue
        if torch.equal(result, perturb(picture, hidden, segments, ~row[None])[0]):
            return (
                "swapped: a superpixel that is on (True) shows the picture, one that is off shows the hidden picture."
            )
        if torch.equal(result, perturb(picture, torch.zeros_like(hidden), segments, row[None])[0]):
            return "you hid with black (0): take the switched-off pixels from hidden, whatever colour it holds."
        return "not these pixels: each pixel comes from picture if row[segments[pixel]] is True, else from hidden."
    return None


register(
    Exercise(
        name="lime.perturb",
        task=(
            "Write perturb_one(picture, hidden, segments, row) without a Python loop: picture and "
            "hidden are 3 x H x W tensors, segments an H x W tensor of superpixel indices, row a boolean "
            "array with one entry per superpixel. Return the picture with the switched-off superpixels "
            "taken from hidden."
        ),
        checker=_perturb_checker,
        solver=_perturb_solver,
    )
)
