"""Exercise of chapter 2 (LIME): the surrogate's fidelity, its weighted R^2 (eq. 2.1c's weights),
written from the formula and run on random examples against scikit-learn's ``r2_score``."""

from __future__ import annotations

import numpy as np

from . import Exercise, as_number, call, register
from .answers import names_in


def _r2_solver():
    def weighted_r2(f, g, pi):
        # 1 - (weighted squared error) / (weighted squared spread around the weighted mean)
        f, g, pi = np.asarray(f), np.asarray(g), np.asarray(pi)
        mean = np.sum(pi * f) / np.sum(pi)
        return 1 - np.sum(pi * (f - g) ** 2) / np.sum(pi * (f - mean) ** 2)

    return weighted_r2


def _examples():
    rng = np.random.default_rng(0)
    for n in (6, 20):
        f = rng.uniform(0, 1, n)
        yield f, f + rng.normal(0, 0.15, n), rng.uniform(0.05, 1, n)


def _slips(f, g, pi):
    """What the usual slips compute, each with what to say about it."""
    mean, plain = np.sum(pi * f) / np.sum(pi), f.mean()
    error, spread = np.sum(pi * (f - g) ** 2), np.sum(pi * (f - mean) ** 2)
    return [
        (1 - np.sum((f - g) ** 2) / np.sum((f - plain) ** 2), "that is the unweighted R²: weigh each sample by pi"),
        (1 - error / np.sum(pi * (f - plain) ** 2), "the spread is around the weighted mean sum(pi f) / sum(pi)"),
        (error / spread, "R² is 1 minus this ratio of the error to the spread"),
        (1 - spread / error, "the error (f - g) goes on top, the spread (f - mean) below"),
        (1 - np.sum(pi**2 * (f - g) ** 2) / np.sum(pi**2 * (f - mean) ** 2), "weigh by pi, not pi squared"),
        (1 - error / np.sum(pi * (g - np.sum(pi * g) / np.sum(pi)) ** 2), "the spread is that of f, not of g"),
    ]


def _r2_checker(answer):
    if callable(answer) and {"r2_score", "score", "Ridge", "fit_surrogate"} & names_in(answer):
        return "compute it from the formula with numpy: a library's R² does the exercise for you."
    for f, g, pi in _examples():
        result, problem = call(answer, f, g, pi, usage="def weighted_r2(f, g, pi): ...")
        if problem:
            return problem
        value = as_number(result)
        if value is None:
            return f"return one number, the weighted R², not a {type(result).__name__}."
        right = _r2_solver()(f, g, pi)
        if np.isclose(value, right, rtol=1e-6, atol=1e-9):
            continue
        for slip, hint in _slips(f, g, pi):
            if np.isclose(value, slip, rtol=1e-6, atol=1e-9):
                return hint
        return f"not this value for f = {np.round(f[:3], 2).tolist()}...: 1 - sum(pi (f - g)²) / sum(pi (f - m)²)"
    return None


register(
    Exercise(
        name="lime.weighted_r2",
        task=(
            "Write weighted_r2(f, g, pi): the black box's answers f, the surrogate's g and the samples' "
            "weights pi, three arrays of one number per sample. Return the weighted R² of g."
        ),
        checker=_r2_checker,
        solver=_r2_solver,
    )
)
