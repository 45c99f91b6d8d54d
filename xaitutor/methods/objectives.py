"""What feature visualization maximises: objectives that you can add, subtract and scale.

>>> xt.objectives.class_logit(254)                          # the pug logit
>>> 0.5 * xt.objectives.channel("_blocks.10", 3) + xt.objectives.layer("_blocks.5")
>>> xt.objectives.class_logit(254) + 20 * xt.objectives.diversity("_blocks.9")   # 4 different pugs

An objective turns one forward pass (the recorded activations of some layers, and the logits)
into one number per image of the batch: the quantity that gradient ascent pushes up (the essay's
equations 4.1 and 4.2). The algebra is the one of lucid / lucent
(https://distill.pub/2017/feature-visualization/), so ``a + b`` maximises both at once and
``a - b`` maximises ``a`` while pushing ``b`` down.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..resolve import resolve_class_index, resolve_feature_map
from .featurevis.objective import Objective


def _maps(acts: dict, layer: str, channel: int | None = None) -> torch.Tensor:
    """The layer's feature maps (N x C x H x W), or those of one channel (N x H x W), or a clear
    error for a layer without maps or a channel it lacks."""
    a = resolve_feature_map(acts[layer], layer)
    if channel is not None and not 0 <= channel < a.shape[1]:
        raise ValueError(f"layer {layer!r} has {a.shape[1]} channels (0 to {a.shape[1] - 1}); got channel {channel}")
    return a if channel is None else a[:, channel]


def neuron(layer: str, channel: int, position: tuple[int, int] | None = None) -> Objective:
    """One neuron ``h_{n,x,y,z}`` of the essay's equation 4.1: one channel at one position.

    Args:
        layer: the dotted module name (``"_blocks.10"``, ``"features.22"``).
        channel: the channel index ``z``.
        position: ``(row, col)`` in the layer's feature map for the final image size; the
            centre by default. On the smaller images of the pyramid it scales with the map.
    """

    def fn(acts, logits, scale):
        maps = _maps(acts, layer, channel)
        height, width = maps.shape[-2:]
        if position is None:
            row, col = height // 2, width // 2
        else:
            row, col = round(position[0] * scale), round(position[1] * scale)
            if not (0 <= row < height and 0 <= col < width):
                raise ValueError(
                    f"position {position} is outside the {height} x {width} feature map of layer {layer!r}"
                )
        return maps[:, row, col]

    where = "centre" if position is None else f"{position[0]}, {position[1]}"
    return Objective(fn, (layer,), f"{layer}[{channel}] at {where}")


def neurons(*units) -> Objective:
    """The sum of a set of neurons, the essay's equation 4.2: ``neurons(("_blocks.5", 3),
    ("_blocks.10", 7, (3, 4)))``; each unit is ``(layer, channel)`` or ``(layer, channel, (row, col))``."""
    if not units:
        raise ValueError("neurons() needs at least one (layer, channel[, (row, col)]) unit")
    return sum(neuron(*unit) for unit in units)


def channel(layer: str, c: int) -> Objective:
    """The mean activation of channel ``c`` of ``layer`` over all positions (lucid's "channel")."""
    return Objective(lambda acts, logits, scale: _maps(acts, layer, c).flatten(1).mean(1), (layer,), f"{layer}[{c}]")


def layer(name: str) -> Objective:
    """The whole layer: the mean of its squared activations (the essay's program 4.4 sums them;
    the mean has the same gradient direction, which the normalised step keeps, and its values
    stay comparable across image sizes and layers, so octaves' curves join up and objectives add)."""
    return Objective(lambda acts, logits, scale: acts[name].pow(2).flatten(1).mean(1), (name,), f"layer {name}")


def class_logit(c: int, labels: list[str] | None = None) -> Objective:
    """The logit of class ``c`` (the score before the softmax; section 4.3.2). ``labels`` only
    gives the title a class name."""

    def fn(acts, logits, scale):
        return logits[:, resolve_class_index(c, logits.shape[-1])]

    return Objective(fn, (), f"class {c}" + (f" ({labels[c]})" if labels else ""))


def diversity(layer: str) -> Objective:
    """How different each picture of the batch is from the others in the style of ``layer``
    (lucid's, https://distill.pub/2017/feature-visualization/#diversity): picture ``i`` gets
    ``-sum_{j != i} cos(G_i, G_j) / N``, with ``G = A A^T`` the Gram matrix of the activations
    ``A`` (channels x positions: which channels fire together, wherever), as in style transfer.
    Added, weighted, to an objective over a batch of seeds, it makes the pictures show different
    facets of what the objective responds to (0: nothing shared; ``-(N - 1) / N``: all alike)."""

    def fn(acts, logits, scale):
        flat = _maps(acts, layer).flatten(2)
        grams = F.normalize((flat @ flat.transpose(1, 2)).flatten(1), dim=1)
        similarity = grams @ grams.T
        return -(similarity.sum(1) - similarity.diagonal()) / len(flat)

    return Objective(fn, (layer,), f"diversity {layer}", compares_batch=True)


__all__ = ["Objective", "neuron", "neurons", "channel", "layer", "class_logit", "diversity"]
