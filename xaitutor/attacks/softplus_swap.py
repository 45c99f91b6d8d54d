"""The network with every ReLU replaced by a softplus: what the manipulation differentiates.

A ReLU network is piecewise linear: its gradient ``d y / d x`` is constant inside each linear
region, so its own gradient, the Hessian ``d^2 y / d x^2``, is zero almost everywhere, and a map
made of first derivatives (saliency, guided backpropagation) cannot be moved by gradient descent
on the picture. Dombrowski et al. (NeurIPS 2019, https://arxiv.org/abs/1906.07983, sec. 3 and
theorem 2) replace each ReLU by the softplus of a large ``beta``::

    softplus_beta(z) = log(1 + exp(beta * z)) / beta      -> ReLU(z) as beta -> infinity

whose second derivative ``beta * sigmoid(beta z) (1 - sigmoid(beta z))`` exists everywhere. A ReLU6
``min(max(z, 0), 6)`` becomes ``softplus(z) - softplus(z - 6)``. The swap works on a copy: the
user's model is never changed. Maps computed with the copy are also Dombrowski et al.'s defence
(sec. 5): a smaller ``beta`` smooths the network's geometry and the maps with it.
"""

from __future__ import annotations

import copy
import dataclasses

import torch.nn.functional as F
from torch import nn

from ..models.classifier import Classifier, require_classifier

BETA = 10.0  # the manipulation's default (Dombrowski et al. use beta from 0.8 to 30)


class SoftReLU6(nn.Module):
    """``softplus_beta(z) - softplus_beta(z - 6)``: ReLU6 with a second derivative."""

    def __init__(self, beta: float):
        super().__init__()
        self.beta = beta

    def forward(self, z):
        return F.softplus(z, self.beta) - F.softplus(z - 6, self.beta)


def soft(module: nn.Module, beta: float) -> nn.Module | None:
    """The softplus that replaces ``module`` (a ReLU or ReLU6), ``None`` for any other module."""
    if isinstance(module, nn.ReLU6):
        return SoftReLU6(beta)
    if isinstance(module, nn.ReLU):
        return nn.Softplus(beta)
    return None


def smoothed(classifier: Classifier, beta: float = BETA) -> Classifier:
    """A copy of ``classifier`` whose ``nn.ReLU`` / ``nn.ReLU6`` modules are softplus functions of
    ``beta`` (the copy's parameters frozen: it is only differentiated with respect to pictures).

    Functional activations (``F.relu`` in a ``forward``) are not modules and cannot be swapped: a
    model with no ReLU module is refused rather than left piecewise linear.
    """
    require_classifier(classifier, "smoothed (the softplus copy)")
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta > 0:
        raise ValueError(f"beta must be a positive number (large: close to the ReLU network), got {beta!r}")
    model = copy.deepcopy(classifier.model)
    swapped = 0
    for parent in list(model.modules()):
        for name, child in parent.named_children():
            if (replacement := soft(child, float(beta))) is not None:
                setattr(parent, name, replacement)
                swapped += 1
    if swapped == 0:
        raise ValueError(
            "the model has no nn.ReLU / nn.ReLU6 module to replace by a softplus (functional activations "
            "such as F.relu cannot be swapped): build the model with activation modules"
        )
    model.requires_grad_(False)
    return dataclasses.replace(classifier, model=model, name=f"{classifier.name} (softplus, beta={beta:g})")
