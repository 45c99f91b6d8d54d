"""``xt.lrp``: layer-wise relevance propagation of each image's class score to its pixels.

Bach, Binder, Montavon, Klauschen, Müller and Samek, PLoS ONE 2015,
https://doi.org/10.1371/journal.pone.0130140; Montavon et al., "Layer-Wise Relevance Propagation:
An Overview", 2019, https://doi.org/10.1007/978-3-030-28954-6_10.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..driver import forward, target_scores
from ..protocol import declare
from .composites import resolve_composite
from .propagation import Propagation


@dataclass
class LrpParts:
    """One LRP run, for the lesson on conservation (all detached).

    Attributes:
        relevance: at the input, ``N x C x H x W``.
        scores: the target logits ``f_c(x)`` that were handed back, ``N``.
        totals: ``(layer name, total relevance at the layer's input, N)`` for every convolution and
            linear layer, from the output down to the input.
        layers: the relevance at the output of each layer asked for, by name.
        targets: the class explained for each image, ``N``.
    """

    relevance: torch.Tensor
    scores: torch.Tensor
    totals: list
    layers: dict
    targets: torch.Tensor


@declare(
    "LRP",
    kind="relevance",
    returns="attribution",
    chapter=7,
    paper="Bach et al., PLoS ONE 2015, https://doi.org/10.1371/journal.pone.0130140",
    cost="1 forward + 1 backward by the rules",
)
def lrp(
    model,
    x: torch.Tensor,
    target=None,
    composite="epsilon_plus_flat",
    canonize: bool = True,
    layers=(),
    return_parts: bool = False,
):
    """Layer-wise relevance propagation of each image's target logit to its pixels.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits (a bare module cannot use
            the box rule, which needs the input's bounds).
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int or one class per image.
        composite: the rules, by name (``composites.COMPOSITES``: ``"epsilon_plus_flat"``,
            ``"epsilon_gamma_box"``, ``"epsilon_plus"``, ``"epsilon_alpha2_beta1"``, ``"epsilon"``,
            ``"zplus"``, ...) or a dict from ``"first"``, ``"conv"``, ``"linear"`` or a module's
            name to a rule (``rules.epsilon(0.25)``) or a rule's name (``"gamma"``).
        canonize: merge each batch norm into the layer before it and share the relevance of residual
            additions between their branches (``canonizers.py``); ``False`` shows what goes wrong.
        layers: layers (dotted names) whose output's relevance :class:`LrpParts` keeps.
        return_parts: return an :class:`LrpParts` (scores, totals layer by layer).

    Returns:
        The relevance, ``N x 3 x H x W``, summing to about each image's target logit (less what the
        biases and ε absorb); ``xt.imaging.to_map`` gives one channel. Or an :class:`LrpParts`.
    """
    propagation = Propagation(resolve_composite(composite, model), canonize)
    with forward(model, x, target, layers=layers, rules=propagation.handlers()) as run:
        scores = target_scores(run.logits, run.targets)
        # the relevance handed back is the logit itself: d(y * y.detach())/dy = y
        relevance = run.gradient(run.x, of=(scores * scores.detach()).sum())
        if not return_parts:
            return relevance
        captured = {name: run.recording.gradients.get(name) for name in run.recording.activations}
        return LrpParts(relevance, scores.detach(), propagation.totals, captured, run.targets)
