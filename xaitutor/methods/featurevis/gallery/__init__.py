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

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ... import objectives as O
from ..loop import visualize
from ..objective import Objective
from ..result import Visualization
from ..settings import RECIPES

MODEL = "efficientnet_lite0"
THREADS = 1  # see above: the pixels do not depend on the machine's cores
CLASSES = [1, 33, 77, 207, 254, 761, 771, 783, 817, 883, 963]  # the essay's, figs. 4.13 to 4.23
# Blocks of efficientnet_lite0 from early to late (receptive fields of 11, 67, 211 and 659 pixels:
# the notebook's table maps them to VGG16's layers), and the channels shown of each.
BLOCKS = ["_blocks.1", "_blocks.4", "_blocks.8", "_blocks.13"]
CHANNELS = [0, 1, 2]
DIVERSE = dict(target=254, layer="_blocks.5", weight=30.0, seeds=(0, 1, 2, 3))


@dataclass(frozen=True)
class Entry:
    """How a gallery picture is made: ``visualize(model, objective, seed=seeds, **settings)``; an
    entry with several seeds is one batch, stored as one file per seed."""

    objective: Objective
    seeds: tuple[int, ...] = (0,)
    settings: dict = field(default_factory=dict)


def _entries() -> dict[str, Entry]:
    entries = {}
    for c in CLASSES:
        entries[f"fourier_{c}"] = Entry(O.class_logit(c))
        entries[f"essay_{c}"] = Entry(O.class_logit(c), settings=RECIPES["essay"])
    for block in BLOCKS:
        entries[f"layer_{block}"] = Entry(O.layer(block))
        for channel in CHANNELS:
            entries[f"channel_{block}_{channel}"] = Entry(O.channel(block, channel))
    target, layer, weight, seeds = DIVERSE["target"], DIVERSE["layer"], DIVERSE["weight"], DIVERSE["seeds"]
    entries[f"seeds_{target}"] = Entry(O.class_logit(target), seeds)
    entries[f"diversity_{target}"] = Entry(O.class_logit(target) + weight * O.diversity(layer), seeds)
    return entries


ENTRIES = _entries()


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
