"""How sure a measured score is: bootstrap intervals over pictures and trained seeds, whether two
methods can be told apart, and whether two measures rank the methods alike (Kendall's tau).

A score is measured for every picture under every seed of the model, a ``seeds x pictures`` array.
Its spread has two sources: which pictures were drawn, and which training run the model is. The
bootstrap resamples both, the seeds and the pictures, each with replacement, and takes the mean
of every resample; the 2.5 and 97.5 percentiles of those means are the 95 % interval."""

from __future__ import annotations

import warnings

import numpy as np

RESAMPLES = 2000


def interval(values, resamples: int = RESAMPLES, seed: int = 0) -> dict:
    """The mean of ``values`` (``seeds x pictures``; NaN ignored) with its 95 % bootstrap
    interval: ``{"mean", "low", "high"}``."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"values are seeds x pictures, got shape {values.shape}")
    rng = np.random.default_rng(seed)
    s, n = values.shape
    seeds, pictures = rng.integers(0, s, (resamples, s, 1)), rng.integers(0, n, (resamples, 1, n))
    with warnings.catch_warnings():  # a resample of NaN pictures only has no mean: left out
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(values[seeds, pictures], axis=(1, 2))
    low, high = np.nanpercentile(means, [2.5, 97.5])
    return {"mean": float(np.nanmean(values)), "low": float(low), "high": float(high)}


def apart(a: dict, b: dict) -> bool:
    """Whether two intervals (``{"low", "high"}``) do not overlap: the difference is more than the
    draw of pictures and seeds."""
    return a["high"] < b["low"] or b["high"] < a["low"]


def leaders(rows: list[dict], field: str, higher_is_better: bool = True) -> list[str]:
    """The method with the best mean of ``field`` and every method whose interval overlaps it:
    those the measure cannot tell apart from the best (a method not measured, ``None``, is not)."""
    sign = 1 if higher_is_better else -1
    rows = [r for r in rows if r[field] is not None]
    best = max(rows, key=lambda r: sign * r[field]["mean"])
    return [r["method"] for r in rows if not apart(r[field], best[field])]


def rank_agreement(rows: list[dict], first: str, second: str, lower_is_better=()) -> float:
    """Kendall's tau between the methods' rankings, best first, under two measures (1: the same
    ranking; 0: unrelated; -1: reversed). A measure named in ``lower_is_better`` ranks its lowest
    mean first (``comparison.LOWER_IS_BETTER``), so that a measure where lower is better (the
    sanity check's correlation) and one where higher is (EfficientMPRT's rise) can agree. Only the
    methods measured by both count."""
    from scipy.stats import kendalltau

    rows = [r for r in rows if r[first] is not None and r[second] is not None]
    first_means, second_means = (
        [(-1 if f in lower_is_better else 1) * r[f]["mean"] for r in rows] for f in (first, second)
    )
    return float(kendalltau(first_means, second_means).statistic)
