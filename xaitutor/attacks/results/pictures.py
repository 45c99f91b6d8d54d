"""The pictures chapter 9 attacks: the course's photos (224 x 224 centre crops) and held-out shapes
pictures (drawn with seeds far from the training's), all on the 8-bit grid, with their targets."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ... import data, imaging, models
from ...models.train import TEST_SEED

PHOTOS = [name for name in data.sample_names() if name != "cat_and_coffee"]


def photos(classifier) -> torch.Tensor:
    """The course's single photos as the classifier sees them, ``6 x 3 x 224 x 224`` in [0, 1]."""
    x = classifier.preprocess([data.sample_image(name) for name in PHOTOS], crop=True)
    return (imaging.denormalize(x, classifier.mean, classifier.std) * 255).round() / 255


def shapes(n: int, seed: int = TEST_SEED):
    """``n`` held-out shapes pictures, ``n x 3 x 64 x 64`` in [0, 1], and their data set."""
    dataset = data.shapes(n, seed=seed)
    return torch.from_numpy(dataset.images).permute(0, 3, 1, 2).float() / 255, dataset


def background(mask, grow: int = 9) -> torch.Tensor:
    """The target map "the background": 1 away from the object (its mask grown by ``grow`` pixels), else 0."""
    mask = torch.as_tensor(mask, dtype=torch.float32)[None, None]
    return 1 - F.max_pool2d(mask, grow, stride=1, padding=grow // 2)[0, 0]


def lite0():
    return models.load("efficientnet_lite0")


def shapes_cnn():
    return models.load("shapes_cnn")
