"""Fragile interpretations (Ghorbani et al. 2019): how far a map moves when the picture moves a
little and the answer does not.

Ghorbani, Abid and Zou, "Interpretation of Neural Networks is Fragile", AAAI 2019,
https://arxiv.org/abs/1710.10547. Two changes of size ``eps`` (L-infinity), both keeping the label:

* random noise, ``x + eps * s`` with ``s`` a random sign per pixel: the baseline;
* the top-k attack (their algorithm 1): sign steps that lower the map's mass on the ``k`` pixels it
  ranked first, ``D(x') = sum_{i in top-k(x)} h_i(x')``, a step that changes the label refused,
  differentiated through the softplus copy (:func:`~xaitutor.attacks.smoothed`) as the manipulation is.

and two measures of the map before and after (sec. 3): the share of the top-k pixels kept (top-k
intersection) and Spearman's rank correlation. The attack is made against one map (saliency, by
default) and every declared map method is measured on the same pictures: for the other methods it
is a transferred attack, a lower bound of how fragile they are.
"""

from __future__ import annotations

import functools

import torch

from ..evaluation.maps import explain
from ..methods.protocol import MAP_KINDS, declared
from ..resolve import resolve_count
from .differentiable_maps import differentiable_map, resolve_method
from .pixel_space import as_pixels, attack_targets, model_input, resolve_radius
from .similarity import rank_correlation, top_k_intersection
from .softplus_swap import BETA, smoothed


def random_signs(pictures: torch.Tensor, eps: float, seed: int = 0) -> torch.Tensor:
    """``x + eps * s``, ``s`` a random sign per pixel drawn with ``seed``, kept in [0, 1]."""
    signs = torch.randint(0, 2, pictures.shape, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    return (pictures + eps * signs.to(pictures)).clamp(0, 1)


def top_k_attack(classifier, pictures, method="saliency", eps=8 / 255, k=64, steps=20, beta=BETA) -> torch.Tensor:
    """Ghorbani et al.'s top-k attack on each picture, ``||delta||_inf <= eps``, labels kept.

    Each of ``steps`` sign steps of ``eps / 4`` lowers the map's sum over its first ``k`` pixels
    (on the softplus copy); a picture whose step would change its label keeps its last good step.
    """
    method, eps, steps = resolve_method(method), resolve_radius(eps, "eps"), resolve_count(steps, "steps")
    pixels = as_pixels(classifier, pictures, "top_k_attack")
    labels = attack_targets(classifier, pixels, None, False)
    smooth, std = smoothed(classifier, beta), torch.as_tensor(classifier.std).reshape(-1, 1, 1)
    with differentiable_map(method, smooth, model_input(classifier, pixels), labels) as (_, first):
        top = torch.zeros_like(first, dtype=torch.bool).flatten(1)
        top.scatter_(1, first.detach().flatten(1).topk(k, dim=1).indices, True)
    attacked = pixels.clone()
    for _ in range(steps):
        with differentiable_map(method, smooth, model_input(classifier, attacked), labels) as (run, found):
            mass = (found.flatten(1) * top).sum(1) / found.flatten(1).sum(1).clamp_min(1e-12)
            gradient = run.gradient(run.x, of=mass.sum()) / std
        moved = (attacked - eps / 4 * gradient.sign()).clamp(pixels - eps, pixels + eps).clamp(0, 1)
        with torch.no_grad():
            same = classifier(model_input(classifier, moved)).argmax(1) == labels
        attacked[same] = moved[same]
    return attacked


def fragility(classifier, pictures, eps=(2 / 255, 4 / 255, 8 / 255), k=64, methods=None, options="shapes", **attack):
    """Top-k intersection and rank correlation of every method's map before and after random
    noise and the top-k attack (made against one map), at each ``eps``.

    Args:
        classifier, pictures: the model and ``N x 3 x H x W`` pictures in [0, 1].
        eps: the sizes of the change, in pixel units.
        k: how many top pixels count.
        methods: declarations (``xt.methods.declared(...)``); ``None``: every declared map method.
        options: which of their declared options to run them with, ``"shapes"`` (64 x 64) or
            ``"photo"`` (chapter 6's table).
        **attack: options of :func:`top_k_attack` (``method=``, ``steps=``, ``beta=``).

    Returns:
        A list of rows, one per method, change and eps: ``method``, ``change`` (``"random"`` or
        ``"top-k attack"``), ``eps`` (in grey levels), ``top-k`` and ``spearman`` (means over the
        pictures whose label the change kept) and ``kept`` (how many).
    """
    pixels = as_pixels(classifier, pictures, "fragility")
    methods = declared(MAP_KINDS) if methods is None else methods
    labels = attack_targets(classifier, pixels, None, False)
    changed = {}
    for e in eps:
        changed[("random", e)] = random_signs(pixels, e)
        changed[("top-k attack", e)] = top_k_attack(classifier, pixels, eps=e, k=k, **attack)
    rows = []
    for method in methods:
        function = functools.partial(method.quiet, **getattr(method, options))
        before = explain(function, classifier, pixels, labels, per_picture=method.starts_from_picture)
        for (change, e), moved in changed.items():
            with torch.no_grad():
                kept = classifier(model_input(classifier, moved)).argmax(1) == labels
            after = explain(function, classifier, moved[kept], labels[kept], per_picture=method.starts_from_picture)
            rows.append(
                {
                    "method": method.name, "change": change, "eps": round(e * 255), "kept": int(kept.sum()),
                    "top-k": float(top_k_intersection(before[kept], after, k).mean()),
                    "spearman": float(rank_correlation(before[kept], after).mean()),
                }
            )  # fmt: skip
    return rows
