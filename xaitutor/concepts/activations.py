"""What every concept method reads first: a layer's activations over many pictures, in batches,
without gradients, kept in memory (captum's TCAV writes them to disk and reads them back)."""

from __future__ import annotations

import torch

from ..methods.driver import forward
from ..resolve import resolve_batch_size, resolve_layer, resolve_model


def layer_name(model, layer) -> str:
    """The dotted name of ``layer`` (a name or the module) in ``model``, checked to exist."""
    return resolve_layer(resolve_model(model), layer)[0]


def layer_activations(model, x: torch.Tensor, layer, batch_size=None) -> torch.Tensor:
    """The output of ``layer`` for the preprocessed batch ``x``, ``N x K x h x w`` on the CPU, one
    pass without gradients per ``batch_size`` pictures."""
    name = layer_name(model, layer)
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or len(x) == 0:
        raise ValueError("pictures must be a preprocessed N x C x H x W batch (clf.preprocess(pictures)), N >= 1")
    size = resolve_batch_size(batch_size, x.shape[-2:], x.device)
    parts = []
    for start in range(0, len(x), size):
        with forward(model, x[start : start + size], layers=[name], gradients=False) as run:
            parts.append(run.feature_map(name).detach().float().cpu())
    return torch.cat(parts)
