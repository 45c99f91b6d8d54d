"""What feature visualization maximises: objectives that you can add, subtract and scale.

>>> xt.objectives.class_logit(254)                          # the pug logit
>>> 0.5 * xt.objectives.channel("_blocks.10", 3) + xt.objectives.layer("_blocks.5")

An objective turns one forward pass (the recorded activations of some layers, and the logits)
into one number per image of the batch: the quantity that gradient ascent pushes up (the essay's
equations 4.1 and 4.2). The algebra is the one of lucid / lucent
(https://distill.pub/2017/feature-visualization/), so ``a + b`` maximises both at once and
``a - b`` maximises ``a`` while pushing ``b`` down.
"""
from __future__ import annotations

from typing import Callable

import torch

# (activations by layer name, logits, scale) -> one value per image. ``scale`` is the current
# image size divided by the final one: the octaves of the pyramid run on smaller images.
ObjectiveFn = Callable[[dict, torch.Tensor, float], torch.Tensor]


class Objective:
    """A number per image to maximise, with the layers it needs hooked and a readable name.

    Call it as ``objective(activations, logits, scale=1.0)`` to get a tensor of shape ``(N,)``.
    """

    def __init__(self, fn: ObjectiveFn, layers: tuple[str, ...], name: str):
        self.fn = fn
        self.layers = layers
        self.name = name

    def __call__(self, activations: dict, logits: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
        return self.fn(activations, logits, scale)

    def __repr__(self) -> str:
        return f"Objective({self.name})"

    def __add__(self, other):
        if isinstance(other, (int, float)):  # sum() starts from 0
            return self if other == 0 else _combine(self, _constant(other), lambda a, b: a + b, "+")
        return _combine(self, other, lambda a, b: a + b, "+")

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-1) * other

    def __neg__(self):
        return (-1) * self

    def __mul__(self, factor):
        if not isinstance(factor, (int, float)):
            raise TypeError("an objective can only be multiplied by a number (a weight); "
                            f"got {type(factor).__name__}")
        name = f"-{self.name}" if factor == -1 else f"{factor:g} * {self.name}"
        return Objective(lambda acts, logits, scale: factor * self.fn(acts, logits, scale),
                         self.layers, name)

    __rmul__ = __mul__


def _combine(a: Objective, b: Objective, op, symbol: str) -> Objective:
    if not isinstance(b, Objective):
        raise TypeError(f"cannot combine an objective with {type(b).__name__}")
    layers = tuple(dict.fromkeys(a.layers + b.layers))  # union, in order
    name = f"{a.name} {symbol} {b.name}".replace("+ -", "- ")
    return Objective(lambda acts, logits, scale: op(a.fn(acts, logits, scale), b.fn(acts, logits, scale)),
                     layers, name)


def _constant(value: float) -> Objective:
    return Objective(lambda acts, logits, scale: torch.full((len(logits),), float(value),
                                                            device=logits.device), (), f"{value:g}")


def _channels_of(activation: torch.Tensor, layer: str, channel: int) -> torch.Tensor:
    """The maps of ``channel`` (N x H x W), or a clear error for an index the layer lacks."""
    if activation.dim() != 4:
        raise ValueError(f"layer {layer!r} outputs shape {tuple(activation.shape)}, not N x C x H x W "
                         "feature maps: choose a convolutional layer")
    count = activation.shape[1]
    if not 0 <= channel < count:
        raise ValueError(f"layer {layer!r} has {count} channels (0 to {count - 1}); got channel {channel}")
    return activation[:, channel]


def neuron(layer: str, channel: int, position: tuple[int, int] | None = None) -> Objective:
    """One neuron ``h_{n,x,y,z}`` of the essay's equation 4.1: one channel at one position.

    Args:
        layer: the dotted module name (``"_blocks.10"``, ``"features.22"``).
        channel: the channel index ``z``.
        position: ``(row, col)`` in the layer's feature map for the final image size; the
            centre by default. On the smaller images of the pyramid it scales with the map.
    """
    def fn(acts, logits, scale):
        maps = _channels_of(acts[layer], layer, channel)
        height, width = maps.shape[-2:]
        if position is None:
            row, col = height // 2, width // 2
        else:
            row, col = round(position[0] * scale), round(position[1] * scale)
            if not (0 <= row < height and 0 <= col < width):
                raise ValueError(f"position {position} is outside the {height} x {width} feature map "
                                 f"of layer {layer!r}")
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
    return Objective(lambda acts, logits, scale: _channels_of(acts[layer], layer, c).flatten(1).mean(1),
                     (layer,), f"{layer}[{c}]")


def layer(name: str) -> Objective:
    """The whole layer: the mean of its squared activations (the essay's program 4.4 sums them;
    the mean has the same gradient direction, which the normalised step keeps, and its values
    stay comparable across image sizes and layers, so octaves' curves join up and objectives add)."""
    return Objective(lambda acts, logits, scale: acts[name].pow(2).flatten(1).mean(1), (name,), f"layer {name}")


def class_logit(c: int, labels: list[str] | None = None) -> Objective:
    """The logit of class ``c`` (the score before the softmax; section 4.3.2). ``labels`` only
    gives the title a class name."""
    def fn(acts, logits, scale):
        if not 0 <= c < logits.shape[-1]:
            raise ValueError(f"class {c} is not a class of this model (0 to {logits.shape[-1] - 1})")
        return logits[:, c]

    return Objective(fn, (), f"class {c}" + (f" ({labels[c]})" if labels else ""))


__all__ = ["Objective", "neuron", "neurons", "channel", "layer", "class_logit"]
