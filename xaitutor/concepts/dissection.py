"""Network Dissection (Bau et al., CVPR 2017, https://arxiv.org/abs/1704.05796): a unit is a
detector of the concept whose pixels its strongest activations cover.

For unit ``k`` of a layer, ``T_k`` is the top ``quantile`` of its activations over all the pictures
and positions (Bau: 0.005, the top half percent). Its map on each picture, upsampled to the
picture's size, thresholded at ``T_k``, is the unit's mask ``M_k``; with ``L_c`` the mask of
concept ``c``, summed over the whole data set (eq. 1 of the paper)::

    IoU_{k,c} = sum |M_k(x) ∩ L_c(x)| / sum |M_k(x) ∪ L_c(x)|

and unit ``k`` detects its best concept when that IoU passes 0.04 (Bau's threshold).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..methods.protocol import declare
from ..resolve import resolve_model, resolve_seed
from .activations import layer_activations, layer_name

BAU_IOU, BAU_QUANTILE = 0.04, 0.005


@dataclass
class Dissection:
    """What :func:`dissect` found.

    Attributes:
        iou: ``units x concepts``, each unit's IoU with each concept over the data set.
        concepts: the concepts' names, in the order of ``iou``'s columns.
        thresholds: ``T_k``, each unit's top-quantile activation.
        layer: the layer dissected.
    """

    iou: torch.Tensor
    concepts: list[str]
    thresholds: torch.Tensor
    layer: str

    def best(self) -> list[tuple[str, float]]:
        """Each unit's best concept and its IoU."""
        value, index = self.iou.max(dim=1)
        return [(self.concepts[i], float(v)) for v, i in zip(value, index.tolist())]

    def detectors(self, threshold: float = BAU_IOU) -> dict[int, str]:
        """The units whose best IoU is above ``threshold`` (Bau's 0.04), with the concept they detect."""
        return {k: concept for k, (concept, iou) in enumerate(self.best()) if iou > threshold}

    def counts(self, threshold: float = BAU_IOU) -> dict[str, int]:
        """How many units detect each concept (the concepts detected by at least one)."""
        found = list(self.detectors(threshold).values())
        return {c: found.count(c) for c in self.concepts if c in found}


def unit_masks(activations: torch.Tensor, thresholds: torch.Tensor, size) -> torch.Tensor:
    """``M_k``: the maps ``N x K x h x w`` upsampled (bilinear, as Bau) to ``size`` and thresholded
    at each unit's ``T_k``, ``N x K x H x W`` bool."""
    up = F.interpolate(activations, size=tuple(size), mode="bilinear", align_corners=False)
    return up > thresholds.view(1, -1, 1, 1)


def random_rotation(k: int, seed=0) -> torch.Tensor:
    """A ``k x k`` rotation drawn uniformly (the Q of a QR decomposition of Gaussian noise, its
    signs fixed): Bau's test of whether interpretable units are tied to the axes of the layer."""
    g = torch.randn(k, k, generator=torch.Generator().manual_seed(resolve_seed(seed)), dtype=torch.float64)
    q, r = torch.linalg.qr(g)
    return (q * torch.sign(torch.diagonal(r))).float()


def reinitialised(model, seed=0):
    """A copy of ``model`` (a Classifier or a module) with every layer's weights drawn again as at
    initialisation (their ``reset_parameters``, seeded): the same architecture, nothing learned."""
    clone = copy.deepcopy(model)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(resolve_seed(seed))
        for module in resolve_model(clone).modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
    return clone


@declare(
    "Network Dissection",
    kind="concept",
    returns="concepts",
    chapter=8,
    paper="Bau et al., CVPR 2017, https://arxiv.org/abs/1704.05796",
    cost="1 forward per picture (no gradient)",
)
def dissect(
    model, layer, pictures: torch.Tensor, masks, quantile: float = BAU_QUANTILE, rotation=None, batch_size=None
) -> Dissection:
    """Each unit of ``layer`` against each concept of ``masks`` (see the module's docstring).

    Args:
        model: a Classifier or a bare module.
        layer: the layer to dissect (a dotted name or the module), with ``N x K x h x w`` outputs.
        pictures: the preprocessed ``N x 3 x H x W`` batch.
        masks: concept name -> ``N x H x W`` booleans (``xt.data.shapes(...).concept_masks``).
        quantile: the share of a unit's activations that forms its masks (Bau: 0.005).
        rotation: ``K x K``: dissect the units of the rotated layer ``Q a`` instead (:func:`random_rotation`).
        batch_size: pictures per pass.
    """
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1), the share of activations kept (Bau: 0.005), got {quantile}")
    concepts, n, size = list(masks), len(pictures), tuple(pictures.shape[-2:])
    if not concepts:
        raise ValueError("masks is empty: give concept name -> N x H x W booleans (xt.data.shapes(...).concept_masks)")
    truths = [_mask(masks[c], n, size) for c in concepts]
    a = layer_activations(model, pictures, layer, batch_size)
    if rotation is not None:
        a = torch.einsum("jk,nkhw->njhw", torch.as_tensor(rotation, dtype=a.dtype), a)
    flat = a.transpose(0, 1).flatten(1)
    thresholds = flat.kthvalue(max(1, int(np.ceil((1 - quantile) * flat.shape[1]))), dim=1).values
    inter, unit_area, concept_area = torch.zeros(a.shape[1], len(concepts)), torch.zeros(a.shape[1]), 0
    for start in range(0, n, 64):  # a few pictures at a time: the upsampled masks are large
        part = slice(start, min(start + 64, n))
        m = unit_masks(a[part], thresholds, size).transpose(0, 1).flatten(1).float()
        truth = torch.stack([torch.from_numpy(t[part]) for t in truths]).flatten(1).float()
        inter += m @ truth.T
        unit_area += m.sum(1)
        concept_area += truth.sum(1)
    iou = inter / (unit_area[:, None] + concept_area[None, :] - inter).clamp_min(1)
    return Dissection(iou, concepts, thresholds, layer_name(model, layer))


def _mask(mask, n: int, size) -> np.ndarray:
    """One concept's masks as booleans, checked to be ``n x H x W`` like the pictures."""
    mask = mask.numpy() if isinstance(mask, torch.Tensor) else np.asarray(mask)
    if mask.shape != (n, *size):
        raise ValueError(f"each concept's masks must be N x H x W = {(n, *size)} like the pictures, got {mask.shape}")
    return mask.astype(bool, copy=False)
