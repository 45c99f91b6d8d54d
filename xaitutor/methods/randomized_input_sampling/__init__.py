"""RISE: Randomized Input Sampling for Explanation (Petsiuk, Das and Saenko 2018, BMVC,
https://arxiv.org/abs/1806.07421).

RISE sees the classifier as a black box: it shows it the picture through ``N`` random smooth
masks and sums the masks, each weighted by the classifier's score for the target on the picture
it let through (eq. 6): pixels that, when shown, go with high scores are the ones that matter.
``masks.py`` draws the masks, ``explainer.py`` holds :func:`rise`, ``explanation.py`` what it
returns.
"""

from .explainer import rise
from .explanation import RiseExplanation
from .masks import MaskDraws, draw_masks

__all__ = ["rise", "RiseExplanation", "MaskDraws", "draw_masks"]
