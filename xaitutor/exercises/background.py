"""Exercises of chapter 1 (the background): the perceptron rule, the output size of a convolution,
a parameter count, the receptive field and a convolution written by hand."""
from __future__ import annotations

import numpy as np
import torch

from . import Exercise, as_integer, as_numbers, call, register


# --- the perceptron rule (eq. 1.5, 1.6) --------------------------------------------------------

UPDATE = dict(weights=(0.5, -1.0, 1.0), x=(1.0, 1.0), y=0, lr=0.5)


def _update_solver():
    from xaitutor.background import perceptron_update

    return perceptron_update(UPDATE["weights"], UPDATE["x"], UPDATE["y"], UPDATE["lr"]).tolist()


def _update_checker(answer):
    values = as_numbers(answer, 3)
    if values is None:
        return "give the three new weights (w0, w1, w2), bias first, e.g. [0.1, 0.2, 0.3]."
    right = np.array(_update_solver())
    if np.allclose(values, right):
        return None
    w = np.array(UPDATE["weights"])
    if np.allclose(values, w):
        return ("the weights did not move, but f(x) = sigma(0.5 - 1 + 1) = sigma(0.5) = 1 while y = 0: "
                "the sample is misclassified, so the rule changes the weights.")
    if np.allclose(values[1:], right[1:]) and np.isclose(values[0], w[0]):
        return "w1 and w2 are right; the bias w0 is updated too (eq. 1.6), as if its input x0 were 1."
    if np.allclose(values, 2 * w - right):
        return "the weights moved the wrong way: the error is y - f(x) = 0 - 1 = -1, not +1."
    if np.allclose(values, w + 2 * (right - w)):
        return "the step is twice too big: remember the learning rate eta = 0.5."
    return "not these: compute f(x) with eq. 1.4, the error y - f(x), then eq. 1.5 and 1.6."


register(Exercise(
    name="background.perceptron_update",
    task=("A perceptron has weights (w0, w1, w2) = (0.5, -1, 1). It sees the sample x = (1, 1) with "
          "label y = 0. With learning rate eta = 0.5, what are its weights after one update "
          "(eq. 1.5, 1.6)? Answer [w0, w1, w2]."),
    checker=_update_checker, solver=_update_solver))


# --- the output size (section 1.4.2) ----------------------------------------------------------

def _output_size_solver():
    from xaitutor.background import output_size

    return output_size(128, 3)


def _output_size_checker(answer):
    value = as_integer(answer)
    if value is None:
        return "give one whole number: the side of the output in pixels."
    if value == _output_size_solver():
        return None
    if value == 128:
        return "128 would need padding; without it the window cannot be centred on the edge pixels."
    if value == 125:
        return "a 3x3 window fits 128 - 3 + 1 times along a row, not 128 - 3."
    return "count the positions a 3-wide window can take along 128 pixels: n - k + 1."


register(Exercise(
    name="background.output_size",
    task=("A 128 x 128 image goes through a 3 x 3 convolution with no padding and stride 1. How many "
          "pixels wide is the output?"),
    checker=_output_size_checker, solver=_output_size_solver))


def _strided_solver():
    from xaitutor.background import output_size

    return output_size(224, 7, padding=3, stride=2)


def _strided_checker(answer):
    value = as_integer(answer)
    if value is None:
        return "give one whole number: the side of the output in pixels."
    if value == _strided_solver():
        return None
    if value == 224:
        return "the padding of 3 keeps the size, but the stride of 2 skips every other position."
    if value == 109:
        return "you forgot the padding: it adds 3 pixels on each side, 224 + 2 * 3 in all."
    if value == 218:
        return "you forgot the padding (3 pixels on each side) and the stride (2 pixels at a time)."
    if value == 113:
        return "almost: (224 + 6 - 7) / 2 = 111.5 is rounded down, since a window cannot stick out."
    if value == 111:
        return "almost: add 1, for the window's first position."
    return "use floor((n + 2p - k) / s) + 1 with n = 224, k = 7, p = 3, s = 2."


register(Exercise(
    name="background.strided_output_size",
    task=("ResNet's first layer is a 7 x 7 convolution with padding 3 and stride 2 on a 224 x 224 "
          "image. How many pixels wide is its output?"),
    checker=_strided_checker, solver=_strided_solver))


# --- a parameter count (section 1.4.2) --------------------------------------------------------

def _parameters_solver():
    from xaitutor.background import conv_parameters

    return conv_parameters(64, 128, 3, bias=True)


