"""The essay's own models, torchvision's ``resnet18`` and ``vgg16`` with their ImageNet weights.

The weights are read from torch's cache (``$TORCH_HOME/hub/checkpoints``, by default
``~/.cache/torch/hub/checkpoints``) and downloaded into it once where a network exists
(``python -m xaitutor download resnet18 vgg16``). Nothing here fails silently offline.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request

import torch
import torchvision
from tqdm.auto import tqdm

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

# name -> (the torchvision weights enum, the default Grad-CAM layer)
ESSAY_MODELS = {
    "resnet18": (torchvision.models.ResNet18_Weights.IMAGENET1K_V1, "layer4"),
    "vgg16": (torchvision.models.VGG16_Weights.IMAGENET1K_V1, "features.29"),  # the last ReLU, 14 x 14
}


def imagenet_labels() -> list[str]:
    """The 1000 ImageNet class names, from torchvision's weights metadata (no network)."""
    return list(torchvision.models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"])


def weights_path(name: str) -> str:
    """Where torch's cache keeps the weights file of ``name``."""
    weights, _ = ESSAY_MODELS[name]
    return os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(weights.url))


def download(name: str, progress: bool = True) -> str:
    """Fetch the ImageNet weights of ``name`` into torch's cache (once) and return the path.

    The file name carries the first hex digits of the file's SHA-256, which is checked."""
    path = weights_path(name)
    if os.path.exists(path):
        return path
    url = ESSAY_MODELS[name][0].url
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
    with response, tempfile.NamedTemporaryFile(dir=os.path.dirname(path), delete=False) as tmp, \
            tqdm(total=int(response.headers.get("Content-Length", 0)) or None, unit="B",
                 unit_scale=True, desc=os.path.basename(path), disable=not progress) as bar:
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
    weights, cam_layer = ESSAY_MODELS[name]
    model = getattr(torchvision.models, name)(weights=None)
    model.load_state_dict(torch.load(download(name), map_location="cpu", weights_only=True))
    return model, cam_layer
