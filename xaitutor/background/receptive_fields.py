"""1.4.4 The receptive field, measured with a gradient, and what stacking small windows adds."""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from ..guard import evaluating
from ..methods.driver import gradient
from .convolution import convolve, pad


def stacked_convs(n_layers: int, kernel_size: int = 3, channels: int = 1, seed: int = 0) -> nn.Sequential:
    """``n_layers`` convolutions of ``kernel_size``, stride 1, no padding, no bias, random weights
    (seeded): the network whose receptive field section 1.4.4 talks about."""
    if n_layers < 1:
        raise ValueError(f"need at least one layer, got {n_layers}")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return nn.Sequential(*[nn.Conv2d(channels, channels, kernel_size, bias=False) for _ in range(n_layers)])


class ReceptiveField(NamedTuple):
    """The input pixels one output pixel depends on: ``size`` (height, width) of their bounding
    box and ``gradient``, the ``H x W`` absolute input gradient (summed over channels)."""

    size: tuple[int, int]
    gradient: torch.Tensor


def receptive_field(model: nn.Module, input_size: int = 15, channels: int = 1, seed: int = 0) -> ReceptiveField:
    """Measure the receptive field of ``model``'s central output pixel: the input pixels with a
    non-zero gradient of that pixel (summed over the output channels) on a random input.

    This measures rather than asserts: a pixel outside the field cannot change the output, so its
    gradient is exactly zero. (With ReLUs a dead unit can hide part of the field for one input; a
    linear stack, like :func:`stacked_convs`, shows all of it.)

    Args:
        model: maps ``1 x channels x H x W`` to ``1 x C x H' x W'``; left as it came.
        input_size: the side of the square input.
        channels: the input channels. seed: seeds the random input.
    """
    x = torch.randn(1, channels, input_size, input_size, generator=torch.Generator().manual_seed(seed))
    x.requires_grad_(True)
    with evaluating(model):
        out = model(x)
        if out.dim() != 4:
            raise ValueError(f"the model must return a 1 x C x H x W map, got shape {tuple(out.shape)}")
        grad = gradient(out[0, :, out.shape[2] // 2, out.shape[3] // 2].sum(), x)
    grad = grad[0].abs().sum(0)
    rows, cols = torch.nonzero(grad, as_tuple=True)
    if len(rows) == 0:
        raise ValueError("the central output pixel does not depend on the input at all (zero gradient)")
    size = (int(rows.max() - rows.min()) + 1, int(cols.max() - cols.min()) + 1)
    return ReceptiveField(size, grad)


def composed_kernel(kernels) -> torch.Tensor:
    """The one kernel equal to a stack of single-channel cross-correlations (no padding, no bias,
    no activation) with these 2-D ``kernels``: their full convolution, of side
    ``1 + sum(k - 1)``. Two 3x3 kernels (18 numbers) make a 5x5 kernel, but not every 5x5 kernel
    (25 numbers): stacking widens the field without adding expressive power (section 1.4.4)."""
    kernels = [torch.as_tensor(k) for k in kernels]
    result = kernels[0]
    for kernel in kernels[1:]:
        border = (kernel.shape[0] - 1, kernel.shape[1] - 1)
        result = convolve(pad(result, border, "zeros"), kernel)  # the full sum over all offsets
    return result


def receptive_field_size(n_layers: int, kernel_size: int) -> int:
    """The side of the receptive field of ``n_layers`` stacked ``kernel_size`` convolutions with
    stride 1: each layer adds ``kernel_size - 1`` pixels, so ``1 + n_layers (kernel_size - 1)``."""
    return 1 + n_layers * (kernel_size - 1)
