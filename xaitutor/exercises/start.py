"""Exercises of the start page (00_start_here)."""
from . import Exercise, register

PORTRAIT = (480, 640)  # width x height, as PIL gives a photo's size


def _preprocessed_shape() -> tuple[int, int, int, int]:
    # preprocess scales the short side (the width here) to 224 and the long side by the same
    # factor, so the whole picture is kept; PyTorch lists the height before the width.
    width, height = PORTRAIT
    scale = 224 / min(width, height)
    return (1, 3, round(height * scale), round(width * scale))


def _check_preprocessed_shape(answer) -> str | None:
    expected = _preprocessed_shape()
    try:
        answer = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return "give the shape as a tuple of four numbers: (batch, channels, height, width)"
    if len(answer) != 4:
        return f"a batch has four dimensions (batch, channels, height, width); you gave {len(answer)}"
    if answer[:2] != (1, 3):
        return "one picture makes a batch of 1, with 3 colour channels"
    if answer[2:] == expected[2:][::-1]:
        return "height comes before width in PyTorch (N x C x H x W), and this photo is taller than wide"
    if answer[2:] == (224, 224):
        return "preprocess keeps the whole picture: only the short side becomes 224"
    if answer != expected:
        return "the short side (480) becomes 224; scale the long side (640) by the same factor and round"
    return None


register(Exercise("start.preprocessed_shape",
                  f"What shape does clf.preprocess give for a portrait photo {PORTRAIT[0]} pixels wide "
                  f"and {PORTRAIT[1]} high?",
                  _check_preprocessed_shape, _preprocessed_shape))
