"""Chapter 9's measured results: the attacks and manipulations that take longer than a notebook
may (minutes on a laptop CPU), made once by one command and shipped with the package.

    make attacks      # python -m xaitutor.attacks.results [NAME ...]

Each entry is a JSON file of rows (and the showcase entries a PNG file of the manipulated picture,
8-bit, as a camera would store it); all are seeded and made on one thread, so the command makes the
same numbers again with the same torch on the same kind of CPU (on another, numbers that differ in
their last digits and pictures in a few grey levels: an attack of many steps carries the rounding).

>>> results.load("success")            # PGD's success by epsilon, photos and shapes
>>> results.picture("cat_and_coffee")  # the manipulated photo, 1 x 3 x H x W in [0, 1]
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from . import measures, robustness, showcase

THREADS = 1  # the numbers do not depend on the machine's cores
ENTRIES = {
    "success": measures.success,
    "manipulation": measures.manipulation,
    "manipulation_photos": measures.manipulation_photos,
    "fragility": robustness.fragility_table,
    "sensitivity": robustness.sensitivity,
    "cat_and_coffee": showcase.cat_and_coffee,
    "shape": showcase.shape,
}
SHOWCASES = ("cat_and_coffee", "shape")


def folder() -> Path:
    """Where the files are: this package's folder (inside site-packages when pip-installed)."""
    return Path(str(resources.files(__name__)))


def load(name: str):
    """The stored rows (or the showcase's description) of entry ``name``."""
    if name not in ENTRIES:
        raise KeyError(f"no entry {name!r}; known: {', '.join(ENTRIES)}")
    return json.loads((folder() / f"{name}.json").read_text())


def picture(name: str) -> torch.Tensor:
    """The stored manipulated picture of a showcase entry, ``1 x 3 x H x W`` in [0, 1]."""
    if name not in SHOWCASES:
        raise KeyError(f"no picture {name!r}; known: {', '.join(SHOWCASES)}")
    pixels = np.array(Image.open(folder() / f"{name}.png").convert("RGB"))  # a copy torch may write
    return torch.from_numpy(pixels).permute(2, 0, 1)[None].float() / 255


def make(name: str):
    """Compute entry ``name`` again (minutes for the tables, seconds for ``shape``): its rows, or
    for a showcase ``(description, picture)``; nothing is written."""
    if name not in ENTRIES:
        raise KeyError(f"no entry {name!r}; known: {', '.join(ENTRIES)}")
    threads = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    try:
        return ENTRIES[name]()
    finally:
        torch.set_num_threads(threads)


def write(names=None) -> list[Path]:
    """Make the entries ``names`` (default: all) and store them in :func:`folder`."""
    paths = []
    for name in names or ENTRIES:
        made = make(name)
        if name in SHOWCASES:
            made, pixels = made
            path = folder() / f"{name}.png"
            Image.fromarray((pixels[0].permute(1, 2, 0) * 255).round().byte().numpy()).save(path)
            paths.append(path)
        path = folder() / f"{name}.json"
        path.write_text(json.dumps(made, indent=1) + "\n")
        paths.append(path)
    return paths
