"""Exercise of chapter 7: which of two composites tells the cat from the espresso, measured (the
correlation between the two classes' LRP maps on the pair, Sixt et al. 2020): z+ in every
convolution, and in the linear layer γ = 0 (LRP-0) or γ = 100 (nearly z+)."""

from __future__ import annotations

import functools

from . import Exercise, as_numbers, judge, not_a_number, register

# --- which composite is class-sensitive: measured on the cat and the espresso --------------------

GAMMAS = (0.0, 100.0)  # the linear layer's γ: LRP-0, nearly z+


@functools.cache
def _correlations(channels: bool = False):
    import torch

    import xaitutor as xt
    from xaitutor.methods.relevance import rules

    clf = xt.models.load("efficientnet_lite0")
    pair = clf.preprocess(xt.data.sample_image("cat_and_coffee"), size=(128, 256)).expand(2, -1, -1, -1)
    targets = [clf.labels.index("Egyptian cat"), clf.labels.index("espresso")]
    found = []
    for gamma in GAMMAS:
        composite = {"conv": "zplus", "linear": rules.gamma(gamma)}
        maps = xt.lrp(clf, pair, target=targets, composite=composite)
        maps = maps if channels else xt.imaging.to_map(maps)
        found.append(torch.corrcoef(maps.flatten(1))[0, 1].item())
    return found


def _class_solver():
    # For each γ: LRP on the pair for the cat and for the espresso, one channel each (to_map), and
    # the Pearson correlation of the two maps' pixels (torch.corrcoef).
    return _correlations()


def _class_checker(answer):
    values = as_numbers(answer, 2)
    if values is None:
        return not_a_number(answer, "two correlations [γ = 0, γ = 100]")
    hints = [
        (_correlations()[::-1], "the right numbers in the wrong order: γ = 0 first."),
        (_correlations(channels=True), "reduce each map to one channel first: xt.imaging.to_map(maps)."),
        ([1.0, 1.0], "a map correlated with itself: explain the pair once for each class (target=[cat, espresso])."),
    ]
    return judge(values, _correlations(), 2, hints, "the Pearson correlation of the two maps' pixels: torch.corrcoef.")


register(
    Exercise(
        name="relevance.class_sensitive",
        task="On the cat-and-coffee pair at 128 x 256, explain 'Egyptian cat' and 'espresso' with LRP, z+ in "
        "every convolution and rules.gamma(γ) in the linear layer, for γ in GAMMAS = (0, 100). Give the "
        "correlation between the two classes' maps (to_map, then torch.corrcoef) for each γ, to 2 decimals: "
        "which one tells the classes apart?",
        checker=_class_checker,
        solver=_class_solver,
    )
)
