"""Exercise of chapter 6: where a min-max display puts an attribution of 0 (the question behind
"why is my map's background not zero?")."""

from __future__ import annotations

from . import Exercise, register
from .answers import as_number, judge, not_a_number

LOW, HIGH = -2.0, 6.0  # a signed map's smallest and largest values


def _display_zero() -> float:
    # min-max scaling sends v to (v - min) / (max - min): 0 goes to -min / (max - min)
    return (0 - LOW) / (HIGH - LOW)


def _check_display_zero(answer) -> str | None:
    value = as_number(answer)
    if value is None:
        return not_a_number(answer, "one number in [0, 1]")
    return judge(
        value,
        _display_zero(),
        3,
        hints=[
            (0.0, "0 stays 0 only when the map's minimum is 0: here the minimum, -2, goes to 0"),
            (0.5, "0.5 is the centre of a diverging map with limits ± the largest magnitude; min-max is not centred"),
            (1 / 3, "divide by the whole range, max - min = 8, not by the maximum alone"),
            (-LOW / HIGH, "divide by the whole range, max - min = 8, not by the maximum alone"),
            (0.75, "that is where 6 - 2 = 4 lands, measured from the top: (0 - min) / (max - min)"),
        ],
        otherwise="min-max scaling sends v to (v - min) / (max - min)",
    )


register(
    Exercise(
        "toolbox.display_zero",
        f"A map's values run from {LOW:g} to {HIGH:g}; min-max scaled to [0, 1], where does 0 land?",
        _check_display_zero,
        _display_zero,
    )
)
