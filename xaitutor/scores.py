"""What a classifier's outputs mean, read in one place for every method.

A model answers a batch with ``N x C`` numbers. Most give *logits*: the gradient methods explain
them, and their softmax is the class probabilities. Two other kinds are common, and reading them
the same way would be nonsense that looks plausible:

* a binary classifier with **one output** (one logit ``z``, trained with ``BCEWithLogitsLoss``):
  its softmax over one class is always 1. It has two classes: class 1 with probability
  ``sigmoid(z)``, class 0 with ``1 - sigmoid(z)``; the score a gradient method explains is ``z``
  for class 1 and ``-z`` for class 0 (pytorch-grad-cam's ``BinaryClassifierOutputTarget``);
* a model that already outputs **probabilities** (it ends with a softmax or a sigmoid): a second
  softmax flattens them. Wrap it with ``xt.models.wrap(model, ..., outputs="probabilities")``;
  a logit model whose rows look like probabilities is refused with that advice.

:func:`run_model` is the door every method feeds the model through: a copy of the batch in the
model's own float type (a half or bfloat16 model eats half or bfloat16 pictures), its answer
checked to be ``N x C`` and read in at least float32.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .resolve import resolve_dtype, resolve_model, resolve_outputs

OUTPUTS = ("logits", "probabilities")
# How far a row of probabilities may sum from 1 (float32 softmax over 1000 classes: about 1e-6).
SUM_TOLERANCE = 1e-3


def resolve_kind(outputs: str) -> str:
    """``outputs`` checked to be one of :data:`OUTPUTS`."""
    if outputs not in OUTPUTS:
        raise ValueError(
            f"outputs must be 'logits' or 'probabilities' (what the model's last layer gives), got {outputs!r}"
        )
    return outputs


def run_model(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``module``'s ``N x C`` answer for the batch ``x``: ``x`` copied in the module's float type on
    the way in (the copy is part of the graph, so gradients reach ``x`` in its own type, and a
    model that writes into its input, ``x.relu_()``, writes into the copy, not into ``x``), in the
    memory layout its pass runs fastest in (:func:`fast_layout`), the answer checked
    (:func:`~xaitutor.resolve.resolve_outputs`) and read in at least float32."""
    copy = x.to(resolve_dtype(module), copy=True, memory_format=fast_layout(module, x))
    outputs = resolve_outputs(module(copy), len(x))
    return outputs.to(torch.promote_types(outputs.dtype, torch.float32))


def fast_layout(module: nn.Module, x: torch.Tensor) -> torch.memory_format:
    """The memory layout a CPU runs ``module`` on the batch ``x`` fastest in (bench/layout_speed.py).

    Channels last (each pixel's channels side by side) for a pass without gradients, the
    perturbation methods' hundreds of forwards: 12 to 47 % faster for efficientnet_lite0, resnet18,
    vgg16 and the shapes CNN on an AMD EPYC; with a backward pass, only for a network with
    depthwise convolutions (efficientnet's: 18 % faster), since resnet18's backward was 7 to 18 %
    slower in it. Elsewhere (a GPU, a batch that is no picture) the layout it has."""
    if x.device.type != "cpu" or x.dim() != 4:
        return torch.preserve_format
    depthwise = any(isinstance(m, nn.Conv2d) and 1 < m.groups == m.in_channels for m in module.modules())
    return torch.channels_last if depthwise or not torch.is_grad_enabled() else torch.contiguous_format


def model_scores(model, x: torch.Tensor) -> torch.Tensor:
    """The class scores (:func:`class_scores`) of a ``Classifier`` (which knows its ``outputs``)
    or a bare ``nn.Module`` (taken to give logits) for the batch ``x``."""
    return class_scores(run_model(resolve_model(model), x), getattr(model, "outputs", "logits"))


def class_scores(outputs: torch.Tensor, kind: str = "logits") -> torch.Tensor:
    """One score per class, ``N x C``: what a gradient method differentiates and whose largest names
    each picture's top class. The outputs themselves, except one output ``y`` of a binary
    classifier, which gives two classes: ``[-z, z]`` for a logit, ``[1 - p, p]`` for a probability
    (the same gradients; the top class is the likelier one either way)."""
    if outputs.shape[1] != 1:
        return outputs
    return torch.cat([-outputs if resolve_kind(kind) == "logits" else 1 - outputs, outputs], dim=1)


