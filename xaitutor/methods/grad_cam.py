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

import torch

# GradCamParts and UPSAMPLE_MODES live with the code every CAM shares; imported here for their users
from .class_activation_maps import UPSAMPLE_MODES, GradCamParts, gradient_cam, weighted_maps  # noqa: F401


def gradcam(
    model,
    x: torch.Tensor,
    target=None,
    layer=None,
    relu: bool = True,
    upsample: str | None = "bilinear",
    normalize: bool = True,
    return_parts: bool = False,
):
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
    return gradient_cam(channel_mean, model, x, target, layer, relu, upsample, normalize, return_parts)


def channel_mean(activations, gradients):
    """Eq. 3.2: the average gradient of each channel, ``N x K``."""
    return gradients.mean(dim=(2, 3))


def combine(activations, gradients, size, relu=True, upsample="bilinear", normalize=True):
    """The heart of Grad-CAM: channel weights, the weighted sum of the maps, its upsampled view.

    Args:
        activations, gradients: the layer's output ``A`` and ``d y^c / d A``, ``N x K x h x w``.
        size: the input's ``(H, W)``, the size to upsample to.
        relu, upsample, normalize: as in :func:`gradcam`.

    Returns:
        ``(weights, raw, cam)``: ``N x K``, ``N x 1 x h x w`` and the final ``N x 1`` maps.
    """
    weights = channel_mean(activations, gradients)
    raw, cam = weighted_maps(activations, weights, size, relu, upsample, normalize)  # eq. 3.1
    return weights, raw, cam
