"""The tables of chapter 9's fragility and robustness measures, one function per entry of
:data:`~xaitutor.attacks.results.ENTRIES`: every declared map method on held-out shapes pictures."""

from __future__ import annotations

import functools

from ...evaluation.sensitivity import local_lipschitz, max_sensitivity
from ...methods.protocol import MAP_KINDS, declared
from ..fragile_interpretations import fragility
from .measures import EPS
from .pictures import shapes, shapes_cnn


def fragility_table(n: int = 12) -> list[dict]:
    """Top-k intersection and Spearman of every declared map method under random signs and the top-k attack."""
    return fragility(shapes_cnn(), shapes(n)[0], eps=tuple(e / 255 for e in EPS), k=64)


def sensitivity(n: int = 8) -> list[dict]:
    """Max-sensitivity (uniform 8/255) and local Lipschitz (Gaussian 0.05) of every declared map method, 5 samples."""
    classifier, pixels = shapes_cnn(), shapes(n)[0]
    rows = []
    for method in declared(MAP_KINDS):
        function = functools.partial(method.quiet, **method.shapes)
        options = {"per_picture": method.starts_from_picture, "draws": 5}
        rows.append(
            {
                "method": method.name,
                "max-sensitivity": float(
                    max_sensitivity(function, classifier, pixels, radius=8 / 255, **options).mean()
                ),
                "local lipschitz": float(local_lipschitz(function, classifier, pixels, sigma=0.05, **options).mean()),
            }
        )
    return rows
