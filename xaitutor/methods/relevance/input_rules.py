"""The rules of the first layer, whose inputs are pixels, not activations of a ReLU: flat and z^B
(box). Same form as ``rules.py``: ``rule(layer, x, relevance) -> relevance of x``."""

from __future__ import annotations

from collections.abc import Callable

import torch

from .rules import STABILIZER, negative, positive, send_back, stabilize


def flat(stabilizer: float = STABILIZER) -> Callable:
    """Flat (Lapuschkin et al. 2019): every input in ``z_j``'s window gets an equal share of ``R_j``,
    whatever its value and weight (inputs and weights set to 1, no bias): a blurred map at the input."""

    def rule(layer, x, relevance):
        terms = [(torch.ones_like(x), torch.ones_like(layer.weight), None)]
        (r,) = send_back(layer, terms, lambda z: [relevance / stabilize(z[0], stabilizer)])
        return r

    return rule


def box(low, high, stabilizer: float = STABILIZER) -> Callable:
    """z^B (Montavon et al. 2017, the input layer's rule, Overview sec. 10.2.3): for inputs bounded by
    ``low <= x <= high`` (the normalised black and white), ``R_i = sum_j (x_i w_ij - l_i w_ij^+ -
    h_i w_ij^-) / z_j R_j`` with ``z_j`` the sum of those terms over ``i``."""

    def rule(layer, x, relevance):
        w, b = layer.weight, layer.bias
        lo, hi = (torch.as_tensor(v).to(x).expand_as(x) for v in (low, high))
        terms = [(x, w, b), (lo, positive(w), positive(b)), (hi, negative(w), negative(b))]
        r = send_back(layer, terms, lambda z: [relevance / stabilize(z[0] - z[1] - z[2], stabilizer)] * 3)
        return r[0] - r[1] - r[2]

    return rule
