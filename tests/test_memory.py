"""Nothing outlives a call: no tensor of an earlier explanation stays alive, and the process does
not grow when a student clicks an explorer again and again (pytorch-grad-cam #88, #132, #483: a
hook that refers back to the tensor it sits on keeps every call's graph in memory)."""

import json
import subprocess
import sys
import weakref
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch
from helpers.memory import CALLS
from torch.nn.modules.module import register_module_forward_hook

import xaitutor as xt

PROBE = Path(__file__).parent / "helpers" / "memory.py"
MB_PER_CALL = 2.0  # a leaked graph costs tens of MB per call at the probe's size


class _WeakValues(dict):
    """A dict that also keeps a weak reference to every value stored in it."""

    def __init__(self, refs):
        super().__init__()
        self.refs = refs

    def __setitem__(self, key, value):
        self.refs.append(weakref.ref(value))
        super().__setitem__(key, value)


@contextmanager
def watched(monkeypatch):
    """Weak references to every tensor a module returns inside the block, and to every activation
    and gradient ``xt.hooks.capture`` records."""
    refs = []

    class Watched(xt.hooks.Recording):
        def __init__(self):
            super().__init__(_WeakValues(refs), _WeakValues(refs))

    def keep(module, inputs, output):
        if isinstance(output, torch.Tensor):
            refs.append(weakref.ref(output))

    monkeypatch.setattr(xt.hooks, "Recording", Watched)
    handle = register_module_forward_hook(keep)  # global: seen by every module, held by no module
    try:
        yield refs
    finally:
        handle.remove()


@pytest.mark.parametrize("name", CALLS)
def test_no_tensor_of_a_call_stays_alive(lite0, monkeypatch, name):
    call = CALLS[name](lite0)
    with watched(monkeypatch) as refs:
        result = call()
    assert refs, "the call ran no module: the test watches nothing"
    alive = [r() for r in refs if r() is not None]
    assert not alive, (
        f"{name}: {len(alive)} of {len(refs)} tensors made by the call are still alive "
        f"after it returned, e.g. {[tuple(t.shape) for t in alive[:3]]}"
    )
    del result


def test_the_watch_sees_a_tensor_kept_alive(lite0, monkeypatch):
    kept = []
    with watched(monkeypatch) as refs, xt.hooks.capture(lite0.model, lite0.cam_layer) as rec:
        lite0(torch.rand(1, 3, 32, 32))
        kept.append(rec.activations[lite0.cam_layer])
    assert any(r() is kept[0] for r in refs)


def test_rss_stays_flat_over_repeated_calls():
    """Measured in a fresh process, so other tests' allocations do not blur it."""
    out = subprocess.run([sys.executable, str(PROBE)], capture_output=True, text=True, check=True, timeout=900)
    growth = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(growth) == set(CALLS)
    leaking = {name: round(mb, 1) for name, mb in growth.items() if mb > MB_PER_CALL}
    assert not leaking, f"RSS grows by more than {MB_PER_CALL} MB per call (MB per call): {leaking}"
