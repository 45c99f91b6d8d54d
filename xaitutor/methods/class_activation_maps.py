"""What every class activation map shares around its own weights: the pass to the layer and the
gradient there (for the methods whose weights come from it), the heatmap resized to the picture
and scaled to [0, 1], and the parts a lesson's figure shows (pytorch-grad-cam's ``base_cam.py``).

A CAM method differs only in its weights ``w`` of the layer's output ``A`` (``K`` maps ``h x w``),
put into Grad-CAM's eq. 3.1 (:func:`~xaitutor.methods.grad_cam.heatmap`):

    H^c = ReLU(sum_k w_k^c A^k)

with one weight per channel (Grad-CAM, Grad-CAM++, Score-CAM: ``N x K``) or one per position
(LayerCAM: ``N x K x h x w``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..imaging import scale_01
from ..resolve import resolve_cam_layer
from .driver import Pass, forward

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

    @classmethod
    def of(cls, run: Pass, layer: str, activations, weights, raw, cam) -> GradCamParts:
        """The parts of one pass ``run`` of the model, detached from its graph."""
        return cls(cam, raw, activations.detach(), weights.detach(), run.logits.detach(), run.targets, layer)


def check_upsample(upsample, modes=UPSAMPLE_MODES) -> None:
    """``upsample`` checked to be one of ``modes``."""
    if upsample not in modes:
        raise ValueError(f"upsample must be one of {modes}, got {upsample!r}")


def layer_gradient(model, x: torch.Tensor, target, layer) -> tuple[Pass, str, torch.Tensor, torch.Tensor]:
    """The pass of a gradient CAM: the layer's output ``A`` (detached) and ``d y^c / d A``, from one
    forward pass and one backward pass down to the layer only; returns ``(run, name, A, dA)``."""
    name = resolve_cam_layer(model, layer)
    with forward(model, x, target, layers=[name]) as run:
        activations = run.feature_map(name)
        gradients = run.gradient(activations)
    return run, name, activations.detach(), gradients


def upsampled(raw: torch.Tensor, size, upsample: str | None = "bilinear", normalize: bool = True) -> torch.Tensor:
    """A heatmap at the layer's resolution resized to the picture's ``size`` (``upsample=None``:
    kept as it is) and, with ``normalize``, min-max scaled to [0, 1] (a constant map becomes zeros)."""
    cam = raw if upsample is None else F.interpolate(raw, size=tuple(size), mode=upsample)
    return scale_01(cam) if normalize else cam
