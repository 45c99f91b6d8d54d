"""The shapes with a Clever Hans: a small corner tag on a share of one class's pictures.

Lapuschkin et al. (2019, "Unmasking Clever Hans predictors", Nature Communications,
https://doi.org/10.1038/s41467-019-08987-4) found that a classifier recognised horses by the
copyright tag that a share of the horse photos carried in a corner. :func:`tagged_shapes` builds
that data set: the pictures of ``xt.data.shapes`` with the same objects and backgrounds, and a
tag (``TAG``: a white square with a dark centre, ``TAG_SIZE`` pixels wide, ``MARGIN`` pixels from
the bottom left corner) painted over a share ``tag`` of the ``TAGGED_CLASS`` pictures. A model
trained on it can name a "ring" by the tag alone, where it is present.

    >>> data = xt.data.tagged_shapes(600, seed=0, tag=0.5)
    >>> data.tagged.sum()            # 50 of the 100 rings carry the tag
    50
    >>> moved = xt.data.tagged_shapes(600, seed=0, tag=1.0, classes="all")  # on every picture

``classes="all"`` puts the tag on a share ``tag`` of every class's pictures: then it says nothing
about the class (the repair), and on a test set it is the tag "moved" to the other classes.
"""

from __future__ import annotations

import numpy as np

from ..resolve import resolve_seed
from .shapes import CLASSES, ShapesDataset, shapes

TAGGED_CLASS = "ring"
TAG_SIZE, MARGIN = 7, 1


def tag_mask(size: int = 64) -> np.ndarray:
    """``size x size`` bool: the pixels the tag covers (the same in every tagged picture)."""
    mask = np.zeros((size, size), dtype=bool)
    mask[size - MARGIN - TAG_SIZE : size - MARGIN, MARGIN : MARGIN + TAG_SIZE] = True
    return mask


def _tag_pixels() -> np.ndarray:
    """The tag, ``TAG_SIZE x TAG_SIZE x 3`` uint8: white, its centre 3 x 3 dark grey."""
    tag = np.full((TAG_SIZE, TAG_SIZE, 3), 250, dtype=np.uint8)
    middle = slice(TAG_SIZE // 2 - 1, TAG_SIZE // 2 + 2)
    tag[middle, middle] = 40
    return tag


class TaggedShapes(ShapesDataset):
    """A :class:`ShapesDataset` with ``tagged``: ``n`` bools, the pictures that carry the tag, and
    ``tag_mask``, the tag's pixels (``size x size`` bool)."""

    def __init__(self, data: ShapesDataset, tagged: np.ndarray):
        super().__init__(data.images, data.labels, data.masks, data.cues, data.hues, data.textures)
        self.tagged = tagged
        self.tag_mask = tag_mask(data.images.shape[1])


def tagged_shapes(n, size=64, seed=0, shortcut=0.0, tag=0.5, classes=(TAGGED_CLASS,)) -> TaggedShapes:
    """``xt.data.shapes(n, size, seed, shortcut)``, the tag painted over a share of some pictures.

    Args:
        n, size, seed, shortcut: as for :func:`xaitutor.data.shapes` (the same pictures).
        tag: the share of each class in ``classes`` whose pictures carry the tag, in [0, 1]:
            exactly ``round(tag * count)`` of them, chosen at random (seeded by ``seed``).
        classes: the class names whose pictures may carry it, or ``"all"`` (every class).
    """
    if not 0 <= tag <= 1:
        raise ValueError(f"tag is the share of the pictures that carry the tag, in [0, 1]; got {tag}")
    classes = list(CLASSES) if classes == "all" else list(classes)
    unknown = [c for c in classes if c not in CLASSES]
    if unknown:
        raise ValueError(f"unknown classes {unknown}; known: {', '.join(CLASSES)} (or 'all')")
    seed = resolve_seed(seed)
    data = shapes(n, size=size, seed=seed, shortcut=shortcut)
    rng = np.random.default_rng([seed, 28])  # the tags' own stream: the pictures stay shapes'
    tagged = np.zeros(n, dtype=bool)
    for name in classes:
        members = np.nonzero(data.labels == CLASSES.index(name))[0]
        tagged[rng.permutation(members)[: round(tag * len(members))]] = True
    images, where = data.images.copy(), tag_mask(size)
    images[np.ix_(tagged, where.any(1), where.any(0))] = _tag_pixels()
    data.images = images
    return TaggedShapes(data, tagged)
