"""Input x gradient: the input gradient weighted by the input itself.

Shrikumar, Greenside, Shcherbina and Kundaje, "Not Just a Black Box: Learning Important Features
Through Propagating Activation Differences", 2016, https://arxiv.org/abs/1605.01713:

    R_i(x) = x_i * d y^c / d x_i

For a linear model this is each input's exact share of the score; it is integrated gradients with a
zero baseline taken in a single step.
"""

from __future__ import annotations

import torch

from .driver import forward
from .protocol import declare


@declare(
    "input x gradient",
    kind="gradient",
    returns="attribution",
    chapter=6,
    paper="Shrikumar, Greenside, Shcherbina and Kundaje, 2016, https://arxiv.org/abs/1605.01713",
    cost="1 forward + 1 backward",
)
def input_x_gradient(model, x: torch.Tensor, target=None) -> torch.Tensor:
    """``x * d y^c / d x`` of each image's target score.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W`` (the product is taken in the model's input space).
        target: ``None`` (each image's top class), an int or one class per image.

    Returns:
        The signed attributions, ``N x 3 x H x W``.
    """
    with forward(model, x, target) as run:
        return run.x.detach() * run.gradient(run.x)
