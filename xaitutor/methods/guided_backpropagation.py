"""Guided backpropagation: the input gradient, with negative gradients stopped at every ReLU.

Springenberg, Dosovitskiy, Brox and Riedmiller, "Striving for Simplicity: The All Convolutional
Net", ICLR workshop 2015, https://arxiv.org/abs/1412.6806 (sec. 3.4, fig. 1).

Backpropagation lets a gradient through a ReLU where its input was positive. Guided
backpropagation also requires the gradient itself to be positive (essay, sec. 3.2), so only the
signal that *increases* the class score reaches the pixels. For a ReLU with input ``f`` and the
gradient ``R`` arriving from above:

    backpropagation:          R_in = (f > 0) * R
    guided backpropagation:   R_in = (f > 0) * (R > 0) * R

The rule is a tensor hook (:class:`xaitutor.hooks.GradientRule`) on the output of every ReLU
*function* the model calls (:func:`xaitutor.hooks.op_rules`, as DeconvNet's rule in chapter 7): it
keeps the positive part of ``R``, and the ReLU's own backward then applies ``(f > 0)``. Seeing the
functions rather than the modules, the rule meets a ReLU module called twice in one forward
(torchvision's ``BasicBlock``), one run in place, and a functional ``F.relu`` / ``torch.relu``.
It is switched on only while ``guide.active`` is true, so one forward can serve a plain and a guided
backward (Guided Grad-CAM).

Limit: an activation that is no ReLU function (``x.clamp(min=0)``, GELU, SiLU) stays unguided; a
warning says so when no ReLU ran.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import torch

from ..hooks import GradientRule
from .driver import forward
from .protocol import declare

# The ReLU functions (and their in-place forms) the rules of this chapter and of DeconvNet's rewrite:
# ``nn.ReLU`` calls ``relu``, ``nn.ReLU6`` ``hardtanh`` (clamped to [0, 6]).
RELUS = tuple(name for a in ("relu", "relu6", "hardtanh") for name in (a, a + "_"))


def guided_rule(gradient: torch.Tensor) -> torch.Tensor:
    """``(R > 0) * R``: the part of the guided rule the ReLU's own backward does not apply."""
    return gradient.clamp(min=0)


@contextmanager
def guided_relus(active: bool = False):
    """The guide of one guided pass: pass ``guide.handlers(RELUS)`` as the ``rules`` of
    :func:`~xaitutor.methods.driver.forward`.

    Yields:
        A :class:`~xaitutor.hooks.GradientRule`, inactive unless ``active``: set
        ``guide.active = True`` before the backward pass that must be guided. Warns at the end of
        the block if the forward pass called no ReLU.
    """
    guide = GradientRule(guided_rule, active)
    yield guide
    if guide.calls == 0:
        warnings.warn(
            "guided backpropagation found no ReLU (F.relu, torch.relu, nn.ReLU, nn.ReLU6) in the "
            "forward pass: other activations (GELU, SiLU, x.clamp(min=0)) are not guided, so the "
            "result is the plain gradient (saliency)",
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
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.

    Returns:
        The guided gradient, ``N x 3 x H x W`` (``xt.imaging.gradient_picture`` shows it).
    """
    with guided_relus(active=True) as guide, forward(model, x, target, rules=guide.handlers(RELUS)) as run:
        return run.gradient(run.x)
