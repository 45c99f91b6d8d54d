"""How a checker reads an answer: numbers (never text: ``"126"`` is a string, not a number),
numbers to the precision a task asks for, the student's function run on copies of the checker's
example, and the loops in the student's code, read with :mod:`ast` (never timed)."""

from __future__ import annotations

import ast
import copy
import dis
import inspect
import math
import numbers
import textwrap

import numpy as np


def plain(answer):
    """``answer`` with its tensors detached and moved to the CPU (a list or tuple of them too): a
    tensor that requires its gradient, ``model(x).sum()``, is read as the numbers it holds."""
    if hasattr(answer, "detach"):
        return answer.detach().cpu()
    if isinstance(answer, (list, tuple)) and any(hasattr(a, "detach") for a in answer):
        return [float(a.detach()) if hasattr(a, "detach") and a.numel() == 1 else plain(a) for a in answer]
    return answer


def is_text(answer) -> bool:
    """True for a string, or a list or array holding strings: an answer typed in quotes."""
    answer = plain(answer)
    if isinstance(answer, (str, bytes)):
        return True
    try:
        return np.asarray(answer).dtype.kind in "USO" and any(isinstance(a, (str, bytes)) for a in np.ravel(answer))
    except (TypeError, ValueError):
        return False


def as_number(answer) -> float | None:
    """``answer`` as a float (an int, a numpy or a one-value torch number), or ``None`` when it is
    not a number: text and True/False are not numbers here. A whole number too large for a float
    is an infinite one (a wrong answer, not an error)."""
    answer = plain(answer)
    if is_text(answer) or isinstance(answer, (bool, np.bool_)):
        return None
    try:
        return float(answer)
    except OverflowError:
        return math.inf if answer > 0 else -math.inf
    except (TypeError, ValueError, RuntimeError):
        return None


def as_integer(answer) -> int | None:
    """``answer`` as an int when it is a whole number, else ``None``."""
    if isinstance(answer, numbers.Integral) and not isinstance(answer, (bool, np.bool_)):
        return int(answer)  # exactly, however large
    value = as_number(answer)
    return int(value) if value is not None and value.is_integer() else None


def as_numbers(answer, count: int) -> np.ndarray | None:
    """``answer`` (a list, tuple, array or tensor) as ``count`` floats, or ``None`` when it is not that."""
    answer = plain(answer)
    if is_text(answer):
        return None
    try:
        values = np.asarray(answer, dtype=float).reshape(-1)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return None
    return values if values.size == count else None


def not_a_number(answer, what: str) -> str:
    """Why ``answer`` is not the number (or numbers) the task asks for: ``what`` names them."""
    if is_text(answer):
        return f"give {what}: {answer!r} is text, not a number (leave out the quotes)."
    return f"give {what}, not a {type(answer).__name__}."


def within(value: float, right: float, decimals: int) -> bool:
    """True when ``value`` is ``right`` to ``decimals`` decimals: rounded there, or more precise."""
    return abs(value - right) <= 0.5 * 10.0**-decimals + 1e-9


def call(answer, *args, usage: str = "def ..."):
    """Run the student's function on copies of ``args`` (so it cannot change the checker's example):
    ``(result, None)`` (a tensor detached, :func:`plain`), or ``(None, what is wrong)`` when it is
    no function, returns nothing yet, or returns text."""
    if not callable(answer):
        return None, f"give a function ({usage}), not this {type(answer).__name__}."
    result = answer(*(copy.deepcopy(arg) for arg in args))
    if result is None:
        return None, "your function returns None: write your code in place of the placeholder, and return its result."
    if result is Ellipsis:
        return None, "your function still returns ... (the placeholder): replace it with your code."
    if is_text(result):
        return None, f"your function returns text ({result!r}), not numbers: return the values themselves."
    return plain(result), None


_LOOPS = {
    ast.For: "a for loop",
    ast.While: "a while loop",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
}
_HIDDEN_LOOPS = {"map", "vectorize", "apply_along_axis", "fromiter"}  # loops in a function call


def loops_in(function) -> list[str]:
    """The Python loops written in ``function``'s code, read from its source with :mod:`ast`: for
    and while loops, comprehensions, and map / np.vectorize / np.apply_along_axis. Without a source
    (a function typed at a bare prompt) its bytecode is read instead: a loop jumps back."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):  # no source, or a lambda in the middle of a line
        code = getattr(function, "__code__", None)
        codes = [code] + [c for c in (code.co_consts if code else ()) if inspect.iscode(c)]
        ops = [i.opname for c in codes if c for i in dis.get_instructions(c)]
        found = any(op == "FOR_ITER" or "BACKWARD" in op for op in ops)
        return ["a loop"] if found else []
    found = {name for node in ast.walk(tree) for kind, name in _LOOPS.items() if isinstance(node, kind)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in _HIDDEN_LOOPS:
                found.add(f"{called}(...), a loop in a call")
    return sorted(found)


def names_in(function) -> set[str]:
    """The global and attribute names that ``function``'s code uses (``np.convolve`` gives ``np`` and
    ``convolve``), read from its bytecode, nested functions and comprehensions included: what a
    check reads to refuse a library call that does the task for the student."""
    found, codes = set(), [getattr(function, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is not None:
            found.update(code.co_names)
            codes.extend(c for c in code.co_consts if inspect.iscode(c))
    return found


def judge_whole(answer, right: int, what: str, hints: dict, otherwise: str) -> str | None:
    """What a checker of one whole number answers: why ``answer`` is not a whole number (``what``
    names it), ``None`` when it is ``right``, else the hint ``hints`` keeps for that slip, else
    ``otherwise``."""
    value = as_integer(answer)
    if value is None:
        return not_a_number(answer, f"one whole number ({what})")
    return None if value == right else hints.get(value, otherwise)


def judge(value, right, decimals: int, hints=(), otherwise: str = "not yet.") -> str | None:
    """What a checker of numbers answers: ``None`` when ``value`` is ``right`` to ``decimals``
    decimals (every value, for arrays), else the hint of the first ``(wrong, hint)`` pair that
    ``value`` matches (the usual slips), else "close" when it is near but not precise enough,
    else ``otherwise``."""
    value, right = np.asarray(value, dtype=float), np.asarray(right, dtype=float)

    def matches(expected) -> bool:
        expected = np.asarray(expected, dtype=float)
        return expected.shape == value.shape and all(within(v, e, decimals) for v, e in zip(value.flat, expected.flat))

    if matches(right):
        return None
    for wrong, hint in hints:
        if matches(wrong):
            return hint
    if np.abs(value - right).max() < 10.0 ** (1 - decimals):
        return (
            f"close, but the task asks for {decimals} decimals: round (not cut off) to {decimals} decimals, "
            "or give more."
        )
    return otherwise
