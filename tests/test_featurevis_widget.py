"""The chapter 4 explorer, driven from Python: Run shows progress and the picture as it forms,
the picture and transformation controls reach visualize, every kind of objective and the photo
start work, and a bad channel is a message, not a crash."""

import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.methods.featurevis import RECIPES, transforms


def explorer(size=32):
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 6, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(6, 1000),
    )  # ImageNet's labels
    return xt.widgets.featurevis_explorer(xt.models.wrap(model), size=size)


def test_starts_with_lucids_recipe_at_224():
    ex = explorer(size=224)
    assert (ex.size.value, ex.octaves.value, ex.steps.value, ex.lr.value) == (224, 1, 128, 0.05)
    assert ex.param.value == "Fourier (lucid)" and ex.blur.disabled and not ex.blur.value
    assert repr(ex.transforms()) == repr(transforms.STANDARD)


def test_run_shows_progress_and_the_picture_while_it_forms():
    ex = explorer()
    assert ex.classes.value == 254 and ex.layer.layout.display == "none"
    ex.octaves.value, ex.steps.value = 2, 20
    pictures = []
    ex.picture.observe(lambda change: pictures.append(change["new"]), names="value")
    ex.run()
    assert ex.progress.value == ex.progress.max == 40
    assert len(pictures) == 20 and len(set(pictures)) > 10  # refreshed while optimising, and changing
    assert all(p[:4] == b"\x89PNG" for p in pictures)
    assert ex.result.image.shape == (32, 32, 3) and ex.result.history.shape == (40,)
    assert ex.result.names == ["class 254 (pug)"]
    assert ex.figure.axes[0].get_title().startswith("model's top class:")
    assert len(ex.figure.axes[0].lines) == 1 and len(ex.output.outputs) == 1


def test_the_picture_control_sets_its_recipe_and_reaches_visualize(monkeypatch):
    ex = explorer()
    ex.param.value = "pixels (essay)"
    essay = RECIPES["essay"]
    assert (ex.octaves.value, ex.steps.value, ex.lr.value) == (essay["octaves"], essay["steps"], essay["lr"])
    assert ex.blur.value and not ex.blur.disabled and ex.transforms() == []
    calls = []
    monkeypatch.setattr(
        "xaitutor.widgets.featurevis.visualize",
        lambda *a, **kw: calls.append(kw) or xt.visualize(*a, **{**kw, "steps": 1, "octaves": 1}),
    )
    ex.run()
    assert calls[-1]["param"] == "pixel" and calls[-1]["blur"] == 0.9 and calls[-1]["transforms"] == []
    ex.param.value = "Fourier (lucid)"
    ex.rotate.value = False
    ex.run()
    assert calls[-1]["param"] == "fourier" and calls[-1]["blur"] is None
    assert [t.name for t in calls[-1]["transforms"]] == ["pad(12)", "jitter(8)", "scale(0.9 to 1.1)", "jitter(4)"]
    ex.jitter.value = ex.scale.value = False
    assert ex.transforms() == []


@pytest.mark.parametrize("picture", ["Fourier (lucid)", "pixels (essay)"])
def test_each_objective_and_the_photo_start(picture):
    ex = explorer()
    ex.param.value = picture
    ex.octaves.value, ex.steps.value, ex.size.value = 1, 4, 32
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
    ex.lr.value = 0.2
    ex.run()
    assert not np.array_equal(first, ex.result.image)


def test_a_channel_out_of_range_is_a_message():
    ex = explorer()
    ex.steps.value, ex.octaves.value = 1, 1
    ex.kind.value, ex.layer.value, ex.channel.value = "channel", "0", 9
    ex.run()
    assert "has 4 channels" in ex.message.value and not ex.run_button.disabled


def test_a_gallery_picture_is_shown_at_once_and_a_run_keeps_its_figure(monkeypatch):
    ex = explorer()
    monkeypatch.setattr("xaitutor.widgets.featurevis.visualize", lambda *a, **kw: pytest.fail("no optimising"))
    name, path = next(value for _, value in ex.gallery.options if value and value[0] == "fourier_254")
    with xt.hooks.counting(ex.classifier) as count:
        ex.gallery.value = (name, path)
    assert ex.picture.value == path.read_bytes() and count.pictures == 0, "the stored PNG, no forward pass"
    assert "fourier_254" in ex.message.value and "class 254" in ex.message.value
    assert "lucid's recipe" in ex.message.value
    for entry, recipe in [
        ("essay_254", "the essay's recipe"),
        ("pyramid_254", "lucid's on a 3-octave pyramid"),
        ("negative__blocks.4_0", "lucid's recipe"),
    ]:
        ex.gallery.value = next(value for _, value in ex.gallery.options if value and value[0] == entry)
        assert recipe in ex.message.value, (entry, ex.message.value)
    monkeypatch.undo()
    ex.steps.value, ex.octaves.value = 2, 1
    ex.run()
    assert ex.gallery.value is None and ex.picture.value != path.read_bytes()
    figure = ex.figure
    ex.run()
    assert ex.figure is figure and len(figure.axes) == 1 and len(figure.axes[0].lines) == 1, "drawn again, once"
    ex.gallery.value = (name, path)
    assert ex.output.outputs == (), "the last run's curve is not this picture's"
