"""Occlusion: how much the class score drops when a square of the picture is hidden.

Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014,
https://arxiv.org/abs/1311.2901, sec. 4.2: a ``window x window`` square (all channels) slides over the
picture by ``stride``, filled with a baseline; each position scores

    d_w = y^c(x) - y^c(x with window w replaced by the baseline)

and each pixel gets the average ``d_w`` of the windows that cover it (as captum's ``Occlusion``).
The windows start at ``0, stride, 2 stride, ...`` and the last one in each direction is cut at the
border. The cost is one forward pass per window position, batched, no gradient.
"""

from __future__ import annotations

import math

import torch

from ..progress_bar import interruptible
from ..resolve import resolve_batch_size, resolve_count, resolve_input, resolve_model
from .baselines import resolve_baseline
from .driver import forward, target_scores
from .protocol import declare


@declare(
    "occlusion",
    kind="perturbation",
    returns="map",
    chapter=6,
    paper="Zeiler and Fergus, ECCV 2014, https://arxiv.org/abs/1311.2901",
    cost="1 forward per window position, batched",
    shapes=dict(window=8, stride=4),
    photo=dict(window=32, stride=16),
)
def occlusion(
    model,
    x: torch.Tensor,
    target=None,
    window: int = 16,
    stride: int = 8,
    baseline=0.0,
    batch_size: int | None = None,
    progress: bool = True,
) -> torch.Tensor:
    """Occlusion sensitivity maps of each image's target logit.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x C x H x W``.
        target: ``None`` (each image's top class), an int or one class per image.
        window: the side of the square, in pixels (at most the picture's height and width).
        stride: the step between windows, 1 to ``window``.
        baseline: what fills the window: a pixel value (0.0, black, by default), ``"black"``,
            ``"grey"``, ``"blur"``, ``"noise"`` or a tensor in the model's input space (see
            :func:`~xaitutor.methods.baselines.resolve_baseline`); a pixel value is normalised
            for a ``Classifier`` and taken as it is for a bare module.
        batch_size: pictures per forward pass (``batch_size // N`` windows of all ``N`` images).
        progress: show a progress bar; Ctrl-C returns the average over the windows done (0 where
            no window was done).

    Returns:
        ``N x 1 x H x W`` score drops (positive: hiding the pixel lowers the score).
    """
    module = resolve_model(model)
    x = resolve_input(module, x)
    (n, _, h, w) = x.shape
    window, stride = resolve_count(window, "window"), resolve_count(stride, "stride")
    if window > min(h, w):
        raise ValueError(f"window={window} is larger than the picture ({h} x {w}): choose a smaller window")
    if stride > window:
        raise ValueError(
            f"stride={stride} is larger than window={window}: some pixels would be covered by "
            "no window; choose stride <= window"
        )
    filler = resolve_baseline(model, x, baseline)
    rows = [i * stride for i in range(math.ceil((h - window) / stride) + 1)]
    cols = [j * stride for j in range(math.ceil((w - window) / stride) + 1)]
    positions = [(r, c) for r in rows for c in cols]
    per_pass = max(1, resolve_batch_size(batch_size, (h, w), x.device) // n)
    total = torch.zeros(n, 1, h, w, device=x.device, dtype=x.dtype)
    count = torch.zeros(1, 1, h, w, device=x.device)
    with forward(model, x, target, gradients=False) as run:
        targets, scores = run.targets, target_scores(run.logits, run.targets)
    partial = "pixels average the windows done"
    with interruptible(len(positions), "occlusion", progress, unit="window", partial=partial) as bar:
        for k in range(0, len(positions), per_pass):
            chunk = positions[k : k + per_pass]
            masks = torch.zeros(len(chunk), 1, 1, h, w, dtype=torch.bool, device=x.device)
            for m, (r, c) in zip(masks, chunk):
                m[..., r : r + window, c : c + window] = True
            with forward(
                model, torch.where(masks, filler, x).flatten(0, 1), targets.repeat(len(chunk)), gradients=False
            ) as hidden:
                drop = scores.repeat(len(chunk)) - target_scores(hidden.logits, hidden.targets)
            total += (drop.view(len(chunk), n, 1, 1, 1) * masks).sum(dim=0)
            count += masks.sum(dim=0)
            bar.update(len(chunk))
    return total / count.clamp(min=1)
