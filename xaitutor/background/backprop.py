"""1.3.3 Backpropagation, by hand, on a 2-2-1 network with sigmoid activations, and then by
autograd on a small MLP."""

from __future__ import annotations

import torch
from torch import nn

from ..methods.driver import gradient


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
    d_y_hat = y_hat - memory["y"]  # dL/dy_hat of (y_hat - y)^2 / 2
    d_z2 = d_y_hat * y_hat * (1 - y_hat)  # sigmoid' = sigmoid (1 - sigmoid)
    d_h = d_z2 * params["w2"]  # the error sent back to the hidden layer
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
