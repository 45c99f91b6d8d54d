"""Receptive fields: the size of the patch of the picture that one position of a layer sees, to
match the layers of two networks (chapter 4 matches the essay's VGG16 layers to blocks of
efficientnet_lite0). Each convolution or pooling of kernel ``k`` widens the field by ``(k - 1) j``,
where ``j`` is the product of the strides before it."""

from __future__ import annotations

from torch import nn

# The essay's VGG16 layers shown in figs. 4.4 to 4.12 (1 to 13: its convolutions, in order).
ESSAY_LAYERS = [1, 3, 5, 6, 8, 9, 10, 12, 13]


def receptive_fields(layers) -> dict[str, int]:
    """``[(name, kernel, stride), ...]`` in forward order -> ``{name: receptive field in pixels}``."""
    field, jump, fields = 1, 1, {}
    for name, kernel, stride in layers:
        field, jump = field + (kernel - 1) * jump, jump * stride
        fields[name] = field
    return fields


def vgg16_layers() -> list[tuple[str, int, int]]:
    """VGG16's 13 convolutions (3 x 3, stride 1, ``features.0`` to ``features.28``) and 5 max-poolings
    (2 x 2, stride 2), in forward order, as torchvision numbers its modules."""
    layers, index = [], 0
    for stage, convs in enumerate([2, 2, 3, 3, 3]):
        for _ in range(convs):
            layers.append((f"features.{index}", 3, 1))
            index += 2  # each convolution is followed by its ReLU
        layers.append((f"pool {stage}", 2, 2))
        index += 1
    return layers


def conv_layers(model: nn.Module) -> list[tuple[str, int, int]]:
    """The convolutions of ``model`` as ``(name, kernel, stride)``, in the order they were defined
    (the forward order for efficientnet_lite0 and VGG16)."""
    return [(n, m.kernel_size[0], m.stride[0]) for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]


def block_fields(model: nn.Module, last: str = "_project_conv") -> dict[str, int]:
    """Each block's receptive field, that of its last convolution (efficientnet's ``_project_conv``)."""
    fields = receptive_fields(conv_layers(model))
    return {name.rsplit(".", 1)[0]: field for name, field in fields.items() if name.endswith(last)}


def essay_matches(model: nn.Module) -> list[tuple[int, str, int, str, int]]:
    """For each essay layer: ``(layer, VGG16 module, its field, the block of model with the closest
    field, that field)``."""
    vgg, blocks = receptive_fields(vgg16_layers()), block_fields(model)
    convs = [name for name in vgg if name.startswith("features")]
    rows = []
    for layer in ESSAY_LAYERS:
        module = convs[layer - 1]
        closest = min(blocks, key=lambda b: abs(blocks[b] - vgg[module]))
        rows.append((layer, module, vgg[module], closest, blocks[closest]))
    return rows
