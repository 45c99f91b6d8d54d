"""Grad-CAM: which regions of the picture made the network choose a class.

Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
Localization", ICCV 2017, https://arxiv.org/abs/1610.02391.

A convolutional layer's output ``A`` (``K`` channels of ``H x W`` feature maps) still keeps the
layout of the picture. Grad-CAM weighs each channel by how much the class score ``y^c`` grows with
it, on average over the map (essay, eq. 3.2), and adds up the weighted maps, keeping only the
positive evidence (eq. 3.1):

    alpha_k^c = 1/Z sum_ij dy^c / dA^k_ij          H^c = ReLU(sum_k alpha_k^c A^k)

The cost is one forward pass and one backward pass from the score down to the layer only.
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
    """Everything one Grad-CAM pass computes, for the lesson's figures (all detached).

    Attributes:
        cam: the final maps, ``N x 1 x H x W`` (upsampled and scaled as asked).
        raw: ``ReLU(sum_k alpha_k A^k)`` (or without ReLU) at the layer's resolution, ``N x 1 x h x w``.
        activations: the layer's output ``A``, ``N x K x h x w``.
        weights: the channel weights ``alpha``, ``N x K``.
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


def gradcam(model, x: torch.Tensor, target=None, layer=None, relu: bool = True,
            upsample: str | None = "bilinear", normalize: bool = True, return_parts: bool = False):
    """Grad-CAM heatmaps of a batch (essay, eq. 3.1 and 3.2).

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W`` (e.g. ``clf.preprocess(image)``).
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.
        layer: the layer to explain, a dotted name (``"layer4"``) or the module; by default the
            ``Classifier``'s ``cam_layer`` (required for a bare module). Its output must be a
            ``N x K x h x w`` tensor; a layer run several times in one forward is explained at
            its last call.
        relu: keep only the positive evidence (eq. 3.1); ``False`` shows the negative part too.
        upsample: ``"bilinear"`` (default), ``"nearest"`` or ``"bicubic"`` resizing to the
            input's ``H x W``, or ``None`` to stay at the layer's ``h x w``.
        normalize: min-max scale each map to [0, 1] (a constant map becomes zeros).
        return_parts: return a :class:`GradCamParts` with the intermediate tensors instead.

    Returns:
        ``N x 1 x H x W`` maps (``N x 1 x h x w`` with ``upsample=None``), or a
        :class:`GradCamParts`.
    """
    if upsample not in UPSAMPLE_MODES:
        raise ValueError(f"upsample must be one of {UPSAMPLE_MODES}, got {upsample!r}")
    name = resolve_cam_layer(model, layer)
    with forward(model, x, target, layers=[name]) as run:
        activations = run.feature_map(name)
        gradients = run.gradient(activations)  # d y^c / d A, from the score down to the layer only
    weights, raw, cam = combine(activations.detach(), gradients, x.shape[-2:], relu, upsample, normalize)
    if not return_parts:
        return cam
    return GradCamParts(cam=cam, raw=raw, activations=activations.detach(), weights=weights,
                        logits=run.logits.detach(), targets=run.targets, layer=name)


def combine(activations, gradients, size, relu=True, upsample="bilinear", normalize=True):
    """The heart of Grad-CAM: channel weights, the weighted sum of the maps, its upsampled view.

    Args:
        activations, gradients: the layer's output ``A`` and ``d y^c / d A``, ``N x K x h x w``.
        size: the input's ``(H, W)``, the size to upsample to.
        relu, upsample, normalize: as in :func:`gradcam`.

    Returns:
        ``(weights, raw, cam)``: ``N x K``, ``N x 1 x h x w`` and the final ``N x 1`` maps.
    """
    weights = gradients.mean(dim=(2, 3))  # eq. 3.2: the average gradient of each channel
    raw = (weights[:, :, None, None] * activations).sum(dim=1, keepdim=True)  # eq. 3.1
    if relu:
        raw = raw.clamp(min=0)
    cam = raw if upsample is None else F.interpolate(raw, size=tuple(size), mode=upsample)
    if normalize:
        cam = scale_01(cam)  # after the ReLU: scaling before it would divide by a negative maximum
    return weights, raw, cam
