"""The shapes with a Clever Hans: a small corner tag on a share of one class's pictures.

Lapuschkin et al. (2019, "Unmasking Clever Hans predictors", Nature Communications,
https://doi.org/10.1038/s41467-019-08987-4) found that a classifier recognised horses by the
copyright tag that a share of the horse photos carried in a corner. ``xt.data.shapes(..., tag=p)``
builds that data set: the same objects and backgrounds, and a tag (a white square with a dark
centre, ``TAG_SIZE`` pixels wide, ``MARGIN`` pixels from the bottom left corner) painted over a
share ``p`` of the ``TAGGED_CLASS`` pictures (:func:`paint_tags`). A model trained on it can name a
"ring" by the tag alone, where it is present.

    >>> data = xt.data.shapes(600, seed=0, tag=0.5)
    >>> data.tagged.sum()            # 50 of the 100 rings carry the tag
    50
    >>> moved = xt.data.shapes(600, seed=0, tag=1.0, tag_classes="all")  # on every picture

``tag_classes="all"`` puts the tag on a share ``p`` of every class's pictures: then it says nothing
about the class (the repair), and on a test set it is the tag "moved" to the other classes.
"""

from __future__ import annotations

import numpy as np

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


def paint_tags(images: np.ndarray, labels: np.ndarray, classes, tag: float, tag_classes, seed: int) -> np.ndarray:
    """Paint the tag over ``round(tag * count)`` of the pictures of each class in ``tag_classes``
    (names, or ``"all"``), chosen at random (seeded by ``seed``), in ``images`` itself
    (``n x size x size x 3`` uint8, classes ``labels`` into ``classes``); return which pictures
    carry it (``n`` bools)."""
    if not 0 <= tag <= 1:
        raise ValueError(f"tag is the share of the pictures that carry the tag, in [0, 1]; got {tag}")
    names = list(classes) if tag_classes == "all" else list(tag_classes)
    unknown = [c for c in names if c not in classes]
    if unknown:
        raise ValueError(f"unknown classes {unknown}; known: {', '.join(classes)} (or 'all')")
    rng = np.random.default_rng([seed, 28])  # the tags' own stream: the pictures stay the same
    tagged = np.zeros(len(labels), dtype=bool)
    for name in names:
        members = np.nonzero(labels == list(classes).index(name))[0]
        tagged[rng.permutation(members)[: round(tag * len(members))]] = True
    where = tag_mask(images.shape[1])
    images[np.ix_(tagged, where.any(1), where.any(0))] = _tag_pixels()
    return tagged
