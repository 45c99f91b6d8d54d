"""How the contract tests call any declared method quickly, whatever its kind, on a small network
with everything a method could disturb: batch norm with its running statistics, an in-place ReLU,
dropout, a frozen layer, a parameter with a ``.grad``."""

import gc
import inspect
import warnings

import numpy as np
import torch
from torch import nn

import xaitutor as xt
from xaitutor.hooks import HOOK_DICTS

SIZE, CLASSES, PASSES = 16, 3, 8
CAM_LAYER = "features.3"


class ContractNet(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.features = nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True), nn.Conv2d(4, 6, 3, padding=1)
        )
        self.head = nn.Sequential(nn.ReLU(), nn.Dropout(0.5), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))

    def forward(self, x):
        return self.head(self.features(x))


def classifier(network: nn.Module | None = None) -> xt.Classifier:
    """The network as a Classifier that eats pictures in [0, 1] as they are (mean 0, std 1)."""
    network = ContractNet() if network is None else network
    return xt.models.wrap(network, mean=0.0, std=1.0, labels=["a", "b", "c"], cam_layer=CAM_LAYER, input_size=None)


def pictures(n: int, seed: int = 0) -> torch.Tensor:
    """``n`` random pictures, ``n x 3 x SIZE x SIZE`` in [0, 1] (the network's input as they are)."""
    return torch.rand(n, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(seed))


def quadrants(array, **_) -> np.ndarray:
    """A segmenter of four superpixels, the picture's quadrants."""
    h, w = array.shape[:2]
    return (np.arange(h)[:, None] >= h // 2) * 2 + (np.arange(w)[None, :] >= w // 2)


def quick(method) -> dict:
    """Options that make ``method`` quick: few passes, no progress bar, four superpixels, a small
    picture to visualize."""
    parameters = inspect.signature(method.function).parameters
    options = {"progress": False} if "progress" in parameters else {}
    if method.passes:
        options[method.passes] = PASSES
    if "segmenter" in parameters:
        options["segmenter"] = quadrants
    if method.kind == "visualization":
        options.update(size=SIZE, transforms=[])
    return options


def concept_call(method, model, x: torch.Tensor, target=None, **options):
    """A concept method (chapter 8) on ``CAM_LAYER`` with ``x`` as its pictures: ``x`` itself as
    the concept's pictures and the tested ones, the concept's masks the left half of each picture."""
    name, layer = method.function.__name__, options.pop("layer", CAM_LAYER)
    if name == "tcav":
        pool = pictures(len(x) + 1, seed=1)
        return method.function(model, layer, x, pool, x, 0 if target is None else target, runs=2, **options)
    if name == "dissect":
        half = (torch.arange(SIZE) < SIZE // 2).expand(len(x), SIZE, SIZE)
        return method.function(model, layer, x, {"left": half, "right": ~half}, **options)
    if name == "factorize":
        return method.function(model, x, layer, parts=2, **options)
    return method.function(model, layer, 0, x, k=1, **options)  # top_examples


def explain(method, model, x: torch.Tensor, target=None, **options):
    """``method`` (a declaration) on the batch ``x`` as its kind wants it called: a preprocessed
    batch, one picture (a black box: ``x`` must hold one), one objective per picture (a
    visualization: ``target`` is the class whose logit is raised), or a layer and pictures (a
    concept method: :func:`concept_call`)."""
    if method.kind == "concept":
        return concept_call(method, model, x, target, **options)
    options = {**quick(method), **options}
    if method.kind == "visualization":
        objective = xt.objectives.class_logit(0 if target is None else target)
        return method.function(model, objective, seed=list(range(len(x))), **options)
    if method.starts_from_picture:
        return method.function(model, x[0] if len(x) == 1 else x, target=target, **options)
    return method.function(model, x, target=target, **options)


def as_map(method, result) -> torch.Tensor:
    """A method's result as a batch of maps or attributions."""
    if method.returns == "explanation":
        return result.map()
    if method.returns == "visualization":
        return result.tensor
    return result


def tensors_in(result) -> list[torch.Tensor]:
    """The tensors a method's result holds, in its attributes too."""
    if isinstance(result, torch.Tensor):
        return [result]
    return [v for v in vars(result).values() if isinstance(v, torch.Tensor)]


def graph_tensors() -> set[int]:
    """The tensors alive that belong to an autograd graph."""
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # isinstance over every object wakes deprecated torch names
        return {id(o) for o in gc.get_objects() if isinstance(o, torch.Tensor) and o.grad_fn is not None}


def in_every_state(net: nn.Module) -> nn.Module:
    """``net`` put in the states a method must give back as they were: training mode, a frozen
    layer, a parameter holding a ``.grad``. Returns it."""
    net.train()
    net.features[0].weight.requires_grad_(False)
    net.head[4].weight.grad = torch.ones_like(net.head[4].weight)
    return net


def snapshot(model: torch.nn.Module) -> dict:
    """Everything of the model a method must give back as it came."""
    return {
        "state": {k: v.clone() for k, v in model.state_dict().items()},
        "training": [m.training for m in model.modules()],
        "requires_grad": [p.requires_grad for p in model.parameters()],
        "grad": [p.grad for p in model.parameters()],
        "hooks": [list(getattr(m, d)) for m in model.modules() for d in HOOK_DICTS],
    }


def assert_same(before: dict, after: dict) -> None:
    assert after["training"] == before["training"], "a module's training flag changed"
    assert after["requires_grad"] == before["requires_grad"], "a parameter's requires_grad changed"
    assert all(a is b for a, b in zip(after["grad"], before["grad"])), "a parameter's .grad was replaced"
    assert after["hooks"] == before["hooks"], "the model's hooks changed"
    for name, value in before["state"].items():
        assert torch.equal(after["state"][name], value), f"{name} changed (weights or batch-norm statistics)"
