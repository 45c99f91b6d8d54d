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

from ..guard import evaluating
from ..hooks import capture
from ..resolve import default_layer, resolve_layer, resolve_model, resolve_targets
from .gradcam import UPSAMPLE_MODES, as_batch, combine, layer_gradient, layer_output
from .guided_backprop import guided_relus


def guided_gradcam(model, x: torch.Tensor, target=None, layer=None, upsample: str = "bilinear",
                   normalize: bool = True) -> torch.Tensor:
    """Guided Grad-CAM of a batch: ``guided_backprop(x) * gradcam(x)``, from one forward pass.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.
        layer: the Grad-CAM layer (default: the ``Classifier``'s ``cam_layer``).
        upsample, normalize: how the Grad-CAM factor is resized and scaled, as in
            :func:`~xaitutor.methods.gradcam.gradcam`. Captum's ``GuidedGradCam`` uses
            ``upsample="nearest", normalize=False``.

    Returns:
        ``N x 3 x H x W``, the guided gradient weighted by the Grad-CAM map.
    """
    if upsample not in UPSAMPLE_MODES[1:]:
        raise ValueError(f"upsample must be one of {UPSAMPLE_MODES[1:]}, got {upsample!r}")
    module = resolve_model(model)
    name, _ = resolve_layer(module, default_layer(model, layer))
    x = as_batch(module, x)
    with evaluating(module), capture(module, name) as recording, guided_relus(module) as guide:
        logits = module(x)
        activations = layer_output(recording, name)
        targets = resolve_targets(logits, target)
        score = logits.gather(1, targets[:, None]).sum()
        gradients = layer_gradient(score, activations, name, retain_graph=True)  # plain: guide is off
        guide.active = True
        guided, = torch.autograd.grad(score, x)
    _, _, cam = combine(activations.detach(), gradients, x.shape[-2:], True, upsample, normalize)
    return guided * cam
