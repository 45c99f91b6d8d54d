"""Layer-wise relevance propagation (LRP): the class score handed back layer by layer, each layer
sharing the relevance of its outputs among its inputs by a rule, so that the total is conserved:
``sum_i R_i = sum_j R_j = ... = f_c(x)`` (Bach et al., PLoS ONE 2015, eq. 2;
https://doi.org/10.1371/journal.pone.0130140).

The relevance flows backwards as autograd's "gradient": every linear operation (``F.conv2d``,
``F.linear``, average pooling) is run by a :class:`~xaitutor.hooks.Rewritten` whose backward is its
rule (``rules.py``), batch norm and activations pass the relevance on unchanged (their rule is
"pass", as in zennit's composites), max pooling hands it to the maximum (its gradient), and the
canonizers (``canonizers.py``) merge batch norm and split residual additions. The functions are seen
by :func:`~xaitutor.hooks.op_rules`, so functional activations and additions are handled too.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ...hooks import Rewritten
from .canonizers import fed_by, is_residual, merge_batch_norm, residual_sum
from .rules import Layer, send_back, stabilize

ACTIVATIONS = ("relu", "relu6", "hardtanh", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus")


class Propagation:
    """The handlers of one LRP pass (see :func:`~xaitutor.hooks.op_rules`): which rule each linear
    operation gets (``rule_for``, from the composite), the first layer, the batch norms to merge, and
    ``totals``: ``(layer name, relevance at its input, per image)`` in the order of the backward pass."""

    def __init__(self, rule_for, canonize: bool = True):
        self.rule_for, self.canonize, self.first = rule_for, canonize, True
        self.last, self.padded, self.totals = (None, None), (None, None), []

    def handlers(self) -> dict:
        passes = {name: self.passing for a in ACTIVATIONS for name in (a, a + "_")}
        sums = {name: self.add for name in ("add", "add_", "__add__", "__iadd__", "__radd__")}
        pools = {"avg_pool2d": self.pool, "adaptive_avg_pool2d": self.pool}
        linear = {"conv2d": self.linear, "linear": self.linear, "batch_norm": self.batch_norm, "pad": self.pad}
        return {**passes, **sums, **pools, **linear}

    def linear(self, call):
        args, kwargs = list(call.args), dict(call.kwargs)
        x, weight = args[0], args[1] if len(args) > 1 else kwargs.pop("weight")
        bias = args[2] if len(args) > 2 else kwargs.pop("bias", None)
        if not x.requires_grad:
            return call.run()
        run = call.func
        if x is self.padded[0]:
            x, run = self.padded[1][0], pad_then(self.padded[1][1], call.func)
        layer = Layer(call.module, lambda i, w, b: run(i, w, b, *args[3:], **kwargs), weight.detach(), bias)
        layer.bias = None if bias is None else bias.detach()
        group = "conv" if "conv" in getattr(call.func, "__name__", "") else "linear"
        rule, self.first = self.rule_for(group, call.module, self.first), False
        compute = call.run
        if getattr(rule, "reads_forward", False):  # the rule reuses this pass: keep its graph
            leaf = x.detach().requires_grad_()
            with torch.enable_grad():
                layer.forward = (leaf, layer.run(leaf, layer.weight, layer.bias))
            compute = layer.forward[1].detach
        output = Rewritten.apply(tracing(rule, layer, x, self.totals), compute, x)
        self.last = (layer, output)
        return output

    def batch_norm(self, call):
        x = call.args[0]
        layer, output = self.last
        if not x.requires_grad:
            return call.run()
        merged = self.canonize and fed_by(x, output) and merge_batch_norm(layer, call)
        if merged and layer.forward:  # the merged layer's forward: this batch norm of the layer's output
            leaf, z = layer.forward
            with torch.enable_grad():
                layer.forward = (leaf, call.run(z, *call.args[1:]))
        return Rewritten.apply(lambda relevance: (relevance,), call.run, x)

    def passing(self, call):
        x = call.args[0]
        return Rewritten.apply(lambda relevance: (relevance,), call.run, x) if x.requires_grad else call.run()

    def add(self, call):
        if not (self.canonize and is_residual(call)):
            return call.func(*call.args, **call.kwargs)
        a, b = call.args[:2]
        return Rewritten.apply(residual_sum(a, b), lambda: a + b, a, b)

    def pool(self, call):
        x = call.args[0]
        if not x.requires_grad:
            return call.run()
        layer = Layer(call.module, lambda i, w, b: call.func(i, *call.args[1:], **call.kwargs), None, None)

        def norm(relevance):  # zennit's Norm rule: LRP-0 with a stabilizer
            return tuple(send_back(layer, [(x, None, None)], lambda z: [relevance / stabilize(z[0])]))

        return Rewritten.apply(norm, call.run, x)

    def pad(self, call):
        output = call.run()
        self.padded = (output, (call.args[0], (call.args[1:], call.kwargs)))
        return output


def pad_then(pad, func):
    """``func`` run on its input padded as the padding before it did."""
    args, kwargs = pad
    return lambda i, w, b, *rest: func(F.pad(i, *args, **kwargs), w, b, *rest)


def tracing(rule, layer: Layer, x, totals: list):
    """The backward of one layer: its rule, and the total relevance at its input noted in ``totals``."""

    def backward(relevance):
        given = rule(layer, x.detach(), relevance)
        totals.append((layer.name, given.detach().flatten(1).sum(1)))
        return (given,)

    return backward
