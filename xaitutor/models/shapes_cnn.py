"""A small CNN for the 64 x 64 synthetic shapes (``xt.data.shapes``), small enough to read at once.

Four convolution blocks, each a 3 x 3 ``Conv2d``, a ``BatchNorm2d`` and its own ``ReLU`` module
(so guided backpropagation and hooks can reach every activation), with 2 x 2 max pooling after
the first three; then global average pooling and one linear layer::

    input   3 x 64 x 64
    conv1  16 x 64 x 64  -> bn1 -> relu1 -> pool1  16 x 32 x 32
    conv2  32 x 32 x 32  -> bn2 -> relu2 -> pool2  32 x 16 x 16
    conv3  64 x 16 x 16  -> bn3 -> relu3 -> pool3  64 x  8 x  8
    conv4  64 x  8 x  8  -> bn4 -> relu4            <- CAM_LAYER: the last activated feature maps
    gap    64            -> fc   6 logits

Global average pooling right after ``relu4`` makes this the architecture of the original CAM
(Zhou et al. 2016, https://arxiv.org/abs/1512.04150), for which Grad-CAM's weights are exactly the
``fc`` weights divided by 64. The receptive field of a ``relu4`` unit is 38 pixels, about the
largest shape, and each of its 8 x 8 cells covers 8 x 8 pixels of the picture.

Input: ``N x 3 x 64 x 64`` pictures normalised with ``MEAN`` and ``STD``; other sizes work too.
Output: ``N x 6`` logits for ``xt.data.shapes``'s classes.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import torch
from torch import nn

# Per-channel statistics of xt.data.shapes(…) pictures (dark textured backgrounds, bright
# objects), rounded; the same for both models so that their inputs are identical.
MEAN = (0.3, 0.3, 0.3)
STD = (0.2, 0.2, 0.2)
CAM_LAYER = "features.relu4"
WIDTHS = (16, 32, 64, 64)


class ShapesCNN(nn.Module):
    """The shapes classifier: ``features`` (four conv blocks), ``gap`` and ``fc``."""

    def __init__(self, num_classes: int = 6, widths=WIDTHS):
        super().__init__()
        layers = OrderedDict()
        channels = 3
        for i, width in enumerate(widths, start=1):
            layers[f"conv{i}"] = nn.Conv2d(channels, width, kernel_size=3, padding=1, bias=False)
            layers[f"bn{i}"] = nn.BatchNorm2d(width)  # has the bias; makes training fast and stable
            layers[f"relu{i}"] = nn.ReLU()  # not in place, so hooks see each activation intact
            if i < len(widths):
                layers[f"pool{i}"] = nn.MaxPool2d(2)
            channels = width
        self.features = nn.Sequential(layers)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        return self.fc(self.gap(self.features(x)).flatten(1))


WEIGHTS = Path(__file__).parent / "weights"


def load_shapes_cnn(name: str, seed: int = 0) -> ShapesCNN:
    """A trained shapes model (``"shapes_cnn"``, ``"shapes_cnn_shortcut"``, ...; see
    ``xaitutor.models.train``) of the training run ``seed``, in eval mode, from the weights shipped
    in the package."""
    path = WEIGHTS / f"{name}{f'_seed{seed}' if seed else ''}.pt"
    if not path.exists():
        shipped = sorted(int(p.stem.rsplit("_seed", 1)[1]) for p in WEIGHTS.glob(f"{name}_seed*.pt"))
        raise FileNotFoundError(
            f"the weights {path} are missing (seeds shipped for {name}: {[0, *shipped]}): train them with "
            f"`python -m xaitutor.models.train --only {name} --seed {seed}` (a few minutes on a CPU)"
        )
    model = ShapesCNN()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()
