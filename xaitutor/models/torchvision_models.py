"""The essay's own models, torchvision's ``resnet18`` and ``vgg16`` with their ImageNet weights.

The weights are read from torch's cache (``$TORCH_HOME/hub/checkpoints``, by default
``~/.cache/torch/hub/checkpoints``) and downloaded into it once where a network exists
(``python -m xaitutor download resnet18 vgg16``). Nothing here fails silently offline.

torchvision itself is imported only to build these models: importing it also imports
``torch._dynamo``, about 150 MB of a kernel's memory with torch's default (CUDA) wheel, which a
chapter on the offline ``efficientnet_lite0`` does not need. So the weights' addresses and the
ImageNet class names (``imagenet_classes.txt``, the list of torchvision's weights metadata) are
kept here; a test checks them against torchvision's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
from importlib import resources

import torch
from tqdm.auto import tqdm

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

# name -> (torchvision's IMAGENET1K_V1 weights file, the default Grad-CAM layer)
ESSAY_MODELS = {
    "resnet18": ("https://download.pytorch.org/models/resnet18-f37072fd.pth", "layer4"),
    "vgg16": ("https://download.pytorch.org/models/vgg16-397923af.pth", "features.29"),  # the last ReLU, 14 x 14
}


def imagenet_labels() -> list[str]:
    """The 1000 ImageNet class names, as torchvision's weights metadata names them (no network)."""
    return resources.files(__package__).joinpath("imagenet_classes.txt").read_text(encoding="utf-8").splitlines()


def weights_path(name: str) -> str:
    """Where torch's cache keeps the weights file of ``name``."""
    url, _ = ESSAY_MODELS[name]
    return os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(url))


def download(name: str, progress: bool = True) -> str:
    """Fetch the ImageNet weights of ``name`` into torch's cache (once) and return the path.

    The file name carries the first hex digits of the file's SHA-256, which is checked."""
    path = weights_path(name)
    if os.path.exists(path):
        return path
    url = ESSAY_MODELS[name][0]
    try:
        response = urllib.request.urlopen(url, timeout=30)
    except OSError as error:
        raise RuntimeError(
            f"the ImageNet weights of {name} are not in torch's cache ({path}) and cannot be "
            f"downloaded here ({error}). On a machine with a network run\n"
            f"    python -m xaitutor download resnet18 vgg16\n"
            f"and copy the files to {os.path.dirname(path)} (or point TORCH_HOME at a folder whose "
            "hub/checkpoints holds them); the offline model is xt.models.load('efficientnet_lite0')."
        ) from None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    digest = hashlib.sha256()
    with (
        response,
        tempfile.NamedTemporaryFile(dir=os.path.dirname(path), delete=False) as tmp,
        tqdm(
            total=int(response.headers.get("Content-Length", 0)) or None,
            unit="B",
            unit_scale=True,
            desc=os.path.basename(path),
            disable=not progress,
        ) as bar,
    ):
        while chunk := response.read(1 << 20):
            tmp.write(chunk)
            digest.update(chunk)
            bar.update(len(chunk))
    expected = os.path.basename(path).split("-")[-1].split(".")[0]
    if not digest.hexdigest().startswith(expected):
        os.remove(tmp.name)
        raise RuntimeError(f"the download of {url} is corrupt (SHA-256 does not start with {expected}); try again")
    shutil.move(tmp.name, path)
    return path


def build(name: str) -> tuple[torch.nn.Module, str]:
    """The torchvision model ``name`` with its ImageNet weights, and its default Grad-CAM layer."""
    import torchvision

    _, cam_layer = ESSAY_MODELS[name]
    path = download(name)
    # One copy of the weights in memory, not two (vgg16's are 528 MB, a quarter of Binder's 2 GB):
    # the module is built without storage and takes the tensors of the memory-mapped file.
    with torch.device("meta"):
        model = getattr(torchvision.models, name)(weights=None)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True, mmap=True), assign=True)
    return model, cam_layer


def cached(name: str) -> tuple[torch.nn.Module, list[str], object]:
    """Any torchvision ImageNet classifier (``"resnet50"``, ``"mobilenet_v3_large"``, ...) with its
    default weights read from torch's cache, its class names and its evaluation transform.

    Never downloads: offline, a missing file raises a ``RuntimeError`` that names it at once,
    where torchvision's own ``weights=`` would try the network first. For the essay's models
    that happens before torchvision is imported (about 100 MB of a kernel's memory)."""
    if name in ESSAY_MODELS and not os.path.exists(weights_path(name)):
        raise _not_cached(name, weights_path(name))
    import torchvision

    try:
        weights = torchvision.models.get_model_weights(name).DEFAULT
    except (ValueError, KeyError):
        raise ValueError(
            f"torchvision has no classifier called {name!r}; its names: "
            "torchvision.models.list_models(torchvision.models)"
        ) from None
    path = os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(weights.url))
    if not os.path.exists(path):
        raise _not_cached(name, path)
    with torch.device("meta"):  # as in build(): one copy of the weights, the memory-mapped file's
        model = torchvision.models.get_model(name, weights=None)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True, mmap=True), assign=True)
    return model, list(weights.meta["categories"]), weights.transforms()


def _not_cached(name: str, path: str) -> RuntimeError:
    return RuntimeError(
        f"the ImageNet weights of {name} are not in torch's cache ({path}). Where a network exists, "
        f"torchvision.models.get_model({name!r}, weights='DEFAULT') downloads them there once; or copy "
        "the file there (or point TORCH_HOME at a folder whose hub/checkpoints holds it)."
    )
