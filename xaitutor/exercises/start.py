"""Exercises of the start page (00_start_here)."""

from . import Exercise, as_number, as_numbers, judge, not_a_number, register
from .answers import is_text

PORTRAIT = (480, 640)  # width x height, as PIL gives a photo's size


def _preprocessed_shape() -> tuple[int, int, int, int]:
    # preprocess scales the short side (the width here) to 224 and the long side by the same
    # factor, so the whole picture is kept; PyTorch lists the height before the width.
    width, height = PORTRAIT
    scale = 224 / min(width, height)
    return (1, 3, round(height * scale), round(width * scale))


def _check_preprocessed_shape(answer) -> str | None:
    expected = _preprocessed_shape()
    if is_text(answer):
        return "give the shape as numbers, such as (1, 2, 3, 4): yours is text (leave out the quotes)."
    try:
        count = len(answer)
    except TypeError:
        count = None
    values = as_numbers(answer, count) if count else None
    if values is None:
        return "give the shape as a tuple of four numbers: (batch, channels, height, width)"
    if count != 4:
        return f"a batch has four dimensions (batch, channels, height, width); you gave {count}"
    if not all(v.is_integer() for v in values):
        return "a shape counts whole pixels: scale the long side by the short side's factor and round"
    answer = tuple(int(v) for v in values)
    if answer[0] == 1 and answer[3] == 3:
        return "PyTorch puts the channels first, right after the batch: N x C x H x W, not N x H x W x C"
    if answer[:2] != (1, 3):
        return "one picture makes a batch of 1, with 3 colour channels"
    if answer[2:] == expected[2:][::-1]:
        return "height comes before width in PyTorch (N x C x H x W), and this photo is taller than wide"
    if answer[2:] == (224, 224):
        return "preprocess keeps the whole picture: only the short side becomes 224"
    if answer != expected:
        return "the short side (480) becomes 224; scale the long side (640) by the same factor and round"
    return None


register(
    Exercise(
        "start.preprocessed_shape",
        f"What shape does clf.preprocess give for a portrait photo {PORTRAIT[0]} pixels wide and {PORTRAIT[1]} high?",
        _check_preprocessed_shape,
        _preprocessed_shape,
    )
)


RED = 200  # a pixel's red value, of 255


def _normalised_red() -> float:
    # preprocess scales a value to [0, 1], then subtracts the model's mean and divides by its std
    from ..models import load

    clf = load("efficientnet_lite0")
    return (RED / 255 - clf.mean[0]) / clf.std[0]


def _check_normalised_red(answer) -> str | None:
    value = as_number(answer)
    if value is None:
        return not_a_number(answer, "one number: what the network receives for this pixel")
    right = _normalised_red()
    mean, std = 127 / 255, 128 / 255  # efficientnet_lite0's, as clf.mean and clf.std print them
    if abs(value) > 10:
        return "the network receives values near -1 to 1: scale the value to [0, 1] first (divide by 255)"
    return judge(
        value,
        right,
        3,
        hints=[
            (
                (RED / 255 - 0.485) / 0.229,
                "use this model's own mean and std (clf.mean, clf.std), not ImageNet's usual",
            ),
            (RED / 255 * std + mean, "this is the way back: to normalise, subtract the mean, then divide by the std"),
            (RED / 255 - mean, "after subtracting the mean, divide by the std"),
            (RED / 255 / std - mean, "subtract the mean before dividing by the std"),
        ],
    )


register(
    Exercise(
        "start.normalised_red",
        f"What number does efficientnet_lite0 receive for a red value of {RED} (of 255), to 3 decimals?",
        _check_normalised_red,
        _normalised_red,
    )
)
