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

import torch
from torch import nn

from .resolve import resolve_dtype, resolve_model, resolve_outputs

OUTPUTS = ("logits", "probabilities")
# How far a row of probabilities may sum from 1 (float32 softmax over 1000 classes: about 1e-6).
SUM_TOLERANCE = 1e-3


def resolve_kind(outputs: str) -> str:
    """``outputs`` checked to be one of :data:`OUTPUTS`."""
    if outputs not in OUTPUTS:
        raise ValueError(f"outputs must be 'logits' or 'probabilities' (what the model's last layer gives), "
                         f"got {outputs!r}")
    return outputs


def run_model(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``module``'s ``N x C`` answer for the batch ``x``: ``x`` copied in the module's float type on
    the way in (the copy is part of the graph, so gradients reach ``x`` in its own type, and a
    model that writes into its input, ``x.relu_()``, writes into the copy, not into ``x``), the
    answer checked (:func:`~xaitutor.resolve.resolve_outputs`) and read in at least float32."""
    outputs = resolve_outputs(module(x.to(resolve_dtype(module), copy=True)), len(x))
    return outputs.to(torch.promote_types(outputs.dtype, torch.float32))


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
            raise ValueError("the model's outputs already look like probabilities (each row is non-negative and sums "
                             "to 1: it ends with a softmax?), and a second softmax would flatten them: wrap it with "
                             "xt.models.wrap(model, ..., outputs='probabilities')")
        return outputs.softmax(dim=-1)
    probabilities = torch.cat([1 - outputs, outputs], dim=1) if outputs.shape[1] == 1 else outputs
    if not _are_probabilities(probabilities):
        low, high = float(outputs.min()), float(outputs.max())
        raise ValueError(f"the model was wrapped with outputs='probabilities', but its outputs are not probabilities "
                         f"(values from {low:.3g} to {high:.3g}, rows that do not sum to 1): for logits, wrap it with "
                         "outputs='logits' (the default)")
    return probabilities


def _are_probabilities(rows: torch.Tensor) -> bool:
    """Each row non-negative, at most 1, and summing to 1 (to :data:`SUM_TOLERANCE`)."""
    sums = rows.detach().double().sum(dim=1)
    return bool((rows >= 0).all() and (rows <= 1).all() and ((sums - 1).abs() <= SUM_TOLERANCE).all())
