"""Kernel SHAP's regression: the Shapley values as the weighted least-squares fit of a linear
model to the classifier's answers on coalitions (Lundberg and Lee 2017,
https://arxiv.org/abs/1705.07874, Theorem 2 and its equation 9)

    phi = argmin_phi  sum_z pi(z) (f(z) - phi_0 - sum_j phi_j z_j)^2

under the two constraints the infinite weights of the empty and full coalitions stand for:
``phi_0 = f(empty)`` and ``sum_j phi_j = f(x) - f(empty)`` (efficiency).

The constraints are kept exactly, as shap's ``KernelExplainer`` keeps them, by eliminating the
last player: ``phi_M = f(x) - f(empty) - sum_{j<M} phi_j``, so the fit is an unconstrained
weighted least squares in ``phi_1 .. phi_{M-1}``

    f(z) - f(empty) - z_M (f(x) - f(empty)) = sum_{j<M} phi_j (z_j - z_M)

solved by ``numpy.linalg.lstsq`` on the rows scaled by ``sqrt(pi(z))``, in float64. The values
then sum to ``f(x) - f(empty)`` to rounding whatever the samples; with every coalition
enumerated the fit is exact, and an additive ``f`` is fitted exactly by any samples that pin it
down.
"""

from __future__ import annotations

import numpy as np


def shapley_regression(rows, predictions, weights, full: float, empty: float) -> np.ndarray:
    """The ``M`` Shapley values fitted to the coalitions.

    Args:
        rows: ``N x M`` on/off coalitions (the full and empty ones may be among them: their
            infinite weights are the constraints, so they are left out of the fit).
        predictions: ``f(z)`` of each row.
        weights: each row's kernel weight ``pi(z)`` (``inf`` for the full and empty rows).
        full, empty: ``f(x)`` and ``f(empty)``.
    """
    rows = np.asarray(rows, dtype=np.float64)
    m = rows.shape[1]
    total = full - empty
    if m == 1:
        return np.array([total])
    fitted = np.isfinite(weights)
    z, y, w = rows[fitted], np.asarray(predictions, dtype=np.float64)[fitted], np.asarray(weights)[fitted]
    design = z[:, :-1] - z[:, -1:]
    response = y - empty - z[:, -1] * total
    scale = np.sqrt(w)[:, None]
    head = np.linalg.lstsq(design * scale, response * scale[:, 0], rcond=None)[0]
    return np.append(head, total - head.sum())
