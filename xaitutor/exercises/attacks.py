"""Exercises of chapter 9 (explanations under attack): one FGSM step by hand on a linear model, the
second derivative that needs a softplus (and which map's top-k survives noise: attacks_fragility.py).
Each answer is numbers; the checks name the usual slips (the step taken the wrong way, the gradient
instead of its sign, a first derivative for a second one)."""

from __future__ import annotations

import math

import numpy as np

from . import Exercise, as_numbers, judge, not_a_number, register

# --- one FGSM step on a linear model: logit z = w . x + b, the answer is class 1 (z > 0) --------

W, B, X, EPS = np.array([0.5, -1.0, 2.0, 0.0]), -0.5, np.array([0.2, 0.4, 0.6, 0.8]), 0.1


def _fgsm_solver():
    # The loss of class 1, -log sigmoid(z), falls as z grows: its gradient is -(1 - sigmoid(z)) w,
    # whose sign is -sign(w). FGSM steps up the loss: x' = x + eps * sign(grad) = x - eps * sign(w).
    return list(X - EPS * np.sign(W))


def _fgsm_checker(answer):
    values = as_numbers(answer, 4)
    if values is None:
        return not_a_number(answer, "four numbers, the attacked x' (a list, tuple or array)")
    hints = [
        (
            X + EPS * np.sign(W),
            "that step raises z: the answer gets surer. FGSM climbs the loss of the answer, which falls as z grows.",
        ),
        (
            X - EPS * W,
            "that is eps times the gradient: FGSM steps by eps times its sign, so each pixel moves by exactly eps.",
        ),
        (X + EPS * W, "that is eps times the gradient, and the wrong way: use eps * sign, against the answer."),
        (
            X - EPS * np.where(W >= 0, 1, -1),
            "sign(0) is 0: the pixel whose weight is 0 does not change the logit, so FGSM leaves it.",
        ),
        (
            X - EPS * np.sign(X),
            "that is the sign of the picture: FGSM uses the sign of the loss's gradient, here of w.",
        ),
    ]
    return judge(
        values,
        _fgsm_solver(),
        3,
        hints,
        "x' = x + eps * sign(dL/dx), L = -log sigmoid(w . x + b): find the sign of dL/dx first.",
    )


register(
    Exercise(
        name="attacks.fgsm_linear",
        task=f"A linear classifier answers class 1 when z = w . x + b > 0, with w = {W.tolist()}, b = {B}; at "
        f"x = {X.tolist()} it answers class 1 (z = 0.4). Take one untargeted FGSM step of eps = {EPS} against "
        "this answer (the loss is L = -log sigmoid(z)) and give the attacked picture x' (four numbers, 3 decimals).",
        checker=_fgsm_checker,
        solver=_fgsm_solver,
    )
)

# --- the second derivative of a ReLU network and of its softplus ---------------------------------

POINT, BETA = 2.0, 1.0


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _curvature(z: float) -> float:  # d^2/dz^2 softplus_beta(z) = beta sigmoid(beta z) (1 - sigmoid(beta z))
    return BETA * _sigmoid(BETA * z) * (1 - _sigmoid(BETA * z))


def _hessian_solver():
    # f = 2 ReLU(x - 1) - ReLU(x - 3) is linear around x = 2 (slope 2): no curvature. Its softplus
    # version bends: 2 softplus''(1) - softplus''(-1), with softplus''(z) = beta s(beta z) (1 - s(beta z)).
    return [0.0, 2 * _curvature(POINT - 1) - _curvature(POINT - 3)]


def _hessian_checker(answer):
    values = as_numbers(answer, 2)
    if values is None:
        return not_a_number(answer, "two numbers [ReLU's f'', softplus's f''] (a list, tuple or array)")
    first = 2 * _sigmoid(BETA * (POINT - 1)) - _sigmoid(BETA * (POINT - 3))
    hints = [
        ([2.0, first], "those are the first derivatives, the slopes: differentiate once more."),
        ([0.0, first], "the first number is right; the second is softplus's slope: differentiate it once more."),
        (
            [2.0, _hessian_solver()[1]],
            "the second number is right; the first is ReLU's slope, 2: its second derivative is 0 away from the kinks.",
        ),
        ([0.0, 2 * _curvature(POINT - 1)], "you left out the - ReLU(x - 3) term: it bends too, a little, at x = 2."),
        ([0.0, 2 * _curvature(POINT - 1) + _curvature(POINT - 3)], "the - ReLU(x - 3) term comes with a minus sign."),
    ]
    return judge(
        values, _hessian_solver(), 3, hints, "ReLU'' is 0 away from 0; softplus''(z) = beta s(beta z) (1 - s(beta z))."
    )


register(
    Exercise(
        name="attacks.softplus_hessian",
        task="f(x) = 2 ReLU(x - 1) - ReLU(x - 3), a tiny ReLU network. Give f''(2), and the same for its "
        "softplus version (each ReLU replaced by softplus(z) = log(1 + exp(z)), beta = 1): "
        "[ReLU's f''(2), softplus's f''(2)], to 3 decimals. Which one can a gradient descent on x use?",
        checker=_hessian_checker,
        solver=_hessian_solver,
    )
)
