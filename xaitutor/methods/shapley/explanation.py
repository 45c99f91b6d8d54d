"""What Kernel SHAP found: one Shapley value per superpixel, the value of the all-hidden picture,
and the coalitions they were fitted on; the views (top superpixels, mask, map, figure) are those
of every superpixel explanation, as for LIME."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..hidden_superpixels.explanation import SuperpixelExplanation


@dataclass
class ShapExplanation(SuperpixelExplanation):
    """What :func:`kernel_shap` found.

    Attributes:
        picture, segments, hidden, target, label, grid: as for LIME (see
            :class:`~xaitutor.methods.hidden_superpixels.explanation.SuperpixelExplanation`).
        values: one Shapley value ``phi_j`` per superpixel: the target's probability it adds,
            averaged over the orders of showing the superpixels (Lundberg and Lee 2017, eq. 8).
        base_value: ``phi_0 = f(empty)``, the probability with every superpixel hidden.
        full_value: ``f(x)``, the probability of the picture itself; ``base_value +
            values.sum() == full_value`` (efficiency).
        exact: every coalition was classified, so :attr:`values` are the exact Shapley values.
        samples: ``N x F`` on/off coalitions (row 0 the picture, row 1 the all-hidden picture).
        predictions: the classifier's probability of ``target`` for each coalition.
        sample_weights: each coalition's Shapley-kernel weight (``inf`` for rows 0 and 1).
    """

    values: np.ndarray
    base_value: float
    full_value: float
    exact: bool
    samples: np.ndarray
    predictions: np.ndarray
    sample_weights: np.ndarray

    @property
    def attribution(self) -> np.ndarray:
        """The Shapley values: what top(), mask(), map() and plot() show."""
        return self.values

    @property
    def num_samples(self) -> int:
        return len(self.samples)

    def _caption(self) -> str:
        kind = "exact" if self.exact else "sampled"
        return f"{kind} Shapley values, {self.num_samples} coalitions, base {self.base_value:.2f}"
