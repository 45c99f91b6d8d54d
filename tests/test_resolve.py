"""Targets and layers are resolved, or refused with a message that helps."""

import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.resolve import resolve_batch_size, resolve_cam_layer, resolve_layer, resolve_model, resolve_targets

LOGITS = torch.tensor([[0.1, 2.0, 0.3], [5.0, 0.0, 1.0]])


def test_targets_none_int_and_sequences():
    assert resolve_targets(LOGITS, None).tolist() == [1, 0]
    assert resolve_targets(LOGITS, 2).tolist() == [2, 2]
    assert resolve_targets(LOGITS, [2, 1]).tolist() == [2, 1]
    assert resolve_targets(LOGITS, np.array([0, 2])).tolist() == [0, 2]
    assert resolve_targets(LOGITS, torch.tensor([1, 1])).tolist() == [1, 1]
    assert resolve_targets(LOGITS, np.int64(1)).tolist() == [1, 1]


def test_a_short_target_list_is_an_error_not_zero_maps():
    with pytest.raises(ValueError, match="got 1 targets for a batch of 2 images"):
        resolve_targets(LOGITS, [1])


@pytest.mark.parametrize("bad", [3, -1, [0, 7]])
def test_targets_out_of_range(bad):
    with pytest.raises(ValueError, match=r"not a class index of this model \(0 to 2\)"):
        resolve_targets(LOGITS, bad)


@pytest.mark.parametrize("bad", [1.0, "cat", True, [0, 1.5]])
def test_targets_of_the_wrong_type(bad):
    with pytest.raises(TypeError, match="class index"):
        resolve_targets(LOGITS, bad)


def test_layers_by_name_or_module_and_close_matches():
    model = nn.Sequential()
    model.add_module("features", nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU()))
    assert resolve_layer(model, "features.0") == ("features.0", model.features[0])
    assert resolve_layer(model, model.features[1]) == ("features.1", model.features[1])
    with pytest.raises(ValueError, match=r"no layer named 'feature.0'.*Did you mean 'features.0'"):
        resolve_layer(model, "feature.0")
    with pytest.raises(ValueError, match="not part of the model"):
        resolve_layer(model, nn.ReLU())


def test_models_and_cam_layers():
    model = nn.Linear(2, 2)
    assert resolve_model(model) is model
    with pytest.raises(TypeError, match="nn.Module or an xaitutor Classifier"):
        resolve_model("resnet18")
    with pytest.raises(ValueError, match="pass layer="):
        resolve_cam_layer(model, None)
    stack = nn.Sequential(nn.Conv2d(3, 2, 3), nn.ReLU())
    assert resolve_cam_layer(stack, "1") == "1" and resolve_cam_layer(stack, stack[0]) == "0"
    with pytest.raises(ValueError, match="no layer named '2'"):
        resolve_cam_layer(stack, "2")
    conv_free = xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(3, 2)), name="mlp")
    with pytest.raises(ValueError, match=r"'mlp' has no Grad-CAM layer: its model has no nn.Conv2d.*Pass layer="):
        resolve_cam_layer(conv_free, None)
    assert resolve_cam_layer(conv_free, "1") == "1"
    built_without = xt.Classifier(nn.Sequential(nn.Conv2d(3, 2, 3)), ["a", "b"], (0, 0, 0), (1, 1, 1))
    with pytest.raises(ValueError, match="built without a cam_layer. Pass layer="):
        resolve_cam_layer(built_without, None)


def test_the_default_batch_holds_eight_224_pictures_on_a_cpu():
    assert resolve_batch_size(None, (224, 224), "cpu") == 8
    assert resolve_batch_size(None, (64, 64), "cpu") == 98
    assert resolve_batch_size(None, (224, 224), "cuda") == 64
    assert resolve_batch_size(None, (2000, 3000), "cpu") == 1
    assert resolve_batch_size(5, (224, 224), "cpu") == 5
    for bad in (0, -1, 2.0, True, "8"):
        with pytest.raises(ValueError, match="batch_size must be a positive int"):
            resolve_batch_size(bad, (224, 224), "cpu")


def test_a_pass_with_a_backward_gets_a_quarter_of_the_pictures():
    # its graph holds every layer's output: 8 pictures of 224 x 224 with a graph each took 0.77 GB
    # more in chapter 6's kernel than 2 do
    assert resolve_batch_size(None, (224, 224), "cpu") == 8
    assert resolve_batch_size(None, (224, 224), "cpu", backward=True) == 2
    assert resolve_batch_size(None, (128, 192), "cpu", backward=True) == 4
    assert resolve_batch_size(3, (224, 224), "cpu", backward=True) == 3
