"""Deep Feature Factorization (Collins et al., ECCV 2018, https://arxiv.org/abs/1806.10206):
concepts found in a layer's activations without naming them first.

Put the layer's activations of one or several pictures side by side as a matrix ``A``, one row per
channel and one column per position (``K x N h w``). Non-negative matrix factorisation writes it
as ``A ≈ W H`` with ``W >= 0`` (``K x k``) and ``H >= 0`` (``k x N h w``): ``k`` parts, each a
channel vector (a column of ``W``: what the part looks like to the layer) and a map (a row of
``H``: where it is). Because nothing is negative, parts add up and cannot cancel: they come out as
regions, often the object's parts and the background. CRAFT (Fel et al., CVPR 2023) builds on the
same factorisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..methods.protocol import declare
from ..resolve import resolve_count, resolve_seed
from .activations import layer_activations, layer_name


@dataclass
class Factorization:
    """What :func:`factorize` found.

    Attributes:
        maps: each part's map on each picture, ``N x parts x H x W``, each map scaled to [0, 1]
            and upsampled to the pictures' size (as pytorch-grad-cam shows them).
        raw: the maps as factorised, ``N x parts x h x w`` (the rows of ``H``).
        vectors: each part's channel vector, ``parts x K`` (the columns of ``W``).
        offset: each channel's minimum, ``K``, subtracted before the factorisation (``vectors +
            offset`` is a part in the layer's own values, what pytorch-grad-cam returns).
        layer: the layer factorised.
    """

    maps: torch.Tensor
    raw: torch.Tensor
    vectors: torch.Tensor
    offset: torch.Tensor
    layer: str

    def segments(self) -> torch.Tensor:
        """Each pixel's strongest part, ``N x H x W`` (a segmentation of the pictures into parts)."""
        return self.raw_upsampled().argmax(dim=1)

    def raw_upsampled(self) -> torch.Tensor:
        return F.interpolate(self.raw, size=self.maps.shape[-2:], mode="bilinear", align_corners=False)

    def iou(self, mask) -> torch.Tensor:
        """Each part's IoU with ``mask`` (``N x H x W`` booleans, a concept's pixels), over all the
        pictures: the part's pixels are those where it is the strongest (:meth:`segments`)."""
        mask = torch.as_tensor(np.asarray(mask)).bool()
        if mask.shape != self.maps[:, 0].shape:
            raise ValueError(f"mask must be N x H x W = {tuple(self.maps[:, 0].shape)}, got {tuple(mask.shape)}")
        parts = self.segments()[:, None] == torch.arange(self.maps.shape[1]).view(1, -1, 1, 1)
        inter = (parts & mask[:, None]).sum(dim=(0, 2, 3))
        union = (parts | mask[:, None]).sum(dim=(0, 2, 3))
        return inter / union.clamp_min(1)


@declare(
    "Deep Feature Factorization",
    kind="concept",
    returns="concepts",
    chapter=8,
    paper="Collins et al., ECCV 2018, https://arxiv.org/abs/1806.10206",
    cost="1 forward per picture (no gradient) + one NMF",
)
def factorize(model, x: torch.Tensor, layer, parts: int = 4, seed=0, max_iter: int = 200, batch_size=None):
    """Factorise the activations of ``layer`` over the preprocessed batch ``x`` into ``parts``
    (see the module's docstring), with scikit-learn's ``NMF`` (random initialisation seeded by
    ``seed``, at most ``max_iter`` iterations, as pytorch-grad-cam's ``DeepFeatureFactorization``).

    A layer whose activations can be negative is shifted first: each channel's minimum is
    subtracted (pytorch-grad-cam does the same); after a ReLU the minimum is usually 0.
    Returns a :class:`Factorization`.
    """
    import warnings

    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    parts = resolve_count(parts, "parts")
    a = layer_activations(model, x, layer, batch_size)
    n, k, h, w = a.shape
    matrix = a.transpose(0, 1).reshape(k, -1).numpy()
    offset = matrix.min(axis=1, keepdims=True)
    matrix = matrix - offset
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):  # as concept_vector: one BLAS thread
        warnings.simplefilter("ignore", ConvergenceWarning)  # a few hundred iterations find the parts
        nmf = NMF(n_components=parts, init="random", random_state=resolve_seed(seed), max_iter=max_iter)
        vectors = nmf.fit_transform(matrix)
    raw = torch.from_numpy(nmf.components_).float().view(parts, n, h, w).transpose(0, 1).contiguous()
    maps = F.interpolate(_scaled(raw), size=x.shape[-2:], mode="bilinear", align_corners=False)
    vectors, offset = torch.from_numpy(vectors.T).float(), torch.from_numpy(offset[:, 0]).float()
    return Factorization(maps, raw, vectors, offset, layer_name(model, layer))


def _scaled(maps: torch.Tensor) -> torch.Tensor:
    """Each map minus its minimum, over its maximum (a constant map is all zeros)."""
    low = maps.amin(dim=(-2, -1), keepdim=True)
    high = (maps - low).amax(dim=(-2, -1), keepdim=True)
    return (maps - low) / high.clamp_min(1e-12)
