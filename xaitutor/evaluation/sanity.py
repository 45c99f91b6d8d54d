"""Sanity: does the map depend on the model at all? Randomise the weights layer by layer from the
top, and a map that still looks the same was never explaining the model (Adebayo et al. 2018)."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import torch

from .. import imaging
from ..progress_bar import interruptible
from ..resolve import resolve_layer, resolve_seed
from .maps import explain, pictures_batch, predicted_targets


@dataclass
class SanityCheck:
    """Maps under cascading randomisation, and how similar each is to the original map.

    Attributes:
        layers: ``"original"``, then the name of each layer randomised, top first; row ``j``
            has every layer up to ``layers[j]`` randomised.
        maps: ``len(layers) x N x 1 x H x W``.
        spearman: ``len(layers) x N`` Spearman rank correlation with the original map (1 for
            the original itself; NaN where a map is constant).
        ssim: ``len(layers) x N`` structural similarity with the original map, both scaled to
            [0, 1].
    """

    layers: list[str]
    maps: torch.Tensor
    spearman: torch.Tensor
    ssim: torch.Tensor

    def plot(self, ax=None, label: str | None = None, **style):
        """The mean similarities against the layers randomised; returns the figure."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3))
        steps = range(len(self.layers))
        name = f"{label}: " if label else ""
        ax.plot(steps, self.spearman.nanmean(dim=1).numpy(), "o-", label=f"{name}Spearman", **style)
        ax.plot(steps, self.ssim.nanmean(dim=1).numpy(), "s--", label=f"{name}SSIM", **style)
        ax.set_xticks(list(steps), self.layers, rotation=60, ha="right", fontsize=8)
        ax.set(ylabel="similarity to the original map", ylim=(-0.3, 1.05), xlabel="randomised down to (cumulative)")
        ax.axhline(0, color="grey", lw=0.5)
        ax.legend(fontsize=8)
        return ax.figure

    def show(self, index: int = 0, size: float = 1.6):
        """Picture ``index``'s maps, original first, as a row (the paper's figure 2)."""
        maps = [self.maps[j, index] for j in range(len(self.layers))]
        return imaging.show(maps, titles=self.layers, cols=len(maps), size=size)


def cascading_randomization(
    method, classifier, pictures, target=None, layers=None, seed: int = 0, progress: bool = True, **kwargs
) -> SanityCheck:
    """The model-parameter randomisation test of Adebayo et al. 2018, "Sanity checks for saliency
    maps", https://arxiv.org/abs/1810.03292, sec. 3.1: re-initialise the layers one after the other
    from the top (the logits) down, keeping the earlier ones random, and compare each map with the
    original. A method that explains the model must change; one whose maps survive the loss of
    every learnt weight is showing the picture (edges), not the model.

    The classifier's own model is not touched: a copy is randomised. Each layer is re-initialised
    with its ``reset_parameters()`` (PyTorch's default initialisation, as quantus's
    ``MPRT`` does) under the seed ``seed + j``, without disturbing the global random state.
    The targets stay those of the original model.

    Args:
        method, classifier, pictures, target, ``**kwargs``: as for :func:`explain`.
        layers: the layers to randomise, in the order given (top first); a block (``"layer4"``)
            is re-initialised as a whole. By default every module with its own parameters
            (convolutions, batch norms, linear layers), top first.
        seed: seeds the new weights (``None``: fresh randomness at each call).
        progress: show a progress bar; Ctrl-C returns the layers done so far.
    """
    seed = resolve_seed(seed)
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    model = copy.deepcopy(classifier.model)
    broken = dataclasses.replace(classifier, model=model)
    names = _cascade(model, layers)
    original = explain(method, classifier, pixels, targets, **kwargs)
    done, maps = ["original"], [original]
    device = classifier.device
    devices = [device.index or 0] if device.type == "cuda" else []  # the RNGs fork_rng protects
    with interruptible(
        len(names), "randomisation", progress, unit="layer", partial="the check stops at the layers done"
    ) as bar:
        for j, name in enumerate(names):
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(seed + j)
                _reinitialise(resolve_layer(model, name)[1])
            maps.append(explain(method, broken, pixels, targets, **kwargs))
            done.append(name)
            bar.update()
    maps = torch.stack(maps[: len(done)]).cpu()
    spearman, ssim = zip(*[_similarities(original.cpu(), m) for m in maps])
    return SanityCheck(done, maps, torch.stack(spearman), torch.stack(ssim))


def _cascade(model, layers) -> list[str]:
    """The layers to randomise, top first: by default every module with its own parameters."""
    if layers is None:
        return [name for name, module in model.named_modules() if _owns_parameters(module)][::-1]
    names = [resolve_layer(model, layer)[0] for layer in layers]
    for name in names:
        if not any(_owns_parameters(m) for m in resolve_layer(model, name)[1].modules()):
            raise ValueError(f"layer {name!r} has no parameters to re-initialise (no reset_parameters())")
    return names


def _owns_parameters(module) -> bool:
    return hasattr(module, "reset_parameters") and next(module.parameters(recurse=False), None) is not None


def _reinitialise(module) -> None:
    """Re-initialise ``module``, or every layer inside it when it is a block (``"layer4"``)."""
    for part in module.modules():
        if _owns_parameters(part):
            part.reset_parameters()


def _similarities(original: torch.Tensor, maps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Spearman rank correlation and SSIM between each original map and its counterpart."""
    from scipy.stats import spearmanr
    from skimage.metrics import structural_similarity

    a, b = imaging.scale_01(original), imaging.scale_01(maps)
    rho, ssim = [], []
    for u, v in zip(a[:, 0].numpy(), b[:, 0].numpy()):
        constant = u.min() == u.max() or v.min() == v.max()
        rho.append(float("nan") if constant else spearmanr(u.ravel(), v.ravel()).statistic)
        ssim.append(structural_similarity(u, v, data_range=1.0))
    return torch.tensor(rho, dtype=torch.float32), torch.tensor(ssim, dtype=torch.float32)
