"""Integrated gradients: the gradients along the straight path from a baseline to the input.

Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks", ICML 2017,
https://arxiv.org/abs/1703.01365, eq. 1:

    IG_i(x) = (x_i - x'_i) * integral_0^1 dF(x' + alpha (x - x')) / dx_i  d alpha

approximated by the trapezoid rule over ``steps`` points ``alpha_k = k / (steps - 1)`` with weights
``1 / (steps - 1)``, halved at both ends: captum's ``method="riemann_trapezoid"`` uses the same
points but weights ``1 / steps`` (summing to ``(steps - 1) / steps``, not 1), so its attributions are
``(steps - 1) / steps`` times these and miss completeness by that factor. Completeness
(their Proposition 1): the attributions add up to ``F(x) - F(x')``; the gap says how good the
approximation is. The cost is ``steps`` forward and backward passes, batched over the path.
"""

from __future__ import annotations

import torch

from ..progress_bar import interruptible
from ..resolve import resolve_copies, resolve_count, resolve_input, resolve_model
from .baselines import CompletenessParts, resolve_baseline
from .driver import copies_gradient, fixed_targets
from .protocol import declare


def trapezoid(steps: int, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """The points ``alpha_k`` (captum's) and weights (summing to 1) of the trapezoid rule on [0, 1]."""
    alphas = torch.linspace(0, 1, steps, device=device)
    weights = torch.full((steps,), 1 / (steps - 1), device=device)
    weights[0] = weights[-1] = 0.5 / (steps - 1)
    return alphas, weights


@declare(
    "integrated gradients",
    kind="gradient",
    returns="attribution",
    chapter=6,
    paper="Sundararajan, Taly and Yan, ICML 2017, https://arxiv.org/abs/1703.01365",
    cost="steps x (forward + backward), batched",
    passes="steps",
    shapes=dict(steps=32),
    photo=dict(steps=32),
)
def integrated_gradients(
    model,
    x: torch.Tensor,
    target=None,
    baseline=None,
    steps: int = 50,
    batch_size: int | None = None,
    progress: bool = True,
    seed: int = 0,
    return_parts: bool = False,
):
    """Integrated gradients of each image's target score (eq. 1, trapezoid rule).

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int or one class per image.
        baseline: ``None``/``"black"``, ``"grey"``, ``"blur"``, ``"noise"``, a pixel value, or a
            tensor in the model's input space (see :func:`~xaitutor.methods.baselines.resolve_baseline`).
        steps: points on the path (at least 2, both ends included).
        batch_size: pictures per forward/backward pass (``batch_size // N`` path points of all
            ``N`` images; ``None``: chosen by the picture size).
        progress: show a progress bar. Ctrl-C stops the path early: a partial sum is no integral,
            so the result is then ``(x - x')`` times the average gradient over the points done
            (a coarser, biased estimate, said in the warning) and the scores not reached are NaN.
        seed: the seed of ``baseline="noise"`` (``None``: fresh randomness at each call).
        return_parts: return a :class:`CompletenessParts` with the completeness gap.

    Returns:
        ``N x C x H x W`` attributions, or a :class:`CompletenessParts`.
    """
    steps = resolve_count(steps, "steps", minimum=2)
    x = resolve_input(resolve_model(model), x)
    start = resolve_baseline(model, x, baseline, seed)
    targets = fixed_targets(model, x, target)
    alphas, weights = trapezoid(steps, x.device)
    delta = x - start
    total, done_weight = torch.zeros_like(x), 0.0
    ends = torch.full((2, len(x)), float("nan"), device=x.device)  # F(x'), F(x)
    partial = "the path is incomplete, so the result averages the gradients of the points done only (not the integral)"
    with interruptible(steps, "integrated gradients", progress, unit="step", partial=partial) as bar:
        for k in torch.arange(steps, device=x.device).split(resolve_copies(batch_size, x)):
            gradients, scores = copies_gradient(model, start + alphas[k, None, None, None, None] * delta, targets)
            total += (weights[k, None, None, None, None] * gradients).sum(dim=0)
            done_weight += weights[k].sum().item()
            for end, alpha in ((0, 0), (1, steps - 1)):
                if alpha in k.tolist():
                    ends[end] = scores[k.tolist().index(alpha)]
            bar.update(len(k))
    attribution = delta * (total / done_weight if bar.interrupted else total)
    if not return_parts:
        return attribution
    gap = attribution.flatten(1).sum(dim=1) - (ends[1] - ends[0])
    return CompletenessParts(attribution, start, ends[1], ends[0], gap, targets)
