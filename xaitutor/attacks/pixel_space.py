"""What every attack shares: pictures in pixel space, [0, 1], seen by the model through its
normalisation, and the gradient of the loss with respect to those pixels.

An attack changes what a camera could have taken, so it works on pixels in [0, 1] and bounds the
change there (an epsilon of 8/255 is eight grey levels of an 8-bit picture); the model eats
``(x - mean) / std``, whose gradient is the pixels' gradient times ``std``: the chain rule,
``d L / d x = (d L / d x_norm) / std``, done here in one place.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .. import imaging
from ..methods.driver import fixed_targets, forward
from ..models.classifier import Classifier, require_classifier
from ..resolve import resolve_class_indices

NORMS = ("inf", "2")


def as_pixels(classifier: Classifier, pictures, what: str) -> torch.Tensor:
    """``pictures`` as the ``N x 3 x H x W`` batch in [0, 1] the model sees: a batch tensor in
    [0, 1] as it is; anything else (PIL, an array, a list) through ``classifier.preprocess``, back
    to pixels. ``what`` names the attack in the errors."""
    require_classifier(classifier, what)
    if isinstance(pictures, torch.Tensor) and pictures.dim() == 4 and pictures.is_floating_point():
        if len(pictures) == 0:
            raise ValueError("x is an empty batch: give at least one picture")
        if not torch.isfinite(pictures).all():
            raise ValueError(f"x holds NaN or infinite values ({int((~torch.isfinite(pictures)).sum())} of them)")
        if pictures.min() < 0 or pictures.max() > 1:
            raise ValueError(
                f"{what} works on pictures in [0, 1] (got values from {pictures.min():.3g} to {pictures.max():.3g}): "
                "give the pictures before normalisation, or xt.imaging.denormalize(x, clf.mean, clf.std)"
            )
        return pictures.detach().to(classifier.device, torch.float32).clone()
    return imaging.denormalize(classifier.preprocess(pictures), classifier.mean, classifier.std).float()


def model_input(classifier: Classifier, pixels: torch.Tensor) -> torch.Tensor:
    """The model's input for ``pixels``: ``(x - mean) / std``."""
    return imaging.normalize(pixels, classifier.mean, classifier.std)


def attack_targets(classifier: Classifier, pixels: torch.Tensor, target, targeted: bool) -> torch.Tensor:
    """One class per picture: ``target`` (needed for a targeted attack), or for an untargeted one
    each picture's answer before the attack, the class it is pushed away from."""
    if targeted and target is None:
        raise ValueError("a targeted attack needs target=: the class (or one per picture) to push the pictures to")
    if target is None:
        return fixed_targets(classifier, model_input(classifier, pixels))
    return resolve_class_indices(target, len(pixels), device=pixels.device)  # the range: at the first pass


def loss_gradient(classifier: Classifier, pixels: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``d L / d x`` in pixel space, ``L`` the cross-entropy of each picture's answer and its
    target (the pictures are independent: their losses are summed)."""
    std = torch.as_tensor(classifier.std, dtype=pixels.dtype, device=pixels.device).reshape(-1, 1, 1)
    with forward(classifier, model_input(classifier, pixels), targets) as run:
        loss = F.cross_entropy(run.logits, run.targets, reduction="sum")
        return run.gradient(run.x, of=loss).to(pixels.dtype) / std


def resolve_norm(norm) -> str:
    """``"inf"`` (L-infinity: each pixel moves at most epsilon) or ``"2"`` (L2: the change's length)."""
    norm = str(norm).lower().removeprefix("l")
    if norm not in NORMS:
        raise ValueError(f"norm must be 'inf' or '2' (L-infinity or L2), got {norm!r}")
    return norm


def resolve_radius(value, name: str) -> float:
    """A radius or step in pixel units (8/255 is eight grey levels), checked to be a number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(
            f"{name} must be a number >= 0 in pixel units of [0, 1] (8/255 is eight grey levels), got {value!r}"
        )
    return float(value)
