"""Which method when, measured: every method of the course scored with chapter 5's measures on
data with a known answer, and its cost. Chapter 6 shows the table; it takes longer than a notebook
may, so one command makes it and the package ships it:

    make table      # python -m xaitutor.evaluation.comparison [METHOD ...]

The measures, per method (:data:`FIELDS`): on 24 shapes pictures explained by ``shapes_cnn`` for
their true class, the pointing game and the energy share on the object's mask, and the areas
under the deletion and insertion curves (16 steps); the sanity check, the Spearman correlation of
the maps of 6 pictures with every layer of the model randomised against the original maps (near 0:
the map depends on the model); the shortcut lab, the energy share on the object for
``shapes_cnn`` and ``shapes_cnn_shortcut`` on 8 pictures whose background cue holds (the method
*reveals* the shortcut when the share falls by at least half); the cost of explaining one 224 x 224
photo for efficientnet_lite0, in pictures through the network and seconds on one thread."""

from __future__ import annotations

import json
import sys
import time
from importlib import resources
from pathlib import Path

import torch

from ..data import sample_image, shapes
from ..hooks import counting
from ..imaging import normalize
from ..methods.protocol import Method
from ..models import load
from .contenders import CONTENDERS, contender
from .faithfulness import deletion, insertion
from .localisation import energy_share, pointing_game
from .maps import explain, pictures_batch, predicted_targets
from .sanity import cascading_randomization

TABLE = "which_method.json"
PICTURES, SEED, SANITY_PICTURES, STEPS = 24, 5, 6, 16  # chapter 5's localisation pictures
CUE_PICTURES, CUE_SEED, PHOTO = 8, 11, "chelsea"  # chapter 5's shortcut lab; chapter 3's cat
FIELDS = [
    "pointing",
    "energy",
    "deletion",
    "insertion",
    "sanity",
    "share_clean",
    "share_shortcut",
    "reveals_shortcut",
    "pictures",
    "seconds",
]


def measure(entry: Method) -> dict:
    """One row of the table: the measures of :data:`FIELDS` for ``entry``."""
    clean, cue_model = load("shapes_cnn"), load("shapes_cnn_shortcut")
    data = shapes(PICTURES, seed=SEED)
    maps = explain(entry.quiet, clean, data.images, target=data.labels, **entry.shapes)
    curves = {
        kind: curve(clean, data.images, maps, target=data.labels, steps=STEPS, progress=False).auc.mean()
        for kind, curve in (("deletion", deletion), ("insertion", insertion))
    }
    check = cascading_randomization(
        entry.quiet,
        clean,
        data.images[:SANITY_PICTURES],
        target=data.labels[:SANITY_PICTURES],
        progress=False,
        **entry.shapes,
    )
    same = shapes(CUE_PICTURES, seed=CUE_SEED, shortcut=1.0)
    share = {
        clf.name: energy_share(
            explain(entry.quiet, clf, same.images, target=same.labels, **entry.shapes), same.masks
        ).nanmean()
        for clf in (clean, cue_model)
    }
    row = dict(
        method=entry.name,
        chapter=entry.chapter,
        pointing=pointing_game(maps, data.masks).mean(),
        energy=energy_share(maps, data.masks).nanmean(),
        sanity=check.spearman[-1].nanmean(),
        share_clean=share[clean.name],
        share_shortcut=share[cue_model.name],
        **curves,
        **photo_cost(entry),
    )
    row["reveals_shortcut"] = bool(row["share_shortcut"] <= 0.5 * row["share_clean"])
    return {k: round(float(v), 3) if isinstance(v, (float, torch.Tensor)) else v for k, v in row.items()}


def photo_cost(entry: Method, **options) -> dict:
    """The pictures through efficientnet_lite0 and the seconds that explaining one photo takes
    (``options`` override the entry's photo settings)."""
    lite = load("efficientnet_lite0")
    pixels = pictures_batch(lite, [sample_image(PHOTO)])
    target = predicted_targets(lite, pixels)  # outside the count: every method needs it
    if entry.starts_from_picture:
        picture, target = pixels[0], int(target)
    else:
        picture = normalize(pixels, lite.mean, lite.std)
    with counting(lite) as count:
        start = time.perf_counter()
        entry.quiet(lite, picture, target=target, **{**entry.photo, **options})
        seconds = time.perf_counter() - start
    return dict(pictures=count.pictures, seconds=seconds)


def table(names=None) -> list[dict]:
    """The rows of ``names`` (all methods by default), measured now."""
    return [measure(contender(n)) for n in (names or [c.name for c in CONTENDERS])]


def load_table() -> list[dict]:
    """The table shipped with the package, made by ``make table``."""
    return json.loads(resources.files(__package__).joinpath(TABLE).read_text())


def show(rows) -> str:
    """``rows`` as a text table, one method per line."""
    lines = [
        f"{'method':21s} ch {'pointing':>8s} {'energy':>6s} {'delet.':>6s} {'insert.':>7s} {'sanity':>6s} "
        f"{'shortcut':>14s} {'pictures':>8s} {'s':>6s}"
    ]
    for r in rows:
        cue = f"{r['share_clean']:.2f}->{r['share_shortcut']:.2f} {'yes' if r['reveals_shortcut'] else 'no':3s}"
        lines.append(
            f"{r['method']:21s} {r['chapter']:2d} {r['pointing']:8.2f} {r['energy']:6.2f} {r['deletion']:6.2f} "
            f"{r['insertion']:7.2f} {r['sanity']:6.2f} {cue:>14s} {r['pictures']:8d} {r['seconds']:6.2f}"
        )
    return "\n".join(lines)


def main(names) -> None:
    """Measure ``names`` (all by default), on one thread, and write them into the shipped table."""
    torch.set_num_threads(1)  # the seconds of the table are one thread's, as on a small laptop
    photo_cost(contender("LIME"), num_samples=8)  # warm up: the first call pays for imports, not work
    rows = {r["method"]: r for r in (load_table() if names else [])}
    for entry in [contender(n) for n in (names or [c.name for c in CONTENDERS])]:
        rows[entry.name] = measure(entry)
        print(show([rows[entry.name]]).splitlines()[-1], flush=True)
    order = [c.name for c in CONTENDERS]
    path = Path(__file__).with_name(TABLE)
    path.write_text(json.dumps(sorted(rows.values(), key=lambda r: order.index(r["method"])), indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
