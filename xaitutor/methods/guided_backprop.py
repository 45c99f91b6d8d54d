"""Guided backpropagation: the input gradient, with negative gradients stopped at every ReLU.

Springenberg, Dosovitskiy, Brox and Riedmiller, "Striving for Simplicity: The All Convolutional
Net", ICLR workshop 2015, https://arxiv.org/abs/1412.6806 (sec. 3.4, fig. 1).

Backpropagation lets a gradient through a ReLU where its input was positive. Guided
backpropagation also requires the gradient itself to be positive (essay, sec. 3.2), so only the
signal that *increases* the class score reaches the pixels. For a ReLU with input ``f`` and the
gradient ``R`` arriving from above:

    backpropagation:          R_in = (f > 0) * R
    guided backpropagation:   R_in = (f > 0) * (R > 0) * R

How it is done here, without swapping or editing the user's modules: a forward hook on every
``nn.ReLU`` / ``nn.ReLU6`` module registers a *tensor hook* on that call's output, and the tensor
hook replaces the gradient arriving at the output by its positive part; the ReLU's own backward
then applies the ``(f > 0)`` mask. The tensor hook belongs to one call's output, so a module used
several times in a forward (torchvision's ``BasicBlock`` calls ``self.relu`` twice) is guided at
every use, and an ``inplace=True`` activation is guided too (its output is the modified input, whose
gradient arrives before the activation's backward). The rule is switched on only while
``guide.active`` is true, so one forward can serve a plain and a guided backward (Guided Grad-CAM).

Limit: functional activations (``F.relu(x)``, ``torch.relu``, ``x.clamp(min=0)``) are not modules,
so no module hook sees them and they stay unguided; a warning says so when no ReLU module ran.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager

import torch
from torch import nn

from ..resolve import resolve_model
from .saliency import saliency

GUIDED_ACTIVATIONS = (nn.ReLU, nn.ReLU6)


class Guide:
    """The switch of :func:`guided_relus`: ``active`` turns the guided rule on, ``calls`` counts
    the ReLU module calls seen in the forward passes."""

    def __init__(self):
        self.active = False
        self.calls = 0

    def rule(self, gradient: torch.Tensor):
        """The tensor hook: the positive part of the gradient at a ReLU's output, when active."""
        return gradient.clamp(min=0) if self.active else None

    def hook(self, module, inputs, output):
        """The forward hook of each ReLU module: guide this call's output."""
        self.calls += 1
        if output.requires_grad:
            output.register_hook(self.rule)


@contextmanager
def guided_relus(model):
    """Guide every ``nn.ReLU`` / ``nn.ReLU6`` of ``model`` while the block runs.

    Yields:
        A :class:`Guide`, inactive: set ``guide.active = True`` before the backward pass that
        must be guided. The hooks are removed when the block ends, even on error.
    """
    module = resolve_model(model)
    guide = Guide()
    handles = []
    try:
        for sub in module.modules():
            if isinstance(sub, GUIDED_ACTIVATIONS):
                handles.append(sub.register_forward_hook(guide.hook))
        yield guide
    finally:
        for handle in handles:
            handle.remove()
    if guide.calls == 0:
        warnings.warn("guided backpropagation found no nn.ReLU / nn.ReLU6 module in the forward pass: "
                      "functional activations (F.relu, torch.relu) cannot be guided by module hooks, "
                      "so the result is the plain gradient (saliency)", stacklevel=3)


def guided_backprop(model, x: torch.Tensor, target=None) -> torch.Tensor:
    """Guided backpropagation of each image's target score to its pixels.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits; its ReLU / ReLU6
            activations must be modules (see the module docstring).
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.

    Returns:
        The guided gradient, ``N x 3 x H x W``.
    """
    with guided_relus(model) as guide:
        guide.active = True
        return saliency(model, x, target)


def gradient_picture(gradient: torch.Tensor, spread: float = 0.1) -> torch.Tensor:
    """Show an ``N x 3 x H x W`` gradient as a picture, the way guided backpropagation is usually
    shown: each image centred on grey 0.5, with ``spread`` standard deviations per unit, clamped
    to [0, 1]. Positive gradients brighten a colour, negative ones darken it."""
    flat = gradient.detach().flatten(1)
    shape = (-1,) + (1,) * (gradient.dim() - 1)
    mean, std = flat.mean(1).reshape(shape), flat.std(1).reshape(shape)
    return ((gradient.detach() - mean) / (std + 1e-12) * spread + 0.5).clamp(0, 1)
