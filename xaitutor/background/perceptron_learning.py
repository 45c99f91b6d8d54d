"""1.3.1 The perceptron: the step function (eq. 1.3), the unit (eq. 1.4) and its learning rule (eq.
1.5, 1.6)."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


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
        raise ValueError(
            f"{len(w)} weights (bias first) need inputs of {len(w) - 1} values, got inputs of shape {tuple(x.shape)}"
        )
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
    w = (
        torch.zeros(X.shape[1] + 1, dtype=torch.float64)
        if weights is None
        else torch.as_tensor(weights, dtype=torch.float64)
    )
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
