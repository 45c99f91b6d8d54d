"""What LIME found: the surrogate and the data it was fitted on; the views of it (the top
superpixels, a mask, a map on the classifier's grid, a figure) are those of every superpixel
explanation (:class:`~xaitutor.methods.hidden_superpixels.explanation.SuperpixelExplanation`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..hidden_superpixels.explanation import SuperpixelExplanation
from .surrogate import Surrogate


@dataclass
class LimeExplanation(SuperpixelExplanation):
    """What :func:`lime` found, and the data it found it from.

    Attributes:
        picture, segments, hidden, target, label, grid: those of every superpixel explanation
            (:class:`~xaitutor.methods.hidden_superpixels.explanation.SuperpixelExplanation`).
        surrogate: the fitted linear model g (:class:`Surrogate`), whose :attr:`weights`,
            :attr:`intercept`, :attr:`score` and :attr:`local_prediction` the explanation shows.
        samples: ``N x F`` on/off rows (row 0: the original picture).
        predictions: the classifier's probability of ``target`` for each sample.
        distances, sample_weights: each sample's cosine distance and kernel weight.
    """

    surrogate: Surrogate
    samples: np.ndarray
    predictions: np.ndarray
    distances: np.ndarray
    sample_weights: np.ndarray

    @property
    def weights(self) -> np.ndarray:
        """One surrogate weight per superpixel: how much showing it raises the target's
        probability (negative: evidence against the class)."""
        return self.surrogate.weights

    attribution = weights  # what top(), mask(), map() and plot() show

    @property
    def intercept(self) -> float:
        """The surrogate's prediction with every superpixel hidden."""
        return self.surrogate.intercept

    @property
    def score(self) -> float:
        """The surrogate's weighted R^2 on the samples, its local fidelity (1 is perfect)."""
        return self.surrogate.score

    @property
    def local_prediction(self) -> float:
        """The surrogate's prediction for the original picture."""
        return self.surrogate.local_prediction

    @property
    def num_superpixels(self) -> int:
        return len(self.weights)

    @property
    def num_samples(self) -> int:
        return len(self.samples)

    def _caption(self) -> str:
        return f"R² = {self.score:.2f}, {self.num_samples} samples"
