"""The concepts of the shapes data, known to the pixel: the generator drew each of them, so every
concept score (dissection's IoU, a TCAV direction, a factorised part) can be checked against truth.

``CONCEPTS`` names them, in four families:

* the shapes (``"circle"`` ... ``"ring"``), ``"object"`` and ``"background"``;
* the object's colour (``"red object"`` ...: its hue, the nearest of ``CUE_NAMES``);
* the background's hue (``"red background"`` ...: the cue of ``xt.data.shapes``);
* the background's textures, ``"stripes"`` and ``"dots"`` (the pixels they visibly change).

``xt.data.shapes(...).concept_masks[name]`` marks, for every picture, the pixels that show
``name``; :func:`concept_pictures` draws pictures that hold one concept and nothing of the others
(a TCAV concept set, Broden's role in Bau et al. 2017).
"""

from __future__ import annotations

import numpy as np
import torch

from ..resolve import resolve_count, resolve_seed
from .shapes import (
    _SHAPES,
    CLASSES,
    COLOURS,
    CONCEPTS,
    HUES,
    VISIBLE,
    _draw_masks,
    _pixel_grid,
)

GREY = 0.4  # the value of the plain background of a concept picture (no hue, no texture)


def concept_pictures(concept: str, n: int, seed=0, size: int = 64) -> torch.Tensor:
    """``n`` pictures that show ``concept`` and nothing of the other concepts, ``n x 3 x size x
    size`` floats in [0, 1] (the models' input before their normalisation).

    A shape is drawn as the data set draws it (random place, size, angle) in a bright colour of
    any hue on a plain grey background; ``"object"`` is any of the six shapes; a colour (``"red
    object"``) is a shape of any of the six kinds in that colour; a background hue (``"red
    background"``) is that hue alone, plain and dark as the data set's backgrounds;
    ``"background"`` is a full background of the data set (any hue, stripes, dots) with no object;
    ``"stripes"`` and ``"dots"`` are the texture alone, clearly visible, on grey.
    """
    from matplotlib.colors import hsv_to_rgb

    if concept not in CONCEPTS:
        raise ValueError(f"unknown concept {concept!r}; xt.data.CONCEPTS lists them: {', '.join(CONCEPTS)}")
    n = resolve_count(n, "n")
    rng = np.random.default_rng(resolve_seed(seed))
    y, x = _pixel_grid(size)

    def draw(low, high):  # one number per picture, ready to broadcast over its pixels
        return rng.uniform(low, high, (n, 1, 1)).astype(np.float32)

    light = np.ones((n, size, size), np.float32)
    hue, saturation = draw(0, 1), np.zeros((n, 1, 1), np.float32)
    if concept in HUES or concept == "background":
        hue = (HUES.index(concept) / 6 + draw(-0.02, 0.02)) % 1 if concept in HUES else hue
        saturation = draw(0.5, 0.9)
    if concept in ("stripes", "background"):
        angle, period = draw(0, np.pi), draw(size / 14, size / 5)
        light += draw(0.2, 0.35) * np.sin(2 * np.pi * (x * np.cos(angle) + y * np.sin(angle)) / period + draw(0, 6))
    if concept in ("dots", "background"):
        b, spacing = draw(0, np.pi), draw(size / 9, size / 4.5)
        u = (x * np.cos(b) + y * np.sin(b)) / spacing + draw(0, 1)
        v = (y * np.cos(b) - x * np.sin(b)) / spacing + draw(0, 1)
        dots = np.hypot(u - np.round(u), v - np.round(v)) * spacing <= draw(1.2, 2.8)
        light += np.where(rng.random((n, 1, 1)) < 0.5, -1, 1) * draw(2 * VISIBLE, 0.5) * dots
    value = GREY * light if concept not in HUES and concept != "background" else draw(0.35, 0.5) * light
    hsv = np.stack(np.broadcast_arrays(hue, saturation, np.ones_like(light)), -1)
    pictures = hsv_to_rgb(hsv) * value[..., None]
    if concept in CLASSES or concept == "object" or concept in COLOURS:
        kinds = np.full(n, CLASSES.index(concept)) if concept in CLASSES else rng.integers(0, len(_SHAPES), n)
        masks = _draw_masks(kinds, size, rng)
        colour_hue = rng.uniform(0, 1, n)
        if concept in COLOURS:
            colour_hue = (COLOURS.index(concept) + rng.uniform(-0.4, 0.4, n)) / len(COLOURS) % 1
        colour = hsv_to_rgb(np.stack([colour_hue, rng.uniform(0.6, 1, n), rng.uniform(0.85, 1, n)], -1))
        pictures = np.where(masks[..., None], colour[:, None, None, :], pictures)
    return torch.from_numpy(np.clip(pictures, 0, 1).astype(np.float32)).permute(0, 3, 1, 2).contiguous()
