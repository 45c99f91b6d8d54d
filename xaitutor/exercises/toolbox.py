"""Exercises of chapter 6 (the attribution toolbox): integrated gradients' completeness worked by
hand, occlusion on a tiny model, and the Shapley value of a three-player game. Each answer is
numbers; the checks name the method a wrong answer computed instead (input x gradient, a sum of
windows, the Banzhaf value...), because each slip is another method of the chapter."""

from __future__ import annotations

import itertools
from math import factorial

import numpy as np

from . import Exercise, as_numbers, judge, not_a_number, register

# --- integrated gradients of f(x1, x2) = x1 x2 + x1 ---------------------------------------------

IG_POINT, IG_BASELINE = (2.0, 3.0), (0.0, 0.0)


def _ig_solver():
    x1, x2 = IG_POINT
    # On the path (a x1, a x2), df/dx1 = a x2 + 1 and df/dx2 = a x1; their integrals over a in
    # [0, 1] are x2 / 2 + 1 and x1 / 2. Multiply by the distance travelled, x - x'.
    return [x1 * (x2 / 2 + 1), x2 * (x1 / 2)]


def _ig_checker(answer):
    values = as_numbers(answer, 2)
    if values is None:
        return not_a_number(answer, "two numbers [IG_1, IG_2] (a list, tuple or array)")
    x1, x2 = IG_POINT
    hints = [
        (
            [x1 * (x2 + 1), x2 * x1],
            "that is input x gradient: the gradient at x only. IG averages the "
            "gradient along the whole path from the baseline to x.",
        ),
        ([x2 + 1, x1], "that is the gradient at x (saliency): integrate it along the path, then multiply by x - x'."),
        (
            [x2 / 2 + 1, x1 / 2],
            "that is the average gradient along the path: multiply it by x - x', the distance travelled.",
        ),
        ([x1 * 1, 0.0], "that is the gradient at the baseline times x: the gradient changes along the path."),
        ([x1 * x2 / 2, x2 * x1 / 2], "you left out the + x1 term of f."),
        (_ig_solver()[::-1], "the right numbers in the wrong order: IG_1 first."),
    ]
    otherwise = "integrate df/dx_i along the path x' + a (x - x') for a from 0 to 1, then multiply by x_i - x'_i."
    if abs(values.sum() - (x1 * x2 + x1)) < 1e-3:
        otherwise = (
            "they add up to f(x) - f(x') = 8, as completeness demands, but they are not split right: "
            "compute each integral on its own."
        )
    return judge(values, _ig_solver(), 3, hints, otherwise)


register(
    Exercise(
        name="toolbox.ig_completeness",
        task="f(x1, x2) = x1 * x2 + x1, x = (2, 3), baseline x' = (0, 0). Compute the two integrated "
        "gradients IG_i = (x_i - x'_i) * integral over a in [0, 1] of df/dx_i at x' + a (x - x'), "
        "by hand, and give [IG_1, IG_2] to 3 decimals; check that they add up to f(x) - f(x').",
        checker=_ig_checker,
        solver=_ig_solver,
    )
)

# --- occlusion on a tiny model: score(x) = (WEIGHTS * x).sum() ----------------------------------

OCCLUSION_PICTURE = np.array([[1, 2, 1], [1, 2, 3], [2, 1, 1]], dtype=float)
OCCLUSION_WEIGHTS = np.array([[1, 0, -1], [0, 1, 1], [1, 0, 1]], dtype=float)
WINDOW, STRIDE = 2, 1


def _window_drops(reduce):
    """Each pixel's ``reduce`` (np.mean, np.sum, ...) of the score drops of the windows covering it."""

    def score(x):
        return float((OCCLUSION_WEIGHTS * x).sum())

    size = OCCLUSION_PICTURE.shape[0]
    drops = [[] for _ in range(size * size)]
    for top, left in itertools.product(range(0, size - WINDOW + 1, STRIDE), repeat=2):
        hidden = OCCLUSION_PICTURE.copy()
        hidden[top : top + WINDOW, left : left + WINDOW] = 0.0  # the baseline: black
        drop = score(OCCLUSION_PICTURE) - score(hidden)
        for r, c in itertools.product(range(top, top + WINDOW), range(left, left + WINDOW)):
            drops[r * size + c].append(drop)
    return np.array([reduce(d) for d in drops]).reshape(size, size)


