"""Chapter 7's exercises: each refuses the mistakes students make, saying what is wrong, and accepts
a right answer written another way than the solution."""

import numpy as np
import pytest
import torch
from helpers.exercise_cases import assert_names_slips_and_accepts

import xaitutor as xt
from xaitutor.exercises import relevance_classes
from xaitutor.methods.relevance import rules


def leak_totals():
    """The leak exercise answered with the package, as the task allows."""
    from xaitutor.exercises.relevance import LEAK_INPUT, leak_network

    x = torch.tensor([LEAK_INPUT])[:, :, None, None]
    lrp0 = {"conv": rules.epsilon(0.0), "linear": rules.epsilon(0.0)}
    parts = xt.lrp(leak_network(), x, target=0, composite=lrp0, return_parts=True)
    return [total.item() for _, total in parts.totals]


CASES = {
    "relevance.epsilon_rule": dict(
        wrong=[
            ([12, -2], "LRP-0"),
            ([72 / 7, -12 / 7], "includes the bias"),
            ([0.75, -0.125], "you shared 1"),
            ([6, -1], "contributions"),
            ([9, 0], "z+ rule"),
            ([-1.5, 9], "wrong order"),
            ("9, -1.5", "two numbers"),
            ([9.01, -1.5], "3 decimals"),
        ],
        right=[(9, -1.5), np.array([9.0, -1.5]), torch.tensor([9.0, -1.5]), [9.0004, -1.4996]],
    ),
    "relevance.leak": dict(
        wrong=[
            ([8, 8], "conserves only"),
            ([3, 6], "wrong order"),
            ([6, 6], "first layer's bias"),
            ([8, 4], "top bias"),
            (6, "two numbers"),
        ],
        right=[(6, 3), np.array([6.0, 3.0]), leak_totals(), [6.0004, 2.9996]],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_check_refuses_the_usual_mistakes_and_accepts_other_right_forms(name):
    assert_names_slips_and_accepts(name, CASES[name]["wrong"], CASES[name]["right"])


def test_the_class_check_measures_and_names_the_slips():
    right = relevance_classes._correlations()
    assert right[0] < 0.3 < right[1], "γ = 0 on top tells the classes apart, γ = 100 (nearly z+) does not"
    name = "relevance.class_sensitive"
    for answer, hint in [
        (right[::-1], "wrong order"),
        (relevance_classes._correlations(channels=True), "to_map"),
        ([1.0, 1.0], "correlated with itself"),
        ("0.1, 0.7", "two correlations"),
    ]:
        result = xt.exercises.check(name, answer)
        assert not result and hint in result.message, (hint, result.message)
    for answer in (right, np.round(right, 2), torch.tensor(right)):
        assert xt.exercises.check(name, answer)


def test_no_solution_is_shown_unless_asked():
    for name in (*CASES, "relevance.class_sensitive"):
        message = xt.exercises.check(name, ...).message
        assert "def _" not in message and "solver" not in message


def test_every_exercise_of_the_chapter_is_tested_here():
    assert {n for n in xt.exercises.names() if n.startswith("relevance.")} == {*CASES, "relevance.class_sensitive"}
