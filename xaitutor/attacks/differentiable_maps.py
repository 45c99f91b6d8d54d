"""The maps the manipulation moves, computed so that they can be differentiated with respect to the
picture (their graph kept: ``create_graph=True``), and the same maps as the course computes them.

Inside one guarded pass of the softplus copy (:func:`~xaitutor.attacks.smoothed`), each map is its
method's equation with the gradient's own graph recorded:

* saliency (Simonyan et al. 2014): ``max_c |d y / d x_c|``;
* guided backpropagation (Springenberg et al. 2015): the same with the guided rule at every
  activation (its gradient's negative part stopped);
* Grad-CAM (Selvaraju et al. 2017): ``ReLU(sum_k alpha_k A^k)``, upsampled to the picture;
* LRP with ε on every layer (``xt.lrp(composite="epsilon")``, chapter 7), whose relevance on a ReLU
  network is the input times its gradient (LRP-0, up to ε and the stabilisers; Ancona et al. 2018,
  https://arxiv.org/abs/1711.06104), so its graph is that product's: ``max_c |x_c d y / d x_c|``.
"""

from __future__ import annotations

from contextlib import contextmanager

import torch
import torch.nn.functional as F

from .. import imaging
from ..hooks import gradient_rule
from ..methods.driver import forward
from ..methods.grad_cam import channel_weights, gradcam, heatmap
from ..methods.guided_backpropagation import guided_backprop, guided_rule
from ..methods.relevance.layerwise import lrp
from ..methods.saliency_maps import saliency
from ..resolve import resolve_cam_layer
from .softplus_swap import SoftReLU6

METHODS = ("saliency", "guided_backprop", "gradcam", "lrp")
SOFT = (torch.nn.Softplus, SoftReLU6)


def resolve_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)} (the maps the manipulation can move), got {method!r}")
    return method


@contextmanager
def differentiable_map(method: str, smooth, x: torch.Tensor, targets: torch.Tensor):
    """Yield ``(run, map)``: a guarded pass of ``smooth`` (a softplus copy) on the preprocessed
    ``x`` and the ``N x 1 x H x W`` map of ``method``, both with their graphs, so that a loss of the
    map and the answer (``run.logits``) can be differentiated with ``run.gradient(run.x, of=loss)``."""
    layers = [resolve_cam_layer(smooth, None)] if method == "gradcam" else []
    guided = method == "guided_backprop"
    with gradient_rule(smooth.model, SOFT, guided_rule, active=guided), forward(smooth, x, targets, layers) as run:
        if method == "gradcam":
            activations = run.feature_map(layers[0])
            raw = heatmap(activations, channel_weights(run.gradient(activations, create_graph=True)))
            yield run, F.interpolate(raw, size=x.shape[-2:], mode="bilinear", align_corners=False)
        else:
            gradient = run.gradient(run.x, create_graph=True)
            yield run, imaging.to_map(run.x * gradient if method == "lrp" else gradient)


def course_map(method: str, classifier, x: torch.Tensor, target) -> torch.Tensor:
    """``method``'s map of the ReLU network as the course computes it (``xt.saliency``,
    ``xt.guided_backprop``, ``xt.gradcam``, ``xt.lrp`` with ε), ``N x 1 x H x W``, each scaled to [0, 1]."""
    if method == "gradcam":
        return gradcam(classifier, x, target)
    if method == "lrp":
        return imaging.scale_01(imaging.to_map(lrp(classifier, x, target, composite="epsilon")))
    return imaging.scale_01(
        imaging.to_map((saliency if method == "saliency" else guided_backprop)(classifier, x, target))
    )


def smooth_map(method: str, smooth, x: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``method``'s map of a softplus copy, no graph kept: Dombrowski et al.'s defence (sec. 5)."""
    with differentiable_map(method, smooth, x, targets) as (_, found):
        return found.detach()
