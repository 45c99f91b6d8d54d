"""The grid pointing game (Rao et al. 2022, "Towards better understanding attribution methods",
CVPR, https://arxiv.org/abs/2205.10435, sec. 4.1): localisation on real photos with no masks.
Four photos, each recognised confidently on its own, side by side in a 2 x 2 grid; the evidence
for one photo's class must lie in its own cell, so the share of the positive attribution that
falls in that cell scores the map (1: all of it; a map spread evenly: 0.25)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch

from .. import imaging
from ..models.classifier import require_classifier
from .maps import explain

# The photos of xt.data.sample_image that show one object each ("cat_and_coffee" shows two).
PHOTOS = ("chelsea", "coffee", "rocket", "astronaut", "motorcycle", "camera")


@dataclass
class Grids:
    """2 x 2 grids of photos. ``pictures``: ``G x 3 x S x S`` in [0, 1]; ``targets``: ``G x 4``
    classes, ``photos``: the ``G x 4`` photos' names, both by cell (top left, top right, bottom
    left, bottom right); ``confidence``: each photo used -> (class, probability on its own)."""

    pictures: torch.Tensor
    targets: torch.Tensor
    photos: list[list[str]]
    confidence: dict[str, tuple[int, float]]


def photo_cell(name: str, side: int) -> torch.Tensor:
    """The photo ``name`` as a ``3 x side x side`` cell: the whole photo resized, its aspect ratio
    squeezed (a centre crop cuts the rocket's and the motorcycle's ends, and the model then
    recognises them less surely)."""
    from ..data import sample_image

    return imaging.resize(imaging.to_tensor(sample_image(name)).float(), (side, side))


def confident_photos(classifier, threshold: float = 0.9, names=PHOTOS) -> dict[str, tuple[int, float]]:
    """The photos the classifier recognises confidently as they appear in a cell (half its input
    size, alone): name -> (top class, its probability) where that probability is at least
    ``threshold``; of two photos with the same top class, the more confident."""
    require_classifier(classifier, "the grid pointing game")
    side = (classifier.input_size or 224) // 2
    cells = torch.stack([photo_cell(n, side) for n in names])
    with torch.no_grad():
        probability, top = classifier.probabilities(imaging.normalize(cells, classifier.mean, classifier.std)).max(1)
    best = {}
    for name, p, k in sorted(zip(names, probability.tolist(), top.tolist()), key=lambda t: -t[1]):
        if p >= threshold and k not in {c for c, _ in best.values()}:
            best[name] = (k, p)
    return best


def grid_pictures(classifier, threshold: float = 0.9, names=PHOTOS) -> Grids:
    """Every choice of four confident photos (:func:`confident_photos`), each in its four cyclic
    arrangements, so that every photo sits in every cell once. With efficientnet_lite0 and the
    threshold 0.9, four photos qualify: chelsea (Egyptian cat), rocket ("drilling platform": the
    model's own class, wrong but confident, is the one whose evidence must stay in its cell),
    motorcycle (moped) and camera (tripod); coffee (the espresso split with a coffeepot at this
    size) and astronaut (no class above 0.7) do not.
    """
    confidence = confident_photos(classifier, threshold, names)
    if len(confidence) < 4:
        raise ValueError(
            f"only {len(confidence)} photos ({', '.join(confidence) or 'none'}) reach the probability "
            f"{threshold} with this classifier; a grid needs four: lower the threshold"
        )
    side = (classifier.input_size or 224) // 2
    cells = {n: photo_cell(n, side) for n in confidence}
    pictures, photos = [], []
    for four in itertools.combinations(confidence, 4):
        for shift in range(4):
            order = [four[(i + shift) % 4] for i in range(4)]
            top, bottom = (torch.cat([cells[a], cells[b]], dim=-1) for a, b in (order[:2], order[2:]))
            pictures.append(torch.cat([top, bottom], dim=-2))
            photos.append(order)
    targets = torch.tensor([[confidence[n][0] for n in order] for order in photos])
    return Grids(torch.stack(pictures), targets, photos, confidence)


def grid_pointing_game(method, classifier, grids: Grids | None = None, **kwargs) -> torch.Tensor:
    """``G x 4``: for each grid and cell, the share of the positive attribution for that cell's
    class that lies in that cell (Rao et al.'s localisation score; chance: 0.25).

    Args:
        method: any method of the package (see :func:`explain`); ``**kwargs`` go to it.
        classifier: a :class:`~xaitutor.Classifier` (efficientnet_lite0 in the course).
        grids: from :func:`grid_pictures` (made for this classifier by default).
    """
    grids = grid_pictures(classifier) if grids is None else grids
    maps = [  # one grid (four maps) at a time: sixteen maps of a photo network at once need four times the memory
        explain(method, classifier, picture.repeat(4, 1, 1, 1), target=targets.tolist(), **kwargs)
        for picture, targets in zip(grids.pictures, grids.targets)
    ]
    positive = torch.cat(maps).clamp_min(0)[:, 0].cpu()
    h, w = positive.shape[-2:]
    cell = torch.arange(len(positive)) % 4
    rows, cols = torch.arange(h)[:, None] // (h // 2), torch.arange(w)[None, :] // (w // 2)
    mask = (rows * 2 + cols)[None] == cell[:, None, None]
    total = positive.flatten(1).sum(1)  # an all-negative map scores 0
    share = (positive * mask).flatten(1).sum(1) / total.clamp_min(torch.finfo(total.dtype).tiny)
    return share.view(-1, 4)
