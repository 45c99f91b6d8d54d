"""Exercises of chapter 8 (concepts): a TCAV score from given directional derivatives, the IoU of
a unit's mask and a concept's (Network Dissection), and the corrected p-value of a TCAV test. Each
answer is numbers; the checks name the usual slips (counting zeros as rises, captum's magnitude
score, precision or recall for the IoU, the one-sided or uncorrected p-value)."""

from __future__ import annotations

import numpy as np

from . import Exercise, as_numbers, judge, not_a_number, register

# --- a TCAV score from directional derivatives --------------------------------------------------

# S_{C,k}(x) = grad h_k(f_l(x)) . v_C for ten pictures of the class
DERIVATIVES = np.array([0.8, -0.2, 0.0, 1.5, 0.3, -0.9, 0.0, 0.4, -0.1, 2.0])


def _tcav_solver():
    return float((DERIVATIVES > 0).mean())  # the share of pictures whose score rises


def _tcav_checker(answer):
    values = as_numbers(answer, 1)
    if values is None:
        return not_a_number(answer, "one number, the TCAV score (a share between 0 and 1)")
    s = DERIVATIVES
    hints = [
        ((s >= 0).mean(), "you counted the zeros as rises: a derivative of 0 does not raise the score (S > 0)."),
        ((s < 0).mean(), "that is the share whose score falls: TCAV counts the pictures with S > 0."),
        ((s > 0).sum(), "that is the number of pictures: TCAV is their share of the class's pictures."),
        (s.mean(), "that is the mean derivative: TCAV counts signs, not sizes."),
        (
            s[s > 0].sum() / np.abs(s).sum(),
            "that is captum's magnitude score (positive derivatives' share of |S|): the TCAV score counts pictures.",
        ),
        ((s > 0).sum() / (s != 0).sum(), "you left out the pictures with S = 0: they are pictures of the class too."),
    ]
    return judge(values[0], _tcav_solver(), 3, hints, "count the derivatives above 0 and divide by all ten.")


register(
    Exercise(
        name="concepts.tcav_score",
        task="DERIVATIVES (from xaitutor.exercises.concepts import DERIVATIVES) are the directional "
        "derivatives S(x) = grad h_k(f_l(x)) . v_C of ten pictures of a class along a concept's vector. "
        "Give the TCAV score to 3 decimals.",
        checker=_tcav_checker,
        solver=_tcav_solver,
    )
)

# --- the IoU of a unit's mask and a concept's ---------------------------------------------------

ACTIVATION = np.array(
    [[0.1, 0.3, 0.2, 0.0], [0.4, 2.5, 3.1, 0.2], [0.3, 2.8, 1.9, 0.1], [0.0, 0.6, 2.2, 0.4]]
)  # a unit's map, already at the picture's size
THRESHOLD = 2.0  # the unit's T_k (its top quantile over the data set)
CONCEPT = np.array([[0, 0, 0, 0], [0, 1, 1, 1], [0, 1, 1, 1], [0, 0, 0, 0]], dtype=bool)


def _iou_parts(unit=None):
    unit = ACTIVATION > THRESHOLD if unit is None else unit
    return (unit & CONCEPT).sum(), (unit | CONCEPT).sum(), unit.sum(), CONCEPT.sum()


def _iou_solver():
    inter, union, _, _ = _iou_parts()
    return float(inter / union)


def _iou_checker(answer):
    values = as_numbers(answer, 1)
    if values is None:
        return not_a_number(answer, "one number, the IoU")
    inter, union, unit, concept = _iou_parts()
    i2, u2, _, _ = _iou_parts(ACTIVATION >= 1.9)
    hints = [
        (inter / concept, "that is the share of the concept the unit covers (recall): divide by the union."),
        (inter / unit, "that is the share of the unit's mask inside the concept (precision): divide by the union."),
        (
            2 * inter / (unit + concept),
            "that is the Dice coefficient 2|M ∩ L| / (|M| + |L|): IoU is |M ∩ L| / |M ∪ L|.",
        ),
        (inter, "that is the intersection's size: divide it by the union's."),
        (i2 / u2, "the unit's mask is where the activation passes T_k = 2.0, not everything near it."),
    ]
    return judge(values[0], _iou_solver(), 3, hints, "threshold the map at T_k, then |M ∩ L| / |M ∪ L|.")


register(
    Exercise(
        name="concepts.iou",
        task="ACTIVATION is a unit's map (4 x 4, at the picture's size), THRESHOLD its T_k and CONCEPT a "
        "concept's mask (from xaitutor.exercises.concepts import ACTIVATION, THRESHOLD, CONCEPT). The unit's "
        "mask M is where ACTIVATION > THRESHOLD. Give the IoU of M and CONCEPT to 3 decimals.",
        checker=_iou_checker,
        solver=_iou_solver,
    )
)

# --- the corrected p-value of a TCAV test -------------------------------------------------------

CONCEPT_SCORES = np.array([0.9, 0.85, 1.0, 0.95, 0.8, 0.9])
RANDOM_SCORES = np.array([0.6, 0.3, 0.75, 0.5, 0.9, 0.45])
LAYERS_TESTED = 3


def _p(equal_var=True, alternative="two-sided"):
    from scipy.stats import ttest_ind

    return float(ttest_ind(CONCEPT_SCORES, RANDOM_SCORES, equal_var=equal_var, alternative=alternative).pvalue)


def _p_solver():
    return min(1.0, _p() * LAYERS_TESTED)


def _p_checker(answer):
    values = as_numbers(answer, 1)
    if values is None:
        return not_a_number(answer, "one number, the corrected p-value")
    if judge(values[0], min(1.0, _p(equal_var=False) * LAYERS_TESTED), 4) is None:
        return None  # Welch's test is as right as Student's here
    hints = [
        (_p(), "that is the p-value of one layer: three were tested, so multiply it by 3 (Bonferroni)."),
        (_p() / LAYERS_TESTED, "Bonferroni multiplies the p-value by the number of tests; you divided."),
        (_p(alternative="greater") * LAYERS_TESTED, "that is the one-sided test: TCAV's test is two-sided."),
        (_p(alternative="greater"), "that is the one-sided p-value of one layer: two-sided, times 3."),
    ]
    return judge(values[0], _p_solver(), 4, hints, "scipy.stats.ttest_ind(concept, random).pvalue, times 3.")


register(
    Exercise(
        name="concepts.p_value",
        task="A concept's TCAV scores over six runs are CONCEPT_SCORES and six random vectors' are RANDOM_SCORES "
        "(from xaitutor.exercises.concepts import CONCEPT_SCORES, RANDOM_SCORES). The test was run at "
        "LAYERS_TESTED = 3 layers. Give the p-value of the two-sided t-test, Bonferroni-corrected, to 4 decimals.",
        checker=_p_checker,
        solver=_p_solver,
    )
)
