"""The shared driver: everything a method that runs the model does besides its own equations.

Every gradient attribution is the same four steps around its arithmetic: (1) a forward pass of the
batch, the model guarded (:func:`~xaitutor.guard.evaluating`) and the layers it needs captured
(:func:`~xaitutor.hooks.capture`); (2) one target class per image, checked; (3) the score
``sum_i y_i^{c_i}`` (the images are independent: one backward pass gives each its own gradient);
(4) its gradient with respect to the input or a captured layer, from the score down to that
tensor only (``torch.autograd.grad``, never ``.backward()`` into the parameters' ``.grad``).

:func:`forward` does (1) and (2) and yields a :class:`Pass` that does (3) and (4)::

    with forward(model, x, target, layers=[name]) as run:       # Grad-CAM
        gradients = run.gradient(run.feature_map(name))
    with forward(model, x, target) as run:                       # saliency
        gradient = run.gradient(run.x)

A method that needs no gradient (Score-CAM, a perturbation's forwards) runs ``gradients=False``, no
graph recorded; :func:`fixed_targets` fixes each image's class before a method changes the batch;
:func:`copies_gradient` takes the gradients at many copies of a batch in one pass (integrated
gradients' path, SmoothGrad's noisy samples), as many as :func:`~xaitutor.resolve.resolve_copies` allows.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch

from ..guard import evaluating
from ..hooks import Recording, capture, op_rules
from ..resolve import resolve_class_indices, resolve_feature_map, resolve_input, resolve_model, resolve_targets
from ..scores import class_scores, run_model


@dataclass
class Pass:
    """One guarded forward pass, alive inside the block of :func:`forward`.

    Attributes:
        x: the input batch, a leaf that requires its gradient, on the model's device.
        logits: the class scores, ``N x classes`` (:func:`~xaitutor.scores.class_scores`: the
            model's logits; two columns for a binary classifier with one output).
        targets: the class explained for each image, ``N``.
        recording: the captured layers (:class:`~xaitutor.hooks.Recording`).
        outputs: the model's own answer, ``N x C`` (what :func:`~xaitutor.scores.class_probabilities` reads).
    """

    x: torch.Tensor
    logits: torch.Tensor
    targets: torch.Tensor
    recording: Recording
    outputs: torch.Tensor

    @property
    def activations(self) -> dict[str, torch.Tensor]:
        """The captured outputs, by layer name (what an objective reads)."""
        return self.recording.activations

    def feature_map(self, name: str) -> torch.Tensor:
        """The output of the captured layer ``name``, checked to be ``N x K x h x w`` maps."""
        if name not in self.recording.activations:
            raise ValueError(
                f"the layer {name!r} was not used by the model's forward pass, so it has "
                "no activation to explain: choose a layer that the forward calls"
            )
        return resolve_feature_map(self.recording.activations[name], name)

    def score(self, targets: torch.Tensor | None = None) -> torch.Tensor:
        """``sum_i y_i^{c_i}``: the logits of :attr:`targets`, or of ``targets`` (one per image)."""
        return target_scores(self.logits, self.targets if targets is None else targets).sum()

    def gradient(self, wrt: torch.Tensor, of=None, retain_graph: bool = False, create_graph: bool = False):
        """``d of / d wrt``, ``of`` being the target score unless given; ``wrt`` is :attr:`x` or a
        captured activation. ``retain_graph=True`` keeps the graph for another backward pass,
        ``create_graph=True`` the gradient's own graph too (a second derivative, chapter 9)."""
        if not self.x.requires_grad:
            raise RuntimeError("this pass ran without gradients (forward(..., gradients=False))")
        layer = next((name for name, a in self.recording.activations.items() if a is wrt), None)
        unused = "the input x"
        if layer is not None:
            unused = f"the layer {layer!r}: choose a layer on the path from the input to the logits"
        return gradient(self.score() if of is None else of, wrt, retain_graph, unused, create_graph)


@contextmanager
def forward(model, x: torch.Tensor, target=None, layers=(), gradients: bool = True, rules: dict | None = None):
    """Run ``model`` on ``x`` with the model guarded and ``layers`` captured; yield a :class:`Pass`.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed ``N x C x H x W`` batch. It is checked, copied to the model's device
            and made a leaf.
        target: ``None`` (each image's top class), an int (that class for every image) or one
            class per image.
        layers: the layers to capture (dotted names or modules), none by default.
        gradients: record the graph for :meth:`Pass.gradient` (the default); ``False`` runs the
            pass without autograd, for a method that only reads the model's answers or a layer.

    Gradients exist even under ``torch.no_grad()`` or ``torch.inference_mode()`` and for frozen
    parameters; when the block ends (even on error) the hooks are gone, the model as it came.
    """
    module = resolve_model(model)
    # enable_grad alone does not lift inference mode, under which no graph is ever recorded
    grad_mode = torch.enable_grad() if gradients else torch.no_grad()
    with torch.inference_mode(False), grad_mode, evaluating(module), capture(module, layers) as recording:
        x = resolve_input(module, x).requires_grad_(gradients)
        with op_rules(module, rules):  # torch functions rewritten in the model's run only (LRP, DeepLIFT)
            outputs = run_model(module, x)
        logits = class_scores(outputs, getattr(model, "outputs", "logits"))
        yield Pass(x, logits, resolve_targets(logits, target), recording, outputs)


def fixed_targets(model, x: torch.Tensor, target=None) -> torch.Tensor:
    """One class per image of ``x``, fixed before a method changes the batch (a path, noise):
    ``target`` (its range is checked by the method's first pass), or each image's top class at
    ``x``, from one pass without gradients."""
    if target is not None:
        return resolve_class_indices(target, len(x), device=x.device)
    with forward(model, x, gradients=False) as run:
        return run.targets


def copies_gradient(model, copies: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The gradient of each image's target score at ``m`` copies of a batch of ``N`` images, in one
    pass: ``copies`` is ``m x N x C x H x W``; returns the gradients (same shape) and the scores
    (``m x N``)."""
    m, n = copies.shape[:2]
    with forward(model, copies.flatten(0, 1), targets.repeat(m)) as run:
        gradients = run.gradient(run.x).view(copies.shape)
        scores = target_scores(run.logits.detach(), run.targets).view(m, n)
    return gradients, scores


def target_scores(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``y_i^{c_i}``, each image's output (logit or probability) for its own class: ``N`` values
    of the ``N x classes`` ``outputs``."""
    return outputs.gather(1, targets.to(outputs.device)[:, None])[:, 0]


def gradient(output: torch.Tensor, inputs, retain_graph=False, unused="the input", create_graph=False, along=None):
    """``d output / d inputs`` of a scalar, or of ``sum(output * along)`` given ``along``: one tensor,
    or a tuple for a sequence of ``inputs``. Only the graph between the two is traversed and no
    ``.grad`` is written; an input the output does not depend on is named (``unused``) in the error."""
    single = isinstance(inputs, torch.Tensor)
    keep = dict(retain_graph=retain_graph or create_graph, create_graph=create_graph)
    grads = torch.autograd.grad(output, [inputs] if single else list(inputs), along, allow_unused=True, **keep)
    if any(g is None for g in grads):
        raise ValueError(f"the model's output does not depend on {unused}")
    return grads[0] if single else grads
