"""The chapter 4 explorer, driven from Python: Run shows progress and the picture as it forms,
every kind of objective and the photo start work, and a bad channel is a message, not a crash."""
import numpy as np
import torch
from torch import nn

import xaitutor as xt


def explorer():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 6, 3, padding=1),
                          nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 1000))  # ImageNet's labels
    return xt.widgets.featurevis_explorer(xt.models.wrap(model), size=32)


def test_run_shows_progress_the_picture_and_the_curve():
    ex = explorer()
    assert ex.classes.value == 254 and ex.layer.layout.display == "none"
    ex.octaves.value, ex.steps.value = 2, 5
    ex.run()
    assert ex.progress.value == ex.progress.max == 10
    assert ex.picture.value[:4] == b"\x89PNG"
    assert ex.result.image.shape == (32, 32, 3) and ex.result.history.shape == (10,)
    assert ex.result.names == ["class 254 (pug)"]
    assert ex.figure.axes[0].get_title().startswith("model's top class:")
    assert len(ex.figure.axes[0].lines) == 1 and len(ex.output.outputs) == 1


def test_each_objective_and_the_photo_start():
    ex = explorer()
    ex.octaves.value, ex.steps.value, ex.size.value = 1, 4, 32  # the 4th step blurs
    ex.layer.value = "0"
    for kind, name in [("channel", "0[2]"), ("neuron", "0[2] at centre"), ("layer", "layer 0")]:
        ex.kind.value = kind
        ex.channel.value = 2
        ex.run()
        assert ex.result.names == [name]
    assert ex.classes.layout.display == "none"
    ex.start.value = "photo"
    ex.run()
    assert ex.result.image.shape == (32, 48, 3)  # chelsea keeps its aspect ratio
    first = ex.result.image
    ex.blur.value = False
    ex.run()
    assert not np.array_equal(first, ex.result.image)


def test_a_channel_out_of_range_is_a_message():
    ex = explorer()
    ex.steps.value, ex.octaves.value = 1, 1
    ex.kind.value, ex.layer.value, ex.channel.value = "channel", "0", 9
    ex.run()
    assert "has 4 channels" in ex.message.value and not ex.run_button.disabled
