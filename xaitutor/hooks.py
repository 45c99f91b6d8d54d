"""Every hook the package registers: capturing a layer's output (its activation) and the gradient
that flows back into it, rewriting the gradient at chosen modules (guided backpropagation's ReLU
rule), counting the pictures a model is run on (a method's cost), and counting the hooks a model
carries (all of them, or the package's own).

PyTorch lets you attach *hooks* to a module: functions it calls during the forward (or backward)
pass. A hook that is never removed keeps firing and keeps memory alive, so here hooks live for
one ``with`` block only and are removed in ``finally``, even when the block raises.
"""

from __future__ import annotations

import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn

from .resolve import resolve_layer, resolve_model

HOOK_DICTS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks")


def hook_count(module: nn.Module) -> int:
    """How many module hooks are registered on ``module`` and all its submodules."""
    return sum(len(getattr(m, d, {})) for m in module.modules() for d in HOOK_DICTS)


def package_hook_count(module: nn.Module) -> int:
    """How many of the hooks on ``module`` and its submodules are this package's: every one is a
    function of this file. The model's own hooks come and go as they please (a lazy layer removes
    its initialising hook at the first forward pass), so only these tell whether a call cleaned up."""
    return sum(
        getattr(hook, "__module__", None) == __name__
        for m in module.modules()
        for d in HOOK_DICTS
        for hook in getattr(m, d, {}).values()
    )


@dataclass
class Recording:
    """What :func:`capture` saw, keyed by layer name.

    ``activations[name]`` is the layer's output in the last forward pass, still part of the
    autograd graph (so ``torch.autograd.grad(score, rec.activations[name])`` works), and
    ``gradients[name]`` is the gradient of the last backward pass with respect to it.
    """

    activations: dict[str, torch.Tensor] = field(default_factory=dict)
    gradients: dict[str, torch.Tensor] = field(default_factory=dict)

    def __getitem__(self, name: str) -> torch.Tensor:
        return self.activations[name]


@contextmanager
def capture(model: nn.Module, layers):
    """Record the output and the output's gradient of each of ``layers`` while the block runs.

    Args:
        model: the ``nn.Module`` (or a ``Classifier``) to watch.
        layers: one layer or a list of them, each a dotted module name (``"layer4"``,
            ``"features.29"``) or the module itself.

    Yields:
        A :class:`Recording`, filled as forward and backward passes run inside the block.

    The rest of the forward pass receives a *clone* of the layer's output: an in-place operation
    after the layer (vgg16's ``ReLU(inplace=True)``) would otherwise overwrite the stored tensor.
    The output of a half or bfloat16 layer is recorded in float32, as the model's outputs are read
    (:func:`xaitutor.scores.run_model`), so that maps come back in float32.
    """
    module = getattr(model, "model", model)
    if isinstance(layers, (str, nn.Module)):
        layers = [layers]
    recording = Recording()
    handles = []
    try:
        for layer in layers:
            name, target = resolve_layer(module, layer)
            handles.append(target.register_forward_hook(_recorder(recording, name)))
        yield recording
    finally:
        for handle in handles:
            handle.remove()


def _recorder(recording: Recording, name: str):
    # The gradient hook sits on `output` and `recording` holds `output`: if the hook held the
    # recording, the two would keep each other alive through autograd's graph, where Python's
    # garbage collector cannot see the cycle, and every call's graph would stay in memory
    # (pytorch-grad-cam #88, #132, #483). So the hook reaches the recording through a weak reference.
    recording = weakref.ref(recording)

    def save_gradient(grad):
        if (alive := recording()) is not None:
            alive.gradients[name] = grad

    def hook(module, inputs, output):
        if not isinstance(output, torch.Tensor):
            raise TypeError(
                f"layer {name!r} returns {type(output).__name__}, not a tensor: "
                "choose a layer whose output is a single tensor"
            )
        recorded = output.to(torch.promote_types(output.dtype, torch.float32))  # itself, unless half
        recording().activations[name] = recorded
        if recorded.requires_grad:
            recorded.register_hook(save_gradient)
        # with or without gradients, a copy: an in-place op next must not overwrite the recording
        return output.clone() if recorded is output else recorded.to(output.dtype)

    return hook


@dataclass
class Count:
    """What :func:`counting` saw: ``passes`` (calls of the model) and ``pictures`` (the rows of
    their batches; a gradient method's pictures each cost one backward pass too)."""

    passes: int = 0
    pictures: int = 0


@contextmanager
def counting(model):
    """Count the forward passes of ``model`` (a module or a ``Classifier``) while the block runs:
    the cost of an explanation in the unit of the performance floors (DESIGN.md).

    Yields:
        A :class:`Count`, updated by every call of the model inside the block.
    """
    count = Count()

    def hook(module, inputs):
        count.passes += 1
        count.pictures += inputs[0].shape[0] if inputs and isinstance(inputs[0], torch.Tensor) else 1

    handle = resolve_model(model).register_forward_pre_hook(hook)
    try:
        yield count
    finally:
        handle.remove()


