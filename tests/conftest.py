"""Shared fixtures. Every module built while the tests run is tracked, and a test that leaves a
hook on any of them fails: hooks must live for one call only, error paths included."""

import weakref

import pytest
import torch
from torch import nn

from xaitutor.hooks import HOOK_DICTS

_BUILT: "weakref.WeakSet[nn.Module]" = weakref.WeakSet()
_module_init = nn.Module.__init__


def _tracking_init(self, *args, **kwargs):
    _module_init(self, *args, **kwargs)
    _BUILT.add(self)


nn.Module.__init__ = _tracking_init


def modules_with_hooks() -> list[nn.Module]:
    """The modules built during the test session that carry a forward, backward or pre-hook."""
    return [m for m in list(_BUILT) if any(getattr(m, d, None) for d in HOOK_DICTS)]


@pytest.fixture(autouse=True)
def no_hook_survives():
    yield
    leaking = modules_with_hooks()
    for module in leaking:  # clean up, so that one leak fails one test, not all that follow
        for d in HOOK_DICTS:
            getattr(module, d).clear()
    assert not leaking, f"hooks left behind on {len(leaking)} modules: {[type(m).__name__ for m in leaking[:5]]}"


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


@pytest.fixture(autouse=True)
def close_figures():
    """The library returns figures and leaves closing them to the caller: here, after each test."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def lite0():
    """The real efficientnet_lite0 Classifier, loaded once."""
    import xaitutor as xt

    return xt.models.load("efficientnet_lite0")


@pytest.fixture
def same_layout_as_the_peers(monkeypatch):
    """The package's passes in the memory layout the peers use (NCHW, contiguous), so that a parity
    test compares the same kernels' arithmetic to 1e-5; the fast layout's own effect, float
    rounding, is measured in tests/test_scores.py."""
    import xaitutor.scores

    monkeypatch.setattr(xaitutor.scores, "fast_layout", lambda module, x: torch.contiguous_format)
