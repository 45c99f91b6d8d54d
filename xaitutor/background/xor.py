"""1.3.2 XOR: the truth tables, the essay's hand-set perceptrons and the two-layer network that
computes XOR (table 1.1)."""

from __future__ import annotations

import torch

from .perceptron_learning import perceptron

# The four binary inputs and the three truth tables of section 1.3.2.
BINARY_INPUTS = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
AND = torch.tensor([0.0, 0.0, 0.0, 1.0], dtype=torch.float64)
OR = torch.tensor([0.0, 1.0, 1.0, 1.0], dtype=torch.float64)
XOR = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64)

# The essay's hand-set perceptrons (section 1.3.2), weights as (w_0, w_1, w_2):
F1 = (1.5, -1.0, -1.0)  # f1(x) = sigma(-x1 - x2 + 1.5): the upper line, "not both"
F2 = (-0.5, 1.0, 1.0)  # f2(x) = sigma(x1 + x2 - 0.5): the lower line, "at least one"
G = (-1.5, 1.0, 1.0)  # g(a, b) = sigma(a + b - 1.5): AND of the two


def xor_mlp(x) -> torch.Tensor:
    """The two-layer perceptron of section 1.3.2: ``g(f1(x), f2(x))``, which computes XOR."""
    x = torch.as_tensor(x, dtype=torch.float64)
    hidden = torch.stack([perceptron(F1, x), perceptron(F2, x)], dim=-1)
    return perceptron(G, hidden)


def xor_table() -> list[tuple[int, int, int, int, int]]:
    """Table 1.1, computed: rows ``(x1, x2, f1(x), f2(x), g(f1(x), f2(x)))`` for the four binary
    inputs."""
    return [
        (int(x[0]), int(x[1]), int(perceptron(F1, x)), int(perceptron(F2, x)), int(xor_mlp(x))) for x in BINARY_INPUTS
    ]
