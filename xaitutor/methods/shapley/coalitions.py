"""Which coalitions Kernel SHAP classifies, and the weight of each in the regression.

A coalition ``z`` is an on/off row, one bit per superpixel (shown or hidden). The Shapley kernel
of Lundberg and Lee 2017 (https://arxiv.org/abs/1705.07874, Theorem 2) weighs a coalition of
``|z|`` of ``M`` players::

    pi(z) = (M - 1) / (C(M, |z|) |z| (M - |z|))

so all the coalitions of one size ``s`` together weigh ``(M - 1) / (s (M - s))``: the sizes near
0 and ``M`` weigh the most. The empty and full coalitions weigh infinitely: they are the
constraints ``phi_0 = f(empty)`` and ``sum_j phi_j = f(x) - f(empty)`` of the regression.

:func:`choose_coalitions` chooses them as shap's ``KernelExplainer`` does: the sizes in the order of
their weight (1 and M-1, then 2 and M-2, ...), each size with its complement; a size is
enumerated whole while the budget left covers its share of the kernel's weight, and the budget
that remains is spent on random coalitions of the sizes not enumerated, their size drawn in
proportion to the weight of that size, each paired with its complement, each of weight
(the weight of the sizes left) / (the number drawn). With a budget of ``2^M`` every coalition
is enumerated with its exact kernel weight, and the regression gives the Shapley values exactly.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np


def kernel_weight(num_players: int, size) -> np.ndarray:
    """``pi(z)`` of one coalition of ``size`` players (``0 < size < M``)."""
    size = np.asarray(size)
    return (num_players - 1) / (np.vectorize(comb)(num_players, size) * size * (num_players - size))


def choose_coalitions(num_players: int, num_samples: int, rng: np.random.Generator):
    """At most ``num_samples`` on/off rows and their regression weights.

    Returns ``(rows, weights, exact)``: ``rows`` ``N x M`` booleans, row 0 the full coalition (the
    picture itself), row 1 the empty one, then the rest; ``weights`` their ``N`` kernel weights
    (infinite for rows 0 and 1); ``exact``: every coalition was enumerated.
    """
    m = num_players
    budget = min(num_samples, 2**m) - 2
    rows, weights = [np.ones(m, bool), np.zeros(m, bool)], [np.inf, np.inf]
    sizes = list(range(1, (m - 1) // 2 + 1)) + ([m // 2] if m % 2 == 0 and m > 1 else [])
    paired = [s != m - s for s in sizes]
    size_weight = np.array([(m - 1) / (s * (m - s)) * (2 if p else 1) for s, p in zip(sizes, paired)])
    size_weight /= size_weight.sum() if len(sizes) else 1
    left, full = 1.0, 0  # left: the share of the kernel's weight not yet enumerated
    for s, p, share in zip(sizes, paired, size_weight):
        count = comb(m, s) * (2 if p else 1)
        if budget * share / left < count * (1 - 1e-8):
            break
        for on in combinations(range(m), s):
            row = np.zeros(m, bool)
            row[list(on)] = True
            rows += [row, ~row] if p else [row]
        weights += [float(kernel_weight(m, s))] * count
        budget, left, full = budget - count, left - share, full + 1
    exact = full == len(sizes)
    if not exact and budget > 0:
        # Drawn all at once (no loop over samples): a size for each draw, then the players ranked
        # at random and the first `size` of them on; each draw followed by its complement where
        # the size is paired, cut at the budget.
        rest = size_weight[full:] / size_weight[full:].sum()
        chosen = full + rng.choice(len(rest), size=budget, p=rest)
        on = rng.random((budget, m)).argsort(axis=1).argsort(axis=1) < np.array(sizes)[chosen, None]
        keep = np.stack([np.ones(budget, bool), np.array(paired)[chosen]], axis=1).reshape(-1)
        drawn = np.stack([on, ~on], axis=1).reshape(-1, m)[keep][:budget]
        rows += list(drawn)
        # The weight of the sizes left, shared evenly: the draws already follow the kernel.
        weights += [left * (m - 1) / len(drawn) * _total(m)] * len(drawn)
    return np.array(rows, dtype=bool).reshape(-1, m), np.array(weights), exact


def _total(m: int) -> float:
    """The kernel's total weight over the coalitions of every size, ``sum_s (M-1) / (s (M-s))``:
    the unit of the shares, so that enumerated and drawn coalitions weigh on one scale."""
    return sum((m - 1) / (s * (m - s)) for s in range(1, m))