class GradientRule:
    """A gradient rule with its switch: ``rule(gradient)`` replaces the gradient arriving at each
    ruled output, before the backward of the operation that made it, while ``active``; ``calls``
    counts the ruled outputs seen in the forward passes. A ruled output is a torch function's
    (:meth:`on_call`, an :func:`op_rules` handler: functional activations included) or a module's
    (:func:`gradient_rule`)."""

    def __init__(self, rule, active: bool = False):
        self.rule, self.active, self.calls = rule, active, 0

    def on_gradient(self, gradient: torch.Tensor):
        """The tensor hook on a ruled output: the gradient rewritten, while active."""
        return self.rule(gradient) if self.active else None

    def rule_output(self, output: torch.Tensor) -> torch.Tensor:
        """Rule the gradient of this call's ``output`` (a tensor hook: it lives as long as the output)."""
        self.calls += 1
        if output.requires_grad:
            output.register_hook(self.on_gradient)
        return output

    def on_call(self, call) -> torch.Tensor:
        """The :func:`op_rules` handler: the function run (never in place), its output ruled."""
        return self.rule_output(call.run())

    def handlers(self, names) -> dict:
        """:meth:`on_call` for each torch function named in ``names``: the ``rules`` of a pass."""
        return dict.fromkeys(names, self.on_call)

    def on_module(self, module, inputs, output):
        """The forward hook of :func:`gradient_rule`: the module's output ruled."""
        self.rule_output(output)


@contextmanager
def gradient_rule(model, kinds, rule, active: bool = False):
    """While the block runs, replace the gradient arriving at the output of every module of the
    types ``kinds`` by ``rule(gradient)``, before that module's own backward sees it: for an
    activation that is a module but several torch functions (chapter 9's softplus ReLU6, two
    softplus calls), which a rule on the functions (:meth:`GradientRule.on_call`) would rule twice.

    A forward hook on each such module registers a *tensor hook* on that call's output, so a
    module called several times in a forward is ruled at every call, and an ``inplace=True`` module
    too (its output is its modified input, whose gradient arrives before the module's backward).
    The user's modules are neither swapped nor edited.

    Yields:
        A :class:`GradientRule`; set ``.active`` to switch the rule on or off between backward
        passes of one forward. The hooks are removed when the block ends, even on error.
    """
    switch = GradientRule(rule, active)
    handles = []
    try:
        for sub in resolve_model(model).modules():
            if isinstance(sub, kinds):
                handles.append(sub.register_forward_hook(switch.on_module))
        yield switch
    finally:
        for handle in handles:
            handle.remove()


class Rewritten(torch.autograd.Function):
    """An operation whose backward is a rule: ``compute()`` in the forward pass (run without a graph
    of its own), and in the backward pass ``rule(gradient)``, one tensor per input, goes to
    ``inputs`` instead of the operation's own gradient. The rule may hold the inputs it needs (never
    the output: that would make a cycle through autograd's graph, which Python cannot free)."""

    @staticmethod
    def forward(ctx, rule, compute, *inputs):
        """The operation's own result; ``rule`` is kept for the backward pass."""
        ctx.rule = rule
        return compute()

    @staticmethod
    def backward(ctx, gradient):
        """The rule's gradients for the inputs (none for the rule and the computation)."""
        return None, None, *ctx.rule(gradient)


class OpRules(torch.overrides.TorchFunctionMode):
    """The torch functions (``F.conv2d``, ``F.relu``, ``+``) that a method rewrites while the model
    runs, by name: ``handlers[name](call)`` returns the operation's output. Seeing functions rather
    than modules, a rule meets functional activations and residual additions too."""

    def __init__(self, handlers: dict):
        super().__init__()
        self.handlers, self.names = handlers, [""]

    def __torch_function__(self, func, types, args=(), kwargs=None):
        handler = self.handlers.get(getattr(func, "__name__", ""))
        if handler is None:
            return func(*args, **(kwargs or {}))
        return handler(Call(func, args, kwargs or {}, self.names[-1]))


@dataclass
class Call:
    """One call of a torch function seen by :class:`OpRules`: the function, its arguments and the
    name of the innermost module that made it (``""`` outside every module)."""

    func: object
    args: tuple
    kwargs: dict
    module: str

    def run(self, *args, **kwargs):
        """The function itself, on ``args`` (its own by default), never in place: an in-place
        activation (``ReLU(inplace=True)``) would overwrite the input a rule reads."""
        func, kwargs = self.func, {**self.kwargs, **kwargs}
        name = getattr(func, "__name__", "")
        if name.endswith("_") and not name.startswith("__"):
            func = getattr(torch.nn.functional, name[:-1], None) or getattr(torch, name[:-1])
        args = list(args or self.args)
        if name in INPLACE_POSITION and len(args) > INPLACE_POSITION[name]:
            args[INPLACE_POSITION[name]] = False
        return func(*args, **{k: v for k, v in kwargs.items() if k != "inplace"})


INPLACE_POSITION = {"relu": 1, "relu6": 1, "hardtanh": 3, "leaky_relu": 2, "elu": 2}  # F.<name>'s `inplace`


@contextmanager
def op_rules(model, handlers: dict):
    """Rewrite the torch functions named in ``handlers`` while the block runs (see :class:`OpRules`);
    each module's name is followed with a forward pre-hook and a forward hook, removed when the block
    ends, even on error. The user's modules and weights are neither swapped nor edited. No handlers:
    nothing is rewritten, no hook registered."""
    if not handlers:
        yield None
        return
    mode, handles = OpRules(handlers), []

    def enter(name):
        return lambda module, inputs: mode.names.append(name)

    def leave(module, inputs, output):
        mode.names.pop()

    try:
        for name, sub in resolve_model(model).named_modules():
            handles += [sub.register_forward_pre_hook(enter(name)), sub.register_forward_hook(leave)]
        with mode:
            yield mode
    finally:
        for handle in handles:
            handle.remove()
