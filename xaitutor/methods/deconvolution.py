"""DeconvNet: the class score handed back through the network with the ReLUs' rule reversed.

Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014,
https://arxiv.org/abs/1311.2901 (sec. 2.1); as a backward rule, Springenberg et al. 2015, fig. 1.

Three rules for a ReLU with input ``f`` and the signal ``R`` arriving from above:

    backpropagation (saliency):   R_in = (f > 0) * R
    guided backpropagation:       R_in = (f > 0) * (R > 0) * R
    DeconvNet:                    R_in = (R > 0) * R

DeconvNet forgets where the forward pass was positive: only the signal's own sign decides, so its
maps show what excites the units above, hardly which picture came in. Both rules are rules on the
same ReLU functions (``guided_backpropagation.RELUS``, seen by :func:`~xaitutor.hooks.op_rules`):
module or functional, reused or in place, every ReLU and ReLU6 is ruled. Guided backpropagation's
runs before the ReLU's own backward (a gradient rule on its output); DeconvNet's replaces that
backward (:class:`~xaitutor.hooks.Rewritten`).
"""

from __future__ import annotations

import torch

from ..hooks import Rewritten
from .driver import forward
from .guided_backpropagation import RELUS
from .protocol import declare


def deconvnet_rule(call):
    """The ReLU of ``call`` run as it is, its backward ``(R > 0) * R`` whatever its input was."""
    x = call.args[0]
    return Rewritten.apply(lambda r: (r.clamp(min=0),), call.run, x) if x.requires_grad else call.run()


RULES = dict.fromkeys(RELUS, deconvnet_rule)


@declare(
    "DeconvNet",
    kind="gradient",
    returns="attribution",
    chapter=7,
    paper="Zeiler and Fergus, ECCV 2014, https://arxiv.org/abs/1311.2901",
    cost="1 forward + 1 backward by the rule",
)
def deconvnet(model, x: torch.Tensor, target=None) -> torch.Tensor:
    """DeconvNet's reconstruction of each image's target score at its pixels.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int or one class per image.

    Returns:
        ``N x 3 x H x W`` (``xt.imaging.gradient_picture`` shows it, as it shows guided backprop).
    """
    with forward(model, x, target, rules=RULES) as run:
        return run.gradient(run.x)
