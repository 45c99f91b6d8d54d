"""Turn what a user passes (a model, a layer, a target) into what the methods need, or say clearly
what is wrong with it. Every method of the package resolves its arguments here, so the checks and
their messages are the same everywhere."""

from __future__ import annotations

import difflib
import math
import numbers
import operator
import secrets

import torch
from torch import nn


def resolve_model(model) -> nn.Module:
    """The ``nn.Module`` behind ``model``: a ``Classifier``'s ``.model``, or ``model`` itself."""
    module = getattr(model, "model", model)
    if not isinstance(module, nn.Module):
        raise TypeError(f"expected a torch nn.Module or an xaitutor Classifier, got {type(model).__name__}")
    return module


def resolve_dtype(module: nn.Module) -> torch.dtype:
    """The float type ``module`` computes in: that of its first float parameter (or buffer), else
    float32. A half or bfloat16 model must be fed half or bfloat16 pictures."""
    tensors = (t for t in (*module.parameters(), *module.buffers()) if t.is_floating_point())
    return next(tensors, torch.empty(0)).dtype


def resolve_input(module: nn.Module, x) -> torch.Tensor:
    """``x`` checked to be a float ``N x C x H x W`` batch of at least one picture and of finite
    values, as a new tensor (the caller's is never written, whatever the model does with it),
    detached, on the model's device, in the type the methods compute in: float32, or float64 for
    a float64 model. (A half or bfloat16 model is fed its own type at its input, by
    :func:`xaitutor.scores.run_model`; its maps come back in float32.)"""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a preprocessed batch tensor, got {type(x).__name__}: use x = clf.preprocess(image)")
    if x.dim() != 4 or not x.is_floating_point():
        raise ValueError(
            f"x must be a float N x C x H x W batch, got a {x.dtype} tensor of shape "
            f"{tuple(x.shape)}: use x = clf.preprocess(image) (x[None] adds the batch dimension)"
        )
    if len(x) == 0:
        raise ValueError(f"x is an empty batch (shape {tuple(x.shape)}): give at least one picture")
    if x.shape[-1] == 3 and x.shape[1] > 4:  # H x W x 3 pictures stacked: no model has H colours
        raise ValueError(
            f"x looks channels last, N x H x W x C (shape {tuple(x.shape)}): the methods take "
            "N x C x H x W; use x = clf.preprocess(image), or x.permute(0, 3, 1, 2)"
        )
    device = next(module.parameters(), x).device
    dtype = torch.promote_types(resolve_dtype(module), torch.float32)
    # A tensor made under torch.inference_mode() can never join an autograd graph: copy it outside.
    with torch.inference_mode(False):
        x = x.detach().to(device=device, dtype=dtype, copy=True)
    if not torch.isfinite(x).all():
        raise ValueError(
            f"x holds NaN or infinite values ({int((~torch.isfinite(x)).sum())} of them): a map of "
            "them would be all zeros or NaN. Find where they come from (a division by zero in "
            "your preprocessing?), or use x = clf.preprocess(image)"
        )
    return x


def resolve_outputs(outputs, n: int) -> torch.Tensor:
    """A model's answer for ``n`` pictures checked to be an ``n x C`` float tensor of class scores;
    one number per picture (shape ``n``, a binary classifier's logit squeezed) becomes ``n x 1``."""
    if not isinstance(outputs, torch.Tensor):
        raise TypeError(
            f"the model returned a {type(outputs).__name__}, not a tensor of class scores: give the "
            "methods a module whose forward returns the N x C logits alone (e.g. a small nn.Module "
            "whose forward returns model(x)[0] or model(x)['logits'])"
        )
    if outputs.dim() == 1 and len(outputs) == n:
        outputs = outputs[:, None]
    if outputs.dim() != 2 or len(outputs) != n or outputs.shape[1] == 0 or not outputs.is_floating_point():
        hint = " (end the model with nn.Flatten())" if outputs.dim() > 2 else ""
        raise ValueError(
            f"the model must return N x C class scores, one row of floats per picture: for {n} "
            f"pictures it returned a {outputs.dtype} tensor of shape {tuple(outputs.shape)}{hint}"
        )
    return outputs


