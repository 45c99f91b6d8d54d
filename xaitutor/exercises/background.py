"""Exercises of chapter 1 (the background): the perceptron rule, a perceptron for AND and a
convolution written by hand (the sizes, parameters and receptive field are in
``background_sizes.py``). Weights may come as a list, tuple, array or tensor, never as text."""

from __future__ import annotations

import numpy as np
import torch

from . import Exercise, as_numbers, call, not_a_number, register
from .answers import names_in

# --- the perceptron rule (eq. 1.5, 1.6) --------------------------------------------------------

UPDATE = dict(weights=(0.5, -1.0, 1.0), x=(1.0, 1.0), y=0, lr=0.5)


def _update_solver():
    from xaitutor.background import perceptron_update

    return perceptron_update(UPDATE["weights"], UPDATE["x"], UPDATE["y"], UPDATE["lr"]).tolist()


def _update_checker(answer):
    values = as_numbers(answer, 3)
    if values is None:
        return not_a_number(answer, "the three new weights (w0, w1, w2), bias first, e.g. [0.1, 0.2, 0.3]")
    right = np.array(_update_solver())
    if np.allclose(values, right):
        return None
    w = np.array(UPDATE["weights"])
    logistic = 1 / (1 + np.exp(-(w[0] + w[1:].sum())))
    if np.allclose(values, w):
        return (
            "the weights did not move, but f(x) = sigma(0.5 - 1 + 1) = sigma(0.5) = 1 while y = 0: "
            "the sample is misclassified, so the rule changes the weights."
        )
    if np.allclose(values, right[[1, 2, 0]]):
        return "right numbers, wrong order: list the bias first, [w0, w1, w2]."
    if np.allclose(values[1:], right[1:]) and np.isclose(values[0], w[0]):
        return "w1 and w2 are right; the bias w0 is updated too (eq. 1.6), as if its input x0 were 1."
    if np.allclose(values, 2 * w - right):
        return "the weights moved the wrong way: the error is y - f(x) = 0 - 1 = -1, not +1."
    if np.allclose(values, w + 2 * (right - w)):
        return "the step is twice too big: remember the learning rate eta = 0.5."
    if np.allclose(values, w - UPDATE["lr"] * logistic, atol=1e-3):
        return (
            "the perceptron's sigma (eq. 1.4) is the step function, 1 when the sum is >= 0 and 0 "
            "otherwise, not the logistic curve: f(x) is 0 or 1."
        )
    return "not these: compute f(x) with eq. 1.4, the error y - f(x), then eq. 1.5 and 1.6."


register(
    Exercise(
        name="background.perceptron_update",
        task=(
            "A perceptron has weights (w0, w1, w2) = (0.5, -1, 1). It sees the sample x = (1, 1) with "
            "label y = 0. With learning rate eta = 0.5, what are its weights after one update "
            "(eq. 1.5, 1.6)? Answer [w0, w1, w2]."
        ),
        checker=_update_checker,
        solver=_update_solver,
    )
)


# --- a convolution by hand (section 1.4.1) ----------------------------------------------------


def _convolve_solver():
    def my_convolve(f, g):
        """(f * g)[n] = sum_i f[i] g[n - i], for every n where f and g overlap fully ("valid")."""
        f, g = list(f), list(g)
        k = len(g)
        return [sum(f[i] * g[n - i] for i in range(n - k + 1, n + 1)) for n in range(k - 1, len(f))]

    return my_convolve


# the library calls that compute the convolution for the student: the check compares with them
_READY_MADE = {"convolve", "correlate", "conv1d", "conv2d", "fftconvolve", "oaconvolve", "cross_correlate"}


def _convolve_checker(answer):
    ready_made = sorted(names_in(answer) & _READY_MADE) if callable(answer) else []
    if ready_made:
        return (
            f"your function calls {ready_made[0]}, which computes it for you: write it from the "
            "definition, a sum of f[i] * g[n - i] (a loop, or slices of f times the flipped kernel)."
        )
    rng = np.random.default_rng(0)
    for length, k in ((6, 3), (9, 2), (5, 5), (7, 1), (8, 4)):
        f, g = rng.normal(size=length), rng.normal(size=k)
        result, problem = call(answer, f.tolist(), g.tolist(), usage="def my_convolve(f, g): ...")
        if problem:
            return problem
        got = as_numbers(result, length - k + 1)
        if got is None:
            size = np.size(result) if not isinstance(result, str) else -1
            shown = {
                length + k - 1: "that is the 'full' convolution, len(f) + len(g) - 1 values, g sticking out: ",
                length: "that is the 'same' size, len(f) values, as with padding: ",
                length - k: "one value short (an off-by-one in the range?): ",
            }.get(size, "")
            return (
                f"{shown}for a signal of {length} values and a kernel of {k} the output must have "
                f"{length - k + 1} values (only where the kernel fits entirely)."
            )
        if np.allclose(got, np.convolve(f, g, "valid")):
            continue
        if np.allclose(got, np.correlate(f, g, "valid")):
            return (
                "that is a cross-correlation: in a convolution the kernel is flipped, g[n - i] "
                "runs backwards as i runs forwards."
            )
        return f"wrong values for f = {np.round(f, 2).tolist()}, g = {np.round(g, 2).tolist()}."
    return None


register(
    Exercise(
        name="background.convolve",
        task=(
            "Write my_convolve(f, g), the 1-D convolution (f * g)[n] = sum_i f[i] g[n - i] of two lists, "
            "returning only the outputs where g fits entirely inside f (len(f) - len(g) + 1 values)."
        ),
        checker=_convolve_checker,
        solver=_convolve_solver,
    )
)


# --- a perceptron for AND (eq. 1.4) -----------------------------------------------------------


def _and_solver():
    return [-1.5, 1.0, 1.0]


def _and_checker(answer):
    from xaitutor.background import AND, BINARY_INPUTS, perceptron

    weights = as_numbers(answer, 3)
    if weights is None:
        return not_a_number(answer, "three weights (w0, w1, w2), bias first")

    def wrong_on(w):
        got = perceptron(torch.as_tensor(w), BINARY_INPUTS)
        return [tuple(int(v) for v in x) for x, o, t in zip(BINARY_INPUTS, got, AND) if o != t]

    wrong = wrong_on(weights)
    if not wrong:
        return None
    if not wrong_on(weights[[2, 0, 1]]):
        return "these weights work with the bias last: list it first, (w0, w1, w2)."
    if len(wrong) == 4:
        return "your perceptron is wrong on all four inputs: it computes NOT AND. Flip the sign of every weight."
    return (
        f"your perceptron is wrong on x = {', '.join(map(str, wrong))}: the line w0 + w1 x1 + w2 x2 = 0 "
        "must leave (1, 1) alone on its positive side (remember sigma(0) = 1)."
    )


register(
    Exercise(
        name="background.and_perceptron",
        task="Give weights (w0, w1, w2) of a perceptron (eq. 1.4) that computes x1 AND x2 on binary inputs.",
        checker=_and_checker,
        solver=_and_solver,
    )
)
