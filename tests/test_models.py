"""The course's models: the offline efficientnet_lite0, the essay's torchvision models from the
cache (or a clear error offline), and wrap() for any classifier, with or without convolutions."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import torch
import torchvision
from torch import nn

import xaitutor as xt
from xaitutor.methods.robustness import degradation_series
from xaitutor.models.torchvision_models import weights_path


def test_lite0_sees_the_cat_and_the_coffee(lite0):
    probs = dict(lite0.predict(xt.data.sample_image("chelsea"), k=1000))
    cats = sum(probs[lite0.labels[i]] for i in range(281, 286))
    assert cats > 0.7, f"cat classes 281-285 got {cats:.3f}"
    top = lite0.predict(xt.data.sample_image("coffee"), k=1)[0][0]
    assert top in ("espresso", "cup")


def test_lite0_classifier_fields(lite0):
    assert lite0.name == "efficientnet_lite0" and lite0.cam_layer == "_head_act"
    assert len(lite0.labels) == 1000 and lite0.labels[281] == "tabby"
    assert lite0.conv_layers[0] == "_conv_stem" and lite0.conv_layers[-1] == "_conv_head"
    assert not lite0.model.training


def test_predict_on_a_list_gives_one_row_per_picture(lite0):
    rows = lite0.predict([xt.data.sample_image("chelsea"), xt.data.sample_image("coffee")], k=3)
    assert len(rows) == 2 and all(len(r) == 3 for r in rows)
    assert rows[0][0][1] >= rows[0][1][1] >= rows[0][2][1]


def test_unknown_model_names_the_known_ones():
    with pytest.raises(ValueError, match="known: efficientnet_lite0, resnet18, vgg16"):
        xt.models.load("resnet50")


def test_essay_model_loads_from_a_torch_home_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    reference = torchvision.models.resnet18(weights=None)
    os.makedirs(os.path.dirname(weights_path("resnet18")))
    torch.save(reference.state_dict(), weights_path("resnet18"))
    assert weights_path("resnet18").startswith(str(tmp_path))

    clf = xt.models.load("resnet18")
    assert clf.cam_layer == "layer4" and clf.labels[0] == "tench"
    x = torch.rand(1, 3, 64, 64)
    assert torch.equal(clf(x), reference.eval()(x))


def test_essay_model_offline_without_cache_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(RuntimeError, match="python -m xaitutor download resnet18 vgg16"):
        xt.models.load("vgg16")


def test_from_torchvision_reads_cached_weights_with_their_labels_and_transform(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    reference = torchvision.models.resnet18(weights=None)
    os.makedirs(os.path.dirname(weights_path("resnet18")))
    torch.save(reference.state_dict(), weights_path("resnet18"))  # the file torchvision's DEFAULT names

    clf = xt.models.from_torchvision("resnet18", cam_layer="layer4")
    assert (clf.name, clf.cam_layer, clf.input_size, clf.labels[:2]) == (
        "resnet18",
        "layer4",
        224,
        ["tench", "goldfish"],
    )
    assert clf.mean == (0.485, 0.456, 0.406) and clf.std == (0.229, 0.224, 0.225)
    x = torch.rand(1, 3, 64, 64)
    assert torch.equal(clf(x), reference.eval()(x))
    assert xt.models.from_torchvision("resnet18").cam_layer == "layer4.1.conv2"  # the last Conv2d
    assert xt.models.from_torchvision("resnet18", input_size=128).input_size == 128


def test_from_torchvision_without_cache_names_the_file_and_never_downloads(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def no_download(*args, **kwargs):
        raise AssertionError("from_torchvision tried the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_download)
    monkeypatch.setattr(torch.hub, "download_url_to_file", no_download)
    with pytest.raises(
        RuntimeError, match=r"mobilenet_v3_small are not in torch's cache \(.*mobilenet_v3_small-047dcff4.pth\)"
    ):
        xt.models.from_torchvision("mobilenet_v3_small")
    with pytest.raises(ValueError, match="torchvision has no classifier called 'resnet9'"):
        xt.models.from_torchvision("resnet9")
    with pytest.raises(RuntimeError, match=r"resnet18 are not in torch's cache \(.*resnet18-f37072fd.pth\)"):
        xt.models.from_torchvision("resnet18")
    # offline, an essay model's missing file is found without importing torchvision (~100 MB)
    code = (
        "import sys, xaitutor as xt\ntry:\n    xt.models.from_torchvision('vgg16')\n"
        "except RuntimeError:\n    print('torchvision' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        env={**os.environ, "TORCH_HOME": str(tmp_path)},
    )
    assert out.stdout.split() == ["False"]


def test_wrap_any_classifier():
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 5, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(5, 2)
    )
    clf = xt.models.wrap(model, labels=["cat", "dog"])
    assert clf.cam_layer == "2" and clf.conv_layers == ["0", "2"] and clf.input_size is None
    assert xt.models.wrap(model).labels == ["class 0", "class 1"]
    assert xt.models.wrap(torchvision.models.resnet18(weights=None)).labels[0] == "tench"
    with pytest.raises(ValueError, match="no layer named 'layer9'"):
        xt.models.wrap(model, cam_layer="layer9")


def test_wrap_a_model_without_convolutions_for_the_methods_that_need_none():
    clf = xt.models.wrap(
        nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 2)), mean=(0, 0, 0), std=(1, 1, 1), input_size=8
    )
    assert clf.cam_layer is None and clf.conv_layers == [] and clf.labels == ["class 0", "class 1"]
    picture = torch.rand(3, 8, 8)
    assert len(clf.predict(picture, k=2)) == 2
    exp = xt.lime(clf, picture, num_samples=10, segmenter="slic", progress=False)
    assert exp.map().shape == (1, 1, 8, 8)
    x = clf.preprocess(picture)
    assert xt.saliency(clf, x).shape == (1, 3, 8, 8)  # a gradient method that needs no layer
    for cam in (
        lambda: xt.gradcam(clf, x),
        lambda: xt.guided_gradcam(clf, x),
        lambda: degradation_series(clf, picture, strengths=(0.1,)),
    ):
        with pytest.raises(ValueError, match=r"'Sequential' has no Grad-CAM layer.*no nn.Conv2d.*Pass layer="):
            cam()


def test_the_essay_models_addresses_and_the_class_names_are_torchvisions():
    from xaitutor.models.torchvision_models import ESSAY_MODELS

    assert ESSAY_MODELS["resnet18"][0] == torchvision.models.ResNet18_Weights.IMAGENET1K_V1.url
    assert ESSAY_MODELS["vgg16"][0] == torchvision.models.VGG16_Weights.IMAGENET1K_V1.url
    assert xt.models.imagenet_labels() == torchvision.models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"]


def test_the_offline_model_does_not_import_torchvision():
    """torchvision imports torch._dynamo: about 150 MB of a kernel with torch's CUDA wheel."""
    code = (
        "import sys, xaitutor as xt\n"
        "clf = xt.models.load('efficientnet_lite0')\n"
        "x = clf.preprocess(xt.data.sample_image('chelsea'), crop=True)\n"
        "xt.guided_gradcam(clf, x)\n"
        "print(sorted(m for m in ('torchvision', 'torch._dynamo') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_labels_must_name_each_class_once():
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 3))
    picture = torch.rand(3, 2, 2)
    with pytest.raises(ValueError, match="got 1 labels for 3 classes"):
        xt.models.wrap(model, labels=["cat"]).predict(picture)
    with pytest.raises(ValueError, match="got 4 labels for 3 classes"):
        xt.models.wrap(model, labels=["a", "b", "c", "d"]).predict(picture)
    with pytest.raises(TypeError, match=r"labels must be a list of class names, got the str 'abc'"):
        xt.models.wrap(model, labels="abc")


