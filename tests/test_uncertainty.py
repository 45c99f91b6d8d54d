"""The table's intervals: a bootstrap over pictures and seeds, by cases whose answer is known."""

import numpy as np
import pytest

from xaitutor.evaluation.uncertainty import apart, interval, leaders, rank_agreement


def test_a_constant_score_has_no_spread():
    assert interval(np.full((3, 20), 0.4)) == pytest.approx({"mean": 0.4, "low": 0.4, "high": 0.4})


def test_two_pictures_scoring_0_and_1_give_the_whole_range():
    # the resampled means are 0, 0.5 or 1, each end with probability 1/4: both ends lie in the 95 %
    assert interval([[0.0, 1.0]]) == {"mean": 0.5, "low": 0.0, "high": 1.0}


def test_the_seeds_are_resampled_not_only_the_pictures():
    one_run_each = np.array([[0.0] * 100, [1.0] * 100])  # two training runs that disagree entirely
    spread = interval(one_run_each)
    assert (spread["low"], spread["high"]) == (0.0, 1.0), "resampling pictures alone would say 0.5 for sure"
    assert interval(one_run_each.T.reshape(2, 100))["high"] < 0.7  # the same values, no run effect


def test_nan_pictures_are_left_out_and_a_wrong_shape_is_refused():
    scores = np.array([[0.2, np.nan, 0.2], [0.2, 0.2, np.nan]])
    assert interval(scores) == pytest.approx({"mean": 0.2, "low": 0.2, "high": 0.2})
    with pytest.raises(ValueError, match="seeds x pictures"):
        interval(np.zeros(5))


def row(name, mean, low, high, other=0.0):
    return {"method": name, "m": {"mean": mean, "low": low, "high": high}, "n": {"mean": other}}


def test_leaders_are_the_best_and_those_whose_interval_overlaps_it():
    rows = [row("a", 0.8, 0.7, 0.9), row("b", 0.65, 0.5, 0.72), row("c", 0.5, 0.4, 0.6)]
    assert leaders(rows, "m") == ["a", "b"]
    assert leaders(rows, "m", higher_is_better=False) == ["b", "c"]
    assert apart(rows[0]["m"], rows[2]["m"]) and not apart(rows[0]["m"], rows[1]["m"])
    unmeasured = {"method": "d", "m": None}  # a measure not taken for a method: neither best nor tied
    assert leaders([unmeasured, *rows], "m", higher_is_better=False) == ["b", "c"]


def test_kendall_tau_of_the_same_reversed_and_one_swapped_ranking():
    rows = [row(k, v, v, v, other=o) for k, v, o in (("a", 1, 1), ("b", 2, 2), ("c", 3, 4), ("d", 4, 3))]
    assert rank_agreement(rows, "m", "m") == pytest.approx(1.0)
    assert rank_agreement(rows, "m", "n") == pytest.approx(4 / 6)  # 5 of 6 pairs agree, 1 disagrees
    flipped = [{**r, "n": {"mean": -r["m"]["mean"]}} for r in rows]
    assert rank_agreement(flipped, "m", "n") == pytest.approx(-1.0)
    assert rank_agreement(flipped, "m", "n", lower_is_better={"n"}) == pytest.approx(1.0)  # n's best is its lowest
    assert rank_agreement(rows, "m", "n", lower_is_better={"m", "n"}) == pytest.approx(4 / 6)
    assert rank_agreement([*rows, {"method": "e", "m": {"mean": 9.0}, "n": None}], "m", "n") == pytest.approx(4 / 6)
