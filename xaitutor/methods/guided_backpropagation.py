"""Guided backpropagation: the input gradient, with negative gradients stopped at every ReLU.

Springenberg, Dosovitskiy, Brox and Riedmiller, "Striving for Simplicity: The All Convolutional
Net", ICLR workshop 2015, https://arxiv.org/abs/1412.6806 (sec. 3.4, fig. 1).

Backpropagation lets a gradient through a ReLU where its input was positive. Guided
backpropagation also requires the gradient itself to be positive (essay, sec. 3.2), so only the
signal that *increases* the class score reaches the pixels. For a ReLU with input ``f`` and the
gradient ``R`` arriving from above:

    backpropagation:          R_in = (f > 0) * R
    guided backpropagation:   R_in = (f > 0) * (R > 0) * R

The rule is the tensor hook of :func:`xaitutor.hooks.gradient_rule` on the output of every
``nn.ReLU`` / ``nn.ReLU6`` module: it keeps the positive part of ``R``, and the ReLU's own backward
then applies ``(f > 0)``. The rule sits on each call's output, so a ReLU module called twice in one
forward (torchvision's ``BasicBlock``) or run in place is guided too. It is switched on only while
``guide.active`` is true, so one forward can serve a plain and a guided backward (Guided Grad-CAM).

Limit: functional activations (``F.relu(x)``, ``torch.relu``, ``x.clamp(min=0)``) are not modules,
so no module hook sees them and they stay unguided; a warning says so when no ReLU module ran.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import torch
from torch import nn

from ..hooks import gradient_rule
from .protocol import declare
from .saliency_maps import saliency

GUIDED_ACTIVATIONS = (nn.ReLU, nn.ReLU6)


def guided_rule(gradient: torch.Tensor) -> torch.Tensor:
    """``(R > 0) * R``: the part of the guided rule the ReLU's own backward does not apply."""
    return gradient.clamp(min=0)


@contextmanager
def guided_relus(model, active: bool = False):
    """Guide every ``nn.ReLU`` / ``nn.ReLU6`` module of ``model`` while the block runs.

    Yields:
        A :class:`~xaitutor.hooks.GradientRule`, inactive unless ``active``: set
        ``guide.active = True`` before the backward pass that must be guided. The hooks are
        removed when the block ends, even on error.
    """
    with gradient_rule(model, GUIDED_ACTIVATIONS, guided_rule, active) as guide:
        yield guide
    if guide.calls == 0:
        warnings.warn(
            "guided backpropagation found no nn.ReLU / nn.ReLU6 module in the forward pass: "
            "functional activations (F.relu, torch.relu) cannot be guided by module hooks, "
            "so the result is the plain gradient (saliency)",
            stacklevel=3,
        )


@declare(
    "guided backprop",
    kind="gradient",
    returns="attribution",
    chapter=3,
    paper="Springenberg, Dosovitskiy, Brox and Riedmiller, ICLR workshop 2015, https://arxiv.org/abs/1412.6806",
    cost="1 forward + 1 guided backward",
)
def guided_backprop(model, x: torch.Tensor, target=None) -> torch.Tensor:
    """Guided backpropagation of each image's target score to its pixels.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits; its ReLU / ReLU6
            activations must be modules (see the module docstring).
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.

    Returns:
        The guided gradient, ``N x 3 x H x W`` (``xt.imaging.gradient_picture`` shows it).
    """
    with guided_relus(model, active=True):
        return saliency(model, x, target)
