"""Saliency: the gradient of the class score with respect to the input pixels.

Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional Networks: Visualising Image
Classification Models and Saliency Maps", ICLR workshop 2014, https://arxiv.org/abs/1312.6034.

``d y^c / d x`` says how much each pixel (and colour channel) would change the score if it moved a
little: the simplest gradient explanation, and the base of guided backpropagation (essay, sec. 3.2).
"""

from __future__ import annotations

import torch

from .driver import forward
from .protocol import declare


@declare(
    "saliency",
    kind="gradient",
    returns="attribution",
    chapter=3,
    paper="Simonyan, Vedaldi and Zisserman, ICLR workshop 2014, https://arxiv.org/abs/1312.6034",
    cost="1 forward + 1 backward",
)
def saliency(model, x: torch.Tensor, target=None) -> torch.Tensor:
    """The input gradient ``d y^c / d x`` of each image's target score.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.

    Returns:
        The signed gradient, ``N x 3 x H x W``; ``xt.imaging.to_map`` reduces it to one channel
        by the maximum absolute value over the colours, as Simonyan et al. do, and
        ``xt.imaging.saliency_picture`` shows it as they do.
    """
    with forward(model, x, target) as run:
        return run.gradient(run.x)
