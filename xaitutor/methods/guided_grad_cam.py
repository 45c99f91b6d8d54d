"""Guided Grad-CAM: the sharp guided-backpropagation picture, masked by the coarse Grad-CAM map.

Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
Localization", ICCV 2017, https://arxiv.org/abs/1610.02391 (sec. 3.1, fig. 2).

Grad-CAM knows *where* the class is but only at the layer's coarse resolution; guided
backpropagation shows fine detail but hardly depends on the class. Their pixel-wise product
(essay, sec. 3.3) has both. One forward pass serves two backward passes: a plain one from the score
down to the layer, for the Grad-CAM weights (eq. 3.2 needs the true gradient), then a guided one
down to the input. The guided rule is off during the first, so it cannot leak into the weights.
"""

from __future__ import annotations

import torch

from ..resolve import resolve_cam_layer
from .class_activation_maps import UPSAMPLE_MODES, check_upsample, upsampled
from .driver import forward
from .grad_cam import channel_weights, heatmap
from .guided_backpropagation import RELUS, guided_relus
from .protocol import declare


@declare(
    "Guided Grad-CAM",
    kind="gradient",
    returns="attribution",
    chapter=3,
    paper="Selvaraju et al., ICCV 2017, https://arxiv.org/abs/1610.02391",
    cost="1 forward + 1 backward to the layer + 1 guided backward",
)
def guided_gradcam(
    model, x: torch.Tensor, target=None, layer=None, upsample: str = "bilinear", normalize: bool = True
) -> torch.Tensor:
    """Guided Grad-CAM of a batch: ``guided_backprop(x) * gradcam(x)``, from one forward pass.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.
        layer: the Grad-CAM layer (default: the ``Classifier``'s ``cam_layer``).
        upsample, normalize: how the Grad-CAM factor is resized and scaled, as in
            :func:`~xaitutor.methods.grad_cam.gradcam`. Captum's ``GuidedGradCam`` uses
            ``upsample="nearest", normalize=False``.

    Returns:
        ``N x 3 x H x W``, the guided gradient weighted by the Grad-CAM map.
    """
    check_upsample(upsample, UPSAMPLE_MODES[1:])
    name = resolve_cam_layer(model, layer)
    with guided_relus() as guide, forward(model, x, target, layers=[name], rules=guide.handlers(RELUS)) as run:
        activations = run.feature_map(name)
        gradients = run.gradient(activations, retain_graph=True)  # plain: the guide is off
        guide.active = True
        guided = run.gradient(run.x)
    raw = heatmap(activations.detach(), channel_weights(gradients))  # eq. 3.2, 3.1
    return guided * upsampled(raw, x.shape[-2:], upsample=upsample, normalize=normalize)
