"""Grad-CAM++: Grad-CAM whose channel weights count each position by how much it matters.

Chattopadhay, Sarkar, Howlader and Balasubramanian, "Grad-CAM++: Generalized Gradient-based Visual
Explanations for Deep Convolutional Networks", WACV 2018, https://arxiv.org/abs/1710.11063.

Grad-CAM averages the gradient over the map, so a small object's channel weighs little. Grad-CAM++
weighs the positive gradients by coefficients ``alpha`` (eq. 7 of the paper, numbered as in
arXiv 1710.11063 and pytorch-grad-cam):

    w_k^c = sum_ij alpha_ij^kc ReLU(dY^c / dA^k_ij)

For the exponential of the score, ``Y^c = exp(S^c)``, the second and third derivatives are powers
of the first, ``g = dS^c / dA^k``, and ``alpha`` has a closed form (eq. 19), zero where its
denominator is zero:

    alpha_ij^kc = g_ij^2 / (2 g_ij^2 + sum_ab A^k_ab g_ij^3)

``exp(S^c)`` multiplies every weight of an image alike, so it is left out (the maps are scaled).
pytorch-grad-cam adds ``1e-6`` to the denominator, which is about ``1e-4`` at resnet18's ``layer4``
or efficientnet_lite0's head: its weights move by up to 1-3 % of the largest. The paper's formula
has no such constant, and neither has this one.

The cost is Grad-CAM's: one forward pass, one backward pass from the score to the layer.
"""

from __future__ import annotations

import torch

from .class_activation_maps import GradCamParts, check_upsample, layer_gradient, upsampled
from .grad_cam import heatmap
from .protocol import declare


@declare(
    "Grad-CAM++",
    kind="class activation map",
    returns="map",
    chapter=6,
    paper="Chattopadhay, Sarkar, Howlader and Balasubramanian, WACV 2018, https://arxiv.org/abs/1710.11063",
    cost="1 forward + 1 backward to the layer",
)
def gradcam_plusplus(
    model,
    x: torch.Tensor,
    target=None,
    layer=None,
    relu: bool = True,
    upsample: str | None = "bilinear",
    normalize: bool = True,
    return_parts: bool = False,
):
    """Grad-CAM++ heatmaps of a batch (eq. 7 and 19 of Chattopadhay et al.).

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.
        layer: the layer to explain (a dotted name or the module); by default the ``Classifier``'s
            ``cam_layer``.
        relu, upsample, normalize: as in :func:`~xaitutor.methods.gradcam`.
        return_parts: return a :class:`~xaitutor.methods.class_activation_maps.GradCamParts` (``weights``:
            ``w_k^c``, ``N x K``) instead.

    Returns:
        ``N x 1 x H x W`` maps (``N x 1 x h x w`` with ``upsample=None``), or the parts.
    """
    check_upsample(upsample)
    run, name, activations, gradients = layer_gradient(model, x, target, layer)
    weights = plusplus_weights(activations, gradients)  # eq. 7, 19
    raw = heatmap(activations, weights, relu=relu)  # eq. 3.1 of Grad-CAM
    cam = upsampled(raw, x.shape[-2:], upsample=upsample, normalize=normalize)
    return GradCamParts.of(run, name, activations, weights, raw, cam) if return_parts else cam


def plusplus_weights(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    """``w_k^c = sum_ij alpha_ij^kc ReLU(g_ij)`` (eq. 7, 19) of ``N x K x h x w`` maps and gradients."""
    squared = gradients**2
    denominator = 2 * squared + activations.sum(dim=(2, 3), keepdim=True) * squared * gradients
    alpha = torch.where(denominator != 0, squared / denominator, torch.zeros_like(denominator))
    return (alpha * gradients.clamp(min=0)).sum(dim=(2, 3))
