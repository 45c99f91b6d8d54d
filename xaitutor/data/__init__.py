"""Pictures to explain: sample photos bundled with scikit-image, and the synthetic shapes data
set whose ground-truth masks let us score explanations."""

from __future__ import annotations

import os

from PIL import Image, UnidentifiedImageError

from .. import imaging
from .concepts import CONCEPTS, concept_pictures
from .shapes import ShapesDataset, shapes
from .tagged import TAGGED_CLASS, tag_mask

# name -> how to get it from skimage.data (all bundled with scikit-image, no network)
_SAMPLES = {
    "chelsea": lambda d: d.chelsea(),  # a tabby cat
    "coffee": lambda d: d.coffee(),  # a cup of coffee on a saucer
    "rocket": lambda d: d.rocket(),  # a rocket on its launch pad
    "astronaut": lambda d: d.astronaut(),  # Eileen Collins in her space suit
    "motorcycle": lambda d: d.stereo_motorcycle()[0],  # the left image of a stereo pair
    "camera": lambda d: d.camera(),  # the cameraman, a grayscale photo
    "cat_and_coffee": lambda d: _side_by_side(d.chelsea(), d.coffee()),  # two objects, 224 x 448
}
SIDE = 224  # each half of a side-by-side photo, as a classifier at 224 px sees one picture


def _side_by_side(*photos):
    """Photos side by side, each resized (short side ``SIDE``) and centre-cropped to a
    ``SIDE x SIDE`` square (``xt.imaging.resize`` and ``center_crop``, as the package's crops are
    made): a picture with one object per half, for explanations that must tell the two apart."""
    import torch

    from .. import imaging

    halves = [imaging.center_crop(imaging.resize(imaging.to_tensor(p), SIDE), SIDE) for p in photos]
    return (torch.cat(halves, dim=-1) * 255).round().byte().permute(1, 2, 0).numpy()


def sample_names() -> list[str]:
    """The names :func:`sample_image` knows."""
    return list(_SAMPLES)


def sample_image(name: str) -> Image.Image:
    """A sample photo from scikit-image's bundled images, as an RGB (or grayscale) PIL image."""
    import skimage.data

    if name not in _SAMPLES:
        raise ValueError(f"unknown sample image {name!r}; known: {', '.join(_SAMPLES)}")
    return Image.fromarray(_SAMPLES[name](skimage.data))


def load_image(path) -> Image.Image:
    """Your own photo: a file in any format PIL reads (JPEG, PNG, ...), as an 8-bit RGB PIL image,
    ready for ``clf.predict``, ``clf.preprocess`` and every method. Grayscale and transparent
    pictures become plain RGB; a 16-bit or float picture is read by its range
    (:func:`xaitutor.imaging.rgb_image`), not clipped to white."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no file at {path!r} (relative paths start from {os.getcwd()!r})")
    try:
        with Image.open(path) as image:
            return imaging.rgb_image(image)
    except UnidentifiedImageError:
        raise ValueError(f"{path!r} is not a picture PIL can read (JPEG, PNG, BMP, ...)") from None


__all__ = [
    "CONCEPTS",
    "concept_pictures",
    "load_image",
    "sample_image",
    "sample_names",
    "shapes",
    "ShapesDataset",
    "TAGGED_CLASS",
    "tag_mask",
]
