"""Step 2 of LIME: random on/off rows, one bit per superpixel (step 3, the pictures they stand for,
is :func:`~xaitutor.methods.hidden_superpixels.mixing.perturb`, which Kernel SHAP shares)."""

from __future__ import annotations

import numpy as np


def draw_samples(rng: np.random.RandomState, num_samples: int, num_superpixels: int, first: bool = True) -> np.ndarray:
    """Step 2: ``num_samples`` random on/off rows, one bit per superpixel (``True``: shown).

    Each bit is a fair coin, drawn as lime draws it; with ``first``, row 0 is all on: the
    original picture, the point being explained.
    """
    rows = rng.randint(0, 2, (num_samples, num_superpixels)).astype(bool)
    if first:
        rows[0] = True
    return rows