def _occlusion_solver():
    # Slide the 2 x 2 window with stride 1 (four places), fill it with 0, note the drop of the score;
    # each pixel gets the mean drop of the windows that cover it (captum's Occlusion does the same).
    return _window_drops(np.mean)


def _occlusion_checker(answer):
    values = as_numbers(answer, 9)
    if values is None:
        return not_a_number(answer, "nine numbers, the 3 x 3 map (a nested list or an array)")
    values, right = values.reshape(3, 3), _occlusion_solver()
    hints = [
        (
            _window_drops(np.sum),
            "that adds the drops of the windows covering each pixel: average them "
            "(a centre pixel is covered by four windows, a corner by one).",
        ),
        (-right, "the sign is flipped: occlusion measures the drop f(x) - f(hidden), positive where hiding hurts."),
        (
            OCCLUSION_WEIGHTS * OCCLUSION_PICTURE,
            "that hides each pixel alone (a 1 x 1 window): the task's window is 2 x 2.",
        ),
        (_window_drops(np.max), "that keeps the largest drop of each pixel's windows: average them instead."),
    ]
    return judge(
        values,
        right,
        3,
        hints,
        "for each of the four window positions, compute the score with the window "
        "set to 0 and the drop; each pixel gets the mean drop of its windows.",
    )


register(
    Exercise(
        name="toolbox.occlusion",
        task="The tiny model scores a 3 x 3 picture x as (OCCLUSION_WEIGHTS * x).sum() (from "
        "xaitutor.exercises.toolbox import OCCLUSION_PICTURE, OCCLUSION_WEIGHTS). Compute the occlusion "
        "map of OCCLUSION_PICTURE with a 2 x 2 window, stride 1 and baseline 0, each pixel the mean score "
        "drop of the windows covering it, as a 3 x 3 array.",
        checker=_occlusion_checker,
        solver=_occlusion_solver,
    )
)

# --- the Shapley value of a three-player game ---------------------------------------------------

GAME = {"": 0.0, "A": 1.0, "B": 2.0, "C": 0.0, "AB": 4.0, "AC": 2.0, "BC": 2.0, "ABC": 6.0}


def _shapley(player: str) -> float:
    others = [p for p in "ABC" if p != player]
    value = 0.0
    for size in range(len(others) + 1):
        for team in itertools.combinations(others, size):
            # |S|! (n - |S| - 1)! / n!: the share of the n! orderings in which the player joins S
            weight = factorial(size) * factorial(2 - size) / factorial(3)
            value += weight * (GAME["".join(sorted(team + (player,)))] - GAME["".join(team)])
    return value


def _shapley_solver():
    return _shapley("A")


def _shapley_checker(answer):
    values = as_numbers(answer, 1)
    if values is None:
        return not_a_number(answer, "one number, A's Shapley value")
    marginal = [GAME["A"] - GAME[""], GAME["AB"] - GAME["B"], GAME["AC"] - GAME["C"], GAME["ABC"] - GAME["BC"]]
    hints = [
        (
            np.mean(marginal),
            "that is the plain mean of A's four marginal contributions (the Banzhaf value): "
            "the Shapley weights |S|! (n - |S| - 1)! / n! count the orderings, 1/3, 1/6, 1/6, 1/3.",
        ),
        (marginal[-1], "that is A's contribution to the full team only (leave one out, as occlusion does)."),
        (marginal[0], "that is v({A}) alone: A also joins B, C and B and C together."),
        (GAME["ABC"] / 3, "that splits v(ABC) equally: the players did not contribute equally."),
        (_shapley("B"), "that is B's Shapley value: the task asks for A's."),
        (_shapley("C"), "that is C's Shapley value: the task asks for A's."),
    ]
    return judge(
        values[0],
        _shapley_solver(),
        3,
        hints,
        "average A's marginal contribution v(S + A) - v(S) over the 3! orders in which the players can arrive.",
    )


register(
    Exercise(
        name="toolbox.shapley",
        task="In the game GAME (from xaitutor.exercises.toolbox import GAME: the value of each team of the "
        "players A, B, C), compute A's Shapley value to 3 decimals.",
        checker=_shapley_checker,
        solver=_shapley_solver,
    )
)
