"""Exercises of chapter 5 (evaluating explanations): the level a uniform map reaches in the energy
share, the area under a deletion curve, and the shortcut found by probing the model."""

from __future__ import annotations

import numpy as np

from . import Exercise, as_number, not_a_number, register, within

# The deletion curve of the AUC exercise: the probability of the class after deleting each share.
CURVE_FRACTIONS = [0.0, 0.25, 0.5, 0.75, 1.0]
CURVE_PROBABILITIES = [0.9, 0.5, 0.2, 0.1, 0.1]


# --- the energy share of a uniform map ------------------------------------------------------


def _uniform_share_solver():
    import xaitutor as xt

    data = xt.data.shapes(8, seed=0)
    # A uniform map spreads its energy evenly, so the object gets its share of the pixels.
    return float(data.masks[0].mean())


def _uniform_share_checker(answer):
    import xaitutor as xt

    value = as_number(answer)
    if value is None:
        return not_a_number(answer, "one number (a float, to 3 decimals)")
    right = _uniform_share_solver()
    if within(value, right, 3):
        return None
    hints = [
        (1 - right, "that is the share outside the object: the energy share counts the mass on the mask."),
        (
            float(xt.data.shapes(8, seed=0).masks.mean()),
            "that is the object's share over all 8 pictures: the task asks for the first picture only.",
        ),
        (right / 3, "divide the object's pixels by the picture's 64 x 64 pixels, not by its 64 x 64 x 3 values."),
    ]
    for wrong, hint in hints:
        if within(value, wrong, 3):
            return hint
    if abs(value - right) < 0.01:
        return "close, but the task asks for 3 decimals: round (not cut off) to 3 decimals, or give more."
    if within(value, 100 * right, 1):
        return "that looks like a percentage: a share lies between 0 and 1."
    if value > 1:
        return "a share lies between 0 and 1: divide the object's pixels by all the pixels."
    return (
        "a uniform map gives every pixel the same mass, so the share on the object is "
        "the object's number of pixels divided by the picture's."
    )


register(
    Exercise(
        name="evaluation.uniform_share",
        task="What energy share does a uniform (constant, positive) map get on the first picture of "
        "xt.data.shapes(8, seed=0)? Answer with a float to 3 decimals (or more), computed from the "
        "picture's mask.",
        checker=_uniform_share_checker,
        solver=_uniform_share_solver,
    )
)


# --- the area under a deletion curve --------------------------------------------------------


def _auc_solver():
    fractions, probabilities = np.array(CURVE_FRACTIONS), np.array(CURVE_PROBABILITIES)
    # The trapezoidal rule: each interval contributes its width times the mean of its two ends.
    widths = np.diff(fractions)
    return float(np.sum(widths * (probabilities[1:] + probabilities[:-1]) / 2))


def _auc_checker(answer):
    value = as_number(answer)
    if value is None:
        return not_a_number(answer, "one number (a float, to 3 decimals)")
    right, p = _auc_solver(), np.array(CURVE_PROBABILITIES)
    if within(value, right, 3):
        return None
    hints = [
        (
            np.mean(p),
            "that is the plain mean of the five points: with the trapezoidal rule the two end "
            "points count half, because each touches one interval only.",
        ),
        (p[:-1].sum() * 0.25, "that is a left Riemann sum: average the two ends of each interval instead."),
        (p[1:].sum() * 0.25, "that is a right Riemann sum: average the two ends of each interval instead."),
        (1 - right, "that is the area above the curve, up to probability 1: the task asks for the area under it."),
        (right / 0.25, "multiply each interval's mean height by its width, 0.25."),
    ]
    for wrong, hint in hints:
        if within(value, wrong, 3):
            return hint
    if value < 0:
        return (
            "an area under probabilities cannot be negative: np.trapezoid(y, x) takes the "
            "probabilities first, then the shares."
        )
    if abs(value - right) < 0.01:
        return "close, but the task asks for 3 decimals: round (not cut off) to 3 decimals, or give more."
    return "add up width x (left + right) / 2 over the four intervals of width 0.25."


register(
    Exercise(
        name="evaluation.auc",
        task=f"A deletion curve passes through the probabilities {CURVE_PROBABILITIES} after deleting "
        f"the shares {CURVE_FRACTIONS} of the pixels. Compute the area under it with the "
        "trapezoidal rule, as Curves.auc does, to 3 decimals.",
        checker=_auc_checker,
        solver=_auc_solver,
    )
)
