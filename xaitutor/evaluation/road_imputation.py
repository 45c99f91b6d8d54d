"""ROAD: remove the pixels a map ranks first (or last) and fill the holes with noisy linear
imputation, so that the pictures stay natural (Rong et al. 2022, "A consistent and efficient
evaluation strategy for attribution methods", ICML, https://arxiv.org/abs/2202.00449)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .. import imaging
from ..guard import evaluating
from ..methods.driver import target_scores
from ..progress_bar import interruptible
from ..resolve import resolve_seed
from .maps import one_channel, pictures_batch, predicted_targets

# A missing pixel is the weighted mean of its eight neighbours, 1/6 sharing a side, 1/12 a corner.
NEIGHBOURS = [((1, 1), 1 / 12), ((0, 1), 1 / 6), ((-1, 1), 1 / 12), ((1, -1), 1 / 12)]
NEIGHBOURS += [((0, -1), 1 / 6), ((-1, -1), 1 / 12), ((1, 0), 1 / 6), ((-1, 0), 1 / 6)]


@dataclass
class Road:
    """ROAD's curves for a batch.

    Attributes:
        order: ``"most"`` (most relevant removed first, MoRF) or ``"least"`` (LeRF).
        percentages: ``P`` shares of the pixels removed, in percent.
        probabilities: ``N x P`` probabilities of each picture's target after the removal.
        original: ``N`` probabilities of the targets on the pictures as they are.
        kept: ``N x P`` bool, the model's top class is still the target.
        targets: the class of each picture.
    """

    order: str
    percentages: torch.Tensor
    probabilities: torch.Tensor
    original: torch.Tensor
    kept: torch.Tensor
    targets: torch.Tensor

    @property
    def change(self) -> torch.Tensor:
        """``N x P``: probability after minus before (pytorch-grad-cam's ``ROAD...RelevantFirst``
        with ``ClassifierOutputSoftmaxTarget``). Falling fast under MoRF, slowly under LeRF, is good."""
        return self.probabilities - self.original[:, None]

    @property
    def accuracy(self) -> torch.Tensor:
        """``P``: the share of pictures still given their target (quantus's ``ROAD`` curve)."""
        return self.kept.float().mean(0)


def impute(x: torch.Tensor, removed: torch.Tensor, noise: float = 0.01, generator=None) -> torch.Tensor:
    """Noisy linear imputation of one picture: ``x`` ``C x H x W``, ``removed`` ``H x W`` bool.

    Each removed pixel becomes the weighted mean of its neighbours (``NEIGHBOURS``; those outside
    the picture left out), one sparse linear system for all of them, solved in float64; then
    Gaussian noise of standard deviation ``noise`` is added (drawn from ``generator``, a
    ``C x n`` draw over the removed pixels in reading order).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve

    c, h, w = x.shape
    flat = x.reshape(c, -1).double().cpu().numpy()
    gone = removed.reshape(-1).cpu().numpy()
    holes = np.flatnonzero(gone)
    if not len(holes):
        return x.clone()
    variable = np.zeros(h * w, dtype=np.int64)
    variable[holes] = np.arange(len(holes))
    rows, cols, values = [np.arange(len(holes))], [np.arange(len(holes))], []
    diagonal, b = np.ones(len(holes)), np.zeros((len(holes), c))
    for (dy, dx), weight in NEIGHBOURS:
        row, col = holes // w + dy, holes % w + dx
        inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
        diagonal[~inside] -= weight
        where, neighbour = np.flatnonzero(inside), (row * w + col)[inside]
        known = ~gone[neighbour]
        b[where[known]] -= weight * flat[:, neighbour[known]].T
        rows.append(where[~known]), cols.append(variable[neighbour[~known]])
        values.append(np.full((~known).sum(), weight))
    entries = (np.concatenate([-diagonal, *values]), (np.concatenate(rows), np.concatenate(cols)))
    a = coo_matrix(entries, shape=(len(holes), len(holes)))
    solution = torch.from_numpy(np.asarray(spsolve(a.tocsc(), b)).reshape(len(holes), c).T.copy()).float()
    out = x.reshape(c, -1).clone()
    jitter = torch.randn(solution.shape, generator=generator) if noise else 0
    out[:, torch.from_numpy(holes).to(x.device)] = (solution + noise * jitter).to(x.device, x.dtype)
    return out.reshape(c, h, w)


def road(
    classifier,
    pictures,
    maps: torch.Tensor,
    target=None,
    percentages=(10, 20, 30, 40, 50, 60, 70, 80, 90),
    order: str = "most",
    noise: float = 0.01,
    seed: int = 0,
    progress: bool = True,
) -> Road:
    """Remove the ``percentages`` of the pixels a map ranks first (``order="most"``) or last
    (``"least"``), impute them (:func:`impute`) and classify the pictures again.

    The imputation works on the model's input (the normalised picture), as the peers' does.
    ``int(H * W * p / 100)`` pixels are removed at ``p`` percent (quantus's count; pytorch-grad-cam's
    percentile threshold removes the same where that product is a whole number); ties keep the
    pixels' reading order. The noise comes from one generator seeded with ``seed``, drawn for each
    percentage, then each picture.

    Args:
        classifier, pictures, target: as for :func:`deletion`.
        maps: ``N x 1 x H x W``, resized to the classifier's input grid if needed.
        percentages: shares of the pixels removed, in percent (0 to 100).
        order: ``"most"`` relevant first (MoRF: a faithful map makes the probability fall fast)
            or ``"least"`` relevant first (LeRF: it should hardly move).
        noise: the imputation's noise, in the model's input units (Rong et al.: 0.01).
        seed: seeds the noise (``None``: fresh randomness at each call).
        progress: show a progress bar; Ctrl-C returns the percentages done (NaN beyond).
    """
    if order not in ("most", "least"):
        raise ValueError(f'order is "most" (MoRF) or "least" (LeRF) relevant first, got {order!r}')
    shares = torch.tensor([float(p) for p in percentages])
    if not len(shares) or (shares < 0).any() or (shares > 100).any():
        raise ValueError(f"percentages are shares of the pixels in percent, 0 to 100; got {list(percentages)}")
    generator = torch.Generator().manual_seed(resolve_seed(seed))
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    n, (h, w) = len(pixels), pixels.shape[-2:]
    ranking = one_channel(maps, n, (h, w)).flatten(1).cpu()
    ranking = ranking.argsort(dim=1, descending=order == "most", stable=True)
    x = imaging.normalize(pixels, classifier.mean, classifier.std)
    probabilities = torch.full((n, len(shares)), float("nan"))
    kept = torch.zeros(n, len(shares), dtype=torch.bool)
    with evaluating(classifier.model), torch.no_grad():
        original = target_scores(classifier.probabilities(x), targets).float().cpu()
        with interruptible(len(shares), "ROAD", progress, partial="the curves stop there (NaN beyond)") as bar:
            for j, share in enumerate(shares.tolist()):
                count = int(h * w * share / 100)
                removed = torch.zeros(n, h * w, dtype=torch.bool).scatter_(1, ranking[:, :count], True)
                batch = torch.stack([impute(x[i], removed[i].view(h, w), noise, generator) for i in range(n)])
                shown = classifier.probabilities(batch)
                probabilities[:, j] = target_scores(shown, targets).float().cpu()
                kept[:, j] = (shown.argmax(1) == targets).cpu()
                bar.update()
    return Road(order, shares, probabilities, original, kept, targets.cpu())
