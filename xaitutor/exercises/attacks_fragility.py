"""Exercise of chapter 9: which map's top-k pixels survive random noise, read from the measured
fragility table (xaitutor/attacks/results/fragility.json); the check names the rows a reader takes
by mistake (the attack's, the rank correlation, another epsilon)."""

from __future__ import annotations

from . import Exercise, as_numbers, judge, not_a_number, register

# --- which map's top-k survives random noise: read the measured fragility table ------------------


def _rows():
    from ..attacks import results

    return {(r["method"], r["change"], r["eps"]): r for r in results.load("fragility")}


def _survival_solver():
    rows = _rows()
    return [rows[(m, "random", 8)]["top-k"] for m in ("saliency", "Grad-CAM")]


def _survival_checker(answer):
    values = as_numbers(answer, 2)
    if values is None:
        return not_a_number(answer, "two numbers [saliency, Grad-CAM] (a list, tuple or array)")
    rows, pair = _rows(), ("saliency", "Grad-CAM")
    hints = [
        (
            [rows[(m, "top-k attack", 8)]["top-k"] for m in pair],
            "those are the top-k attack's rows: the question is about random noise.",
        ),
        (
            [rows[(m, "random", 8)]["spearman"] for m in pair],
            "those are the rank correlations: the question asks for the top-k intersection.",
        ),
        (_survival_solver()[::-1], "the right numbers in the wrong order: saliency first."),
        (
            [rows[(m, "random", 2)]["top-k"] for m in pair],
            "those are for eps = 2 grey levels: the question asks for 8.",
        ),
    ]
    return judge(
        values, _survival_solver(), 2, hints, "find the rows 'random', eps 8, of saliency and of Grad-CAM in the table."
    )


register(
    Exercise(
        name="attacks.topk_survival",
        task="In the fragility table (results.load('fragility')), read the top-k intersection of saliency and of "
        "Grad-CAM under random noise of 8 grey levels: [saliency, Grad-CAM], to 2 decimals. Which keeps its top?",
        checker=_survival_checker,
        solver=_survival_solver,
    )
)
