"""Pictures to explain: sample photos bundled with scikit-image, and the synthetic shapes data
set whose ground-truth masks let us score explanations."""
from __future__ import annotations

import os

from PIL import Image, UnidentifiedImageError

from .shapes import ShapesDataset, shapes

# name -> how to get it from skimage.data (all bundled with scikit-image, no network)
_SAMPLES = {
    "chelsea": lambda d: d.chelsea(),                  # a tabby cat
    "coffee": lambda d: d.coffee(),                    # a cup of coffee on a saucer
    "rocket": lambda d: d.rocket(),                    # a rocket on its launch pad
    "astronaut": lambda d: d.astronaut(),              # Eileen Collins in her space suit
    "motorcycle": lambda d: d.stereo_motorcycle()[0],  # the left image of a stereo pair
    "camera": lambda d: d.camera(),                    # the cameraman, a grayscale photo
}


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
    """Your own photo: a file in any format PIL reads (JPEG, PNG, ...), as an RGB PIL image, ready
    for ``clf.predict``, ``clf.preprocess`` and every method. Grayscale and transparent pictures
    become plain RGB."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no file at {path!r} (relative paths start from {os.getcwd()!r})")
    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except UnidentifiedImageError:
        raise ValueError(f"{path!r} is not a picture PIL can read (JPEG, PNG, BMP, ...)") from None


__all__ = ["load_image", "sample_image", "sample_names", "shapes", "ShapesDataset"]
