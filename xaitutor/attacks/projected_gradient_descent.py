"""Projected gradient descent (PGD): FGSM's step repeated, each time projected back into the ball
of radius epsilon around the picture (and into [0, 1]).

Madry, Makelov, Schmidt, Tsipras and Vladu, "Towards Deep Learning Models Resistant to Adversarial
Attacks", ICLR 2018, https://arxiv.org/abs/1706.06083, eq. (2)::

    x_{t+1} = Proj_{x + S}( x_t + alpha * sign(d L(x_t, y) / d x) )         L-infinity
    x_{t+1} = Proj_{x + S}( x_t + alpha * g / ||g||_2 ),  g = d L / d x     L2

``S`` is the ball ``||delta|| <= eps``: for L-infinity the projection clips each pixel's change to
``[-eps, eps]``, for L2 it shortens a change longer than eps to eps. A random start (a uniform point
of the ball) is Madry et al.'s; without it, the L-infinity attack is captum's ``PGD`` step for step.
"""

from __future__ import annotations

import torch

from ..methods.protocol import declare
from ..progress_bar import interruptible
from ..resolve import resolve_batch_size, resolve_count, resolve_seed
from .fast_gradient_sign import signed_step
from .pixel_space import as_pixels, attack_targets, loss_gradient, resolve_norm, resolve_radius


def project(start: torch.Tensor, moved: torch.Tensor, eps: float, norm: str) -> torch.Tensor:
    """``moved`` brought back into the ball of radius ``eps`` around ``start``, and into [0, 1]."""
    change = moved - start
    change = change.clamp(-eps, eps) if norm == "inf" else change.renorm(2, 0, eps)
    return (start + change).clamp(0, 1)


def l2_step(pixels: torch.Tensor, gradient: torch.Tensor, size: float, targeted: bool) -> torch.Tensor:
    """``x + size * g / ||g||_2`` per picture (``-`` for a targeted attack), kept in [0, 1]."""
    length = gradient.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)
    step = size * gradient / length
    return (pixels - step if targeted else pixels + step).clamp(0, 1)


def uniform_start(pixels: torch.Tensor, eps: float, norm: str, seed: int) -> torch.Tensor:
    """A uniform point of the ball around each picture (L-infinity: a cube; L2: a sphere's inside)."""
    generator = torch.Generator().manual_seed(seed)
    if norm == "inf":
        change = (torch.rand(pixels.shape, generator=generator) * 2 - 1) * eps
    else:
        direction = torch.randn(pixels.shape, generator=generator)
        direction = direction / direction.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
        radius = eps * torch.rand(len(pixels), generator=generator) ** (1 / pixels[0].numel())
        change = direction * radius.view(-1, 1, 1, 1)
    return (pixels + change.to(pixels.device)).clamp(0, 1)


@declare(
    "PGD",
    kind="attack",
    returns="pictures",
    chapter=9,
    paper="Madry, Makelov, Schmidt, Tsipras and Vladu, ICLR 2018, https://arxiv.org/abs/1706.06083",
    cost="steps x (1 forward + 1 backward)",
    passes="steps",
)
def pgd(
    classifier,
    pictures,
    target=None,
    eps: float = 8 / 255,
    steps: int = 10,
    step_size: float = 2 / 255,
    norm="inf",
    targeted: bool = False,
    random_start: bool = False,
    seed=0,
    batch_size=None,
    progress=True,
) -> torch.Tensor:
    """``steps`` projected gradient steps on each picture, inside the ball ``||delta|| <= eps``.

    Args:
        classifier, pictures, target, targeted: as :func:`~xaitutor.attacks.fgsm`.
        eps: the ball's radius in pixel units (L-infinity: per pixel; L2: the change's length).
        steps: how many steps.
        step_size: each step's size (``alpha``), in the same units.
        norm: ``"inf"`` (the sign of the gradient, clipped per pixel) or ``"2"`` (along the
            gradient divided by its length, as Madry et al.; captum's ``PGD(norm="L2")`` steps by
            the sign and only projects onto the L2 ball).
        random_start: start from a uniform point of the ball, drawn with ``seed``.
        batch_size: pictures per pass (``None``: chosen by the picture's size).
        progress: a progress bar; Ctrl-C keeps every picture as far as it got (inside the ball).

    Returns:
        The attacked pictures, ``N x 3 x H x W`` in [0, 1].
    """
    pixels = as_pixels(classifier, pictures, "pgd")
    eps, step_size = resolve_radius(eps, "eps"), resolve_radius(step_size, "step_size")
    norm, steps = resolve_norm(norm), resolve_count(steps, "steps")
    targets = attack_targets(classifier, pixels, target, targeted)
    size = resolve_batch_size(batch_size, pixels.shape[-2:], pixels.device, backward=True)
    step = signed_step if norm == "inf" else l2_step
    attacked = uniform_start(pixels, eps, norm, resolve_seed(seed)) if random_start else pixels.clone()
    with interruptible(steps * len(pixels), "PGD", progress, partial="each picture as far as it got") as bar:
        for _ in range(steps):
            for start in range(0, len(pixels), size):
                part = slice(start, start + size)
                gradient = loss_gradient(classifier, attacked[part], targets[part])
                moved = step(attacked[part], gradient, step_size, targeted)
                attacked[part] = project(pixels[part], moved, eps, norm)
                bar.update(len(gradient))
    return attacked
