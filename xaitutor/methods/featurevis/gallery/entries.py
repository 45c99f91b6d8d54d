"""What the gallery holds: each entry's objective, seeds and settings (the recipe), by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import objectives as O
from ..objective import Objective
from ..settings import RECIPES

MODEL = "efficientnet_lite0"
THREADS = 1  # see the package's docstring: the pixels do not depend on the machine's cores
CLASSES = [1, 33, 77, 207, 254, 761, 771, 783, 817, 883, 963]  # the essay's, figs. 4.13 to 4.23
# Blocks of efficientnet_lite0 from early to late, each the block whose receptive field is closest
# to one of the essay's VGG16 layers (1, 3, 5, 6, 8, 9 and 10, 12, 13: figs. 4.4 to 4.12; the
# notebook's table matches them), and the last block; the channels shown of each.
BLOCKS = ["_blocks.0", "_blocks.1", "_blocks.2", "_blocks.3", "_blocks.4", "_blocks.5", "_blocks.7", "_blocks.8"]
BLOCKS += ["_blocks.13"]
CHANNELS = [0, 1, 2]
# The blocks whose channels are also minimised (negative visualizations, as in distill's article).
NEGATIVE_BLOCKS = ["_blocks.4", "_blocks.8"]
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
        entries[f"pyramid_{c}"] = Entry(O.class_logit(c), settings=RECIPES["pyramid"])
    for block in BLOCKS:
        entries[f"layer_{block}"] = Entry(O.layer(block))
        for channel in CHANNELS:
            entries[f"channel_{block}_{channel}"] = Entry(O.channel(block, channel))
    for block in NEGATIVE_BLOCKS:
        for channel in CHANNELS:
            entries[f"negative_{block}_{channel}"] = Entry(-O.channel(block, channel))
    target, layer, weight, seeds = DIVERSE["target"], DIVERSE["layer"], DIVERSE["weight"], DIVERSE["seeds"]
    entries[f"seeds_{target}"] = Entry(O.class_logit(target), seeds)
    entries[f"diversity_{target}"] = Entry(O.class_logit(target) + weight * O.diversity(layer), seeds)
    return entries


ENTRIES = _entries()
