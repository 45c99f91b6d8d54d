"""The contract every declared method keeps (DESIGN.md, "The method protocol"): the model comes back
exactly as it went in, with the caller's batch; a batch of one and of several; targets checked; a
clear error where a Classifier is needed; nothing of a call left alive. A method declared in
``xaitutor.methods`` gets these tests for free."""

import inspect

import pytest
import torch
from helpers.contract import (
    CAM_LAYER,
    ContractNet,
    as_map,
    assert_same,
    classifier,
    explain,
    graph_tensors,
    in_every_state,
    pictures,
    snapshot,
    tensors_in,
)

import xaitutor as xt

METHODS = xt.methods.declared()
NAMES = [m.function.__name__ for m in METHODS]
# a concept method reads its pictures as one set (a dissection, a factorisation): no map per picture
PER_PICTURE = [m for m in METHODS if m.kind != "concept"]
# the methods that take a target (of the concept methods, TCAV only)
TARGETED = [m for m in METHODS if m.kind != "concept" or "target" in inspect.signature(m.function).parameters]


@pytest.mark.parametrize("method", METHODS, ids=NAMES)
def test_the_model_and_the_batch_come_back_exactly_as_they_went_in(method):
    clf = classifier()
    net = in_every_state(clf.model)
    calls = []
    handle = net.head.register_forward_hook(lambda *_: calls.append(1))  # the user's own hook stays
    x = pictures(1)
    kept, before = x.clone(), snapshot(net)
    try:
        explain(method, clf, x)
        after = snapshot(net)
    finally:
        handle.remove()
    assert_same(before, after)
    assert torch.equal(x, kept), "the caller's batch was written"
    assert calls, "the user's hook did not run"


@pytest.mark.parametrize("method", PER_PICTURE, ids=lambda m: m.function.__name__)
def test_a_batch_of_one_and_of_several(method):
    clf, x = classifier(), pictures(3)
    if method.starts_from_picture:  # one picture at a time, and a clear error for a batch
        assert as_map(method, explain(method, clf, x[:1])).shape == (1, 1, 16, 16)
        with pytest.raises(ValueError, match="one picture at a time"):
            explain(method, clf, x)
        return
    several = as_map(method, explain(method, clf, x, target=[0, 1, 2] if method.kind != "visualization" else None))
    assert len(several) == 3 and torch.isfinite(several).all()
    if "seed" not in inspect.signature(method.function).parameters:  # a random method draws per batch
        for i in range(3):
            one = as_map(method, explain(method, clf, x[i : i + 1], target=i))
            torch.testing.assert_close(one[0], several[i], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("method", TARGETED, ids=lambda m: m.function.__name__)
def test_targets_are_checked(method):
    clf = classifier()
    with pytest.raises(ValueError, match="not a class index of this model"):
        explain(method, clf, pictures(1), target=3)
    if not method.starts_from_picture and method.kind != "visualization":
        with pytest.raises(ValueError, match="got 2 targets for a batch of 3 images"):
            explain(method, clf, pictures(3), target=[0, 1])


@pytest.mark.parametrize("method", METHODS, ids=NAMES)
def test_a_bare_module_is_explained_or_told_to_be_wrapped(method):
    net, x = ContractNet().eval(), pictures(1)
    if method.starts_from_picture or method.kind in ("visualization", "attack"):  # they need the preprocessing
        with pytest.raises(TypeError, match=r"xt\.models\.wrap\(model, mean=\.\.\., std=\.\.\.\)"):
            explain(method, net, x)
    else:
        layer = {"layer": CAM_LAYER} if "layer" in inspect.signature(method.function).parameters else {}
        explained = tensors_in(explain(method, net, x, **layer))
        wrapped = tensors_in(explain(method, classifier(ContractNet().eval()), x, **layer))
        torch.testing.assert_close(explained, wrapped)


@pytest.mark.parametrize("method", METHODS, ids=NAMES)
def test_nothing_of_a_call_is_left_alive(method):
    clf = classifier()
    explain(method, clf, pictures(1))  # a first call may build what lasts (a lazy module, a cache)
    before = graph_tensors()
    result = explain(method, clf, pictures(1))
    held = [t for t in tensors_in(result) if t.requires_grad or t.grad_fn is not None]
    assert not held, "the result holds a tensor of the autograd graph"
    del result
    assert graph_tensors() <= before, "a tensor of the call's autograd graph is still alive"
