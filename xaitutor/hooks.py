"""Capture a layer's output (its activation) and the gradient that flows back into it.

PyTorch lets you attach *hooks* to a module: functions it calls during the forward (or backward)
pass. A hook that is never removed keeps firing and keeps memory alive, so here hooks live for
one ``with`` block only and are removed in ``finally``, even when the block raises.
"""
from __future__ import annotations

import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn

from .resolve import resolve_layer


@dataclass
class Recording:
    """What :func:`capture` saw, keyed by layer name.

    ``activations[name]`` is the layer's output in the last forward pass, still part of the
    autograd graph (so ``torch.autograd.grad(score, rec.activations[name])`` works), and
    ``gradients[name]`` is the gradient of the last backward pass with respect to it.
    """

    activations: dict[str, torch.Tensor] = field(default_factory=dict)
    gradients: dict[str, torch.Tensor] = field(default_factory=dict)

    def __getitem__(self, name: str) -> torch.Tensor:
        return self.activations[name]


@contextmanager
def capture(model: nn.Module, layers):
    """Record the output and the output's gradient of each of ``layers`` while the block runs.

    Args:
        model: the ``nn.Module`` (or a ``Classifier``) to watch.
        layers: one layer or a list of them, each a dotted module name (``"layer4"``,
            ``"features.29"``) or the module itself.

    Yields:
        A :class:`Recording`, filled as forward and backward passes run inside the block.

    The rest of the forward pass receives a *clone* of the layer's output: an in-place operation
    after the layer (vgg16's ``ReLU(inplace=True)``) would otherwise overwrite the stored tensor.
    """
    module = getattr(model, "model", model)
    if isinstance(layers, (str, nn.Module)):
        layers = [layers]
    recording = Recording()
    handles = []
    try:
        for layer in layers:
            name, target = resolve_layer(module, layer)
            handles.append(target.register_forward_hook(_recorder(recording, name)))
        yield recording
    finally:
        for handle in handles:
            handle.remove()


def _recorder(recording: Recording, name: str):
    # The gradient hook sits on `output` and `recording` holds `output`: if the hook held the
    # recording, the two would keep each other alive through autograd's graph, where Python's
    # garbage collector cannot see the cycle, and every call's graph would stay in memory
    # (pytorch-grad-cam #88, #132, #483). So the hook reaches the recording through a weak reference.
    recording = weakref.ref(recording)

    def save_gradient(grad):
        if (alive := recording()) is not None:
            alive.gradients[name] = grad

    def hook(module, inputs, output):
        if not isinstance(output, torch.Tensor):
            raise TypeError(f"layer {name!r} returns {type(output).__name__}, not a tensor: "
                            "choose a layer whose output is a single tensor")
        recording().activations[name] = output
        if not output.requires_grad:
            return None
        output.register_hook(save_gradient)
        return output.clone()

    return hook
