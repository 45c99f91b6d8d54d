"""The exercise machinery, every chapter's solutions against their own checks, and the notebooks
showing a solution only when asked."""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from xaitutor import exercises
from xaitutor.exercises import Exercise, Result
from xaitutor.exercises.answers import is_text


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


def test_a_placeholder_is_named_as_such_and_never_reaches_the_checker():
    def checker(answer):
        raise AssertionError("the checker must not see a placeholder")

    exercises.register(Exercise("test.placeholder", "", checker, lambda: 1))
    try:
        for placeholder in (None, ...):
            result = exercises.check("test.placeholder", placeholder)
            assert not result and "replace the placeholder" in result.message
    finally:
        exercises._REGISTRY.pop("test.placeholder")


def test_call_runs_the_students_function_on_copies():
    example = np.zeros(3)

    def student(values):
        values += 1  # changing its argument must not change the checker's example
        return values.sum()

    assert exercises.call(student, example) == (3.0, None)
    assert example.sum() == 0
    assert "give a function (def f(x): ...), not this int" in exercises.call(3, usage="def f(x): ...")[1]
    assert "returns None" in exercises.call(lambda: None)[1]
    assert "placeholder" in exercises.call(lambda: ...)[1]


@pytest.mark.parametrize(
    "answer, number, integer",
    [
        (3, 3.0, 3),
        ("2.5", None, None),
        (True, None, None),
        (np.float32(4.0), 4.0, 4),
        ("four", None, None),
        ([1], None, None),
    ],
)
def test_numbers_in_answers(answer, number, integer):
    assert exercises.as_number(answer) == number
    assert exercises.as_integer(answer) == integer


def test_a_fixed_count_of_numbers():
    assert exercises.as_numbers([[1, 2], [3, 4]], 4).tolist() == [1, 2, 3, 4]
    assert exercises.as_numbers([1, 2], 3) is None
    assert exercises.as_numbers(["a"], 1) is None


def test_unknown_exercise():
    with pytest.raises(KeyError, match="no exercise named"):
        exercises.get("nope")


@pytest.mark.parametrize("name", exercises.names())
def test_every_solution_passes_its_own_check(name):
    answer = exercises.solution(name, show=False)
    assert exercises.check(name, answer), exercises.check(name, answer)


def test_result_is_truthy_only_when_right():
    assert Result("a", None) and not Result("a", "why")


def test_the_start_exercise_is_what_preprocess_gives(lite0):
    from PIL import Image

    from xaitutor.exercises.start import PORTRAIT

    right = tuple(lite0.preprocess(Image.new("RGB", PORTRAIT)).shape)
    assert exercises.solution("start.preprocessed_shape", show=False) == right == (1, 3, 299, 224)
    for wrong, hint in [
        ((1, 3, 224, 299), "height comes before width"),
        ((1, 3, 224, 224), "whole picture"),
        ((3, 299, 224), "four dimensions"),
        ((1, 3, 298, 224), "and round"),
    ]:
        assert hint in exercises.check("start.preprocessed_shape", wrong).message


NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_is_shown_unless_the_student_asks(path):
    # a committed call prints the solution under its exercise (and in the decks) and overwrites the
    # student's function; the call belongs in a comment under the exercise, one edit away
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    calls = [c.source for c in code for line in c.source.splitlines() if "exercises.solution(" in line.split("#", 1)[0]]
    assert not calls, f"{path.name}: a cell calls the solution: {calls[0][:80]!r}"
    for cell in code:  # an exercise: a cell that ends by showing its check
        statements = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
        if statements and statements[-1].startswith("xt.exercises.check("):
            name = re.match(r'xt\.exercises\.check\("([^"]+)"', statements[-1]).group(1)
            assert f'exercises.solution("{name}")' in cell.source, f"{path.name}: no 'stuck?' comment under {name}"


def test_a_tensor_that_requires_grad_is_read_as_its_numbers():
    answer = torch.tensor(126.0, requires_grad=True) * 1  # what model(x).sum() and friends give
    assert exercises.as_number(answer) == 126.0 and exercises.as_integer(answer) == 126
    assert exercises.as_numbers(torch.tensor([0.0, -1.5, 0.5], requires_grad=True), 3).tolist() == [0.0, -1.5, 0.5]
    assert exercises.as_numbers([torch.tensor(1.0, requires_grad=True), torch.tensor(2.0)], 2).tolist() == [1, 2]
    assert not is_text(torch.ones(2, requires_grad=True))
    assert exercises.check("background.output_size", answer)
    assert exercises.check("background.perceptron_update", torch.tensor([0.0, -1.5, 0.5], requires_grad=True))
    result, problem = exercises.call(lambda: torch.ones(2, requires_grad=True))
    assert problem is None and not result.requires_grad


def test_a_huge_whole_number_is_a_wrong_number_not_an_error():
    assert exercises.as_integer(10**400) == 10**400 and exercises.as_number(10**400) == float("inf")
    assert exercises.as_number(-(10**400)) == -float("inf")
    for name in ("background.output_size", "evaluation.auc", "toolbox.shapley"):
        message = str(exercises.check(name, 10**400))
        assert "not yet" in message and "raised" not in message


@pytest.mark.parametrize("answer", ["82, 114, 160, 224", {"a": 1}, ["a", "b", "c", "d"]])
def test_the_pyramid_check_reads_text_as_every_check_does(answer):
    message = str(exercises.check("featurevis.pyramid", answer))
    assert "raised" not in message and "not yet" in message


def test_a_function_returning_text_is_told_so():
    message = str(exercises.check("lime.sample_weights", lambda rows, kernel_width=0.25: "weights"))
    assert "raised" not in message and "returns text" in message
