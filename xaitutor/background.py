"""Chapter 1, the background: gradient descent, the perceptron, backpropagation, convolution,
pooling and the receptive field, each written out the way the essay defines it so that reading
the code is reading the math.

Equation numbers refer to chapter 1 of the essay (``seed/000_789e6c7d908553e7.txt``). Every
function here is small and plain on purpose; PyTorch's fast versions are what the tests compare
against.

>>> import xaitutor as xt
>>> xt.background.xor_table()[1]            # table 1.1, row x = (0, 1)
(0, 1, 1, 1, 1)
>>> xt.background.output_size(128, 3)       # a 3x3 window, no padding: 128 -> 126
126
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from .guard import evaluating
from .imaging import to_tensor
from .methods.driver import gradient

# ----------------------------------------------------------------------------------------------
# 1.2 Gradient descent
# ----------------------------------------------------------------------------------------------


def parabola(x: torch.Tensor) -> torch.Tensor:
    """``f(x) = x^2`` (summed over the coordinates): one minimum, at 0. For gradient descent,
    ``x_{t+1} = (1 - 2 eta) x_t``: it creeps for ``eta < 0.5``, oscillates and still converges for
    ``0.5 < eta < 1`` and diverges for ``eta > 1``."""
    return (x ** 2).sum()


def valley(x: torch.Tensor) -> torch.Tensor:
    """``f(x, y) = x^2 + 10 y^2``: a long narrow valley, steep across (y) and flat along (x), so one
    learning rate is too small for x and too large for y at the same time (diverges for
    ``eta > 0.1``)."""
    return x[0] ** 2 + 10 * x[1] ** 2


def gradient_descent(f: Callable[[torch.Tensor], torch.Tensor], x0, lr: float, steps: int = 20,
                     blow_up: float = 1e6) -> torch.Tensor:
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


def plot_descent(f: Callable[[torch.Tensor], torch.Tensor], path: torch.Tensor, ax=None,
                 title: str | None = None):
    """Draw a gradient-descent path on ``f``: the curve with the iterates for a 1-D function, the
    contour lines with the zig-zag for a 2-D one. Returns the figure."""
    fig, ax = _figure(ax, (5, 3.4))
    path = path.numpy()
    reach = max(2.0, float(np.abs(path[: min(len(path), 8)]).max()) * 1.1)
    if path.shape[1] == 1:
        grid = np.linspace(-reach, reach, 301)
        curve = torch.vmap(f)(torch.from_numpy(grid)[:, None]).numpy()  # f at every grid point
        ax.plot(grid, curve, color="0.6")
        values = torch.vmap(f)(torch.from_numpy(path)).numpy()
        ax.plot(path[:, 0], values, "-o", color="C1", markersize=4, lw=1)
        ax.plot(path[0, 0], values[0], "s", color="C3", label="start $x_0$")
        margin = 0.05 * (curve.max() - curve.min())
        ax.set(xlim=(-reach, reach), ylim=(curve.min() - margin, curve.max() + margin), xlabel="x", ylabel="f(x)")
    else:
        grid = np.linspace(-reach, reach, 121)
        gx, gy = np.meshgrid(grid, grid)
        points = torch.from_numpy(np.stack([gx, gy], -1).reshape(-1, 2))
        values = torch.vmap(f)(points).reshape(gx.shape).numpy()  # f at every grid point
        levels = values.min() + np.linspace(0, np.sqrt(np.ptp(values)), 15)[1:] ** 2  # evenly spaced in |x|
        ax.contour(gx, gy, values, levels=levels, colors="0.7", linewidths=0.7)
        ax.plot(path[:, 0], path[:, 1], "-o", color="C1", markersize=4, lw=1)
        ax.plot(path[0, 0], path[0, 1], "s", color="C3", label="start $x_0$")
        ax.set(xlim=(-reach, reach), ylim=(-reach, reach), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.legend(loc="upper center", fontsize=8)
    ax.set_title(title or f"{len(path) - 1} steps, last x = {np.array2string(path[-1], precision=3)}", fontsize=9)
    return fig


# ----------------------------------------------------------------------------------------------
# 1.3.1 The perceptron
# ----------------------------------------------------------------------------------------------


def step(z: torch.Tensor) -> torch.Tensor:
    """The step function ``sigma(z) = 1 if z >= 0 else 0`` (eq. 1.3)."""
    return (torch.as_tensor(z) >= 0).to(torch.float64)


def perceptron(weights, x) -> torch.Tensor:
    """The perceptron ``f(x) = sigma(w_0 + sum_i w_i x_i)`` (eq. 1.4).

    Args:
        weights: ``(w_0, w_1, ..., w_n)``, the bias ``w_0`` first.
        x: one input ``(x_1, ..., x_n)`` or a batch ``N x n``.

    Returns:
        0. or 1. (a tensor of N of them for a batch).
    """
    w = torch.as_tensor(weights, dtype=torch.float64)
    x = torch.as_tensor(x, dtype=torch.float64)
    if x.shape[-1] != len(w) - 1:
        raise ValueError(f"{len(w)} weights (bias first) need inputs of {len(w) - 1} values, got "
                         f"inputs of shape {tuple(x.shape)}")
    return step(w[0] + x @ w[1:])


def perceptron_update(weights, x, y, lr: float = 1.0) -> torch.Tensor:
    """One step of the perceptron rule on the sample ``(x, y)``:
    ``w_i <- w_i + eta (y - f(x)) x_i`` (eq. 1.5) and ``w_0 <- w_0 + eta (y - f(x))`` (eq. 1.6).

    A right answer (``y == f(x)``) leaves the weights alone; a wrong one moves the boundary towards
    classifying ``x`` correctly. Returns the new weights (the old ones are not modified)."""
    w = torch.as_tensor(weights, dtype=torch.float64)
    x = torch.as_tensor(x, dtype=torch.float64)
    error = float(y) - perceptron(w, x)
    return w + lr * error * torch.cat([torch.ones(1, dtype=torch.float64), x])  # x_0 = 1 for the bias


@dataclass
class PerceptronRun:
    """The outcome of :func:`train_perceptron`: the final ``weights``, the weights after each epoch
    (``history``, the start included), the number of misclassified samples in each epoch
    (``mistakes``), ``converged`` (an epoch without mistakes) and ``cycle`` (the first epoch whose
    weights repeat an earlier epoch's, which proves the rule will loop for ever; ``None`` if not)."""

    weights: torch.Tensor
    history: list[torch.Tensor] = field(default_factory=list)
    mistakes: list[int] = field(default_factory=list)
    converged: bool = False
    cycle: int | None = None


def train_perceptron(X, y, lr: float = 1.0, epochs: int = 20, weights=None) -> PerceptronRun:
    """Train a perceptron with the update rule (eq. 1.5, 1.6), visiting the samples in order.

    Stops when an epoch makes no mistake (converged) or when the weights at the end of an epoch
    equal those at the end of an earlier one: the rule is deterministic, so from then on it
    repeats the same epochs for ever (this is how we *show* that XOR never converges).

    Args:
        X: the inputs, ``N x n``.
        y: the labels, N values in {0, 1}.
        lr: the learning rate ``eta``.
        epochs: the most passes over the data.
        weights: the starting ``(w_0, ..., w_n)``; zeros by default.

    Returns:
        A :class:`PerceptronRun`.
    """
    X = torch.as_tensor(X, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    if X.dim() != 2 or len(X) != len(y):
        raise ValueError(f"X must be N x n and y hold N labels, got X {tuple(X.shape)} and y {tuple(y.shape)}")
    if not ((y == 0) | (y == 1)).all():
        raise ValueError(f"the labels must be 0 or 1, got {y.tolist()}")
    w = torch.zeros(X.shape[1] + 1, dtype=torch.float64) if weights is None else torch.as_tensor(weights, dtype=torch.float64)
    run = PerceptronRun(weights=w, history=[w])
    for epoch in range(1, epochs + 1):
        mistakes = 0
        for xi, yi in zip(X, y):
            mistakes += int(perceptron(w, xi) != yi)
            w = perceptron_update(w, xi, yi, lr)
        run.weights, run.mistakes = w, run.mistakes + [mistakes]
        if mistakes == 0:
            run.converged = True
            break
        seen_before = any(torch.equal(w, old) for old in run.history)
        run.history.append(w)
        if seen_before:
            run.cycle = epoch
            break
    return run


# The four binary inputs and the three truth tables of section 1.3.2.
BINARY_INPUTS = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
AND = torch.tensor([0.0, 0.0, 0.0, 1.0], dtype=torch.float64)
OR = torch.tensor([0.0, 1.0, 1.0, 1.0], dtype=torch.float64)
XOR = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64)

# The essay's hand-set perceptrons (section 1.3.2), weights as (w_0, w_1, w_2):
F1 = (1.5, -1.0, -1.0)   # f1(x) = sigma(-x1 - x2 + 1.5): the upper line, "not both"
F2 = (-0.5, 1.0, 1.0)    # f2(x) = sigma(x1 + x2 - 0.5): the lower line, "at least one"
G = (-1.5, 1.0, 1.0)     # g(a, b) = sigma(a + b - 1.5): AND of the two


def xor_mlp(x) -> torch.Tensor:
    """The two-layer perceptron of section 1.3.2: ``g(f1(x), f2(x))``, which computes XOR."""
    x = torch.as_tensor(x, dtype=torch.float64)
    hidden = torch.stack([perceptron(F1, x), perceptron(F2, x)], dim=-1)
    return perceptron(G, hidden)


def xor_table() -> list[tuple[int, int, int, int, int]]:
    """Table 1.1, computed: rows ``(x1, x2, f1(x), f2(x), g(f1(x), f2(x)))`` for the four binary
    inputs."""
    return [(int(x[0]), int(x[1]), int(perceptron(F1, x)), int(perceptron(F2, x)), int(xor_mlp(x)))
            for x in BINARY_INPUTS]


def plot_decision(predict: Callable[[torch.Tensor], torch.Tensor], X, y, lines=(), ax=None,
                  title: str | None = None):
    """Draw binary samples (filled: label 1, hollow: label 0), shade where ``predict`` says 1 and
    draw the line ``w_0 + w_1 x_1 + w_2 x_2 = 0`` of each perceptron in ``lines``.

    Args:
        predict: maps a ``... x 2`` float64 tensor of points to 0/1 (a perceptron, an MLP...).
        X, y: the ``N x 2`` samples and their N labels.
        lines: weight triples ``(w_0, w_1, w_2)`` whose boundaries to draw.

    Returns:
        The figure.
    """
    fig, ax = _figure(ax, (3, 3))
    X, y = torch.as_tensor(X).numpy(), torch.as_tensor(y).numpy()
    grid = np.linspace(-0.5, 1.5, 201)
    gx, gy = np.meshgrid(grid, grid)
    with torch.no_grad():
        inside = torch.as_tensor(predict(torch.from_numpy(np.stack([gx, gy], -1)))).double().numpy()
    ax.contourf(gx, gy, inside, levels=[-0.5, 0.5, 1.5], colors=["white", "#cfe3f7"])
    for i, w in enumerate(lines):
        w = [float(v) for v in w]
        if w[1] or w[2]:  # all-zero input weights: no line at all
            ax.contour(gx, gy, w[0] + w[1] * gx + w[2] * gy, levels=[0], colors=f"C{i}")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=80, color="C0", edgecolor="k", label="y = 1", zorder=3)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=80, facecolor="white", edgecolor="k", label="y = 0", zorder=3)
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def plot_perceptron(weights, X, y, ax=None, title: str | None = None):
    """:func:`plot_decision` for one perceptron: its positive side shaded, its line drawn, the
    weights in the title. Returns the figure."""
    w = torch.as_tensor(weights, dtype=torch.float64)
    return plot_decision(lambda points: perceptron(w, points), X, y, lines=[w], ax=ax,
                         title=title or "w = " + np.array2string(w.numpy(), precision=2))


