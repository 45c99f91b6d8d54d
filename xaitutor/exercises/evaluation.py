"""Exercises of chapter 5 (evaluating explanations): the level a uniform map reaches in the energy
share, the area under a deletion curve, and the shortcut found by probing the model."""
from __future__ import annotations

import numpy as np
import torch

from . import Exercise, as_number, register

# The deletion curve of the AUC exercise: the probability of the class after deleting each share.
CURVE_FRACTIONS = [0.0, 0.25, 0.5, 0.75, 1.0]
CURVE_PROBABILITIES = [0.9, 0.5, 0.2, 0.1, 0.1]


# --- the energy share of a uniform map ------------------------------------------------------

def _uniform_share_solver():
    import xaitutor as xt

    data = xt.data.shapes(8, seed=0)
    # A uniform map spreads its energy evenly, so the object gets its share of the pixels.
    return float(data.masks[0].mean())


def _uniform_share_checker(answer):
    value = as_number(answer)
    if value is None:
        return f"give a number (a float), not a {type(answer).__name__}."
    right = _uniform_share_solver()
    if abs(value - right) < 1e-4:
        return None
    if abs(value - 1 + right) < 1e-4:
        return "that is the share outside the object: the energy share counts the mass on the mask."
    if value > 1:
        return "a share lies between 0 and 1: divide the object's pixels by all the pixels."
    return ("a uniform map gives every pixel the same mass, so the share on the object is "
            "the object's number of pixels divided by the picture's.")


register(Exercise(
    name="evaluation.uniform_share",
    task="What energy share does a uniform (constant, positive) map get on the first picture of "
         "xt.data.shapes(8, seed=0)? Answer with a float, computed from the picture's mask.",
    checker=_uniform_share_checker,
    solver=_uniform_share_solver,
))


# --- the area under a deletion curve --------------------------------------------------------

def _auc_solver():
    fractions, probabilities = np.array(CURVE_FRACTIONS), np.array(CURVE_PROBABILITIES)
    # The trapezoidal rule: each interval contributes its width times the mean of its two ends.
    widths = np.diff(fractions)
    return float(np.sum(widths * (probabilities[1:] + probabilities[:-1]) / 2))


def _auc_checker(answer):
    value = as_number(answer)
    if value is None:
        return f"give a number (a float), not a {type(answer).__name__}."
    right = _auc_solver()
    if abs(value - right) < 1e-6:
        return None
    if abs(value - np.mean(CURVE_PROBABILITIES)) < 1e-6:
        return ("that is the plain mean of the five points: with the trapezoidal rule the two end "
                "points count half, because each touches one interval only.")
    if abs(value - float(np.sum(CURVE_PROBABILITIES[:-1])) * 0.25) < 1e-6:
        return "that is a left Riemann sum: average the two ends of each interval instead."
    return "add up width x (left + right) / 2 over the four intervals of width 0.25."


register(Exercise(
    name="evaluation.auc",
    task=f"A deletion curve passes through the probabilities {CURVE_PROBABILITIES} after deleting "
         f"the shares {CURVE_FRACTIONS} of the pixels. Compute the area under it with the "
         "trapezoidal rule, as Curves.auc does.",
    checker=_auc_checker,
    solver=_auc_solver,
))


# --- the shortcut, found by probing ---------------------------------------------------------

def _shortcut_solver():
    import xaitutor as xt
    from xaitutor.data.shapes import CUE_NAMES

    clf = xt.models.load("shapes_cnn_shortcut")
    data = xt.data.shapes(120, seed=7, shortcut=0.0)  # background hues drawn at random
    x = clf.preprocess(list(data.images))
    with torch.no_grad():
        star = clf(x).softmax(dim=-1)[:, clf.labels.index("star")]
    # The model's belief in "star", averaged over the pictures of each background hue.
    per_cue = [star[torch.from_numpy(data.cues == k)].mean().item() for k in range(len(CUE_NAMES))]
    return CUE_NAMES[int(np.argmax(per_cue))]


def _shortcut_checker(answer):
    from xaitutor.data.shapes import CUE_NAMES

    if not isinstance(answer, str) or answer not in CUE_NAMES:
        return f"answer with one of the colour names {CUE_NAMES}, as a string."
    if answer == _shortcut_solver():
        return None
    return ("not that one: group pictures with random backgrounds by their cue (data.cues) and see "
            "for which hue the model's probability of 'star' is highest, whatever the shape.")


register(Exercise(
    name="evaluation.shortcut",
    task="Which background colour makes shapes_cnn_shortcut say 'star'? Probe it with pictures of "
         "random background hues (xt.data.shapes(..., shortcut=0.0), whose .cues say each picture's "
         "hue) and answer with a colour name from CUE_NAMES (from xaitutor.data.shapes import "
         "CUE_NAMES).",
    checker=_shortcut_checker,
    solver=_shortcut_solver,
))
