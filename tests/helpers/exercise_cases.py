"""The one way the exercise tests read a check: each usual slip refused with the phrase of its
message that names it, each right answer accepted in every form given, and the exercise's own
solution accepted too."""

import xaitutor as xt


def assert_names_slips_and_accepts(name: str, wrong, right) -> None:
    """``wrong``: ``(answer, phrase)`` pairs, each refused with ``phrase`` in the message;
    ``right``: answers written in other forms than the solution, each accepted."""
    assert name in xt.exercises.names(), f"no exercise {name!r}"
    for answer, phrase in wrong:
        result = xt.exercises.check(name, answer)
        assert not result and phrase in result.message, (phrase, result.message)
    for answer in right:
        assert xt.exercises.check(name, answer), (answer, xt.exercises.check(name, answer).message)
    assert xt.exercises.check(name, xt.exercises.solution(name, show=False))