def resolve_labels(labels, classes: int | None = None) -> list[str]:
    """``labels`` checked to be a list of class names, one per class when ``classes`` is known."""
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__iter__"):
        raise TypeError(
            f"labels must be a list of class names, got the {type(labels).__name__} {labels!r}: "
            "e.g. labels=['cat', 'dog']"
        )
    labels = list(labels)
    if classes is not None and len(labels) != classes:
        raise ValueError(
            f"got {len(labels)} labels for {classes} classes (the classifier gives {classes} "
            "probabilities per picture): give one label per class"
        )
    return labels


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
    raise ValueError(
        f"the model has no layer named {layer!r}.{hint} "
        "List the names with [name for name, _ in model.named_modules()]."
    )


def resolve_cam_layer(model, layer) -> str:
    """The dotted name of the layer a CAM method explains: ``layer`` if given, else the
    ``Classifier``'s ``cam_layer``, checked to exist. A bare module, or a ``Classifier`` without
    convolutions (and so without a ``cam_layer``), needs ``layer``."""
    if layer is None:
        if not hasattr(model, "cam_layer"):
            raise ValueError(
                "no layer given: pass layer= (e.g. layer='layer4'), or use a Classifier "
                "with a cam_layer (xt.models.wrap(model, ..., cam_layer='layer4'))"
            )
        if model.cam_layer is None:
            why = (
                "it was built without a cam_layer"
                if model.conv_layers
                else "its model has no nn.Conv2d, so there is no default"
            )
            raise ValueError(
                f"{model.name!r} has no Grad-CAM layer: {why}. Pass layer= naming a layer with "
                "N x C x H x W activations, or wrap it with xt.models.wrap(model, ..., cam_layer=...)"
            )
        layer = model.cam_layer
    return resolve_layer(resolve_model(model), layer)[0]


def resolve_feature_map(activation: torch.Tensor, name: str) -> torch.Tensor:
    """The output of layer ``name``, checked to be ``N x K x h x w`` feature maps (what Grad-CAM,
    channel objectives and every CAM method need)."""
    if activation.dim() != 4:
        raise ValueError(
            f"the layer {name!r} outputs shape {tuple(activation.shape)}, not N x K x h x w "
            "feature maps: choose a convolutional layer (this method needs a spatial map)"
        )
    return activation


def resolve_targets(logits: torch.Tensor, target) -> torch.Tensor:
    """One class index per image of the batch, as a ``LongTensor`` on the logits' device.

    ``target`` is ``None`` (each image's top class), an ``int`` (the same class for every image)
    or a sequence / 1-D tensor with one class per image. Lengths and ranges are checked: a short
    target list must not silently give zero maps.
    """
    if target is None:
        return logits.argmax(dim=-1)
    return resolve_class_indices(target, logits.shape[0], logits.shape[-1], logits.device)


def resolve_class_indices(target, n: int, num_classes: int | None = None, device=None) -> torch.Tensor:
    """``target`` (an int for all ``n`` images, or one per image) as ``n`` class indices, a
    ``LongTensor``; their range is checked where ``num_classes`` is known."""
    if hasattr(target, "tolist"):  # a tensor or a numpy array
        target = target.tolist()
    if isinstance(target, (list, tuple)):
        targets = [resolve_class_index(t, num_classes) for t in target]
        if len(targets) != n:
            raise ValueError(
                f"got {len(targets)} targets for a batch of {n} images: give one target "
                "per image, a single int for all, or None for each image's top class"
            )
    else:
        targets = [resolve_class_index(target, num_classes)] * n
    return torch.tensor(targets, dtype=torch.long, device=device)


def resolve_class_index(t, num_classes: int | None = None) -> int:
    """One target checked to be a class index, an int (a numpy or one-value torch int too), in
    range where ``num_classes`` is known."""
    try:
        if isinstance(t, (bool, float)):
            raise TypeError
        t = operator.index(t)
    except TypeError:
        hint = f": find a class's index with clf.labels.index({t!r})" if isinstance(t, str) else ""
        raise TypeError(f"a target must be a class index (int), got {t!r}{hint}") from None
    if num_classes is not None and not 0 <= t < num_classes:
        raise ValueError(f"target {t} is not a class index of this model (0 to {num_classes - 1})")
    return t


