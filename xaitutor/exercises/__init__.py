"""Exercises with automatic checks, for the notebooks.

>>> xt.exercises.check("background.output_size", 126)   # says whether the answer is right, and why not
>>> xt.exercises.solution("background.output_size")      # shows a worked solution and returns its answer

Each chapter writes its exercises in a module of this package (``background.py``, ``gradcam.py``,
...) as :class:`Exercise` objects passed to :func:`register`. A checker returns ``None`` for a
right answer and a sentence saying what is wrong otherwise; a solution is a function that computes
the right answer, so every solution can be tested against its own check. The helpers of
:mod:`.answers` (:func:`as_number`, :func:`within`, :func:`call`, :func:`loops_in`, ...) turn an
answer into what a checker compares, or say why it cannot be.
"""

from __future__ import annotations

import html
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .answers import as_integer, as_number, as_numbers, call, judge, loops_in, not_a_number, within

_REGISTRY: dict[str, Exercise] = {}


def _is_placeholder(value) -> bool:
    """What the notebooks' exercise cells hold before the student answers: None or ... ."""
    return value is None or value is Ellipsis


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``name`` (``"chapter.topic"``), the ``task`` in a sentence, a ``checker``
    (answer -> ``None`` when right, else what is wrong) and a ``solver`` (-> the right answer)."""

    name: str
    task: str
    checker: Callable[[Any], str | None]
    solver: Callable[[], Any]


@dataclass(frozen=True)
class Result:
    """The outcome of a check: true when right; shows itself as a coloured line in a notebook."""

    name: str
    message: str | None

    def __bool__(self) -> bool:
        return self.message is None

    def __str__(self) -> str:
        return f"✔ {self.name}: correct!" if self else f"✘ {self.name}: not yet. {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self else "#b35900"
        return f'<div style="color:{colour};font-weight:bold">{html.escape(str(self))}</div>'


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (names are unique)."""
    if exercise.name in _REGISTRY and _REGISTRY[exercise.name] is not exercise:
        raise ValueError(f"two exercises are named {exercise.name!r}")
    _REGISTRY[exercise.name] = exercise
    return exercise


def get(name: str) -> Exercise:
    """The exercise called ``name``."""
    _load_chapters()
    if name not in _REGISTRY:
        raise KeyError(f"no exercise named {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def names() -> list[str]:
    """The names of all exercises."""
    _load_chapters()
    return sorted(_REGISTRY)


def check(name: str, answer) -> Result:
    """Check ``answer`` to the exercise ``name``: right, or what is wrong with it."""
    exercise = get(name)
    if _is_placeholder(answer):
        shown = "..." if answer is Ellipsis else "None"
        return Result(name, f"replace the placeholder ({shown}) with your answer. {exercise.task}")
    try:
        message = exercise.checker(answer)
    except Exception as error:  # the student's code runs inside the checker
        message = f"checking your answer raised {type(error).__name__}: {error}"
    return Result(name, message)


def solution(name: str, show: bool = True):
    """Reveal the worked solution of ``name`` (its code) and return the right answer."""
    exercise = get(name)
    if show:
        print(textwrap.dedent(inspect.getsource(exercise.solver)))
    return exercise.solver()


def _load_chapters() -> None:
    """Import every chapter module of this package, which registers its exercises."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


__all__ = [
    "Exercise",
    "Result",
    "register",
    "get",
    "names",
    "check",
    "solution",
    "as_number",
    "as_integer",
    "as_numbers",
    "call",
    "judge",
    "loops_in",
    "not_a_number",
    "within",
]