def _parameters_checker(answer):
    value = as_integer(answer)
    if value is None:
        return "give one whole number of parameters."
    if value == _parameters_solver():
        return None
    if value == 128 * 64 * 9:
        return "those are the weights; nn.Conv2d also has one bias per output channel."
    if value == 128 * 9 + 128 or value == 128 * 9:
        return "each window covers all 64 input channels: it is 3 x 3 x 64, not 3 x 3."
    if value == 64 * 9 + 64 or value == 64 * 9 + 128:
        return "there is one 3 x 3 x 64 window per output channel: 128 of them."
    return "count one 3 x 3 x 64 window per output channel, plus one bias per output channel."


register(Exercise(
    name="background.conv_parameters",
    task=("How many parameters does nn.Conv2d(64, 128, kernel_size=3) have (bias included, as by "
          "default)?"),
    checker=_parameters_checker, solver=_parameters_solver))


# --- the receptive field (section 1.4.4) ------------------------------------------------------

def _field_solver():
    from xaitutor.background import receptive_field, stacked_convs

    return receptive_field(stacked_convs(3, 3), input_size=15).size[0]


def _field_checker(answer):
    value = as_integer(answer)
    if value is None:
        return "give one whole number: the side of the receptive field in pixels."
    if value == _field_solver():
        return None
    if value == 9:
        return "the fields do not add 3 pixels per layer: each layer adds kernel_size - 1 = 2."
    if value == 5:
        return "5 x 5 is the field of two layers; there are three."
    return "start from one output pixel and go back one layer at a time: each adds a 1-pixel border."


register(Exercise(
    name="background.receptive_field",
    task=("Three 3 x 3 convolutions are stacked (stride 1, no padding). How many input pixels wide is "
          "the receptive field of one output pixel?"),
    checker=_field_checker, solver=_field_solver))


# --- a convolution by hand (section 1.4.1) ----------------------------------------------------

def _convolve_solver():
    def my_convolve(f, g):
        """(f * g)[n] = sum_i f[i] g[n - i], for every n where f and g overlap fully ("valid")."""
        f, g = list(f), list(g)
        k = len(g)
        return [sum(f[i] * g[n - i] for i in range(n - k + 1, n + 1)) for n in range(k - 1, len(f))]

    return my_convolve


def _convolve_checker(answer):
    rng = np.random.default_rng(0)
    for length, k in ((6, 3), (9, 2), (5, 5), (7, 1)):
        f, g = rng.normal(size=length), rng.normal(size=k)
        result, problem = call(answer, f.tolist(), g.tolist(), usage="def my_convolve(f, g): ...")
        if problem:
            return problem
        got = as_numbers(result, length - k + 1)
        if got is None:
            return (f"for a signal of {length} values and a kernel of {k} the output must have "
                    f"{length - k + 1} values (only where the kernel fits entirely).")
        if np.allclose(got, np.convolve(f, g, "valid")):
            continue
        if np.allclose(got, np.correlate(f, g, "valid")):
            return ("that is a cross-correlation: in a convolution the kernel is flipped, g[n - i] "
                    "runs backwards as i runs forwards.")
        return f"wrong values for f = {np.round(f, 2).tolist()}, g = {np.round(g, 2).tolist()}."
    return None


register(Exercise(
    name="background.convolve",
    task=("Write my_convolve(f, g), the 1-D convolution (f * g)[n] = sum_i f[i] g[n - i] of two lists, "
          "returning only the outputs where g fits entirely inside f (len(f) - len(g) + 1 values)."),
    checker=_convolve_checker, solver=_convolve_solver))


def _and_solver():
    return [-1.5, 1.0, 1.0]


def _and_checker(answer):
    from xaitutor.background import AND, BINARY_INPUTS, perceptron

    weights = as_numbers(answer, 3)
    if weights is None:
        return "give three weights (w0, w1, w2), bias first."
    got = perceptron(torch.as_tensor(weights), BINARY_INPUTS)
    wrong = [tuple(int(v) for v in x) for x, o, t in zip(BINARY_INPUTS, got, AND) if o != t]
    if not wrong:
        return None
    return (f"your perceptron is wrong on x = {', '.join(map(str, wrong))}: the line w0 + w1 x1 + w2 x2 = 0 "
            "must leave (1, 1) alone on its positive side (remember sigma(0) = 1).")


register(Exercise(
    name="background.and_perceptron",
    task="Give weights (w0, w1, w2) of a perceptron (eq. 1.4) that computes x1 AND x2 on binary inputs.",
    checker=_and_checker, solver=_and_solver))
