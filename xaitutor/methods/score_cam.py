"""Score-CAM: weigh each channel by the score of the picture seen through that channel's map.

Wang, Wang, Du, Yang, Zhang, Ding, Mardziel and Hu, "Score-CAM: Score-Weighted Visual
Explanations for Convolutional Neural Networks", CVPR Workshops 2020,
https://arxiv.org/abs/1910.01279 (Algorithm 1 there).

No gradient: each of the layer's ``K`` maps, upsampled to the picture and min-max scaled to
[0, 1], masks the input, and the class score of the masked picture says how much that map shows
of the class. A softmax over the channels turns the ``K`` scores into weights:

    M^k = s(Up(A^k))        S_k^c = y^c(X * M^k)        w^c = softmax(S^c)
    H^c = ReLU(sum_k w_k^c A^k)

As in pytorch-grad-cam's ScoreCAM: bilinear upsampling with aligned corners, ``s(M) = (M - min) /
(max - min + 1e-8)``, the target's logit as the score (a baseline score would cancel in the
softmax). The cost is one forward pass plus ``N K / batch_size`` forward passes without gradients.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..progress_bar import interruptible
from ..resolve import resolve_batch_size, resolve_cam_layer
from .class_activation_maps import GradCamParts, check_upsample, upsampled
from .driver import forward, target_scores
from .grad_cam import heatmap
from .protocol import declare


@declare(
    "Score-CAM",
    kind="class activation map",
    returns="map",
    chapter=6,
    paper="Wang et al., CVPR workshops 2020, https://arxiv.org/abs/1910.01279",
    cost="1 forward + 1 forward per channel of the layer, batched",
)
def scorecam(
    model,
    x: torch.Tensor,
    target=None,
    layer=None,
    batch_size: int | None = None,
    progress: bool = True,
    relu: bool = True,
    upsample: str | None = "bilinear",
    normalize: bool = True,
    return_parts: bool = False,
):
    """Score-CAM heatmaps of a batch (Algorithm 1 of Wang et al.).

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.
        layer: the layer to explain (a dotted name or the module); by default the ``Classifier``'s
            ``cam_layer``.
        batch_size: masked pictures per forward pass; by default as many as hold eight 224 x 224
            pictures.
        progress: show a progress bar over the ``N K`` masked pictures.
        relu, upsample, normalize: as in :func:`~xaitutor.methods.gradcam`.
        return_parts: return a :class:`~xaitutor.methods.class_activation_maps.GradCamParts` (``weights``: the
            softmax of the masked pictures' scores, ``N x K``) instead.

    Returns:
        ``N x 1 x H x W`` maps (``N x 1 x h x w`` with ``upsample=None``), or the parts. On Ctrl-C
        the channels scored so far share the softmax and the others weigh 0, with a warning.
    """
    check_upsample(upsample)
    name = resolve_cam_layer(model, layer)
    with forward(model, x, target, layers=[name], gradients=False) as run:
        activations = run.feature_map(name)
    batch_size = resolve_batch_size(batch_size, x.shape[-2:], run.x.device)
    scores = masked_scores(model, run.x, activations, run.targets, batch_size, progress)
    # softmax over the channels scored (-inf elsewhere); an image with none scored weighs all 0
    weights = torch.nan_to_num(torch.softmax(scores, dim=1), nan=0.0)
    raw = heatmap(activations, weights, relu=relu)  # eq. 3.1 of Grad-CAM
    cam = upsampled(raw, x.shape[-2:], upsample=upsample, normalize=normalize)
    return GradCamParts.of(run, name, activations, weights, raw, cam) if return_parts else cam


def masked_scores(model, x, activations, targets, batch_size: int, show: bool = True) -> torch.Tensor:
    """``S_k^c = y^c(X * s(Up(A^k)))`` for every image and channel, ``N x K`` (``-inf`` for those
    a Ctrl-C left unscored), ``batch_size`` masked pictures per forward pass (without gradients)."""
    n, k = activations.shape[:2]
    maps = activations.flatten(0, 1)  # (image, channel) pairs in a row, so a batch may span images
    scores = torch.full((n * k,), float("-inf"), device=activations.device)
    partial = "the channels scored so far share the weights"
    with interruptible(n * k, "Score-CAM", show, unit="masked picture", partial=partial) as bar:
        for rows in torch.arange(n * k, device=activations.device).split(batch_size):
            masks = F.interpolate(maps[None, rows], size=x.shape[-2:], mode="bilinear", align_corners=True)[0]
            images = rows // k
            with forward(model, x[images] * _scaled(masks)[:, None], targets[images], gradients=False) as masked:
                scored = target_scores(masked.logits, masked.targets)
            scores[rows] = scored.float()  # outside the pass: scores may be the caller's inference tensor
            bar.update(len(rows))
    return scores.reshape(n, k)


def _scaled(masks: torch.Tensor) -> torch.Tensor:
    """Each ``H x W`` mask min-max scaled to [0, 1], as pytorch-grad-cam does (``+ 1e-8``)."""
    flat = masks.flatten(1)
    low, high = flat.min(1).values[:, None, None], flat.max(1).values[:, None, None]
    return (masks - low) / (high - low + 1e-8)
