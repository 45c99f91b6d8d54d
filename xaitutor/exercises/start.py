"""Exercises of the start page (00_start_here)."""
from . import Exercise, register


def _preprocessed_shape() -> tuple[int, int, int, int]:
    # The cat photo is 451 x 300 (width x height). preprocess scales the short side (300) to 224
    # and the long side by the same factor, so the whole picture is kept.
    width, height = 451, 300
    scale = 224 / min(width, height)
    return (1, 3, round(height * scale), round(width * scale))


def _check_preprocessed_shape(answer) -> str | None:
    expected = _preprocessed_shape()
    try:
        answer = tuple(int(v) for v in answer)
    except TypeError:
        return "give the shape as a tuple of four numbers: (batch, channels, height, width)"
    if len(answer) != 4:
        return f"a batch has four dimensions (batch, channels, height, width); you gave {len(answer)}"
    if answer[:2] != (1, 3):
        return "one picture makes a batch of 1, with 3 colour channels"
    if answer[2:] == expected[2:][::-1]:
        return "height comes before width in PyTorch (N x C x H x W)"
    if answer[2:] == (224, 224):
        return "preprocess keeps the whole picture: only the short side becomes 224"
    if answer != expected:
        return "the short side (300) becomes 224; scale the long side (451) by the same factor"
    return None


register(Exercise("start.preprocessed_shape",
                  "What shape does clf.preprocess give for the 451 x 300 cat photo?",
                  _check_preprocessed_shape, _preprocessed_shape))
