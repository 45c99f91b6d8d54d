"""The model-parameter randomisation test repaired: smoothed maps against noise in the ranking
(SmoothMPRT) and one comparison of complexities instead of a similarity per layer (EfficientMPRT),
Hedström et al. 2023, "Sanity checks revisited", https://arxiv.org/abs/2401.06465. Both randomise
a copy of the model from the input up (the user's model is not touched), each layer re-initialised
with its ``reset_parameters()`` under the torch seed ``seed + 1``, as quantus 0.6 does."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import numpy as np
import torch

from .. import imaging
from ..progress_bar import interruptible
from ..resolve import resolve_seed
from .maps import explain, pictures_batch, predicted_targets, starts_from_picture
from .sanity import _cascade, _reinitialise


@dataclass
class Randomisation:
    """SmoothMPRT's similarities: ``layers`` (``"original"``, then each layer randomised, from the
    input up, cumulative) and ``spearman``, ``len(layers) x N`` Spearman rank correlations of each
    picture's smoothed map with the original's (on absolute values)."""

    layers: list[str]
    spearman: torch.Tensor


def maps_of(method, classifier, x: torch.Tensor, targets: torch.Tensor, **kwargs) -> torch.Tensor:
    """``N x 1 x H x W`` maps of the normalised batch ``x`` (which may lie outside the pictures'
    range, as noisy copies do): a batch method gets ``x`` itself, a black box its pixels."""
    if starts_from_picture(method):
        return explain(method, classifier, imaging.denormalize(x, classifier.mean, classifier.std), targets, **kwargs)
    return imaging.to_map(method(classifier, x, target=targets, **kwargs).detach().float())


def randomised_models(classifier, seed: int):
    """``(layer, classifier)`` for each layer, from the input up: a copy of the model with every
    layer up to this one re-initialised (the same copy, changed further at each step)."""
    model = copy.deepcopy(classifier.model)
    broken = dataclasses.replace(classifier, model=model)
    devices = [classifier.device.index or 0] if classifier.device.type == "cuda" else []
    for name in _cascade(model, None)[::-1]:
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed + 1)
            _reinitialise(model.get_submodule(name))
        yield name, broken


def smooth_mprt(
    method, classifier, pictures, target=None, samples: int = 50, noise: float = 0.1, seed: int = 0,
    last_only: bool = False, progress: bool = True, **kwargs,
) -> Randomisation:  # fmt: skip
    """SmoothMPRT (Hedström et al. 2023, sec. 4.1): each map is the mean of ``samples`` maps, all
    but the last of the picture plus Gaussian noise (standard deviation ``noise`` times the
    picture's range, on the model's input), so that the noise in a gradient does not decide the
    ranking; then its absolute value is compared, layer after layer, with the original's.

    Args:
        method, classifier, pictures, target, ``**kwargs``: as for :func:`explain`.
        samples, noise: the smoothing; Hedström et al. use 50 and 0.1.
        seed: seeds the noise (a numpy ``RandomState``: the original's ``samples - 1`` draws
            first, then each layer's) and the new weights.
        last_only: compare only the fully randomised model (quantus's ``skip_layers``).
        progress: show a progress bar; Ctrl-C returns the layers done so far.
    """
    seed = resolve_seed(seed)
    rng = np.random.RandomState(seed)
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    x = imaging.normalize(pixels, classifier.mean, classifier.std)
    spread = noise * (x.flatten(1).amax(1) - x.flatten(1).amin(1)).view(-1, 1, 1, 1).double().cpu()

    def smoothed(clf):
        total = 0
        for k in range(samples):
            jitter = torch.from_numpy(rng.randn(*x.shape)) * spread if k < samples - 1 else 0
            total = total + maps_of(method, clf, (x.double().cpu() + jitter).to(x), targets, **kwargs).cpu() / samples
        return total.abs()

    original = smoothed(classifier)
    count = len(_cascade(classifier.model, None))
    done, rho = ["original"], [_spearman(original, original)]
    with interruptible(count, "SmoothMPRT", progress, unit="layer", partial="up to the layers done") as bar:
        for j, (name, broken) in enumerate(randomised_models(classifier, seed)):
            if not last_only or j == count - 1:
                done.append(name)
                rho.append(_spearman(original, smoothed(broken)))
            bar.update()
    return Randomisation(done, torch.stack(rho))


def efficient_mprt(method, classifier, pictures, target=None, bins: int = 100, seed: int = 0, **kwargs) -> torch.Tensor:
    """EfficientMPRT (Hedström et al. 2024, sec. 4.2): the relative rise of each map's discrete
    entropy (a ``bins``-bin histogram of its values) when every layer is randomised,
    ``(H(random) - H(original)) / H(original)``, ``N`` values; a map that explains the model
    becomes noisier (a rise), one that shows the picture keeps its structure (about 0).
    Arguments as for :func:`smooth_mprt`; ``seed`` seeds the new weights."""
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    x = imaging.normalize(pixels, classifier.mean, classifier.std)
    *_, (_, broken) = randomised_models(classifier, resolve_seed(seed))
    return entropy_rise(*[maps_of(method, c, x, targets, **kwargs).cpu() for c in (classifier, broken)], bins=bins)


def entropy_rise(before: torch.Tensor, after: torch.Tensor, bins: int = 100) -> torch.Tensor:
    """EfficientMPRT's score of each pair of maps, the original's and the randomised model's: the
    relative rise of the discrete entropy of a ``bins``-bin histogram of the map's values."""
    from scipy.stats import entropy

    h = torch.tensor([[entropy(np.histogram(m.numpy(), bins=bins)[0]) for m in maps] for maps in (before, after)])
    return ((h[1] - h[0]) / h[0]).float()


def _spearman(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Each pair's Spearman rank correlation (NaN where a map is constant: no ranking to compare)."""
    from scipy.stats import spearmanr

    def rho(u, v):
        return float("nan") if u.min() == u.max() or v.min() == v.max() else spearmanr(u.ravel(), v.ravel()).statistic

    return torch.tensor([rho(u, v) for u, v in zip(a.numpy(), b.numpy())]).float()
