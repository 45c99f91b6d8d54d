"""Exercises of chapter 7 (relevance propagation): the ε-rule of a two-input layer by hand and where
the relevance leaks in a tiny network with biases (``relevance_classes.py``: which of two composites
is class-sensitive, measured). Each answer is numbers; the checks name the slip a wrong answer made."""

from __future__ import annotations

from . import Exercise, as_numbers, judge, not_a_number, register

# --- the ε-rule of one neuron with two inputs -----------------------------------------------------

EPS_INPUTS, EPS_WEIGHTS, EPS_BIAS, EPS_RELEVANCE, EPSILON = (2.0, 1.0), (3.0, -1.0), 1.0, 12.0, 2.0


def _epsilon_solver():
    (x1, x2), (w1, w2) = EPS_INPUTS, EPS_WEIGHTS
    z = x1 * w1 + x2 * w2 + EPS_BIAS  # 6 - 1 + 1 = 6, positive: ε is added
    share = EPS_RELEVANCE / (z + EPSILON)  # R / (z + ε sign z)
    return [x1 * w1 * share, x2 * w2 * share]  # each input's contribution x_i w_i times the share


def _epsilon_checker(answer):
    values = as_numbers(answer, 2)
    if values is None:
        return not_a_number(answer, "two numbers [R_1, R_2]")
    (x1, x2), (w1, w2), R = EPS_INPUTS, EPS_WEIGHTS, EPS_RELEVANCE
    z = x1 * w1 + x2 * w2 + EPS_BIAS
    hints = [
        ([x1 * w1 * R / z, x2 * w2 * R / z], "that is LRP-0: the ε-rule adds ε (with z's sign) to the denominator."),
        ([x1 * w1 * R / (z - EPS_BIAS + EPSILON), x2 * w2 * R / (z - EPS_BIAS + EPSILON)], "z includes the bias b."),
        ([x1 * w1 / (z + EPSILON), x2 * w2 / (z + EPSILON)], "you shared 1, not the relevance R = 12."),
        ([x1 * w1, x2 * w2], "those are the contributions x_i w_i: share R in their proportion to z + ε."),
        ([x1 * w1 * R / (x1 * w1 + EPSILON), 0.0], "that is the z+ rule (positive contributions only), not ε."),
        (_epsilon_solver()[::-1], "the right numbers in the wrong order: R_1 first."),
    ]
    return judge(
        values, _epsilon_solver(), 3, hints, "R_i = x_i w_i / (z + ε sign(z)) * R, with z = x_1 w_1 + x_2 w_2 + b."
    )


register(
    Exercise(
        name="relevance.epsilon_rule",
        task="One neuron z = x1 w1 + x2 w2 + b with x = (2, 1), w = (3, -1), b = 1 receives the relevance "
        "R = 12. Give [R_1, R_2], the relevance the ε-rule (ε = 2) hands to x1 and x2, to 3 decimals; "
        "how much of R do they keep, and where did the rest go?",
        checker=_epsilon_checker,
        solver=_epsilon_solver,
    )
)

# --- where relevance leaks: a network with biases ------------------------------------------------

LEAK_INPUT = (1.0, 2.0)
LEAK_W1, LEAK_B1 = ((1.0, -1.0), (2.0, -0.5)), (0.5, 1.0)
LEAK_W2, LEAK_B2 = (1.0, 3.0), 2.0


def leak_network():
    """The exercise's network, ``x -> relu(W1 x + b1) -> w2 . h + b2``, as a model ``xt.lrp`` takes:
    1 x 1 convolutions on a 2-channel picture of one pixel (``LEAK_PICTURE``)."""
    import torch
    from torch import nn

    net = nn.Sequential(nn.Conv2d(2, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(2, 1))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(LEAK_W1)[:, :, None, None]), net[0].bias.copy_(torch.tensor(LEAK_B1))
        net[3].weight.copy_(torch.tensor([LEAK_W2])), net[3].bias.fill_(LEAK_B2)
    return net.eval()


def _leak_solver():
    (x1, x2), ((a, b), (c, d)) = LEAK_INPUT, LEAK_W1
    h = [max(0.0, a * x1 + b * x2 + LEAK_B1[0]), max(0.0, c * x1 + d * x2 + LEAK_B1[1])]  # (0, 2)
    y = LEAK_W2[0] * h[0] + LEAK_W2[1] * h[1] + LEAK_B2  # 8: the relevance handed back
    hidden = [LEAK_W2[i] * h[i] / y * y for i in range(2)]  # LRP-0: the bias b2 keeps 2 of the 8
    z2 = c * x1 + d * x2 + LEAK_B1[1]  # only h_2 is active: its inputs share its relevance
    return [sum(hidden), (c * x1 + d * x2) / z2 * hidden[1]]  # the bias b1_2 keeps 3 of the 6


def _leak_checker(answer):
    values = as_numbers(answer, 2)
    if values is None:
        return not_a_number(answer, "two numbers [total at the hidden layer, total at the input]")
    right = _leak_solver()
    hints = [
        ([8.0, 8.0], "LRP conserves only what the biases do not take: each bias keeps its share b_j / z_j of R_j."),
        (right[::-1], "the right numbers in the wrong order: the hidden layer first, then the input."),
        ([right[0], right[0]], "the hidden layer is right; the first layer's bias b1 takes its share too."),
        ([8.0, right[1] * 8 / 6], "the top bias b2 = 2 keeps 2 / 8 of the relevance as well."),
    ]
    return judge(values, right, 3, hints, "hand y back with LRP-0: R_j = a_j w_j / z R at each layer, z with its bias.")


register(
    Exercise(
        name="relevance.leak",
        task="leak_network(): x = (1, 2) -> h = relu(W1 x + b1) -> y = w2 . h + b2 (LEAK_W1, LEAK_B1, LEAK_W2, "
        "LEAK_B2). Hand y back with LRP-0 (ε = 0) and give [total relevance at h, total relevance at x] to 3 "
        "decimals (by hand, or with xt.lrp(..., return_parts=True).totals).",
        checker=_leak_checker,
        solver=_leak_solver,
    )
)
