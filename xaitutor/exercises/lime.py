"""Exercises of chapter 2 (LIME): the proximity weights pi_x of eq. 2.1 and what hiding a superpixel
with its own mean colour hides (the perturbation without a loop is in ``lime_perturb.py``). The
weights are run on several random examples (a batch of one and of several, each kernel width, the
default one) and compared with :mod:`xaitutor.methods.lime_image`."""

from __future__ import annotations

import numpy as np

from ..methods.lime_image import cosine_distance, kernel
from . import Exercise, as_number, call, not_a_number, register
from .answers import names_in


def _rows(seed: int = 0, n: int = 8, f: int = 10) -> np.ndarray:
    rows = np.random.RandomState(seed).randint(0, 2, (n, f)).astype(bool)
    rows[0] = True
    return rows


# --- the proximity weights pi_x (eq. 2.1) ----------------------------------------------------


def _weights_solver():
    def sample_weights(rows, kernel_width=0.25):
        # the cosine distance to the all-on row: with k of F superpixels on, 1 - sqrt(k / F)
        distances = 1 - np.sqrt(rows.sum(axis=1) / rows.shape[1])
        # lime's kernel: the square root of exp(-d^2 / width^2)
        return np.sqrt(np.exp(-(distances**2) / kernel_width**2))

    return sample_weights


def _weight_mistakes(rows, width):
    """What the usual slips compute, each with what to say about it."""
    d = cosine_distance(rows)
    return [
        (d, "these are the distances: turn them into weights with the kernel sqrt(exp(-d^2 / width^2))."),
        (kernel(d, width) ** 2, "almost: lime takes the square root of exp(-d^2 / width^2)."),
        (np.sqrt(np.exp(-(d**2) / width)), "divide d^2 by kernel_width squared, not by kernel_width."),
        (kernel(d, 0.25), "your weights do not change with kernel_width: use the argument, not 0.25."),
        (
            kernel(np.sqrt(rows.mean(axis=1)), width),
            "that is the cosine similarity sqrt(k / F); the distance is 1 minus it.",
        ),
        (
            kernel(1 - rows.mean(axis=1), width),
            "you used the fraction of superpixels switched off as the distance; LIME uses the cosine "
            "distance between the row and the all-on row, 1 - k / (sqrt(k) sqrt(F)).",
        ),
    ]


def _weights_checker(answer):
    usage = "def sample_weights(rows, kernel_width=0.25): ..."
    ready_made = sorted(names_in(answer) & {"kernel", "cosine_distance"}) if callable(answer) else []
    if ready_made:
        return (
            f"your function calls the package's {' and '.join(ready_made)}, which the exercise asks you to write: "
            "compute the cosine distance and the kernel yourself with numpy (rows.sum(axis=1), np.sqrt, np.exp)."
        )
    probes = [
        (_rows(), 0.25),
        (_rows(), 0.5),
        (_rows(), None),
        (_rows(1, 5, 7), 1.0),
        (np.ones((1, 6), bool), 0.25),
        (np.array([[True, False, True, False, False, False]]), 0.4),
    ]
    for rows, width in probes:
        args = (rows,) if width is None else (rows, width)
        result, problem = call(answer, *args, usage=usage)
        if problem:
            return problem
        result, default = np.asarray(result, dtype=float), width is None
        width = 0.25 if default else width
        right = kernel(cosine_distance(rows), width)
        if result.shape == (rows.shape[1],) != right.shape:
            return "one weight per sample (row): sum each row over its superpixels, axis=1, not over the samples."
        if result.shape != right.shape:
            return f"return one weight per sample, shape ({len(rows)},) for {len(rows)} rows, got {result.shape}."
        if np.allclose(result, right, atol=1e-6):
            continue
        if default:
            return "right for a kernel_width you give, but not for the default kernel_width: it is 0.25."
        for mistake, hint in _weight_mistakes(rows, width):
            if np.allclose(result, mistake, atol=1e-6):
                return hint
        if rows.all(axis=1).any() and not np.isclose(result[rows.all(axis=1)], 1).all():
            return "the original picture (a row all on) is at distance 0, so its weight must be 1."
        return (
            f"not these values for {len(rows)} rows of {rows.shape[1]} superpixels, kernel_width = {width}: "
            "compute the cosine distance of each row to the all-on row, then the kernel."
        )
    return None


register(
    Exercise(
        name="lime.sample_weights",
        task=(
            "Write sample_weights(rows, kernel_width=0.25): rows is an N x F boolean array (True: the "
            "superpixel is shown). Return each sample's weight pi_x: its cosine distance d to the all-on "
            "row (the original picture), through lime's kernel sqrt(exp(-d^2 / kernel_width^2))."
        ),
        checker=_weights_checker,
        solver=_weights_solver,
    )
)


# --- what the own mean colour hides ----------------------------------------------------------


def _mean_solver():
    # Hiding a superpixel with its own mean colour leaves its mean colour exactly as it was, so a
    # classifier that only sees the mean colour of a region never notices a thing: every sample
    # gets the same prediction and the ridge fit puts a weight of 0 on every superpixel.
    return 0.0


def _mean_checker(answer):
    value = as_number(answer)
    if value is None:
        return not_a_number(answer, "one number (the weight, to 6 decimals)")
    if abs(value) < 5e-7:
        return None
    if abs(value) < 1e-3:
        return "close to a round number, but the task asks for 6 decimals: which weight is it exactly?"
    if value > 0:
        return (
            "the classifier looks at the region, but what does it see there when a superpixel "
            "shows its own mean colour instead of its pixels? Does the region's mean colour change?"
        )
    return "hiding cannot work against the class here: think about what the region's mean colour becomes."


register(
    Exercise(
        name="lime.mean_colour",
        task=(
            "A classifier's score is the mean brightness of a region made of a few whole superpixels, and "
            "nothing else. LIME hides superpixels with their own mean colour (hide='mean'). What weight "
            "does the surrogate give to a superpixel of that region (to 6 decimals)?"
        ),
        checker=_mean_checker,
        solver=_mean_solver,
    )
)
