"""Give the user's model back exactly as it came: the same ``training`` flags, ``requires_grad``
and ``.grad`` of every parameter, and no hook left behind."""

from __future__ import annotations

from contextlib import contextmanager

from torch import nn

from .hooks import package_hook_count


@contextmanager
def evaluating(module: nn.Module):
    """Run the block with ``module`` in eval mode (dropout off, batch-norm statistics frozen), then
    restore every submodule's ``training`` flag, every parameter's ``requires_grad`` and ``.grad``,
    and check that the block left none of the package's hooks behind (the model's own may come
    and go: a lazy layer removes its hook at the first forward pass)."""
    training = {m: m.training for m in module.modules()}
    params = {p: (p.requires_grad, p.grad) for p in module.parameters()}
    hooks = package_hook_count(module)
    module.eval()
    try:
        yield module
    finally:
        for m, flag in training.items():
            m.training = flag
        for p, (requires_grad, grad) in params.items():
            p.requires_grad_(requires_grad)
            p.grad = grad
        assert package_hook_count(module) == hooks, "xaitutor left a hook on the model: please report this bug"
