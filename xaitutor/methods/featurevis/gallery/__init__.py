"""The chapter's gallery: feature visualizations that take longer than a notebook may (two minutes
on a laptop CPU), made once by one command and shipped with the package as PNG files.

    make gallery      # python -m xaitutor.methods.featurevis.gallery [NAME ...]

Each picture is made by :func:`~xaitutor.visualize` on efficientnet_lite0 with the settings of
its :class:`Entry`, seeded and on one thread, so the command makes the same files again with the
same torch on the same kind of CPU. One thread, because the number of threads changes the order of
the float sums, and 128 steps of ascent carry such differences into a visibly different picture;
for the same reason another CPU (other vector instructions, other rounding) makes a different
picture of the same class: the pug made again on an AMD EPYC differs from the stored one by 0.19
per value on average, and the model gives both p = 1.00.

>>> gallery.load("fourier_254")          # the pug, H x W x 3 floats in [0, 1]
>>> gallery.ENTRIES["fourier_254"]       # how it was made
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ..loop import visualize
from ..result import Visualization
from .entries import BLOCKS, CHANNELS, CLASSES, DIVERSE, ENTRIES, MODEL, NEGATIVE_BLOCKS, THREADS, Entry

__all__ = ["BLOCKS", "CHANNELS", "CLASSES", "DIVERSE", "ENTRIES", "MODEL", "NEGATIVE_BLOCKS", "Entry"]
__all__ += ["folder", "files", "load", "make", "write"]


def folder() -> Path:
    """Where the PNG files are: this package's folder (inside site-packages when pip-installed)."""
    return Path(str(resources.files(__name__)))


def files(name: str) -> list[Path]:
    """The PNG file of each picture of entry ``name``."""
    entry = _entry(name)
    if len(entry.seeds) == 1:
        return [folder() / f"{name}.png"]
    return [folder() / f"{name}_{seed}.png" for seed in entry.seeds]


def load(name: str) -> np.ndarray:
    """The stored picture(s) of entry ``name``: ``H x W x 3`` floats in [0, 1], or ``N x H x W x 3``
    for an entry of several seeds."""
    missing = [str(path) for path in files(name) if not path.exists()]
    if missing:
        raise FileNotFoundError(
            f"the gallery has no {', '.join(missing)}: run `make gallery` "
            f"(python -m xaitutor.methods.featurevis.gallery {name})"
        )
    pictures = [np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255 for path in files(name)]
    return pictures[0] if len(pictures) == 1 else np.stack(pictures)


def make(name: str, classifier=None, progress: bool = False) -> Visualization:
    """Make entry ``name`` again (on ``classifier``, efficientnet_lite0 by default). Ctrl-C raises
    ``KeyboardInterrupt`` here, rather than returning a picture half made."""
    from .... import models

    entry = _entry(name)
    classifier = classifier if classifier is not None else models.load(MODEL)
    seeds = list(entry.seeds) if len(entry.seeds) > 1 else entry.seeds[0]
    finished, threads = [], torch.get_num_threads()
    torch.set_num_threads(THREADS)
    try:
        vis = visualize(
            classifier,
            entry.objective,
            seed=seeds,
            progress=progress,
            **entry.settings,
            callback=lambda step, total, pixels: finished.append(step == total),
        )
    finally:
        torch.set_num_threads(threads)
    if not (finished and finished[-1]):
        raise KeyboardInterrupt(f"gallery entry {name} interrupted: not stored")
    return vis


def write(names=None, progress: bool = True) -> list[Path]:
    """Make the named entries (all by default) and store them as PNG files; returns the files."""
    from tqdm.auto import tqdm

    from .... import models

    classifier = models.load(MODEL)
    written = []
    for name in tqdm(names or list(ENTRIES), desc="gallery", disable=not progress):
        vis = make(name, classifier)
        for i, path in enumerate(files(name)):
            vis.png(i).save(path)
            written.append(path)
    return written


def _entry(name: str) -> Entry:
    if name not in ENTRIES:
        raise KeyError(f"the gallery has no entry {name!r}; it has: {', '.join(ENTRIES)}")
    return ENTRIES[name]
