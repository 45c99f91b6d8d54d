"""LayerCAM: a weight for every position of every channel, so that shallow layers give maps too.

Jiang, Zhang, Hou, Cheng and Wei, "LayerCAM: Exploring Hierarchical Class Activation Maps for
Localization", IEEE Transactions on Image Processing 30, 2021,
https://doi.org/10.1109/TIP.2021.3089943.

Grad-CAM gives a channel one weight, the average of its gradient; LayerCAM keeps the positive
gradient of each position as that position's weight and adds up the weighted maps:

    w_ij^kc = ReLU(dy^c / dA^k_ij)          H^c = ReLU(sum_k w^kc * A^k)    (* element-wise)

The cost is Grad-CAM's: one forward pass, one backward pass from the score to the layer.
"""

from __future__ import annotations

import torch

from .class_activation_maps import GradCamParts, check_upsample, layer_gradient, upsampled
from .grad_cam import heatmap
from .protocol import declare


@declare(
    "LayerCAM",
    kind="class activation map",
    returns="map",
    chapter=6,
    paper="Jiang, Zhang, Hou, Cheng and Wei, IEEE TIP 2021, https://doi.org/10.1109/TIP.2021.3089943",
    cost="1 forward + 1 backward to the layer",
)
def layercam(
    model,
    x: torch.Tensor,
    target=None,
    layer=None,
    relu: bool = True,
    upsample: str | None = "bilinear",
    normalize: bool = True,
    return_parts: bool = False,
):
    """LayerCAM heatmaps of a batch (Jiang et al.: spatial weights ``ReLU(dy^c / dA)``).

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.
        layer: the layer to explain (a dotted name or the module); by default the ``Classifier``'s
            ``cam_layer``.
        relu, upsample, normalize: as in :func:`~xaitutor.methods.gradcam`.
        return_parts: return a :class:`~xaitutor.methods.class_activation_maps.GradCamParts` instead; its
            ``weights`` are then a map per channel, ``ReLU(dy^c / dA)``, ``N x K x h x w``
            (not ``N x K`` as for Grad-CAM).

    Returns:
        ``N x 1 x H x W`` maps (``N x 1 x h x w`` with ``upsample=None``), or the parts.
    """
    check_upsample(upsample)
    run, name, activations, gradients = layer_gradient(model, x, target, layer)
    weights = positive_gradients(activations, gradients)  # one weight per position
    raw = heatmap(activations, weights, relu=relu)  # eq. 3.1 of Grad-CAM
    cam = upsampled(raw, x.shape[-2:], upsample=upsample, normalize=normalize)
    return GradCamParts.of(run, name, activations, weights, raw, cam) if return_parts else cam


def positive_gradients(activations: torch.Tensor, gradients: torch.Tensor) -> torch.Tensor:
    """``ReLU(dy^c / dA)``, one weight per position, ``N x K x h x w``."""
    return gradients.clamp(min=0)
