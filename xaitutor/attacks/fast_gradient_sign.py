"""The fast gradient sign method (FGSM): one step of size epsilon along the sign of the loss's
gradient, the smallest change in the L-infinity sense that raises a linear loss the most.

Goodfellow, Shlens and Szegedy, "Explaining and Harnessing Adversarial Examples", ICLR 2015,
https://arxiv.org/abs/1412.6572, eq. (3)::

    x' = clip_[0,1]( x + eps * sign(d L(x, y) / d x) )        untargeted: away from the answer y
    x' = clip_[0,1]( x - eps * sign(d L(x, t) / d x) )        targeted: towards the class t

The paper's argument: for a linear score ``w . x`` the change ``eps * sign(w)`` moves the score by
``eps * ||w||_1``, which grows with the number of pixels while each pixel moves by eps only.
"""

from __future__ import annotations

import torch

from ..methods.protocol import declare
from ..progress_bar import interruptible
from ..resolve import resolve_batch_size
from .pixel_space import as_pixels, attack_targets, loss_gradient, resolve_radius


def signed_step(pixels: torch.Tensor, gradient: torch.Tensor, size: float, targeted: bool) -> torch.Tensor:
    """``x + size * sign(g)`` (``-`` for a targeted attack), kept in [0, 1]."""
    return (pixels - size * gradient.sign() if targeted else pixels + size * gradient.sign()).clamp(0, 1)


@declare(
    "FGSM",
    kind="attack",
    returns="pictures",
    chapter=9,
    paper="Goodfellow, Shlens and Szegedy, ICLR 2015, https://arxiv.org/abs/1412.6572",
    cost="1 forward + 1 backward",
)
def fgsm(
    classifier, pictures, target=None, eps: float = 8 / 255, targeted: bool = False, batch_size=None, progress=True
) -> torch.Tensor:
    """One FGSM step on each picture.

    Args:
        classifier: a ``Classifier`` (its normalisation is part of the attacked function).
        pictures: ``N x 3 x H x W`` in [0, 1], or what ``classifier.preprocess`` accepts.
        target: untargeted, the class to push each picture away from (``None``: its answer);
            targeted, the class to push it to (an int, or one per picture).
        eps: the step, in pixel units (8/255: eight grey levels of an 8-bit picture).
        targeted: towards ``target`` instead of away from the answer.
        batch_size: pictures per pass (``None``: chosen by the picture's size).
        progress: show a progress bar (Ctrl-C keeps the pictures done, the rest unchanged).

    Returns:
        The attacked pictures, ``N x 3 x H x W`` in [0, 1].
    """
    pixels = as_pixels(classifier, pictures, "fgsm")
    eps = resolve_radius(eps, "eps")
    targets = attack_targets(classifier, pixels, target, targeted)
    size = resolve_batch_size(batch_size, pixels.shape[-2:], pixels.device, backward=True)
    attacked = pixels.clone()
    with interruptible(len(pixels), "FGSM", progress, partial="the rest unchanged") as bar:
        for start in range(0, len(pixels), size):
            part = slice(start, start + size)
            gradient = loss_gradient(classifier, pixels[part], targets[part])
            attacked[part] = signed_step(pixels[part], gradient, eps, targeted)
            bar.update(len(gradient))
    return attacked
