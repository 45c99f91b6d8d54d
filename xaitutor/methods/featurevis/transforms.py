"""Random transformations the picture must survive at every step (lucid's transformation
robustness, https://distill.pub/2017/feature-visualization/#regularizer-playground-robustness).

A pattern that raises the objective only at one exact pixel position, scale and angle is noise the
network happens to respond to; a pattern that still works shifted by a few pixels, a little larger
or smaller and turned a little is a shape. So before each forward pass the picture is padded,
shifted, scaled and rotated at random, and the gradient flows back through these operations (all
are differentiable) to the picture itself.

Each transformation is a :class:`Transform`, called as ``t(x, generators)`` on an ``N x 3 x H x W``
batch with one seeded ``torch.Generator`` per image, so that each image draws its own random
numbers: a batch gives the same pictures as its images one by one.

>>> STANDARD    # lucid's standard_transforms, the same values
[pad(12), jitter(8), scale(0.9 to 1.1), rotate(-10 to 10 degrees), jitter(4)]

(Lucid's ``random_scale`` resizes the picture; here the zoom keeps its size, and a zoom and a
rotation in a row resample the picture once, so the model always receives ``size + 12`` pixels:
236 for a 224 picture.)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

GREY = 0.5  # what fills the borders: the mean picture, neither dark nor bright


@dataclass(frozen=True)
class Transform:
    """A named random transformation: ``fn(batch, generators) -> batch``, or, for a zoom and a
    rotation about the centre, ``draw(generator) -> (zoom, degrees)``, so that :func:`compose`
    can resample the picture once for several of them (zooms and rotations about one centre
    commute: their product is one zoom and one rotation)."""

    name: str
    fn: Callable[[torch.Tensor, list], torch.Tensor] | None = None
    draw: Callable[[torch.Generator], tuple[float, float]] | None = None

    def __call__(self, x: torch.Tensor, generators: list) -> torch.Tensor:
        return self.fn(x, generators) if self.fn is not None else compose(self)(x, generators)

    def __repr__(self) -> str:
        return self.name


def _choose(options, generator) -> float:
    return options[int(torch.randint(len(options), (1,), generator=generator))]


def pad(width: int = 12, value: float = GREY) -> Transform:
    """Add a border of ``width`` pixels of ``value``: the picture's edges then move with the
    other transformations instead of being cut off by them."""
    return Transform(f"pad({width})", lambda x, generators: F.pad(x, [width] * 4, value=value))


def jitter(d: int = 8) -> Transform:
    """Crop each image to ``(H - d) x (W - d)`` at a random offset (lucid's ``jitter``): a shift of
    up to ``d`` pixels in each direction."""

    def fn(x, generators):
        h, w = x.shape[-2] - d, x.shape[-1] - d
        offsets = [torch.randint(d + 1, (2,), generator=g).tolist() for g in generators]
        return torch.stack([image[:, top : top + h, left : left + w] for image, (top, left) in zip(x, offsets)])

    return Transform(f"jitter({d})", fn)


def scale(factors=tuple(1 + (i - 5) / 50 for i in range(11))) -> Transform:
    """Zoom each image about its centre by a factor drawn from ``factors`` (lucid: 0.9 to 1.1)."""
    return Transform(f"scale({min(factors):g} to {max(factors):g})", draw=lambda g: (_choose(factors, g), 0.0))


def rotate(degrees=tuple(range(-10, 11)) + (0,) * 5) -> Transform:
    """Turn each image anticlockwise about its centre by an angle drawn from ``degrees`` (lucid:
    -10 to 10, with 0 drawn more often)."""
    return Transform(f"rotate({min(degrees):g} to {max(degrees):g} degrees)", draw=lambda g: (1.0, _choose(degrees, g)))


def compose(*transforms: Transform) -> Transform:
    """Apply ``transforms`` one after the other; consecutive zooms and rotations resample once."""

    def fn(x, generators):
        affine = []  # the zooms and rotations waiting to be applied together
        for t in (*transforms, None):
            if t is not None and t.draw is not None:
                affine.append(t)
                continue
            if affine:
                x = _affine(x, [_combined(affine, g) for g in generators])
                affine = []
            if t is not None:
                x = t.fn(x, generators)
        return x

    return Transform(" -> ".join(t.name for t in transforms) or "none", fn)


def _combined(transforms, generator) -> tuple[float, float]:
    zoom, degrees = 1.0, 0.0
    for t in transforms:
        z, d = t.draw(generator)
        zoom, degrees = zoom * z, degrees + d
    return zoom, degrees


def _affine(x: torch.Tensor, zoom_and_angle: list[tuple[float, float]]) -> torch.Tensor:
    """Zoom and rotate each image about its centre (bilinear), the uncovered corners grey."""
    rows = []
    for zoom, angle in zoom_and_angle:  # the sampling grid maps output to input: the inverse
        c, s = math.cos(math.radians(angle)) / zoom, math.sin(math.radians(angle)) / zoom
        rows.append([[c, -s, 0.0], [s, c, 0.0]])
    theta = torch.tensor(rows, dtype=x.dtype, device=x.device)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x - GREY, grid, mode="bilinear", align_corners=False) + GREY


STANDARD = [pad(12), jitter(8), scale(), rotate(), jitter(4)]
