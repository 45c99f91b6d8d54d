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

from ..resolve import resolve_cam_layer
from .class_activation_maps import GradCamParts, check_upsample, upsampled
from .driver import forward
from .protocol import declare


@declare(
    "Grad-CAM",
    kind="class activation map",
    returns="map",
    chapter=3,
    paper="Selvaraju et al., ICCV 2017, https://arxiv.org/abs/1610.02391",
    cost="1 forward + 1 backward to the layer",
)
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
    check_upsample(upsample)
    name = resolve_cam_layer(model, layer)
    with forward(model, x, target, layers=[name]) as run:
        activations = run.feature_map(name)  # A, N x K x h x w
        gradients = run.gradient(activations)  # d y^c / d A: one backward, to the layer only
    weights = channel_weights(gradients)  # eq. 3.2
    raw = heatmap(activations.detach(), weights, relu=relu)  # eq. 3.1
    cam = upsampled(raw, x.shape[-2:], upsample=upsample, normalize=normalize)
    return GradCamParts.of(run, name, activations, weights, raw, cam) if return_parts else cam


def channel_weights(gradients: torch.Tensor) -> torch.Tensor:
    """Eq. 3.2: ``alpha_k^c``, the average gradient of each channel over its map, ``N x K``."""
    return gradients.mean(dim=(2, 3))


def heatmap(activations: torch.Tensor, weights: torch.Tensor, relu: bool = True) -> torch.Tensor:
    """Eq. 3.1: ``ReLU(sum_k w_k^c A^k)``, the weighted sum of the layer's maps at its own
    resolution, ``N x 1 x h x w``; ``weights`` are ``N x K`` (one per channel) or ``N x K x h x w``
    (one per position, LayerCAM); ``relu=False`` keeps the negative evidence too."""
    if weights.dim() == 2:
        weights = weights[:, :, None, None]
    raw = (weights * activations).sum(dim=1, keepdim=True)
    return raw.clamp(min=0) if relu else raw
