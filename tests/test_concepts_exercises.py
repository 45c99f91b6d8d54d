"""Chapter 8's exercises: each accepts the right answer in every form and names the usual slips."""

import numpy as np
import pytest
import torch
from scipy.stats import ttest_ind

import xaitutor as xt
from xaitutor.exercises import concepts as c

RIGHT = {
    "concepts.tcav_score": [0.5, 5 / 10, np.float32(0.5), torch.tensor(0.5), [0.5]],
    "concepts.iou": [3 / 7, 0.429, np.array([3 / 7])],
    "concepts.p_value": [
        min(1.0, 3 * ttest_ind(c.CONCEPT_SCORES, c.RANDOM_SCORES).pvalue),
        min(1.0, 3 * ttest_ind(c.CONCEPT_SCORES, c.RANDOM_SCORES, equal_var=False).pvalue),  # Welch's
    ],
}
SLIPS = {
    "concepts.tcav_score": [(0.7, "zeros"), (0.3, "falls"), (5, "share"), (0.38, "signs"), (0.806, "magnitude")],
    "concepts.iou": [(0.5, "recall"), (0.75, "precision"), (0.6, "Dice"), (3, "intersection"), (4 / 7, "T_k")],
    "concepts.p_value": [
        (ttest_ind(c.CONCEPT_SCORES, c.RANDOM_SCORES).pvalue, "multiply it by 3"),
        (ttest_ind(c.CONCEPT_SCORES, c.RANDOM_SCORES).pvalue / 3, "you divided"),
        (3 * ttest_ind(c.CONCEPT_SCORES, c.RANDOM_SCORES, alternative="greater").pvalue, "one-sided"),
    ],
}


@pytest.mark.parametrize("name", RIGHT)
def test_right_answers_pass_in_every_form(name):
    assert xt.exercises.check(name, xt.exercises.solution(name, show=False))
    for answer in RIGHT[name]:
        assert xt.exercises.check(name, answer), (name, answer)


@pytest.mark.parametrize("name, answer, hint", [(n, a, h) for n, slips in SLIPS.items() for a, h in slips])
def test_each_slip_is_named(name, answer, hint):
    result = xt.exercises.check(name, answer)
    assert not result and hint in result.message, result.message


@pytest.mark.parametrize("name", RIGHT)
def test_text_and_placeholders_are_refused(name):
    assert not xt.exercises.check(name, "0.5") and "text" in xt.exercises.check(name, "0.5").message
    assert not xt.exercises.check(name, None)
