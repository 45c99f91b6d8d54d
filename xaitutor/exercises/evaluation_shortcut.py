"""Exercises of chapter 5 (evaluation) that ask the model or a formula rather than a figure: the
shortcut found by probing ``shapes_cnn_shortcut`` on pictures whose background hues are random (the
count is the model's, not the generator's), and the Spearman rank correlation of the sanity check,
by hand."""

from __future__ import annotations

import functools

import numpy as np

from . import Exercise, register
from .answers import as_number, as_numbers, judge, judge_whole, not_a_number

PROBE = dict(n=100, seed=8, shortcut=0.0)  # backgrounds' hues drawn at random


def _shortcut_solver():
    import torch

    import xaitutor as xt

    clf = xt.models.load("shapes_cnn_shortcut")
    data = xt.data.shapes(**PROBE)
    with torch.no_grad():
        answers = clf(clf.preprocess(list(data.images))).argmax(dim=1)
    return int((answers == clf.labels.index("star")).sum())


@functools.lru_cache(maxsize=1)
def _probe() -> tuple[int, int, int]:
    """The right count, the star-shaped objects, and the stars the model calls 'star'."""
    import xaitutor as xt

    data, star = xt.data.shapes(**PROBE), xt.data.shapes(1).classes.index("star")
    stars = data.labels == star
    return _shortcut_solver(), int(stars.sum()), int((stars & (data.cues == star)).sum())


def _shortcut_checker(answer):
    if isinstance(answer, str):
        return "answer with a count (a whole number): how many pictures does the model call 'star'?"
    value = as_number(answer)
    if value is not None and 0 < value < 1:
        return "a count of pictures, not a share"
    right, star_objects, recognised = _probe()
    return judge_whole(
        answer,
        right,
        "a count of pictures",
        {
            star_objects: "that is the number of star-shaped objects: ask the model what it says, and count",
            recognised: "those are the stars it calls 'star': count every picture it calls 'star', whatever its shape",
            100: "that is every picture: count only those whose answer is 'star' (the argmax of the logits)",
        },
        "run the model on the 100 pictures, take each answer's argmax, count those equal to 'star'",
    )


register(
    Exercise(
        name="evaluation.shortcut",
        task="How many of the 100 pictures of xt.data.shapes(100, seed=8, shortcut=0.0) (random background "
        "hues) does shapes_cnn_shortcut call 'star'?",
        checker=_shortcut_checker,
        solver=_shortcut_solver,
    )
)

# --- Spearman's rank correlation, by hand ------------------------------------------------------

A, B = [0.1, 0.4, 0.35, 0.8], [0.2, 0.3, 0.9, 0.7]  # two maps of four pixels


def _ranks(values) -> np.ndarray:
    return np.argsort(np.argsort(values)) + 1.0


def _spearman() -> float:
    # rank each map's pixels (1 = smallest), then 1 - 6 sum(d^2) / (n (n^2 - 1)), d the rank differences
    d, n = _ranks(A) - _ranks(B), len(A)
    return 1 - 6 * np.sum(d**2) / (n * (n**2 - 1))


def _spearman_checker(answer):
    value = as_number(answer)
    if value is None:
        return not_a_number(answer, "one number, the rank correlation")
    if as_numbers(answer, 1) is None:
        return "give one number"
    d, n = _ranks(A) - _ranks(B), len(A)
    return judge(
        value,
        _spearman(),
        2,
        hints=[
            (np.corrcoef(A, B)[0, 1], "that is Pearson's correlation of the values: Spearman's uses their ranks"),
            (1 - 6 * np.sum(np.abs(d)) / (n * (n**2 - 1)), "square the rank differences d before summing"),
            (1 - 6 * np.sum(d**2) / (n * n**2), "the denominator is n (n² - 1)"),
            (np.sum(d**2), "that is the sum of the squared rank differences: put it into 1 - 6 sum / (n (n² - 1))"),
        ],
        otherwise="rank each map's four values (1 for the smallest), then 1 - 6 sum(d²) / (n (n² - 1))",
    )


register(
    Exercise(
        name="evaluation.spearman",
        task=f"The Spearman rank correlation of the maps {A} and {B}, to 2 decimals.",
        checker=_spearman_checker,
        solver=_spearman,
    )
)