def resolve_count(value, name: str, minimum: int = 1, alternatives: str = "") -> int:
    """``value`` checked to be an int (not a bool) of at least ``minimum``: a number of steps,
    samples, features or pictures. ``alternatives`` names what else the argument accepts."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        what = "a positive int" if minimum == 1 else f"an int of at least {minimum}"
        raise ValueError(f"{name} must be {what}{alternatives}, got {value!r}")
    return int(value)


def resolve_normalization(mean, std) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A classifier's ``mean`` and ``std``, each one number (for every colour) or three, checked
    to be what pictures in [0, 1] are normalised by: a mean in [0, 1] and a positive std."""
    mean, std = _numbers(mean, "mean"), _numbers(std, "std")
    if not all(0 <= m <= 1 for m in mean):
        raise ValueError(
            f"mean must lie in [0, 1], the range of the pictures it is taken over, got {mean}: values "
            "from 0 to 255? divide the mean and the std by 255"
        )
    if not all(0 < s < math.inf for s in std):
        raise ValueError(f"std must be positive and finite, got {std}: the pictures are divided by it")
    return mean, std


def _numbers(values, name: str) -> tuple[float, ...]:
    try:
        numbers_ = (float(values),) if isinstance(values, numbers.Real) else tuple(float(v) for v in values)
    except (TypeError, ValueError):
        numbers_ = ()
    if len(numbers_) not in (1, 3):
        raise ValueError(f"{name} must be one number or three (one per colour), got {values!r}")
    return numbers_


# Seeds below this: numpy's RandomState (LIME draws as lime does) takes no larger ones.
SEEDS = 2**32


def resolve_seed(seed) -> int:
    """``seed`` checked to be an int from 0 to ``2**32 - 1``: the same seed, the same result. ``None``
    means fresh randomness: a seed drawn from the operating system, so each call differs (the
    global random state of torch and numpy is left alone either way)."""
    if seed is None:
        return secrets.randbelow(SEEDS)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int from 0 to 2**32 - 1, or None for fresh randomness at each call, got {seed!r}"
        )
    if not 0 <= seed < SEEDS:
        raise ValueError(
            f"seed must be an int from 0 to 2**32 - 1, or None for fresh randomness at each call, got {seed}"
        )
    return int(seed)


# A default batch holds this many pixels: eight 224 x 224 pictures, about 150 MB of
# efficientnet_lite0's activations without gradients, and on a CPU as fast per picture as more.
BATCH_PIXELS = 8 * 224 * 224


def resolve_batch_size(batch_size, size, device, backward: bool = False) -> int:
    """Pictures per forward pass: ``batch_size`` checked to be a positive int, or by default as
    many ``size = (H, W)`` pictures as hold ``BATCH_PIXELS`` pixels (eight times more on a GPU), so
    that a method's peak memory does not grow with the number of samples it classifies. A pass
    followed by a ``backward`` keeps every layer's output for it: a quarter as many pictures (two
    224 x 224 ones on a CPU; efficientnet_lite0 holds about 50 MB of graph per such picture)."""
    if batch_size is None:
        budget = BATCH_PIXELS * (8 if torch.device(device).type == "cuda" else 1) // (4 if backward else 1)
        return max(1, budget // (size[0] * size[1]))
    return resolve_count(batch_size, "batch_size", alternatives=" or None (chosen by the picture size)")


def resolve_copies(batch_size, x: torch.Tensor) -> int:
    """How many copies of the batch ``x`` (a path's points, noisy samples) go through one forward
    and backward pass: ``batch_size`` pictures' worth (:func:`resolve_batch_size`), whole copies only."""
    return max(1, resolve_batch_size(batch_size, x.shape[-2:], x.device, backward=True) // len(x))


def resolve_coalitions(num_samples: int, num_superpixels: int) -> int:
    """Kernel SHAP's ``num_samples`` checked against its ``num_superpixels`` players: the full and
    empty coalitions plus one per unknown of the regression, ``M + 1`` (or all ``2^M``, if fewer)."""
    needed = min(2**num_superpixels, num_superpixels + 1)
    if num_samples < needed:
        raise ValueError(
            f"num_samples={num_samples} is too few for {num_superpixels} superpixels: Kernel SHAP "
            f"needs at least {needed} (the picture, the all-hidden picture and one coalition per "
            "unknown value); give more samples, or fewer superpixels (segmenter_params)"
        )
    return num_samples
