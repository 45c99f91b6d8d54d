"""Faithfulness: does the map name what the model uses? Delete the pixels the map ranks first and
watch the class probability fall, or reveal them onto a blurred copy and watch it rise (Petsiuk
et al. 2018, RISE, https://arxiv.org/abs/1806.07421)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .. import imaging
from ..guard import evaluating
from ..methods.driver import target_scores
from ..progress_bar import interruptible
from ..resolve import resolve_batch_size, resolve_count
from .maps import one_channel, pictures_batch, predicted_targets

BASELINES = ("black", "blur", "mean")  # what deletion turns a deleted pixel into


@dataclass
class Curves:
    """Deletion or insertion curves of a batch, with their areas.

    Attributes:
        kind: ``"deletion"`` or ``"insertion"``.
        fractions: ``steps + 1`` shares of the pixels deleted (or revealed), from 0 to 1.
        probabilities: ``N x (steps + 1)`` probabilities (float32) of each picture's target (NaN
            for steps an interrupted run did not reach).
        targets: the class of each picture whose probability is tracked.
    """

    kind: str
    fractions: torch.Tensor
    probabilities: torch.Tensor
    targets: torch.Tensor

    @property
    def auc(self) -> torch.Tensor:
        """The area under each curve (trapezoidal rule): low is good for deletion (the probability
        falls fast), high is good for insertion."""
        return torch.trapezoid(self.probabilities, self.fractions, dim=-1)

    def plot(self, ax=None, label: str | None = None, **style):
        """Draw the mean curve over the batch, the mean area in the legend; returns the figure."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4, 3))
        mean = self.probabilities.nanmean(dim=0)
        ax.plot(
            self.fractions.numpy(), mean.numpy(), label=f"{label or self.kind} (AUC {self.auc.nanmean():.3f})", **style
        )
        verb = "deleted" if self.kind == "deletion" else "revealed"
        ax.set(xlabel=f"share of pixels {verb}", ylabel="probability of the class", ylim=(0, 1.02), title=self.kind)
        ax.legend(fontsize=8)
        return ax.figure


def deletion(
    classifier, pictures, maps: torch.Tensor, target=None, steps: int = 32, batch_size: int | None = None,
    progress: bool = True, baseline: str = "black",
) -> Curves:  # fmt: skip
    """Delete pixels in the order of ``maps``, most important first, and track the probability
    of the class (Petsiuk et al. 2018, RISE, https://arxiv.org/abs/1806.07421, sec. 4.1).

    A faithful map names the pixels the model needs, so the probability falls early and the area
    under the curve is small; compare it with the area for :func:`random_maps` (a random order).

    Args:
        classifier: a :class:`~xaitutor.Classifier`.
        pictures: see :func:`pictures_batch`.
        maps: ``N x 1 x H x W`` (3-channel maps are reduced with ``to_map``), resized to the
            classifier's input grid if needed. Ties keep the pixels' reading order.
        target: the class to track: ``None`` for each picture's top class, an int, or a list.
        steps: how many equal shares of the pixels are deleted, one after the other.
        batch_size: perturbed pictures per forward pass (``None``: as many as keep the memory
            bounded, eight 224 x 224 pictures on a CPU).
        progress: show a progress bar; Ctrl-C returns the curves so far (NaN beyond).
        baseline: what a deleted pixel becomes: ``"black"`` (RISE's choice), ``"blur"`` (the
            picture blurred as :func:`insertion` starts) or ``"mean"`` (the picture's mean
            colour). Each makes its own kind of unnatural picture; a ranking of methods that
            changes with it measures the holes, not the maps (ROAD, :func:`road`, fills them).
    """
    if baseline not in BASELINES:
        raise ValueError(f"baseline is one of {', '.join(map(repr, BASELINES))}, got {baseline!r}")
    return _curves("deletion", classifier, pictures, maps, target, steps, batch_size, progress, baseline)


def insertion(
    classifier,
    pictures,
    maps: torch.Tensor,
    target=None,
    steps: int = 32,
    batch_size: int | None = None,
    progress: bool = True,
) -> Curves:
    """Reveal pixels in the order of ``maps`` onto a blurred copy of the picture and track the
    probability of the class (Petsiuk et al. 2018, RISE, https://arxiv.org/abs/1806.07421).

    The blur (a Gaussian of 11 pixels, sigma 5, as in RISE's code) removes the object's detail
    without the sharp edges that black holes would add. A faithful map reveals what the model
    needs first, so the probability rises early and the area is large. Arguments as for
    :func:`deletion`.
    """
    return _curves("insertion", classifier, pictures, maps, target, steps, batch_size, progress)


def _blurred(pixels: torch.Tensor) -> torch.Tensor:
    return imaging.gaussian_blur(pixels, kernel_size=11, sigma=5.0)  # RISE's blur


def _deleted(pixels: torch.Tensor, baseline: str) -> torch.Tensor:
    """The pictures with every pixel deleted: black, blurred or each picture's mean colour."""
    if baseline == "mean":
        return pixels.mean(dim=(2, 3), keepdim=True).expand_as(pixels)
    return _blurred(pixels) if baseline == "blur" else torch.zeros_like(pixels)


def _curves(kind, classifier, pictures, maps, target, steps, batch_size, progress, baseline="black") -> Curves:
    resolve_count(steps, "steps")
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    n, (h, w) = len(pixels), pixels.shape[-2:]
    batch_size = resolve_batch_size(batch_size, (h, w), pixels.device)
    maps = one_channel(maps, n, (h, w)).to(pixels.device)
    # rank[i, p]: the place of pixel p in picture i's order, 0 for the pixel the map ranks first.
    order = maps.flatten(1).argsort(dim=1, descending=True, stable=True)
    rank = torch.empty_like(order).scatter_(1, order, torch.arange(h * w, device=order.device).expand(n, -1))
    counts = torch.linspace(0, h * w, steps + 1, device=pixels.device).round().long()
    start, end = (pixels, _deleted(pixels, baseline)) if kind == "deletion" else (_blurred(pixels), pixels)

    # Every (picture, step) pair is one perturbed picture to classify; batch them all.
    pairs = torch.cartesian_prod(torch.arange(n), torch.arange(steps + 1)).to(pixels.device)
    probabilities = torch.full((n, steps + 1), float("nan"), device=pixels.device)
    with (
        interruptible(len(pairs), kind, progress, partial="the curves stop there (NaN beyond)") as bar,
        evaluating(classifier.model),
        torch.no_grad(),
    ):
        for i, k in (chunk.unbind(dim=1) for chunk in pairs.split(batch_size)):
            changed = (rank[i] < counts[k, None]).view(-1, 1, h, w)
            batch = torch.where(changed, end[i], start[i])
            shown = classifier.probabilities(imaging.normalize(batch, classifier.mean, classifier.std))
            probabilities[i, k] = target_scores(shown, targets[i]).to(probabilities.dtype)  # float64 model
            bar.update(len(i))
    return Curves(kind, (counts.float() / (h * w)).cpu(), probabilities.cpu(), targets.cpu())
