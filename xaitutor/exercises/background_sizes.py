"""Exercises of chapter 1 (the background) on sizes: the output side of a convolution, with and
without padding and stride, a layer's parameter count and a receptive field. Each answer is a
whole number; text ("126") is refused, and each hint names the usual slip it sees."""

from __future__ import annotations

from . import Exercise, as_number, register
from .answers import judge_whole

# --- the output size (section 1.4.2) ----------------------------------------------------------


def _output_size_solver():
    from xaitutor.background import output_size

    return output_size(128, 3)


def _output_size_checker(answer):
    hints = {
        128: "128 would need padding; without it the window cannot be centred on the edge pixels.",
        125: "a 3x3 window fits 128 - 3 + 1 times along a row, not 128 - 3.",
        130: "that is the 'full' size, n + k - 1, as if the window could stick out: without padding it stays inside.",
        42: "that is a stride of 3 (128 // 3): with stride 1 the window moves one pixel at a time.",
        126 * 126: "that counts every pixel of the output; the task asks for its side, in pixels.",
    }
    return judge_whole(
        answer,
        _output_size_solver(),
        "the side of the output in pixels",
        hints,
        "count the positions a 3-wide window can take along 128 pixels: n - k + 1.",
    )


register(
    Exercise(
        name="background.output_size",
        task=(
            "A 128 x 128 image goes through a 3 x 3 convolution with no padding and stride 1. How many "
            "pixels wide is the output?"
        ),
        checker=_output_size_checker,
        solver=_output_size_solver,
    )
)


def _strided_solver():
    from xaitutor.background import output_size

    return output_size(224, 7, padding=3, stride=2)


def _strided_checker(answer):
    number = as_number(answer)
    if number is not None and not number.is_integer():
        return (
            "a side counts whole pixels: floor((n + 2p - k) / s) rounds the division down "
            "before the + 1, since a window cannot stick out."
        )
    hints = {
        224: "the padding of 3 keeps the size, but the stride of 2 skips every other position.",
        109: "you forgot the padding: it adds 3 pixels on each side, 224 + 2 * 3 in all.",
        218: "you forgot the padding (3 pixels on each side) and the stride (2 pixels at a time).",
        113: "almost: (224 + 6 - 7) / 2 = 111.5 is rounded down, since a window cannot stick out.",
        111: "almost: add 1, for the window's first position.",
        56: "56 is after ResNet's max-pool too; the task asks for the convolution's output alone.",
        115: "the kernel takes room too: subtract k = 7 before dividing by the stride.",
    }
    return judge_whole(
        answer,
        _strided_solver(),
        "the side of the output in pixels",
        hints,
        "use floor((n + 2p - k) / s) + 1 with n = 224, k = 7, p = 3, s = 2.",
    )


register(
    Exercise(
        name="background.strided_output_size",
        task=(
            "ResNet's first layer is a 7 x 7 convolution with padding 3 and stride 2 on a 224 x 224 "
            "image. How many pixels wide is its output?"
        ),
        checker=_strided_checker,
        solver=_strided_solver,
    )
)


# --- a parameter count (section 1.4.2) --------------------------------------------------------


def _parameters_solver():
    from xaitutor.background import conv_parameters

    return conv_parameters(64, 128, 3, bias=True)


def _parameters_checker(answer):
    weights = 128 * 64 * 9
    slips = {
        (weights,): "those are the weights; nn.Conv2d also has one bias per output channel.",
        (weights + 64, weights + 1): "one bias per output channel: 128 of them, one for each 3 x 3 x 64 window.",
        (128 * 9 + 128, 128 * 9): "each window covers all 64 input channels: it is 3 x 3 x 64, not 3 x 3.",
        (64 * 9 + 64, 64 * 9 + 128): "there is one 3 x 3 x 64 window per output channel: 128 of them.",
        (128 * 64 * 3 + 128, 128 * 64 * 3): "kernel_size=3 means a 3 x 3 window: 9 weights per input channel, not 3.",
    }
    hints = {value: hint for values, hint in slips.items() for value in values}
    return judge_whole(
        answer,
        _parameters_solver(),
        "the number of parameters",
        hints,
        "count one 3 x 3 x 64 window per output channel, plus one bias per output channel.",
    )


register(
    Exercise(
        name="background.conv_parameters",
        task=("How many parameters does nn.Conv2d(64, 128, kernel_size=3) have (bias included, as by default)?"),
        checker=_parameters_checker,
        solver=_parameters_solver,
    )
)


# --- the receptive field (section 1.4.4) ------------------------------------------------------


def _field_solver():
    from xaitutor.background import receptive_field, stacked_convs

    return receptive_field(stacked_convs(3, 3), input_size=15).size[0]


def _field_checker(answer):
    hints = {
        9: "the fields do not add 3 pixels per layer: each layer adds kernel_size - 1 = 2.",
        5: "5 x 5 is the field of two layers; there are three.",
        3: "3 x 3 is the field of one layer; each of the other two adds a 1-pixel border.",
        6: "almost: start from the output pixel itself (1) and add kernel_size - 1 = 2 per layer.",
        27: "the fields do not multiply: each layer adds kernel_size - 1 = 2 pixels.",
        49: "that counts every pixel of the field; the task asks for its side.",
    }
    return judge_whole(
        answer,
        _field_solver(),
        "the side of the receptive field in pixels",
        hints,
        "start from one output pixel and go back one layer at a time: each adds a 1-pixel border.",
    )


register(
    Exercise(
        name="background.receptive_field",
        task=(
            "Three 3 x 3 convolutions are stacked (stride 1, no padding). How many input pixels wide is "
            "the receptive field of one output pixel?"
        ),
        checker=_field_checker,
        solver=_field_solver,
    )
)
