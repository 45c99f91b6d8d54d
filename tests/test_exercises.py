"""The exercise machinery, and every chapter's solutions against their own checks."""
import pytest

from xaitutor import exercises
from xaitutor.exercises import Exercise, Result


def test_a_check_accepts_the_right_answer_and_explains_a_wrong_one():
    ex = Exercise("test.double", "Double 21.", lambda a: None if a == 42 else f"{a} is not twice 21", lambda: 2 * 21)
    exercises.register(ex)
    try:
        assert exercises.check("test.double", 42)
        wrong = exercises.check("test.double", 41)
        assert not wrong and "41 is not twice 21" in str(wrong) and "not yet" in wrong._repr_html_()
        crash = exercises.check("test.double", object())
        assert not crash
        assert exercises.solution("test.double", show=False) == 42
    finally:
        exercises._REGISTRY.pop("test.double")


def test_a_checker_that_raises_reports_the_students_error():
    def checker(fn):
        fn(1)

    exercises.register(Exercise("test.raise", "", checker, lambda: None))
    try:
        result = exercises.check("test.raise", lambda v: 1 / 0)
        assert not result and "ZeroDivisionError" in result.message
    finally:
        exercises._REGISTRY.pop("test.raise")


def test_unknown_exercise():
    with pytest.raises(KeyError, match="no exercise named"):
        exercises.get("nope")


@pytest.mark.parametrize("name", exercises.names())
def test_every_solution_passes_its_own_check(name):
    answer = exercises.solution(name, show=False)
    assert exercises.check(name, answer), exercises.check(name, answer)


def test_result_is_truthy_only_when_right():
    assert Result("a", None) and not Result("a", "why")