def test_wrapping_leaves_the_models_mode_as_it_came_and_loading_gives_eval_mode(tmp_path, monkeypatch):
    model = nn.Sequential(
        nn.Conv2d(3, 2, 1), nn.BatchNorm2d(2), nn.Dropout(0.5), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2, 2)
    ).train()
    clf = xt.models.wrap(model)
    assert model.training and all(m.training for m in model.modules())
    statistics = model[1].running_mean.clone()
    clf.predict(torch.rand(3, 4, 4), k=1)
    assert model.training and torch.equal(model[1].running_mean, statistics)
    x = torch.rand(2, 3, 4, 4)
    assert torch.equal(clf(x), clf(x))  # eval mode for the call: dropout off, the same answer twice
    assert model.training
    # the package's own models come in eval mode
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    os.makedirs(os.path.dirname(weights_path("resnet18")))
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), weights_path("resnet18"))
    for loaded in (xt.models.load("resnet18"), xt.models.from_torchvision("resnet18"), xt.models.load("shapes_cnn")):
        assert not loaded.model.training


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3"])
def test_predict_needs_a_positive_whole_k(k):
    clf = xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(12, 3)))
    with pytest.raises(ValueError, match=r"k must be a positive int, got"):
        clf.predict(torch.rand(3, 2, 2), k=k)


@pytest.mark.parametrize(
    "mean, std, match",
    [
        ((0.5, 0.5, 0.5), (0.0, 1.0, 1.0), r"std must be positive.*got \(0.0, 1.0, 1.0\)"),
        ((123.7, 116.3, 103.5), (58.4, 57.1, 57.4), r"mean must lie in \[0, 1\].*0 to 255.*divide"),
        ((0.5,) * 4, (0.2,) * 3, r"mean must be one number or three \(one per colour\), got \(0.5, 0.5, 0.5, 0.5\)"),
        ((float("nan"),) * 3, (0.2,) * 3, r"mean must lie in \[0, 1\]"),
        ("imagenet", (0.2,) * 3, r"mean must be one number or three"),
    ],
)
def test_a_normalisation_that_cannot_be_right_is_refused(mean, std, match):
    with pytest.raises(ValueError, match=match):
        xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(12, 3)), mean=mean, std=std)


def test_one_number_normalises_every_colour():
    clf = xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(12, 3)), mean=0.5, std=0.25)
    assert torch.allclose(clf.preprocess(torch.full((3, 2, 2), 0.75)), torch.ones(1, 3, 2, 2))


@pytest.mark.parametrize("input_size", [0, -3, 1.5, True, (0, 4)])
def test_input_size_must_be_a_positive_int_or_none(input_size):
    with pytest.raises(ValueError, match="input_size must be a positive int or None"):
        xt.models.wrap(nn.Sequential(nn.Flatten(), nn.Linear(12, 3)), input_size=input_size)
