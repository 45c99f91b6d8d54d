"""Canonizers: a network rewritten, for the rules, into an equivalent one they apply to (Motzkus et
al., "Measurably Stronger Explanation Reliability via Model Canonization", ICIP 2022,
https://arxiv.org/abs/2202.06621). Here nothing of the model is rewritten: the rules read computed
copies.

- Batch norm after a convolution (or a linear layer) is one linear layer,
  ``y = (z - mu) gamma / sqrt(var + eps) + beta``: its scale goes into a copy of the weights and its
  shift into a copy of the bias, and the relevance passes through the batch norm unchanged. Without
  this the rule of the convolution would see ``z``, not the ``y`` the next layer reads (zennit writes
  the merged weights into the model for the duration of the call; here they are computed).
- A residual addition ``y = a + b`` (resnet's ``out += identity``, efficientnet_lite's
  ``out + x``) hands each branch its share, ``R_a = a / (a + b) R``, as zennit's canonizers do with
  their ``Sum`` module and ``Norm`` rule; the plain gradient would give each branch all of ``R``, and
  the total relevance would double at each block.
- A padding just before a convolution (efficientnet_lite's TensorFlow "same" padding) belongs to the
  convolution: the rule sees the picture without its border of zeros, as zennit's module hook does.
"""

from __future__ import annotations

import torch

from .rules import Layer, stabilize

BATCH_NORM_ARGUMENTS = ("input", "running_mean", "running_var", "weight", "bias", "training", "momentum", "eps")


def arguments(call, names) -> dict:
    """The call's arguments by name (positional or keyword)."""
    return {**dict(zip(names, call.args)), **call.kwargs}


def fed_by(tensor: torch.Tensor, output: torch.Tensor | None) -> bool:
    """Whether ``tensor`` is ``output``, or the clone of it that :func:`~xaitutor.hooks.capture`
    hands on."""
    if output is None or tensor is output:
        return tensor is output
    node = tensor.grad_fn
    return node is not None and node.name() == "CloneBackward0" and node.next_functions[0][0] is output.grad_fn


def merge_batch_norm(layer: Layer, call) -> bool:
    """Merge the batch norm of ``call`` into copies of ``layer``'s weight and bias (in eval mode only,
    where it is linear); ``True`` when merged."""
    a = arguments(call, BATCH_NORM_ARGUMENTS)
    if a.get("training", False) or a["running_mean"] is None:
        return False
    scale = (a["running_var"] + a.get("eps", 1e-5)).rsqrt()
    if a.get("weight") is not None:
        scale = scale * a["weight"].detach()
    shape = (-1,) + (1,) * (layer.weight.dim() - 1)
    bias = 0 if layer.bias is None else layer.bias
    shift = 0 if a.get("bias") is None else a["bias"].detach()
    layer.weight = layer.weight * scale.reshape(shape)
    layer.bias = (bias - a["running_mean"]) * scale + shift
    return True


def residual_sum(a: torch.Tensor, b: torch.Tensor):
    """The rule of ``a + b``: each term's share of the relevance, ``R_a = a / (a + b) R``."""
    a, b = a.detach(), b.detach()

    def rule(relevance):
        share = relevance / stabilize(a + b)
        return a * share, b * share

    return rule


def is_residual(call) -> bool:
    """An addition of two tensors of one shape that both depend on the input: a residual join."""
    if len(call.args) < 2 or call.kwargs.get("alpha", 1) != 1 or "out" in call.kwargs:
        return False
    a, b = call.args[:2]
    return (
        isinstance(a, torch.Tensor)
        and isinstance(b, torch.Tensor)
        and a.shape == b.shape
        and a.requires_grad
        and b.requires_grad
    )
