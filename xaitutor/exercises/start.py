"""Exercises of the start page (00_start_here)."""

from . import Exercise, as_numbers, register
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
