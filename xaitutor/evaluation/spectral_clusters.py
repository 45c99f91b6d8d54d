"""SpRAy, spectral relevance analysis: cluster many maps of one class and look at each cluster's
mean map, to find the strategies a model uses without knowing what to look for (Lapuschkin et
al. 2019, "Unmasking Clever Hans predictors and assessing what machines really learn", Nature
Communications 10:1096, https://doi.org/10.1038/s41467-019-08987-4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..resolve import resolve_count, resolve_seed


@dataclass
class Spray:
    """The clusters of a set of maps.

    Attributes:
        labels: ``N`` ints, each map's cluster (0 to ``clusters - 1``).
        eigenvalues: the smallest eigenvalues of the normalised graph Laplacian, ascending (as
            many as ``clusters + 8``): ``k`` near-zero values mean ``k`` well separated groups.
        features: ``N x size²``, the downsized maps that were clustered (each of unit length).
    """

    labels: np.ndarray
    eigenvalues: np.ndarray
    features: np.ndarray

    @property
    def eigengap(self) -> np.ndarray:
        """The gaps between consecutive eigenvalues; the largest after the ``k``-th says ``k``
        clusters (Lapuschkin et al.'s eigengap heuristic)."""
        return np.diff(self.eigenvalues)

    @property
    def suggested_clusters(self) -> int:
        """The number of clusters the largest eigengap suggests."""
        return int(np.argmax(self.eigengap)) + 1

    def mean_maps(self, maps: torch.Tensor) -> torch.Tensor:
        """``clusters x 1 x H x W``: the mean of each cluster's maps (give the maps clustered)."""
        return torch.stack([maps[torch.from_numpy(self.labels == k)].mean(0) for k in range(self.labels.max() + 1)])


def spray(maps: torch.Tensor, clusters: int = 2, seed: int = 0, size: int = 16, neighbours: int = 10) -> Spray:
    """Cluster ``maps`` (``N x 1 x H x W``, 3-channel ones reduced by their largest absolute value)
    spectrally, as SpRAy does: each map average-pooled to ``size x size`` and scaled to unit length,
    a graph joining each map to its ``neighbours`` nearest (Euclidean) maps, and scikit-learn's
    ``SpectralClustering`` on it (k-means on the Laplacian's eigenvectors, seeded by ``seed``).

    Args:
        maps: the maps of one class's pictures, all of one size.
        clusters: how many clusters (read :attr:`Spray.eigengap` to choose).
        seed: seeds the eigenvector solver and k-means (``None``: fresh randomness).
        size: the side of the downsized maps (Lapuschkin et al. downsize to keep the structure,
            not the pixels).
        neighbours: the nearest-neighbour graph's degree.
    """
    from scipy.sparse.csgraph import laplacian
    from sklearn.cluster import SpectralClustering
    from sklearn.neighbors import kneighbors_graph

    resolve_count(clusters, "clusters")
    if not isinstance(maps, torch.Tensor) or maps.dim() != 4:
        raise TypeError("maps must be an N x 1 x H x W tensor (xt.evaluation.explain gives them)")
    if len(maps) <= max(clusters, neighbours):
        raise ValueError(f"{len(maps)} maps are too few for {clusters} clusters of {neighbours} neighbours each")
    maps = maps.detach().float().cpu()
    maps = maps.abs().amax(1, keepdim=True) if maps.shape[1] > 1 else maps
    small = F.adaptive_avg_pool2d(maps, size).flatten(1)
    small = (small / small.norm(dim=1, keepdim=True).clamp_min(1e-12)).numpy().astype(np.float64)
    graph = kneighbors_graph(small, n_neighbors=neighbours, include_self=True)
    affinity = 0.5 * (graph + graph.T)  # as SpectralClustering makes it
    count = min(clusters + 8, len(maps))
    eigenvalues = np.linalg.eigvalsh(laplacian(affinity.toarray(), normed=True))[:count]
    model = SpectralClustering(
        clusters, affinity="precomputed", random_state=resolve_seed(seed), assign_labels="kmeans"
    )
    labels = model.fit_predict(affinity)
    return Spray(labels.astype(np.int64), eigenvalues, small)
