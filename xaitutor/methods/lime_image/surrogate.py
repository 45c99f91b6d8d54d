"""Step 6 of LIME: the interpretable model g of equation (2.1), a weighted ridge regression on the
on/off rows, fitted as lime fits it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Surrogate:
    """The weighted linear model g of equation (2.1): one weight per superpixel (zero for those
    left out by ``num_features``), the intercept, its weighted R^2 on the samples (its local
    fidelity) and its prediction for the original picture."""

    weights: np.ndarray
    intercept: float
    score: float
    local_prediction: float


def fit_surrogate(rows, predictions, sample_weights, num_features: int | None = None) -> Surrogate:
    """Step 6: fit ``Ridge(alpha=1)`` to the classifier's predictions, weighting sample ``n`` by
    ``sample_weights[n]``, on at most ``num_features`` superpixels chosen as lime's
    ``feature_selection="auto"`` does (greedy forward selection up to 6, else the largest weights
    of a first fit). Row 0 must be the original picture."""
    from sklearn.linear_model import Ridge

    data = np.asarray(rows, dtype=np.float64)
    predictions = np.asarray(predictions, dtype=np.float64)
    used = np.arange(data.shape[1])
    if num_features is not None and num_features < data.shape[1]:
        used = _select(data, predictions, sample_weights, num_features)
    model = Ridge(alpha=1, fit_intercept=True).fit(data[:, used], predictions, sample_weight=sample_weights)
    weights = np.zeros(data.shape[1])
    weights[used] = model.coef_
    return Surrogate(
        weights=weights,
        intercept=float(model.intercept_),
        score=float(model.score(data[:, used], predictions, sample_weight=sample_weights)),
        local_prediction=float(model.predict(data[:1, used])[0]),
    )


def _select(data, predictions, sample_weights, num_features: int) -> np.ndarray:
    """The superpixels lime's ``feature_selection="auto"`` keeps (the complexity term of (2.1))."""
    from sklearn.linear_model import Ridge

    if num_features > 6:
        # "highest_weights": the largest |weight x original value| of a lightly penalised fit;
        # the original is all ones. A stable sort keeps lime's order among ties.
        coef = Ridge(alpha=0.01, fit_intercept=True).fit(data, predictions, sample_weight=sample_weights).coef_
        return np.argsort(-np.abs(coef * data[0]), kind="stable")[:num_features]
    # "forward_selection": add, one at a time, the superpixel that best raises the weighted R^2.
    used: list[int] = []
    for _ in range(num_features):
        best, best_score = 0, -1e8
        for feature in range(data.shape[1]):
            if feature in used:
                continue
            columns = data[:, used + [feature]]
            model = Ridge(alpha=0, fit_intercept=True).fit(columns, predictions, sample_weight=sample_weights)
            score = model.score(columns, predictions, sample_weight=sample_weights)
            if score > best_score:
                best, best_score = feature, score
        used.append(best)
    return np.array(used)
