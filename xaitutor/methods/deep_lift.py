"""DeepLIFT (rescale rule): each unit's difference from a reference, handed back by multipliers.

Shrikumar, Greenside and Kundaje, "Learning Important Features Through Propagating Activation
Differences", ICML 2017, https://arxiv.org/abs/1704.02685.

With ``Δx = x - x'`` from a reference input ``x'`` (the baseline), DeepLIFT hands the difference
of the class score, ``Δy = f(x) - f(x')``, back to the pixels through multipliers ``m = ΔR / Δx``
that obey the chain rule (their eq. 3). A linear layer's multiplier is its weight (its gradient);
a nonlinearity ``y = g(x)`` gets the rescale rule (sec. 3.5.1), ``m = Δy / Δx`` (its gradient where
``Δx`` is about 0), and max pooling hands ``Δy`` to the maximum of the input or of the reference,
as captum does. Then ``sum_i Δx_i m_i = Δy``: summation-to-delta (their eq. 1), exact for the
rescale rule; the gap says if a nonlinearity was missed.

The nonlinearities are the torch functions (``F.relu``, ``F.relu6``, ``F.max_pool2d``, ...) seen by
:func:`~xaitutor.hooks.op_rules`: a ReLU module called twice (resnet's blocks) or a functional
``F.relu`` gets its own multiplier at each call; captum's module hooks miss both (captum #199,
#578, #1082). The cost: one forward of the reference, one forward and one backward of the input.
"""

from __future__ import annotations

import torch

from ..hooks import Rewritten
from ..resolve import resolve_input, resolve_model
from .baselines import CompletenessParts, resolve_baseline
from .driver import fixed_targets, forward, gradient, target_scores
from .protocol import declare

ELEMENTWISE = ("relu", "relu6", "hardtanh", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus")
EPS = 1e-10  # captum's: below it, Δx counts as 0


def recorder(seen: list) -> dict:
    """The reference pass: each nonlinearity's input and output, in the order they run."""

    def note(call):
        output = call.run()
        seen.append((call.args[0], output))
        return output

    return {name: note for a in (*ELEMENTWISE, "max_pool2d") for name in (a, a + "_")}


def rescaler(seen: list) -> dict:
    """The input's pass: each nonlinearity's backward becomes its DeepLIFT multiplier."""
    order = iter(seen)

    def rescale(call):
        x, (x0, y0) = call.args[0], next(order)
        if not x.requires_grad:
            return call.run()
        if x0.shape != x.shape:
            raise RuntimeError("the reference and the input ran through different nonlinearities")
        pool = "max_pool" in getattr(call.func, "__name__", "")
        return Rewritten.apply((pooled if pool else elementwise)(call, x.detach(), x0, y0), call.run, x)

    return {name: rescale for a in (*ELEMENTWISE, "max_pool2d") for name in (a, a + "_")}


def slope(call, at: torch.Tensor, of: torch.Tensor) -> torch.Tensor:
    """``d(sum call(at) * of) / d at``: the function's own backward of ``of``."""
    at = at.detach().requires_grad_()
    with torch.enable_grad():
        return gradient((call.run(at, *call.args[1:]) * of).sum(), at)


def rescaled(g, delta_out, delta_in, slope_at_x):
    """``g * Δy / Δx`` (in float32 at least: a half's Δx underflows); where ``Δx`` is about 0, the
    slope ``slope_at_x()``, computed only when such a unit exists."""
    small = delta_in.float().abs() < EPS
    multiplied = (g * (torch.as_tensor(delta_out).float() / delta_in.float())).to(g.dtype)
    return torch.where(small, slope_at_x(), multiplied) if small.any() else multiplied


def elementwise(call, x, x0, y0):
    delta_in, delta_out = x - x0, call.run(x, *call.args[1:]) - y0
    return lambda g: (rescaled(g, delta_out, delta_in, lambda: slope(call, x, g)),)


def pooled(call, x, x0, y0):
    y = call.run(x, *call.args[1:])
    top = torch.max(y, y0)  # captum's: Δy shared between the input's and the reference's maxima
    delta_in = x - x0

    def rule(g):
        routed = slope(call, x, g * (top - y0)) + slope(call, x0, g * (y - top))
        return (rescaled(routed, 1, delta_in, lambda: slope(call, x, g)),)

    return rule


@declare(
    "DeepLIFT",
    kind="relevance",
    returns="attribution",
    chapter=7,
    paper="Shrikumar, Greenside and Kundaje, ICML 2017, https://arxiv.org/abs/1704.02685",
    cost="2 forwards + 1 backward",
)
def deeplift(model, x: torch.Tensor, target=None, baseline=None, return_parts: bool = False):
    """DeepLIFT (rescale rule) of each image's target logit against a reference.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class at ``x``), an int or one class per image.
        baseline: the reference ``x'``: ``None``/``"black"``, ``"grey"``, ``"blur"``, a pixel value or
            a tensor in the model's input space, as for integrated gradients.
        return_parts: return a :class:`CompletenessParts` with the summation-to-delta gap.

    Returns:
        ``(x - x') * m``, ``N x 3 x H x W``, summing to ``f(x) - f(x')``; or a :class:`CompletenessParts`.
    """
    x = resolve_input(resolve_model(model), x)
    targets, seen = fixed_targets(model, x, target), []
    with forward(model, resolve_baseline(model, x, baseline), targets, gradients=False, rules=recorder(seen)) as ref:
        start, reference = ref.x, target_scores(ref.logits, ref.targets)
    with forward(model, x, targets, rules=rescaler(seen)) as run:
        attribution = (run.x - start).detach() * run.gradient(run.x)
        scores = target_scores(run.logits, run.targets).detach()
    if not return_parts:
        return attribution
    gap = attribution.flatten(1).sum(1) - (scores - reference)
    return CompletenessParts(attribution, start, scores, reference, gap, run.targets)
