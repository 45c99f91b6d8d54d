"""Step 5 of LIME: how close each sample is to the original picture, ``pi_x`` of equation (2.1)."""

from __future__ import annotations

import numpy as np


def cosine_distance(rows) -> np.ndarray:
    """The cosine distance of each on/off row to the all-on row: with ``k`` of ``F`` bits on,
    ``1 - k / (sqrt(k) sqrt(F)) = 1 - sqrt(k / F)`` (1 for the all-off row, as scikit-learn's)."""
    rows = np.asarray(rows)
    return 1 - np.sqrt(rows.sum(axis=1) / rows.shape[1])


def kernel(distances, kernel_width: float = 0.25) -> np.ndarray:
    """Step 5: lime's exponential kernel ``pi_x = sqrt(exp(-d^2 / width^2))``: 1 at the original
    picture, smaller the more superpixels a sample hides."""
    return np.sqrt(np.exp(-(np.asarray(distances) ** 2) / kernel_width**2))
