"""Turn what a user passes (a model, a layer, a target) into what the methods need, or say clearly
what is wrong with it. Every method of the package resolves its arguments here, so the checks and
their messages are the same everywhere."""
from __future__ import annotations

import difflib
import numbers
import operator

import torch
from torch import nn


def resolve_model(model) -> nn.Module:
    """The ``nn.Module`` behind ``model``: a ``Classifier``'s ``.model``, or ``model`` itself."""
    module = getattr(model, "model", model)
    if not isinstance(module, nn.Module):
        raise TypeError(f"expected a torch nn.Module or an xaitutor Classifier, got {type(model).__name__}")
    return module


def resolve_layer(module: nn.Module, layer) -> tuple[str, nn.Module]:
    """Find ``layer`` (a dotted name such as ``"layer4"`` or ``"features.29"``, or the module
    itself) inside ``module`` and return ``(name, submodule)``.

    An unknown name raises a ``ValueError`` that lists the closest names that do exist.
    """
    names = dict(module.named_modules())
    if isinstance(layer, nn.Module):
        for name, sub in names.items():
            if sub is layer:
                return name, sub
        raise ValueError(f"the module {type(layer).__name__} given as layer is not part of the model")
    if not isinstance(layer, str):
        raise TypeError(f"layer must be a module name (str) or an nn.Module, got {type(layer).__name__}")
    if layer in names and layer != "":
        return layer, names[layer]
    close = difflib.get_close_matches(layer, [n for n in names if n], n=5, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"the model has no layer named {layer!r}.{hint} "
                     "List the names with [name for name, _ in model.named_modules()].")


def default_layer(model, layer):
    """``layer`` if given, else the ``Classifier``'s ``cam_layer``; a bare module, or a
    ``Classifier`` without convolutions (and so without a ``cam_layer``), needs ``layer``."""
    if layer is not None:
        return layer
    if not hasattr(model, "cam_layer"):
        raise ValueError("no layer given: pass layer= (e.g. layer='layer4'), or use a Classifier "
                         "with a cam_layer (xt.models.wrap(model, ..., cam_layer='layer4'))")
    if model.cam_layer is None:
        why = "it was built without a cam_layer" if model.conv_layers else \
            "its model has no nn.Conv2d, so there is no default"
        raise ValueError(f"{model.name!r} has no Grad-CAM layer: {why}. Pass layer= naming a layer with "
                         "N x C x H x W activations, or wrap it with xt.models.wrap(model, ..., cam_layer=...)")
    return model.cam_layer


def resolve_targets(logits: torch.Tensor, target) -> torch.Tensor:
    """One class index per image of the batch, as a ``LongTensor`` on the logits' device.

    ``target`` is ``None`` (each image's top class), an ``int`` (the same class for every image)
    or a sequence / 1-D tensor with one class per image. Lengths and ranges are checked: a short
    target list must not silently give zero maps.
    """
    n, num_classes = logits.shape[0], logits.shape[-1]
    if target is None:
        return logits.argmax(dim=-1)
    if hasattr(target, "tolist"):  # a tensor or a numpy array
        target = target.tolist()
    if isinstance(target, (list, tuple)):
        targets = [_class_index(t, num_classes) for t in target]
        if len(targets) != n:
            raise ValueError(f"got {len(targets)} targets for a batch of {n} images: give one target "
                             "per image, a single int for all, or None for each image's top class")
    else:
        targets = [_class_index(target, num_classes)] * n
    return torch.tensor(targets, dtype=torch.long, device=logits.device)


def _class_index(t, num_classes: int) -> int:
    try:
        if isinstance(t, (bool, float)):
            raise TypeError
        t = operator.index(t)
    except TypeError:
        raise TypeError(f"a target must be a class index (int), got {t!r}") from None
    if not 0 <= t < num_classes:
        raise ValueError(f"target {t} is not a class index of this model (0 to {num_classes - 1})")
    return t


# A default batch holds this many pixels: eight 224 x 224 pictures, about 150 MB of
# efficientnet_lite0's activations without gradients, and on a CPU as fast per picture as more.
BATCH_PIXELS = 8 * 224 * 224


def resolve_batch_size(batch_size, size, device) -> int:
    """Pictures per forward pass: ``batch_size`` checked to be a positive int, or by default as
    many ``size = (H, W)`` pictures as hold ``BATCH_PIXELS`` pixels (eight times more on a GPU), so
    that a method's peak memory does not grow with the number of samples it classifies."""
    if batch_size is None:
        budget = BATCH_PIXELS * (8 if torch.device(device).type == "cuda" else 1)
        return max(1, budget // (size[0] * size[1]))
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int or None (chosen by the picture size), got {batch_size!r}")
    return int(batch_size)
