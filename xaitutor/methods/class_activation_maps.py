"""What every class activation map shares: a weighted sum of a layer's feature maps, its ReLU, the
resizing to the picture and the scaling to [0, 1] (pytorch-grad-cam's ``base_cam.py``).

A CAM method differs only in its weights ``w`` of the layer's output ``A`` (``K`` maps ``h x w``):

    H^c = ReLU(sum_k w_k^c A^k)

with one weight per channel (Grad-CAM, Grad-CAM++, Score-CAM: ``N x K``) or one per position
(LayerCAM: ``N x K x h x w``). :func:`gradient_cam` runs the forward and the backward to the layer
for the methods whose weights come from the gradient ``d y^c / d A``, and hands them to the
method's ``weigh(activations, gradients)``; :func:`weighted_maps` does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..imaging import scale_01
from ..resolve import resolve_cam_layer
from .driver import forward

UPSAMPLE_MODES = (None, "bilinear", "nearest", "bicubic")


@dataclass
class GradCamParts:
    """Everything one CAM pass computes, for the lesson's figures (all detached).

    Attributes:
        cam: the final maps, ``N x 1 x H x W`` (upsampled and scaled as asked).
        raw: ``ReLU(sum_k w_k A^k)`` (or without ReLU) at the layer's resolution, ``N x 1 x h x w``.
        activations: the layer's output ``A``, ``N x K x h x w``.
        weights: the channel weights ``w``, ``N x K`` (LayerCAM: a weight per position,
            ``N x K x h x w``).
        logits: the model's output, ``N x classes``.
        targets: the class explained for each image, ``N``.
        layer: the name of the layer.
    """

    cam: torch.Tensor
    raw: torch.Tensor
    activations: torch.Tensor
    weights: torch.Tensor
    logits: torch.Tensor
    targets: torch.Tensor
    layer: str


def check_upsample(upsample, modes=UPSAMPLE_MODES) -> None:
    """``upsample`` checked to be one of ``modes``."""
    if upsample not in modes:
        raise ValueError(f"upsample must be one of {modes}, got {upsample!r}")


def weighted_maps(activations, weights, size, relu=True, upsample="bilinear", normalize=True):
    """``sum_k w_k A^k``, its ReLU, resized to ``size`` and scaled: ``(raw, cam)``.

    Args:
        activations: the layer's output ``A``, ``N x K x h x w`` (detached).
        weights: ``N x K`` channel weights or ``N x K x h x w`` weights per position.
        size: the input's ``(H, W)``, the size to upsample to.
        relu, upsample, normalize: as in :func:`~xaitutor.methods.gradcam`.

    Returns:
        ``raw`` (``N x 1 x h x w``) and ``cam`` (``N x 1 x H x W``, or ``h x w`` without upsampling).
    """
    if weights.dim() == 2:
        weights = weights[:, :, None, None]
    raw = (weights * activations).sum(dim=1, keepdim=True)
    if relu:
        raw = raw.clamp(min=0)
    cam = raw if upsample is None else F.interpolate(raw, size=tuple(size), mode=upsample)
    if normalize:
        cam = scale_01(cam)  # after the ReLU: scaling before it would divide by a negative maximum
    return raw, cam


def gradient_cam(
    weigh, model, x, target=None, layer=None, relu=True, upsample="bilinear", normalize=True, return_parts=False
):
    """A CAM whose weights ``weigh(A, d y^c / d A)`` come from one forward and one backward pass
    from the score down to the layer only; the other arguments are :func:`~xaitutor.methods.gradcam`'s."""
    check_upsample(upsample)
    name = resolve_cam_layer(model, layer)
    with forward(model, x, target, layers=[name]) as run:
        activations = run.feature_map(name)
        gradients = run.gradient(activations)
    activations = activations.detach()
    weights = weigh(activations, gradients)
    raw, cam = weighted_maps(activations, weights, x.shape[-2:], relu, upsample, normalize)
    if not return_parts:
        return cam
    return GradCamParts(
        cam=cam,
        raw=raw,
        activations=activations,
        weights=weights,
        logits=run.logits.detach(),
        targets=run.targets,
        layer=name,
    )
