"""1.2 Gradient descent: two functions to minimise, the descent itself (eq. 1.2) and what it did,
in words."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..methods.driver import gradient


def parabola(x: torch.Tensor) -> torch.Tensor:
    """``f(x) = x^2`` (summed over the coordinates): one minimum, at 0. For gradient descent,
    ``x_{t+1} = (1 - 2 eta) x_t``: it creeps for ``eta < 0.5``, oscillates and still converges for
    ``0.5 < eta < 1`` and diverges for ``eta > 1``."""
    return (x**2).sum()


def valley(x: torch.Tensor) -> torch.Tensor:
    """``f(x, y) = x^2 + 10 y^2``: a long narrow valley, steep across (y) and flat along (x), so one
    learning rate is too small for x and too large for y at the same time (diverges for
    ``eta > 0.1``)."""
    return x[0] ** 2 + 10 * x[1] ** 2


def gradient_descent(
    f: Callable[[torch.Tensor], torch.Tensor], x0, lr: float, steps: int = 20, blow_up: float = 1e6
) -> torch.Tensor:
    """Minimise ``f`` by gradient descent, ``x_{t+1} = x_t - eta * df/dx(x_t)`` (eq. 1.2, solving
    eq. 1.1), the gradient coming from autograd.

    Args:
        f: a function of a 1-D tensor returning a scalar tensor.
        x0: the starting point (a number or a sequence of numbers).
        lr: the learning rate ``eta`` (positive).
        steps: how many updates to make.
        blow_up: stop early once ``|x|`` exceeds this: the descent has diverged.

    Returns:
        The path, a ``(steps + 1) x n`` float64 tensor whose row t is ``x_t`` (fewer rows when it
        diverged).
    """
    if lr <= 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    x = torch.as_tensor(x0, dtype=torch.float64).reshape(-1)
    path = [x]
    for _ in range(steps):
        leaf = x.clone().requires_grad_(True)  # a fresh leaf: the path itself stays out of the graph
        value = f(leaf)
        if value.numel() != 1:
            raise ValueError(f"f must return one number (a scalar tensor), got shape {tuple(value.shape)}")
        grad = gradient(value, leaf, unused="x: f must compute its value from x")
        x = x - lr * grad
        path.append(x)
        if not torch.isfinite(x).all() or x.abs().max() > blow_up:
            break
    return torch.stack(path)


def describe_descent(path: torch.Tensor, tol: float = 1e-3) -> str:
    """Say in words what a :func:`gradient_descent` path did: converged, oscillated, diverged, or is
    still on its way. It oscillates when a coordinate changes sign from one step to the next (it
    jumps over the minimum)."""
    start, end = path[0].norm().item(), path[-1].norm().item()
    flips = len(path) > 2 and bool(((path[1:] * path[:-1]) < 0).any(0).any())
    how = "oscillating, " if flips else ""
    if not np.isfinite(end) or end > start * (1 + 1e-9):
        return f"diverges: |x| grew from {start:.3g} to {end:.3g}"
    if end < tol:
        return f"converges ({how}|x| = {end:.1e} after {len(path) - 1} steps)"
    if abs(end - start) <= 1e-9 * max(start, 1):
        return f"{how}never converges: |x| stays at {end:.3g}"
    return f"converging, {how}not there yet: |x| = {end:.3g} after {len(path) - 1} steps"
