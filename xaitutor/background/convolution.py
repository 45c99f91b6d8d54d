"""1.4.1 Convolution, cross-correlation, padding and stride, written out as the essay defines them."""

from __future__ import annotations

import numpy as np
import torch

PADDINGS = (None, "zeros", "nearest", "wrap")


def output_size(n: int, kernel_size: int, padding: int = 0, stride: int = 1) -> int:
    """The length of a convolution's output along one axis: ``floor((n + 2p - k) / s) + 1``.

    Without padding the output is ``n - k + 1``, i.e. ``2 floor(k / 2)`` shorter for an odd window
    (section 1.4.2: 128 -> 126 -> 124 with 3x3 windows); padding ``k // 2`` keeps it at ``n``;
    stride ``s`` divides it by about ``s``."""
    for name, value, low in (
        ("n", n, 1),
        ("kernel_size", kernel_size, 1),
        ("padding", padding, 0),
        ("stride", stride, 1),
    ):
        if int(value) != value or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value}")
    if n + 2 * padding < kernel_size:
        raise ValueError(f"a window of {kernel_size} does not fit in {n} values padded by {padding} on each side")
    return (n + 2 * padding - kernel_size) // stride + 1


def pad(x: torch.Tensor, width, mode: str | None = "zeros") -> torch.Tensor:
    """Pad the last axis (``width`` an int) or the last ``len(width)`` axes (``width`` a tuple)
    by ``width`` values on each side, filled according to ``mode``:

    - ``"zeros"``: zeros;
    - ``"nearest"``: the nearest value at the edge (the edge pixel repeated);
    - ``"wrap"``: the values from the opposite edge, as if the signal were periodic;
    - ``None``: no padding at all.
    """
    if mode not in PADDINGS:
        raise ValueError(f"unknown padding {mode!r}; choose one of {PADDINGS}")
    widths = (width,) if isinstance(width, int) else tuple(width)
    if mode is None:
        return x
    for axis, w in zip(range(-len(widths), 0), widths):
        n = x.shape[axis]
        index = torch.arange(-w, n + w)  # the positions we want, some of them outside 0..n-1
        if mode == "wrap":
            x = x.index_select(axis, index % n)
        else:
            taken = x.index_select(axis, index.clamp(0, n - 1))  # "nearest": clamp into the signal
            if mode == "zeros":
                inside = ((index >= 0) & (index < n)).reshape((-1,) + (1,) * (-axis - 1))
                taken = torch.where(inside, taken, torch.zeros((), dtype=x.dtype))
            x = taken
    return x


def windows(x: torch.Tensor, shape: tuple[int, ...], stride: int = 1) -> torch.Tensor:
    """Every position of a sliding window over the last ``len(shape)`` axes, gathered by window
    offset: ``out[k]`` holds, for every output position, the input value under the window's k-th
    cell (row-major). A sum of ``out`` weighted by the kernel is a cross-correlation; its max or
    mean over ``k`` is a pooling."""
    sizes = [output_size(n, k, stride=stride) for n, k in zip(x.shape[-len(shape) :], shape)]
    cells = np.ndindex(*shape)  # (a,) in 1-D, (a, b) in 2-D
    return torch.stack(
        [
            x[(...,) + tuple(slice(o, o + stride * (m - 1) + 1, stride) for o, m in zip(offset, sizes))]
            for offset in cells
        ]
    )


def cross_correlate(x: torch.Tensor, kernel: torch.Tensor, padding: str | None = None, stride: int = 1) -> torch.Tensor:
    """Cross-correlation, what deep-learning libraries call "convolution":
    ``out[n] = sum_k x[n s + k] g[k]`` in 1-D, ``out[m][n] = sum_a sum_b x[m s + a][n s + b] g[a][b]``
    in 2-D: the window slides over ``x`` *without* being flipped.

    Args:
        x: the signal; its last ``kernel.dim()`` axes are filtered, any axes before them
            (batch, channels) are kept.
        kernel: the window ``g``, 1-D or 2-D.
        padding: ``None`` (no padding, the output shrinks), ``"zeros"``, ``"nearest"`` or ``"wrap"``
            (``kernel_size // 2`` on each side, so an odd window keeps the size).
        stride: how far the window moves at each step.

    Returns:
        The filtered signal; each filtered axis has :func:`output_size` values.
    """
    x, kernel = torch.as_tensor(x), torch.as_tensor(kernel)
    dtype = torch.promote_types(torch.promote_types(x.dtype, kernel.dtype), torch.float32)  # ints -> float
    x, kernel = x.to(dtype), kernel.to(dtype)
    if kernel.dim() not in (1, 2) or x.dim() < kernel.dim():
        raise ValueError(
            f"need a 1-D or 2-D kernel and a signal with at least as many axes, got "
            f"kernel {tuple(kernel.shape)} and signal {tuple(x.shape)}"
        )
    padded = pad(x, tuple(k // 2 for k in kernel.shape), padding)
    cells = windows(padded, tuple(kernel.shape), stride)
    weights = kernel.reshape((-1,) + (1,) * (cells.dim() - 1))
    return (weights * cells).sum(0)


def convolve(x: torch.Tensor, kernel: torch.Tensor, padding: str | None = None, stride: int = 1) -> torch.Tensor:
    """Convolution as the essay defines it (section 1.4.1), with its typo fixed (the sums run over
    ``f[i]`` and ``f[i][j]``, not ``f[n]`` and ``f[m][n]``):

        (f * g)[n] = sum_i f[i] g[n - i],     (f * g)[m][n] = sum_i sum_j f[i][j] g[m - i][n - j].

    As ``i`` goes up, ``n - i`` goes down: the window is read backwards, so a convolution is a
    cross-correlation with the kernel flipped (along every axis). Same arguments as
    :func:`cross_correlate`; without padding this is ``np.convolve(f, g, "valid")`` in 1-D."""
    kernel = torch.as_tensor(kernel)
    return cross_correlate(x, kernel.flip(tuple(range(kernel.dim()))), padding, stride)
