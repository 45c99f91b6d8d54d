"""Kernel SHAP for images: the Shapley values of a picture's superpixels, by weighted regression.

Lundberg and Lee 2017, "A Unified Approach to Interpreting Model Predictions", NeurIPS,
https://arxiv.org/abs/1705.07874. The Shapley value of player ``j`` (eq. 8)::

    phi_j = sum_{S not holding j} |S|! (M - |S| - 1)! / M! (f(S + j) - f(S))

is, by their Theorem 2, the solution of LIME's weighted linear regression (eq. 2) with no
penalty and the Shapley kernel ``pi(z) = (M-1) / (C(M,|z|) |z| (M-|z|))`` as the proximity.

For an image the players are LIME's superpixels and the game is LIME's (show a coalition, hide
the rest, read the target's probability): ``explainer.py`` holds :func:`kernel_shap`, on LIME's
shared steps (:mod:`xaitutor.methods.hidden_superpixels.rounds`); ``coalitions.py`` chooses the
coalitions and their kernel weights, ``regression.py`` fits the values under the efficiency
constraint, ``explanation.py`` holds what it returns.
"""

from .coalitions import choose_coalitions, kernel_weight
from .explainer import kernel_shap
from .explanation import ShapExplanation
from .regression import shapley_regression

__all__ = ["kernel_shap", "ShapExplanation", "choose_coalitions", "kernel_weight", "shapley_regression"]