# ----------------------------------------------------------------------------------------------
# 1.3.3 Backpropagation, by hand, on a 2-2-1 network with sigmoid activations
# ----------------------------------------------------------------------------------------------


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """The logistic function ``1 / (1 + e^-z)``: a smooth step whose derivative
    ``sigmoid(z) (1 - sigmoid(z))`` is never zero, which the step function's (eq. 1.3) always is:
    that is why networks trained by gradients use smooth activations."""
    return 1 / (1 + torch.exp(-z))


def tiny_network(seed: int = 0) -> dict[str, torch.Tensor]:
    """Random parameters of the 2-2-1 network used by :func:`forward_pass`: ``W1`` (2 x 2),
    ``b1`` (2), ``w2`` (2), ``b2`` (scalar), float64, drawn from N(0, 1) with ``seed``."""
    g = torch.Generator().manual_seed(seed)
    shapes = {"W1": (2, 2), "b1": (2,), "w2": (2,), "b2": ()}
    return {name: torch.randn(shape, generator=g, dtype=torch.float64) for name, shape in shapes.items()}


def forward_pass(params: dict[str, torch.Tensor], x, y) -> dict[str, torch.Tensor]:
    """The forward pass of the 2-2-1 network, keeping every intermediate value "in memory" for the
    backward pass (section 1.3.3):

        z1 = W1 x + b1,  h = sigmoid(z1),  z2 = w2 . h + b2,  y_hat = sigmoid(z2),
        loss = (y_hat - y)^2 / 2.

    Returns the dict ``{"x", "y", "z1", "h", "z2", "y_hat", "loss"}``."""
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    z1 = params["W1"] @ x + params["b1"]
    h = sigmoid(z1)
    z2 = params["w2"] @ h + params["b2"]
    y_hat = sigmoid(z2)
    return {"x": x, "y": y, "z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "loss": (y_hat - y) ** 2 / 2}


def backward_pass(params: dict[str, torch.Tensor], memory: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The backward pass: the chain rule from the loss back to every parameter, last layer first,
    reusing the values the forward pass stored (section 1.3.3).

    Returns the gradients ``{"W1", "b1", "w2", "b2"}`` of the loss, shaped like the parameters."""
    y_hat, h, x = memory["y_hat"], memory["h"], memory["x"]
    d_y_hat = y_hat - memory["y"]               # dL/dy_hat of (y_hat - y)^2 / 2
    d_z2 = d_y_hat * y_hat * (1 - y_hat)        # sigmoid' = sigmoid (1 - sigmoid)
    d_h = d_z2 * params["w2"]                   # the error sent back to the hidden layer
    d_z1 = d_h * h * (1 - h)
    return {"W1": torch.outer(d_z1, x), "b1": d_z1, "w2": d_z2 * h, "b2": d_z2}


def train_mlp(X, y, hidden: int = 4, lr: float = 2.0, steps: int = 2000, seed: int = 0):
    """Train a small MLP (``n -> hidden`` with tanh, ``-> 1`` logit) with backpropagation and plain
    gradient descent (eq. 1.2) on the binary cross-entropy.

    Args:
        X: the inputs, ``N x n``; y: the N labels in {0, 1}.
        hidden: the hidden units. lr: the learning rate. steps: full-batch updates.
        seed: seeds the initial weights.

    Returns:
        ``(model, losses)``: the trained ``nn.Sequential`` (float64) and the loss at each step.
    """
    X = torch.as_tensor(X, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(X.shape[1], hidden), nn.Tanh(), nn.Linear(hidden, 1)).double()
    params = list(model.parameters())
    losses = []
    for _ in range(steps):
        loss = nn.functional.binary_cross_entropy_with_logits(model(X)[:, 0], y)
        grads = gradient(loss, params)  # backpropagation, done by autograd
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= lr * g
        losses.append(loss.item())
    return model, losses


# ----------------------------------------------------------------------------------------------
# 1.4.1 Convolution, cross-correlation, padding and stride
# ----------------------------------------------------------------------------------------------

PADDINGS = (None, "zeros", "nearest", "wrap")


def output_size(n: int, kernel_size: int, padding: int = 0, stride: int = 1) -> int:
    """The length of a convolution's output along one axis: ``floor((n + 2p - k) / s) + 1``.

    Without padding the output is ``n - k + 1``, i.e. ``2 floor(k / 2)`` shorter for an odd window
    (section 1.4.2: 128 -> 126 -> 124 with 3x3 windows); padding ``k // 2`` keeps it at ``n``;
    stride ``s`` divides it by about ``s``."""
    for name, value, low in (("n", n, 1), ("kernel_size", kernel_size, 1), ("padding", padding, 0), ("stride", stride, 1)):
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
    sizes = [output_size(n, k, stride=stride) for n, k in zip(x.shape[-len(shape):], shape)]
    cells = np.ndindex(*shape)  # (a,) in 1-D, (a, b) in 2-D
    return torch.stack([x[(...,) + tuple(slice(o, o + stride * (m - 1) + 1, stride) for o, m in zip(offset, sizes))]
                        for offset in cells])


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
        raise ValueError(f"need a 1-D or 2-D kernel and a signal with at least as many axes, got "
                         f"kernel {tuple(kernel.shape)} and signal {tuple(x.shape)}")
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


def pool(x: torch.Tensor, size: int = 2, stride: int | None = None, mode: str = "max") -> torch.Tensor:
    """Max or average pooling over the last two axes (section 1.4.3): a ``size x size`` window
    slides by ``stride`` (``size`` by default, so windows do not overlap) and each output is the
    maximum (``"max"``) or the mean (``"avg"``) of the values under it."""
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    cells = windows(x, (size, size), stride or size)
    return cells.amax(0) if mode == "max" else cells.mean(0)


# Kernels for the convolution playground. The mean filter is fig. 1.4's; the Sobel and emboss
# kernels are not symmetric, so convolution and cross-correlation give different pictures.
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "mean 3x3": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "edges (Laplacian)": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "shift right": [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
}


def filter_image(image, kernel, padding: str | None = "nearest", stride: int = 1, flip: bool = True) -> torch.Tensor:
    """Apply a 2-D kernel to each colour channel of a picture.

    Args:
        image: anything :func:`xaitutor.imaging.to_tensor` reads (a PIL image, an array...).
        kernel: the window, a 2-D sequence or tensor.
        padding, stride: as in :func:`cross_correlate`.
        flip: ``True`` for a convolution, ``False`` for a cross-correlation.

    Returns:
        A ``3 x H' x W'`` float tensor (not clipped: edge filters give negative values).
    """
    picture = to_tensor(image)
    kernel = torch.as_tensor(kernel, dtype=picture.dtype)
    if kernel.dim() != 2:
        raise ValueError(f"an image kernel must be 2-D, got shape {tuple(kernel.shape)}")
    return (convolve if flip else cross_correlate)(picture, kernel, padding, stride)


def displayable(filtered: torch.Tensor, kernel) -> torch.Tensor:
    """A filtered picture ready to show: clipped to [0, 1] when the kernel's weights sum to 1 (it
    keeps the brightness: blur, sharpen), else (edge detectors, sum 0) 0 drawn mid-gray and the
    99th percentile of the absolute values black or white (a few strong edges would otherwise
    leave the rest gray)."""
    if abs(float(torch.as_tensor(kernel, dtype=torch.float64).sum()) - 1) < 1e-6:
        return filtered.clamp(0, 1)
    magnitudes = filtered.abs().flatten()
    scale = magnitudes.kthvalue(max(1, int(0.99 * len(magnitudes)))).values.clamp_min(1e-12)
    return (0.5 + filtered / (2 * scale)).clamp(0, 1)


# ----------------------------------------------------------------------------------------------
# 1.4.2 Counting parameters
# ----------------------------------------------------------------------------------------------


def dense_parameters(n_in: int, n_out: int, bias: bool = False) -> int:
    """Parameters of a fully connected layer: one weight per (input, output) pair, plus one bias per
    output when ``bias`` (``nn.Linear(n_in, n_out)`` has ``bias=True``)."""
    return n_in * n_out + (n_out if bias else 0)


def conv_parameters(in_channels: int, out_channels: int, kernel_size: int, bias: bool = False) -> int:
    """Parameters of a convolutional layer: each output channel has one ``k x k x in_channels``
    window (section 1.4.2), plus one bias when ``bias``. The image size does not appear: the same
    window slides everywhere."""
    return out_channels * kernel_size * kernel_size * in_channels + (out_channels if bias else 0)


# ----------------------------------------------------------------------------------------------
# 1.4.4 The receptive field, measured with a gradient
# ----------------------------------------------------------------------------------------------


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


def plot_receptive_field(field: ReceptiveField, ax=None, title: str | None = None):
    """Show the input gradient of one output pixel with the receptive field's bounding box drawn
    around it. Returns the figure."""
    fig, ax = _figure(ax, (3.2, 3.2))
    ax.imshow(field.gradient.numpy(), cmap="viridis")
    rows, cols = torch.nonzero(field.gradient, as_tuple=True)
    h, w = field.size
    ax.add_patch(plt.Rectangle((int(cols.min()) - 0.5, int(rows.min()) - 0.5), w, h, fill=False, color="C3", lw=1.5))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or f"receptive field: {h} x {w}", fontsize=9)
    return fig


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


def _figure(ax, size):
    """The figure and axes to draw on: ``ax``'s, or a new figure of ``size`` inches."""
    if ax is None:
        fig, ax = plt.subplots(figsize=size, dpi=90)
        return fig, ax
    return ax.figure, ax


__all__ = [
    "parabola", "valley", "gradient_descent", "describe_descent", "plot_descent",
    "step", "perceptron", "perceptron_update", "PerceptronRun", "train_perceptron", "plot_decision", "plot_perceptron",
    "BINARY_INPUTS", "AND", "OR", "XOR", "F1", "F2", "G", "xor_mlp", "xor_table",
    "sigmoid", "tiny_network", "forward_pass", "backward_pass", "train_mlp",
    "PADDINGS", "output_size", "pad", "windows", "cross_correlate", "convolve", "pool",
    "KERNELS", "filter_image", "displayable",
    "dense_parameters", "conv_parameters",
    "stacked_convs", "ReceptiveField", "receptive_field", "plot_receptive_field", "composed_kernel", "receptive_field_size",
]
