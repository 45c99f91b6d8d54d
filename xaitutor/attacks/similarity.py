"""How alike two maps are, each number one line of its definition: the manipulation's Pearson
correlation and SSIM (Dombrowski et al. 2019, sec. 4), fragility's top-k intersection and rank
correlation (Ghorbani et al. 2019, sec. 3)."""

from __future__ import annotations

import numpy as np
import torch

from ..evaluation.correlation import pearson  # the manipulation's measure is chapter 3's too

__all__ = ["pearson", "ssim", "top_k_intersection", "rank_correlation"]


def _flat(maps: torch.Tensor) -> torch.Tensor:
    return maps.detach().double().flatten(1)


def ssim(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The structural similarity (Wang et al. 2004, scikit-image's, a 7 x 7 window) of each pair
    of maps, each min-max scaled to [0, 1] first, ``N`` values."""
    from skimage.metrics import structural_similarity

    from ..imaging import scale_01

    a, b = scale_01(a.detach().double()), scale_01(b.detach().double())
    return torch.tensor([structural_similarity(p[0].numpy(), q[0].numpy(), data_range=1.0) for p, q in zip(a, b)])


def top_k_intersection(a: torch.Tensor, b: torch.Tensor, k: int) -> torch.Tensor:
    """The share of the ``k`` highest pixels of ``a`` that are among the ``k`` highest of ``b``, ``N`` values."""
    top_a, top_b = _flat(a).topk(k, dim=1).indices, _flat(b).topk(k, dim=1).indices
    return torch.tensor([len(np.intersect1d(p.numpy(), q.numpy())) / k for p, q in zip(top_a, top_b)])


def rank_correlation(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Spearman's rank correlation of each pair of maps (ties given their average rank), ``N`` values."""
    from scipy.stats import rankdata

    ranks = [torch.from_numpy(rankdata(m.numpy(), axis=1)) for m in (_flat(a), _flat(b))]
    return pearson(*ranks)
