"""What :func:`~xaitutor.visualize` prepares before the ascent: the pairing of objectives with seeds,
the recipes, the start, the octaves' sizes, the batches (its checks are in ``checks.py``)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ... import imaging
from ...resolve import resolve_batch_size, resolve_seed
from .objective import Objective
from .transforms import STANDARD

# The essay's recipe (section 4.1, programs 4.4 and 4.5) and lucid's, as keyword arguments.
RECIPES = {
    "essay": dict(param="pixel", transforms=[], octaves=4, octave_scale=1.4, steps=30, lr=0.04, blur=0.9),
    "lucid": dict(param="fourier", transforms=STANDARD, octaves=1, steps=128, lr=0.05, blur=None),
}
# Lucid's picture and transformations on the essay's pyramid: 3 octaves of 64 steps (the chapter's
# class gallery: larger, whole objects, e.g. one goldfish, screws at several angles).
RECIPES["pyramid"] = dict(RECIPES["lucid"], octaves=3, steps=64)
# A backward pass holds every activation of the forward: a batch of one 224 x 224 picture on a
# CPU keeps efficientnet_lite0's visualization at about 0.2 GB.
BATCH_PIXELS = 224 * 224


def pair(objective, seed) -> tuple[list[Objective], list[int]]:
    """One objective and one seed per image: a list of either gives the batch, a single one is
    repeated; two lists pair up and must have the same length."""
    objectives = list(objective) if isinstance(objective, (list, tuple)) else [objective]
    seeds = [resolve_seed(s) for s in (seed if isinstance(seed, (list, tuple, range)) else [seed])]
    for o in objectives:
        if not isinstance(o, Objective):
            raise TypeError(f"expected an objective such as xt.objectives.class_logit(254), got {type(o).__name__}")
    if not objectives or not seeds:
        raise ValueError("got an empty list of objectives or seeds")
    if len(objectives) > 1 and len(seeds) > 1 and len(objectives) != len(seeds):
        raise ValueError(
            f"got {len(objectives)} objectives and {len(seeds)} seeds: give one seed, or one seed per objective"
        )
    n = max(len(objectives), len(seeds))
    return objectives * (n // len(objectives)), seeds * (n // len(seeds))


def names(objectives, seeds) -> list[str]:
    """A title per image: the objective's name, and the seed when the seeds differ."""
    if len(set(seeds)) > 1:
        return [f"{o.name}, seed {s}" for o, s in zip(objectives, seeds)]
    return [o.name for o in objectives]


def initial_pictures(init, size: int, count: int) -> torch.Tensor | None:
    """``None`` for a random start, or the photo(s) to start from, resized so the short side is
    ``size``, one per image (``count x 3 x H x W``)."""
    if isinstance(init, str):
        if init != "random":
            raise ValueError(f"init must be 'random' or a picture, got {init!r}")
        return None
    picture = imaging.resize(imaging.to_tensor(init), size)
    picture = picture if picture.dim() == 4 else picture[None]
    if len(picture) not in (1, count):
        raise ValueError(f"init holds {len(picture)} pictures for a batch of {count} images")
    return picture.expand(count, -1, -1, -1).clone()


def noise(generators, shape) -> torch.Tensor:
    """The essay's start: uniform noise ``U[0, 1]``, seeded per image, at ``shape``."""
    return torch.stack([torch.rand(3, *shape, generator=g) for g in generators])


def octave_shapes(shape, octaves: int, octave_scale: float) -> list[tuple[int, int]]:
    """The image sizes of the pyramid (program 4.5): ``octaves`` sizes, each ``octave_scale``
    times the one before, the last one ``shape`` (``(height, width)``).

    >>> octave_shapes((224, 224), 4, 1.4)
    [(82, 82), (114, 114), (160, 160), (224, 224)]
    """
    return [
        tuple(max(1, round(side * octave_scale ** (octave - octaves + 1))) for side in shape)
        for octave in range(octaves)
    ]


def grow(pixels: torch.Tensor, shape, photos: torch.Tensor | None) -> torch.Tensor:
    """The picture at the next octave's ``shape``: carried up (program 4.5); from a photo, the
    photo at the new size plus the detail the ascent added so far, enlarged (DeepDream)."""
    if photos is None:
        return imaging.resize(pixels, shape)
    photos = photos.to(pixels.device)
    detail = pixels - imaging.resize(photos, tuple(pixels.shape[-2:]))
    detail = F.interpolate(detail, size=tuple(shape), mode="bilinear", align_corners=False)
    return (imaging.resize(photos, tuple(shape)) + detail).clamp(0, 1)


def batches(objectives, batch_size, shape, device) -> list[list[int]]:
    """The images' indices, in batches: ``batch_size`` at a time (by default ``BATCH_PIXELS`` pixels'
    worth, 16 times more on a GPU); all in one batch when an objective compares them (diversity)."""
    n = len(objectives)
    if any(o.compares_batch for o in objectives):
        if batch_size is not None and batch_size < n:
            raise ValueError(
                f"{objectives[0].name} compares the {n} pictures with each other: they must be "
                f"optimised in one batch, not in batches of {batch_size}"
            )
        return [list(range(n))]
    if batch_size is None:
        budget = BATCH_PIXELS * (16 if torch.device(device).type == "cuda" else 1)
        size = max(1, budget // (shape[0] * shape[1]))
    else:
        size = resolve_batch_size(batch_size, shape, device)  # checks it is a positive int
    return [list(range(start, min(start + size, n))) for start in range(0, n, size)]
