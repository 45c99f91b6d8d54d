"""Which method when, measured: every method of the course scored with chapter 5's measures on
data with a known answer, each score a mean with its 95 % interval, and its cost. Chapter 6 shows
the table; it takes longer than a notebook may, so one command makes it and the package ships it:

    make table      # python -m xaitutor.evaluation.make_table [METHOD ...]

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
* ``smooth_mprt``: the same on maps smoothed over :data:`SMOOTH_SAMPLES` noisy copies
  (Hedström et al. 2023), for the methods whose map is one backward pass, whose noise it averages
  out (``None`` for the others: the black boxes, occlusion and Score-CAM take no gradient, and
  SmoothGrad and integrated gradients already average 32 gradients each); ``efficient_mprt``:
  the relative rise of the map's entropy when every layer is randomised (higher is better);
  ``random_logit``: the SSIM between the map of the true
  class and of another class drawn at random (Sixt et al. 2020; near 0 the map depends on the
  class), all on the first :data:`SANITY_PICTURES`;
* ``shortcut``: how much the energy share falls when ``shapes_cnn_shortcut`` (same seed) is
  explained instead (its share is ``share_shortcut``): a map that shows the shortcut falls far.

On photos, for efficientnet_lite0 (``photo_scores.py``): ``grid``, the grid pointing game's share
of the positive map in the right cell of a 2 x 2 grid of photos (16 cells; chance 0.25; the
interval over the cells); the cost of explaining one 224 x 224 photo: ``pictures`` through the
network and ``seconds`` on one thread (one measurement, no interval). ``make_table.py`` measures
them all."""

from __future__ import annotations

import json
from functools import partial
from importlib import resources

import torch

from ..data import shapes
from ..methods.protocol import Method
from ..models import load
from .class_sensitivity import logit_similarity, other_classes
from .faithfulness import deletion, insertion
from .localisation import energy_share, pointing_game
from .maps import explain
from .photo_scores import grid_scores
from .randomisation import entropy_rise, randomised_models, smooth_mprt
from .road_imputation import road
from .sanity import _similarities
from .uncertainty import interval

TABLE = "which_method.json"
PICTURES, SANITY_PICTURES, DATA_SEED, SEEDS, STEPS, SMOOTH_SAMPLES = 200, 50, 5, (0, 1, 2), 16, 5
ROAD_PERCENTAGES = (10, 30, 50, 70, 90)
SANITY = ["sanity", "smooth_mprt", "efficient_mprt", "random_logit"]
MEASURES = ["pointing", "energy", "deletion", "insertion", "road", *SANITY, "shortcut", "grid"]
VARIANTS = ["deletion_blur", "deletion_mean", "share_shortcut"]
SHAPES_MEASURES = MEASURES[:-1]  # "grid" is measured on photos
LOWER_IS_BETTER = {"deletion", "deletion_blur", "deletion_mean", "road", "sanity", "smooth_mprt", "random_logit"}


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
    scores.update(sanity_scores(entry, clean, data, maps[:SANITY_PICTURES].cpu(), seed))
    cue_maps = explain(entry.quiet, cue_model, data.images, target=data.labels, **entry.shapes)
    scores["share_shortcut"] = energy_share(cue_maps, data.masks)
    scores["shortcut"] = scores["energy"] - scores["share_shortcut"]
    return scores


def sanity_scores(entry: Method, clean, data, maps: torch.Tensor, seed: int) -> dict[str, torch.Tensor]:
    """The measures of :data:`SANITY` on the first pictures of ``data``, whose maps are ``maps``."""
    *_, (_, random_model) = randomised_models(clean, seed)  # the last: every layer random
    images, labels = data.images[: len(maps)], torch.as_tensor(data.labels[: len(maps)])
    broken = explain(entry.quiet, random_model, images, target=labels, **entry.shapes).cpu()
    others = explain(entry.quiet, clean, images, target=other_classes(labels, len(clean.labels), seed), **entry.shapes)
    scores = dict(
        sanity=_similarities(maps.abs(), broken.abs())[0],
        efficient_mprt=entropy_rise(maps, broken),
        random_logit=logit_similarity(maps, others.cpu()),
    )
    if one_gradient(entry):
        method = partial(entry.quiet, **entry.shapes)
        smoothed = smooth_mprt(method, clean, images, labels, SMOOTH_SAMPLES, seed=seed, last_only=True, progress=False)
        scores["smooth_mprt"] = smoothed.spearman[-1]
    return scores


def one_gradient(entry: Method) -> bool:
    """Whether the method's map is one backward pass (its declaration says so)."""
    return entry.passes is None and "backward" in entry.cost


def row_of(entry: Method, scores: list[dict], seeds) -> dict:
    """The row of ``entry`` from :func:`per_picture`'s scores under each of ``seeds``."""
    row = {"method": entry.name, "chapter": entry.chapter, "seeds": list(seeds)}
    measured = [f for f in SHAPES_MEASURES + VARIANTS if f in scores[0]]
    for field in SHAPES_MEASURES + VARIANTS:  # a measure not taken for this method: None
        row[field] = (
            rounded(interval(torch.stack([s[field] for s in scores]).double().numpy())) if field in measured else None
        )
    row["by_seed"] = {f: [round(s[f].nanmean().item(), 3) for s in scores] for f in SHAPES_MEASURES if f in measured}
    return row


def measure_grid(entry: Method) -> dict:
    """The grid pointing game's mean over its 16 cells, with its 95 % interval over the cells."""
    return rounded(interval(grid_scores(entry)[None].double().numpy()))


def rounded(stats: dict) -> dict:
    return {k: round(v, 3) for k, v in stats.items()}


def load_table() -> list[dict]:
    """The table shipped with the package, made by ``make table``."""
    return json.loads(resources.files(__package__).joinpath(TABLE).read_text())