def class_probabilities(outputs: torch.Tensor, kind: str = "logits") -> torch.Tensor:
    """The class probabilities, ``N x C`` rows summing to 1: the softmax of logits (the sigmoid
    ``[1 - sigmoid(z), sigmoid(z)]`` of one logit), or the probabilities themselves, checked.

    Raises:
        ValueError: logits whose rows already are probabilities (non-negative, summing to 1), or
            ``"probabilities"`` that are not; the message names the ``outputs=`` to use.
    """
    if resolve_kind(kind) == "logits":
        if outputs.shape[1] == 1:
            p = torch.sigmoid(outputs)
            return torch.cat([1 - p, p], dim=1)
        if _are_probabilities(outputs):
            raise ValueError(
                "the model's outputs already look like probabilities (each row is non-negative and sums "
                "to 1: it ends with a softmax?), and a second softmax would flatten them: wrap it with "
                "xt.models.wrap(model, ..., outputs='probabilities')"
            )
        return outputs.softmax(dim=-1)
    probabilities = torch.cat([1 - outputs, outputs], dim=1) if outputs.shape[1] == 1 else outputs
    if not _are_probabilities(probabilities):
        low, high = float(outputs.min()), float(outputs.max())
        raise ValueError(
            f"the model was wrapped with outputs='probabilities', but its outputs are not probabilities "
            f"(values from {low:.3g} to {high:.3g}, rows that do not sum to 1): for logits, wrap it with "
            "outputs='logits' (the default)"
        )
    return probabilities


def _are_probabilities(rows: torch.Tensor) -> bool:
    """Each row non-negative, at most 1, and summing to 1 (to :data:`SUM_TOLERANCE`)."""
    sums = rows.detach().double().sum(dim=1)
    return bool((rows >= 0).all() and (rows <= 1).all() and ((sums - 1).abs() <= SUM_TOLERANCE).all())


def function_probabilities(answer, n: int) -> torch.Tensor:
    """The answer of a black-box function (pictures to probabilities) for ``n`` pictures, as an ``n x C``
    float tensor of probabilities, or a clear error saying what it returned instead."""
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().cpu()
    else:
        try:
            answer = torch.as_tensor(np.asarray(answer))
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(
                f"the function must return N x C probabilities (a tensor or an array), got {type(answer).__name__}"
            ) from None
    if not answer.is_floating_point():
        raise TypeError(
            f"the function returned {answer.dtype} values, not probabilities: class indices? "
            "return every class's probability (predict_proba, not predict)"
        )
    if answer.dim() != 2 or len(answer) != n:
        hint = (
            " (one number per picture? return both columns [1 - p, p] of a binary classifier)"
            if answer.dim() == 1
            else ""
        )
        raise ValueError(
            f"the function must return N x C probabilities, one row per picture: for {n} "
            f"pictures it returned shape {tuple(answer.shape)}{hint}"
        )
    if answer.shape[1] < 2:
        what = "no column" if answer.shape[1] == 0 else "one column, and one class's probability is always 1"
        raise ValueError(
            f"the function returned {what}: return every class's probability, both columns "
            "[1 - p, p] of a binary classifier"
        )
    if not torch.isfinite(answer).all():
        raise ValueError("the function returned NaN or infinite values: it must return probabilities")
    sums = answer.double().sum(dim=1)
    if answer.min() < 0 or answer.max() > 1:
        raise ValueError(
            f"the function returned values in [{answer.min():.3g}, {answer.max():.3g}], not "
            "probabilities in [0, 1]: logits? apply softmax (torch.softmax(logits, dim=1))"
        )
    if (sums - 1).abs().max() > SUM_TOLERANCE:
        raise ValueError(
            f"each row of probabilities must sum to 1, got row sums from {sums.min():.3g} to "
            f"{sums.max():.3g}: scores of independent classes? give each class's probability "
            "(softmax over the classes)"
        )
    return answer
