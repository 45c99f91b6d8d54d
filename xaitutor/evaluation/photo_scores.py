"""Chapter 6's table on a photo, for efficientnet_lite0: the cost of one map (:func:`photo_cost`)
and the grid pointing game (:func:`grid_scores`; Rao et al. 2022), where the shapes cannot say
whether a method finds the right one of four real objects."""

from __future__ import annotations

import time

import torch

from ..data import sample_image
from ..hooks import counting
from ..imaging import normalize
from ..methods.protocol import Method
from ..models import load
from .grid_pointing import grid_pointing_game
from .maps import pictures_batch, predicted_targets

PHOTO = "chelsea"  # chapter 3's cat


def photo_cost(entry: Method, **options) -> dict:
    """The pictures through efficientnet_lite0 and the seconds that explaining one photo takes
    (``options`` override the entry's photo settings)."""
    lite = load("efficientnet_lite0")
    pixels = pictures_batch(lite, [sample_image(PHOTO)])
    target = predicted_targets(lite, pixels)  # outside the count: every method needs it
    if entry.starts_from_picture:
        picture, target = pixels[0], int(target)
    else:
        picture = normalize(pixels, lite.mean, lite.std)
    with counting(lite) as count:
        start = time.perf_counter()
        entry.quiet(lite, picture, target=target, **{**entry.photo, **options})
        seconds = time.perf_counter() - start
    return dict(pictures=count.pictures, seconds=round(seconds, 3))


def grid_scores(entry: Method) -> torch.Tensor:
    """The share of the positive map in the right cell, for each of the 16 cells of the 4 grids of
    :func:`~xaitutor.evaluation.grid_pictures` (chance: 0.25), at the entry's photo settings."""
    return grid_pointing_game(entry.quiet, load("efficientnet_lite0"), **entry.photo).flatten()
