"""The objective of feature visualization: a number per image to maximise, and its algebra.

The catalogue of objectives (neuron, channel, layer, class_logit, diversity, ...) is
:mod:`xaitutor.methods.objectives` (``xt.objectives``); this module is what they are built from.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

# (activations by layer name, logits, scale) -> one value per image. ``scale`` is the current
# image size divided by the final one: the octaves of the pyramid run on smaller images.
ObjectiveFn = Callable[[dict, torch.Tensor, float], torch.Tensor]


class Objective:
    """A number per image to maximise, with the layers it needs hooked and a readable name.

    Call it as ``objective(activations, logits, scale=1.0)`` to get a tensor of shape ``(N,)``.
    ``compares_batch``: an image's value depends on the others (:func:`diversity`), so the batch
    must be optimised together.
    """

    def __init__(self, fn: ObjectiveFn, layers: tuple[str, ...], name: str, compares_batch: bool = False):
        self.fn = fn
        self.layers = layers
        self.name = name
        self.compares_batch = compares_batch

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
            raise TypeError(f"an objective can only be multiplied by a number (a weight); got {type(factor).__name__}")
        name = f"-{self.name}" if factor == -1 else f"{factor:g} * {self.name}"
        return Objective(
            lambda acts, logits, scale: factor * self.fn(acts, logits, scale), self.layers, name, self.compares_batch
        )

    __rmul__ = __mul__

    def __truediv__(self, divisor):
        """``objective / 2`` is ``0.5 * objective``: a weight written as a division."""
        if not isinstance(divisor, (int, float)):
            raise TypeError(f"an objective can only be divided by a number; got {type(divisor).__name__}")
        if divisor == 0:
            raise ZeroDivisionError("an objective divided by 0: give a non-zero number")
        divided = (1 / divisor) * self
        divided.name = f"{self.name} / {divisor:g}"
        return divided


def _combine(a: Objective, b: Objective, op, symbol: str) -> Objective:
    if not isinstance(b, Objective):
        raise TypeError(f"cannot combine an objective with {type(b).__name__}")
    layers = tuple(dict.fromkeys(a.layers + b.layers))  # union, in order
    name = f"{a.name} {symbol} {b.name}".replace("+ -", "- ")
    return Objective(
        lambda acts, logits, scale: op(a.fn(acts, logits, scale), b.fn(acts, logits, scale)),
        layers,
        name,
        a.compares_batch or b.compares_batch,
    )


def _constant(value: float) -> Objective:
    return Objective(
        lambda acts, logits, scale: torch.full((len(logits),), float(value), device=logits.device), (), f"{value:g}"
    )
