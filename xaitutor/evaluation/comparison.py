"""Which method when, measured: every method of the course scored with chapter 5's measures on
data with a known answer, each score a mean with its 95 % interval, and its cost. Chapter 6 shows
the table; it takes longer than a notebook may, so one command makes it and the package ships it:

    make table      # python -m xaitutor.evaluation.comparison [METHOD ...]

Every measure is taken for each of :data:`PICTURES` shapes pictures under each of the trained
:data:`SEEDS` of ``shapes_cnn`` (the sanity check on the first :data:`SANITY_PICTURES`), and
bootstrapped over pictures and seeds (``uncertainty.py``). The pictures carry their class's
background colour, the cue ``shapes_cnn_shortcut`` learnt; ``shapes_cnn``, trained on random
backgrounds, has no use for it. The measures (:data:`MEASURES`), each map explaining the true
class:

* ``pointing``, ``energy``: the pointing game and the energy share on the object's mask;
* ``deletion`` (black holes; ``deletion_blur``, ``deletion_mean``: other fillings) and
  ``insertion``: the areas under the curves, 16 steps; ``road``: the mean probability left after
  ROAD removes 10, 30, 50, 70 and 90 % of the pixels, most relevant first (Rong et al. 2022);
* ``sanity``: the Spearman correlation of the absolute values of the map of the trained model
  and of the map with every layer randomised (Adebayo et al. 2018 compare absolute values: a map
  whose sign flips has not stopped showing the picture); near 0 the map depends on the model;
* ``shortcut``: how much the energy share falls when ``shapes_cnn_shortcut`` (same seed) is
  explained instead (its share is ``share_shortcut``): a map that shows the shortcut falls far.

On photos, for efficientnet_lite0 (``photo_scores.py``): ``grid``, the grid pointing game's share
of the positive map in the right cell of a 2 x 2 grid of photos (16 cells; chance 0.25; the
interval over the cells); the cost of explaining one 224 x 224 photo: ``pictures`` through the
network and ``seconds`` on one thread (one measurement, no interval)."""

from __future__ import annotations

import json
import sys
import time
from importlib import resources
from pathlib import Path

import torch

from ..data import shapes
from ..methods.protocol import Method
from ..models import load
from ..progress_bar import interruptible
from .contenders import CONTENDERS, contender
from .faithfulness import deletion, insertion
from .localisation import energy_share, pointing_game
from .maps import explain
from .photo_scores import grid_scores, photo_cost
from .randomisation import randomised_models
from .road_imputation import road
from .sanity import _similarities
from .uncertainty import interval

TABLE = "which_method.json"
PICTURES, SANITY_PICTURES, DATA_SEED, SEEDS, STEPS = 200, 50, 5, (0, 1, 2), 16
ROAD_PERCENTAGES = (10, 30, 50, 70, 90)
MEASURES = ["pointing", "energy", "deletion", "insertion", "road", "sanity", "shortcut", "grid"]
VARIANTS = ["deletion_blur", "deletion_mean", "share_shortcut"]
SHAPES_MEASURES = MEASURES[:-1]  # "grid" is measured on photos
LOWER_IS_BETTER = {"deletion", "deletion_blur", "deletion_mean", "road", "sanity"}


def per_picture(entry: Method, seed: int) -> dict[str, torch.Tensor]:
    """Every measure of ``entry`` for each picture, under the models of training seed ``seed``."""
    clean, cue_model = load("shapes_cnn", seed=seed), load("shapes_cnn_shortcut", seed=seed)
    data = shapes(PICTURES, seed=DATA_SEED, shortcut=1.0)
    maps = explain(entry.quiet, clean, data.images, target=data.labels, **entry.shapes)
    scores = dict(pointing=pointing_game(maps, data.masks), energy=energy_share(maps, data.masks))
    curve = dict(target=data.labels, steps=STEPS, progress=False)
    for name, baseline in (("deletion", "black"), ("deletion_blur", "blur"), ("deletion_mean", "mean")):
        scores[name] = deletion(clean, data.images, maps, baseline=baseline, **curve).auc
    scores["insertion"] = insertion(clean, data.images, maps, **curve).auc
    removed = road(clean, data.images, maps, data.labels, percentages=ROAD_PERCENTAGES, seed=seed, progress=False)
    scores["road"] = removed.probabilities.mean(dim=1)
    *_, (_, random_model) = randomised_models(clean, seed)  # the last: every layer random
    few = slice(SANITY_PICTURES)
    broken = explain(entry.quiet, random_model, data.images[few], target=data.labels[few], **entry.shapes)
    scores["sanity"] = _similarities(maps[few].abs().cpu(), broken.abs().cpu())[0]
    cue_maps = explain(entry.quiet, cue_model, data.images, target=data.labels, **entry.shapes)
    scores["share_shortcut"] = energy_share(cue_maps, data.masks)
    scores["shortcut"] = scores["energy"] - scores["share_shortcut"]
    return scores


def measure(entry: Method, seeds=SEEDS, progress: bool = True) -> dict:
    """One row of the table, without the cost: each measure's mean over pictures and ``seeds``
    with its 95 % interval, ``{"mean", "low", "high"}``, and in ``by_seed`` each measure's mean
    under each seed, all rounded to 3 decimals."""
    scores = []
    with interruptible(len(seeds), entry.name, progress, unit="seed", partial="the row covers the seeds done") as bar:
        for seed in seeds:
            scores.append(per_picture(entry, seed))
            bar.update()
    row = {"method": entry.name, "chapter": entry.chapter, "seeds": list(seeds[: len(scores)])}
    for field in SHAPES_MEASURES + VARIANTS:
        row[field] = rounded(interval(torch.stack([s[field] for s in scores]).double().numpy()))
    row["by_seed"] = {field: [round(s[field].nanmean().item(), 3) for s in scores] for field in SHAPES_MEASURES}
    return row


def measure_grid(entry: Method) -> dict:
    """The grid pointing game's mean over its 16 cells, with its 95 % interval over the cells."""
    return rounded(interval(grid_scores(entry)[None].double().numpy()))


def rounded(stats: dict) -> dict:
    return {k: round(v, 3) for k, v in stats.items()}


def load_table() -> list[dict]:
    """The table shipped with the package, made by ``make table``."""
    return json.loads(resources.files(__package__).joinpath(TABLE).read_text())


def main(names) -> None:
    """Measure ``names`` (all by default), on two threads, and write them into the shipped table."""
    torch.set_num_threads(2)
    photo_cost(contender("LIME"), num_samples=8)  # warm up: the first call pays for imports, not work
    rows = {r["method"]: r for r in (load_table() if names else [])}
    start = time.perf_counter()
    for entry in [contender(n) for n in (names or [c.name for c in CONTENDERS])]:
        torch.set_num_threads(1)  # the seconds are one thread's, as on a small laptop
        cost = photo_cost(entry)
        torch.set_num_threads(2)
        rows[entry.name] = {**measure(entry), "grid": measure_grid(entry), **cost}
        means = ", ".join(f"{f} {rows[entry.name][f]['mean']:.2f}" for f in MEASURES)
        print(f"{entry.name}: {means} ({time.perf_counter() - start:.0f} s)", flush=True)
    write_table(rows.values())


def write_table(rows) -> None:
    """Write ``rows`` into the shipped table, in the order of :data:`CONTENDERS`."""
    order = [c.name for c in CONTENDERS]
    path = Path(__file__).with_name(TABLE)
    path.write_text(json.dumps(sorted(rows, key=lambda r: order.index(r["method"])), indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
