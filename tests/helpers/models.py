"""The small models the tests share, each named for what it is, with the numbers that make its
results easy to write down by hand where that is the point (captum keeps its own in
``tests/helpers/basic_models.py``)."""

import torch
from torch import nn

# What RegionStatisticModel looks at: rows 8-15, columns 16-31 of a 32 x 48 picture.
REGION = (slice(8, 16), slice(16, 32))
RELU_LINEAR_WEIGHTS = torch.tensor([[1.0, -2.0, 0.5, 3.0], [0.0, 1.0, -1.0, 2.0], [4.0, 0.0, 0.0, -1.0]])


def plus_minus_cnn() -> nn.Module:
    """A 1x1 convolution with channels ``A^0 = x`` and ``A^1 = -x``, a global average pool and a
    linear layer with weights ``[[2, 1], [0, 3]]``: then ``y^c = sum_k W_ck mean(A^k)``, so
    ``alpha_k^c = W_ck / Z`` (eq. 3.2) and every map can be written down by hand."""
    conv = nn.Conv2d(1, 2, kernel_size=1, bias=False)
    fc = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, -1.0]).reshape(2, 1, 1, 1))
        fc.weight.copy_(torch.tensor([[2.0, 1.0], [0.0, 3.0]]))
    return nn.Sequential(conv, nn.AdaptiveAvgPool2d(1), nn.Flatten(), fc)


class UnusedLayersNet(nn.Module):
    """A layer that the forward never calls, and one the output does not depend on."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 1)
        self.unused = nn.Conv2d(2, 2, 1)
        self.side = nn.Conv2d(2, 2, 1)
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        a = self.conv(x)
        self.side(a)  # computed and thrown away
        return self.fc(a.mean(dim=(2, 3)))


def plus_minus_relu_net(inplace: bool) -> nn.Module:
    """Two pixels ``x = (2, -1)``, a 1x1 convolution to channels ``(x, -x)``, a ReLU and a linear
    layer with weights ``[[1, 1, -1, -1], [-1, 2, 3, -2]]`` on ``(h0p0, h0p1, h1p0, h1p1)``."""
    conv = nn.Conv2d(1, 2, kernel_size=1, bias=False)
    fc = nn.Linear(4, 2, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, -1.0]).reshape(2, 1, 1, 1))
        fc.weight.copy_(torch.tensor([[1.0, 1.0, -1.0, -1.0], [-1.0, 2.0, 3.0, -2.0]]))
    return nn.Sequential(conv, nn.ReLU(inplace=inplace), nn.Flatten(), fc)


class ReusedInplaceReLU6Net(nn.Module):
    """One in-place ReLU6 module called twice in the forward, as torchvision's BasicBlock does."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.act = nn.ReLU6(inplace=True)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.act(self.conv1(x))
        x = self.act(self.conv2(x))
        return self.fc(x.mean(dim=(2, 3)))


class ReusedInplaceReLUNet(nn.Module):
    """``y = relu(2 relu(x))`` through one in-place ReLU module called twice: ``dy/dx = 2 (x > 0)``."""

    def __init__(self):
        super().__init__()
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(2 * self.relu(x))


class RegionStatisticModel(nn.Module):
    """Two classes; class 0's logit grows with the texture (variance) or the brightness (mean)
    of REGION and ignores every other pixel."""

    def __init__(self, statistic="var"):
        super().__init__()
        self.statistic = statistic
        self.scale = nn.Parameter(torch.tensor(40.0))

    def forward(self, x):
        region = x[:, :, REGION[0], REGION[1]].flatten(1)
        value = region.var(dim=1) if self.statistic == "var" else region.mean(dim=1) / 4
        return torch.stack([self.scale * (value - 1 / 24), torch.zeros_like(value)], dim=1)


class RegionBrightnessModel(nn.Module):
    """Class 0's logit is 10 times the mean brightness of a region; class 1's is 5."""

    def __init__(self, region: torch.Tensor):
        super().__init__()
        self.register_buffer("region", region.float())

    def forward(self, x):
        evidence = (x.mean(dim=1) * self.region).sum(dim=(1, 2)) / self.region.sum()
        return torch.stack([10 * evidence, torch.full_like(evidence, 5.0)], dim=1)


class RandomTwoConvCNN(nn.Module):
    """A random little CNN with 3 classes, to compare whole explanations."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.Conv2d(8, 8, 3), nn.ReLU())
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.features(x).mean(dim=(2, 3)))


class RandomOneConvCNN(nn.Module):
    """A little random CNN with 4 classes: LIME on it takes a fraction of a second."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 5, stride=2)
        self.head = nn.Linear(4, 4)

    def forward(self, x):
        return self.head(torch.relu(self.conv(x)).mean(dim=(2, 3)))


def relu_linear_net() -> nn.Module:
    """``y = W relu(x)`` on a ``1 x 2 x 2`` picture flattened: ``dy^c / dx = RELU_LINEAR_WEIGHTS[c] * (x > 0)``."""
    fc = nn.Linear(4, 3, bias=False)
    with torch.no_grad():
        fc.weight.copy_(RELU_LINEAR_WEIGHTS)
    return nn.Sequential(nn.Flatten(), nn.ReLU(), fc)


# The weights of position_weights_net's linear layer on (A^0_0, A^0_1, A^1_0, A^1_1): its gradient.
POSITION_WEIGHTS = torch.tensor([[1.0, 3.0, -1.0, 2.0], [0.0, -1.0, 1.0, 1.0]])


def position_weights_net() -> nn.Module:
    """A 1x1 convolution to channels ``A^0 = x`` and ``A^1 = -x`` of a ``1 x 1 x 2`` picture, then
    a linear layer ``y = POSITION_WEIGHTS A``: the gradient ``dy^c / dA`` is ``POSITION_WEIGHTS[c]``,
    a different value at each position, so Grad-CAM++ and LayerCAM weights follow by hand."""
    conv = nn.Conv2d(1, 2, kernel_size=1, bias=False)
    fc = nn.Linear(4, 2, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, -1.0]).reshape(2, 1, 1, 1))
        fc.weight.copy_(POSITION_WEIGHTS)
    return nn.Sequential(conv, nn.Flatten(), fc)


class InterruptedAfter(nn.Module):
    """``model``, whose forward raises ``KeyboardInterrupt`` at its ``calls``-th call: Ctrl-C
    pressed during a method's loop."""

    def __init__(self, model: nn.Module, calls: int):
        super().__init__()
        self.inner, self.calls, self.seen = model, calls, 0  # not .model: that would read as a Classifier

    def forward(self, x):
        self.seen += 1
        if self.seen == self.calls:
            raise KeyboardInterrupt
        return self.inner(x)


def linear_pixels_model(shape=(3, 4, 5), classes: int = 3, seed: int = 0) -> nn.Module:
    """``y = W flatten(x) + b`` with seeded random weights: every gradient is a row of ``W``, so
    integrated gradients with a zero baseline is ``x * w`` exactly."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(int(torch.tensor(shape).prod()), classes))
    with torch.no_grad():
        generator = torch.Generator().manual_seed(seed)
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator))
    return model


class PixelSumModel(nn.Module):
    """Two outputs: the sum of all inputs and minus it; occluding a window with zeros lowers
    output 0 by the window's sum, so occlusion maps can be counted by hand."""

    def forward(self, x):
        total = x.flatten(1).sum(dim=1, keepdim=True)
        return torch.cat([total, -total], dim=1)
