"""The rules of layer-wise relevance propagation: how a layer ``z_j = sum_i x_i w_ij + b_j`` hands
the relevance ``R_j`` of its outputs to its inputs. Each rule is a small function
``rule(layer, x, relevance) -> relevance of x``, written as zennit 0.5 writes it.

Bach et al., "On Pixel-Wise Explanations for Non-Linear Classifier Decisions by Layer-Wise Relevance
Propagation", PLoS ONE 2015, https://doi.org/10.1371/journal.pone.0130140; Montavon, Binder,
Lapuschkin, Samek and Müller, "Layer-Wise Relevance Propagation: An Overview", 2019,
https://doi.org/10.1007/978-3-030-28954-6_10 (the equation numbers below are theirs).

Every rule is the same three steps (the "gradient trick" of the Overview, sec. 10.2.3): run the
layer with modified weights ``rho(w)`` on (modified) inputs, ``z_j = sum_i rho(x_i w_ij)``; divide
the relevance by it, ``s_j = R_j / z_j``; send ``s`` back through the same modified layer,
``R_i = x_i sum_j rho(w_ij) s_j``. The weights are modified in copies: the model's are never written.
A rule whose ``z_j`` is the layer's own output (ε; γ's sign) reads it from the forward pass
(``reads_forward``), so LRP-ε costs what a gradient costs: one forward and one backward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..driver import gradient

STABILIZER = 1e-6  # zennit's: keeps z_j away from 0, with z_j's sign


def stabilize(z: torch.Tensor, epsilon: float = STABILIZER) -> torch.Tensor:
    """``z + epsilon * sign(z)``, the sign of 0 taken as +1 (zennit's stabilizer)."""
    return z + torch.where(z >= 0, epsilon, -epsilon)


@dataclass
class Layer:
    """A linear layer as a rule sees it: ``run(x, weight, bias)``, its weights (batch norm merged in),
    and for a rule that reads it (``rule.reads_forward``) the forward pass's own ``(input, output)``,
    the output with its graph: ``z_j`` and the way back to ``x_i`` without running the layer again."""

    name: str
    run: Callable
    weight: torch.Tensor
    bias: torch.Tensor | None
    forward: tuple | None = None


def positive(t):  # (a weight, a bias or an input)^+
    return None if t is None else t.clamp(min=0)


def negative(t):  # ()^-
    return None if t is None else t.clamp(max=0)


def send_back(layer: Layer, terms, share: Callable) -> list[torch.Tensor]:
    """For the terms ``(input, weight, bias)``: ``z_k = layer(input_k)``, ``s_k = share(z)[k]``, and
    each input times its gradient, ``input_k * d(sum_j z_kj s_kj) / d input_k``."""
    inputs = [i.detach().requires_grad_() for i, _, _ in terms]
    live = [k for k, i in enumerate(inputs) if i.any()]  # x^- of an input after a ReLU is all 0: skip it
    if not live:
        return [torch.zeros_like(i) for i in inputs]
    with torch.enable_grad():
        zs = {k: layer.run(inputs[k], terms[k][1], terms[k][2]) for k in live}
        like = zs[live[0]].detach()
        shares = share([zs[k].detach() if k in live else bias_only(terms[k][2], like) for k in range(len(terms))])
        grads = dict(zip(live, gradient(sum((zs[k] * shares[k]).sum() for k in live), [inputs[k] for k in live])))
    return [inputs[k].detach() * grads[k] if k in live else torch.zeros_like(inputs[k]) for k in range(len(terms))]


def bias_only(bias, like: torch.Tensor) -> torch.Tensor:
    """A layer's output on an input of zeros: its bias alone, shaped ``like`` an output."""
    if bias is None:
        return torch.zeros_like(like)
    return bias.reshape(1, -1, *[1] * (like.dim() - 2)).expand_as(like)


def epsilon(epsilon: float = STABILIZER, bias: bool = True) -> Callable:
    """LRP-ε (Overview eq. 4): ``R_i = sum_j x_i w_ij / (z_j + ε sign z_j) R_j``; the bias and ε keep
    some relevance (it does not reach the inputs); ε = 0 is LRP-0 (eq. 1). ``bias=False`` leaves the
    bias out of ``z_j`` (zennit's ``zero_params=["bias"]``)."""

    def rule(layer, x, relevance):
        leaf, z = layer.forward
        z_j = z.detach() if bias or layer.bias is None else z.detach() - bias_only(layer.bias, z)
        return x * gradient(z, leaf, along=relevance / stabilize(z_j, epsilon))  # x_i sum_j w_ij s_j

    rule.reads_forward = True
    return rule


def zplus(stabilizer: float = STABILIZER, bias: bool = True) -> Callable:
    """z+ (= α1β0, Montavon et al. 2017, Deep Taylor decomposition): only the positive contributions
    ``(x_i w_ij)^+`` (and a positive bias, unless ``bias=False``) share ``R_j``: never negative."""

    def rule(layer, x, relevance):
        terms = [
            (positive(x), positive(layer.weight), positive(layer.bias) if bias else None),
            (negative(x), negative(layer.weight), None),
        ]
        return sum(send_back(layer, terms, lambda z: [relevance / stabilize(z[0] + z[1], stabilizer)] * 2))

    return rule


def alpha_beta(alpha: float = 2.0, beta: float = 1.0, stabilizer: float = STABILIZER) -> Callable:
    """αβ (Bach et al. 2015, eq. 60; Overview sec. 10.2.4), α - β = 1: the positive contributions share
    ``α R_j``, the negative ones ``-β R_j``."""
    if alpha < 0 or beta < 0 or abs(alpha - beta - 1) > 1e-12:
        raise ValueError(f"the αβ rule needs α, β >= 0 and α - β = 1, got α={alpha}, β={beta}")

    def rule(layer, x, relevance):
        w, b, xp, xn = layer.weight, layer.bias, positive(x), negative(x)
        terms = [(xp, positive(w), positive(b)), (xn, negative(w), None)]
        terms += [(xp, negative(w), negative(b)), (xn, positive(w), None)]

        def share(z):
            return [relevance / stabilize(z[0] + z[1], stabilizer)] * 2 + [
                relevance / stabilize(z[2] + z[3], stabilizer)
            ] * 2

        r = send_back(layer, terms, share)
        return alpha * (r[0] + r[1]) - beta * (r[2] + r[3])

    return rule


def gamma(gamma: float = 0.25, stabilizer: float = STABILIZER) -> Callable:
    """LRP-γ (Overview eq. 5), in zennit's form for signed inputs: ``w + γ w^+`` favours the positive
    contributions of an output that is positive (and ``w + γ w^-`` the negative ones of a negative
    output); γ = 0 is LRP-0, γ -> ∞ is z+."""

    def rule(layer, x, relevance):
        w, b, xp, xn = layer.weight, layer.bias, positive(x), negative(x)
        up, down = w + gamma * positive(w), w + gamma * negative(w)
        bu = None if b is None else b + gamma * positive(b)
        bd = None if b is None else b + gamma * negative(b)
        terms = [(xp, up, bu), (xn, down, None), (xp, down, bd), (xn, up, None)]
        sign = layer.forward[1].detach()

        def share(z):
            pos, neg = (sign > 0) * relevance, (sign < 0) * relevance
            return [pos / stabilize(z[0] + z[1], stabilizer)] * 2 + [neg / stabilize(z[2] + z[3], stabilizer)] * 2

        return sum(send_back(layer, terms, share))

    rule.reads_forward = True
    return rule
