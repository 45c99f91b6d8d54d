"""Exercises of the start page (00_start_here) on softmax: from logits to probabilities, by hand
and on the real model."""

import functools
import math

from . import Exercise, as_number, as_numbers, judge, not_a_number, register, within

LOGITS = (2.0, 1.0, 0.1)  # three classes' scores, as a network's last layer gives them


def _softmax() -> list[float]:
    # softmax(z)_i = exp(z_i) / sum_j exp(z_j): positive, in the logits' order, summing to 1
    exps = [math.exp(z) for z in LOGITS]
    return [e / sum(exps) for e in exps]


def _check_softmax(answer) -> str | None:
    values = as_numbers(answer, len(LOGITS))
    if values is None:
        return not_a_number(answer, f"the {len(LOGITS)} probabilities as a list, in the logits' order")
    if within(values.sum(), 100, 0):
        return "give shares between 0 and 1 that sum to 1, not percentages"
    exps = [math.exp(z) for z in LOGITS]
    return judge(
        values,
        _softmax(),
        2,
        hints=[
            (exps, "exponentiate, then divide each by the sum of the exponentials, so that they sum to 1"),
            ([z / sum(LOGITS) for z in LOGITS], "softmax exponentiates first: divide exp(z_i) by the sum of exp(z_j)"),
            (_softmax()[::-1], "keep the logits' order: the first probability belongs to the logit 2.0"),
        ],
        otherwise="compute exp(z_i) / (exp(2.0) + exp(1.0) + exp(0.1)) for each of the three logits",
    )


register(
    Exercise("start.softmax", f"Softmax probabilities of the logits {LOGITS}, to 2 decimals.", _check_softmax, _softmax)
)

CLASS = "tabby"  # of the cat photo, chelsea


@functools.cache
def _cat_logits():
    import torch

    from ..data import sample_image
    from ..models import load

    clf = load("efficientnet_lite0")
    with torch.no_grad():
        return clf.model(clf.preprocess(sample_image("chelsea")))[0], clf.labels


def _tabby_probability() -> float:
    # the logits of the preprocessed cat, softmax over the classes (dim 1), the entry of "tabby"
    import torch

    from ..data import sample_image
    from ..models import load

    clf = load("efficientnet_lite0")
    with torch.no_grad():
        logits = clf.model(clf.preprocess(sample_image("chelsea")))
    return logits.softmax(dim=1)[0, clf.labels.index(CLASS)].item()


def _check_tabby_probability(answer) -> str | None:
    value = as_number(answer)
    if value is None:
        return not_a_number(answer, f"one number: the probability of {CLASS!r}")
    logits, labels = _cat_logits()
    index, probabilities = labels.index(CLASS), logits.softmax(0)
    if value == index:
        return f"{index} is the index of {CLASS!r} among the classes: give its probability, the softmax's entry there"
    if within(value, logits[index].item(), 3):
        return f"this is the logit of {CLASS!r}: apply softmax over the classes (dim=1) first"
    if value == 1:
        return "a softmax over the batch (dim=0) of one picture gives 1 everywhere: take it over the classes (dim=1)"
    if 1 < value <= 100:
        return "give a share between 0 and 1, not a percentage"
    if not 0 <= value <= 1:
        return "a probability lies in [0, 1]: apply softmax over the classes (dim=1) to the logits"
    near = [i for i, p in enumerate(probabilities.tolist()) if within(value, p, 3) and i != index]
    if near and not within(value, probabilities[index].item(), 3):
        return f"this is the probability of {labels[near[0]]!r}: take the entry at clf.labels.index({CLASS!r})"
    return judge(value, probabilities[index].item(), 3, otherwise="softmax(clf.model(x), dim=1) at the class's index")


register(
    Exercise(
        "start.tabby_probability",
        f"The probability that efficientnet_lite0 gives {CLASS!r} for the cat photo, to 3 decimals.",
        _check_tabby_probability,
        _tabby_probability,
    )
)
