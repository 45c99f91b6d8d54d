"""Measuring explanations: does a map point at the object, does it name what the model uses, does
it depend on the model at all?

Three families of measures, each a few small functions on ``N x 1 x H x W`` maps:

* **Localisation**, against a ground-truth mask (the shapes data set draws its objects, so it
  knows where they are): the pointing game (:func:`pointing_game`) and the energy share
  (:func:`energy_share`).
* **Faithfulness**, against the model itself: delete the pixels the map ranks first and watch the
  class probability fall, or reveal them onto a blurred copy and watch it rise
  (:func:`deletion`, :func:`insertion`; Petsiuk et al. 2018).
* **Sanity**, against a broken model: randomise the weights layer by layer from the top, and a map
  that still looks the same was never explaining the model (:func:`cascading_randomization`;
  Adebayo et al. 2018).

:func:`explain` turns any method of the package into maps, one channel each, on the classifier's
input grid; :func:`random_maps` and :func:`centre_maps` are the baselines every score should be
compared with.
"""
from __future__ import annotations

import copy
import dataclasses
import inspect
import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from . import imaging
from .guard import evaluating
from .methods.driver import target_scores
from .resolve import resolve_batch_size, resolve_layer, resolve_targets


# --- Maps from any method ---------------------------------------------------------------------

def pictures_batch(classifier, pictures) -> torch.Tensor:
    """Pictures as the ``N x 3 x H x W`` batch in [0, 1] (pixel space) that the classifier sees,
    on its device: resized as ``classifier.preprocess`` does, not normalised.

    ``pictures`` is a list of pictures, an ``N x 3 x H x W`` tensor in [0, 1] or an
    ``N x H x W x 3`` uint8 array (``xt.data.shapes(...).images``).
    """
    if isinstance(pictures, np.ndarray) and pictures.ndim == 4:
        pictures = list(pictures)
    x = classifier.preprocess(pictures)
    return imaging.denormalize(x, classifier.mean, classifier.std)


def predicted_targets(classifier, pixels: torch.Tensor, target=None) -> torch.Tensor:
    """One class per picture: ``target`` checked, or the classifier's top class when ``None``."""
    with evaluating(classifier.model), torch.no_grad():
        logits = classifier(imaging.normalize(pixels, classifier.mean, classifier.std))
    return resolve_targets(logits, target)


def explain(method, classifier, pictures, target=None, **kwargs) -> torch.Tensor:
    """The maps of ``method`` for ``pictures``, ``N x 1 x H x W`` on the classifier's input grid.

    Gradient methods (``xt.gradcam``, ``xt.saliency``, ``xt.guided_backprop``,
    ``xt.guided_gradcam``) are called once on the whole batch; a 3-channel attribution becomes one
    channel by the maximum absolute value over the channels (:func:`xaitutor.imaging.to_map`).
    Methods that start from the picture itself (their second parameter is ``image``, as for
    ``xt.lime``) are called once per picture and give their result's ``.map()``.

    Args:
        method: a method of the package, or any function with one of those two signatures.
        classifier: a :class:`~xaitutor.Classifier`.
        pictures: see :func:`pictures_batch`.
        target: ``None`` (each picture's top class), an int, or one class per picture.
        **kwargs: passed to the method (``layer=``, ``num_samples=``, ``seed=``, ...).
    """
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    if _starts_from_picture(method):
        maps = torch.cat([method(classifier, p, target=int(t), **kwargs).map().to(pixels.device)
                          for p, t in zip(pixels, targets)])
    else:
        x = imaging.normalize(pixels, classifier.mean, classifier.std)
        maps = method(classifier, x, target=targets, **kwargs)
    return imaging.to_map(maps.detach().float())


def _starts_from_picture(method) -> bool:
    parameters = list(inspect.signature(method).parameters)
    return len(parameters) > 1 and parameters[1] == "image"


def random_maps(n: int, size, seed: int = 0) -> torch.Tensor:
    """``n`` maps of uniform noise (``size``: an int or ``(H, W)``): the baseline an explanation
    must beat. Ordering pixels by a random map is ordering them at random."""
    h, w = (size, size) if isinstance(size, int) else size
    return torch.rand(n, 1, h, w, generator=torch.Generator().manual_seed(seed))


def centre_maps(n: int, size, sigma: float = 0.25) -> torch.Tensor:
    """``n`` copies of a Gaussian bump in the middle of the picture (``sigma`` in picture widths):
    the guess "objects are near the centre", which needs no model at all."""
    h, w = (size, size) if isinstance(size, int) else size
    y = (torch.arange(h) + 0.5) / h - 0.5
    x = (torch.arange(w) + 0.5) / w - 0.5
    bump = torch.exp(-(y[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma ** 2))
    return bump.expand(n, 1, h, w).clone()


# --- Localisation: does the map point at the object? ------------------------------------------

def pointing_game(maps: torch.Tensor, masks, tolerance: int = 0) -> torch.Tensor:
    """Whether each map's maximum falls on the object (Zhang et al. 2016, "Top-down neural
    attention by excitation backprop", https://arxiv.org/abs/1608.00507, sec. 5.1).

    Args:
        maps: ``N x 1 x H x W`` (or ``N x 3 x H x W``, reduced by :func:`~xaitutor.imaging.to_map`);
            resized to the masks' size when they differ.
        masks: ``N x H x W`` booleans (or 0 and 1), True on the object (tensor or array); a
            soft mask is refused: binarise it first, e.g. ``mask > 0.5``.
        tolerance: a hit may miss the mask by up to this many pixels (the paper uses 15 on
            ImageNet-sized pictures).

    Returns:
        ``N`` floats: 1.0 for a hit, 0.0 for a miss, NaN where a mask is empty. When several
        pixels share the maximum, one of them on the object is a hit, as in quantus's
        ``PointingGame``; a constant map has no maximum to point with and scores a miss.
    """
    maps, masks = _maps_and_masks(maps, masks)
    flat = maps.flatten(1)
    peak = flat == flat.amax(dim=1, keepdim=True)
    hit = (peak & _dilate(masks, tolerance).flatten(1)).any(dim=1).float()
    hit[flat.amin(dim=1) == flat.amax(dim=1)] = 0.0
    hit[~masks.flatten(1).any(dim=1)] = float("nan")
    return hit


def energy_share(maps: torch.Tensor, masks) -> torch.Tensor:
    """The share of each map's positive mass that lies on the object: ``sum(map+ on mask) /
    sum(map+)``, 1 when the map is zero off the object (Wang et al. 2020, Score-CAM's
    "energy-based pointing game", https://arxiv.org/abs/1910.01279; quantus's
    ``RelevanceMassAccuracy`` for a non-negative map, Arras et al. 2022).

    Args:
        maps, masks: as for :func:`pointing_game`.

    Returns:
        ``N`` floats in [0, 1]; NaN where a map has no positive mass or a mask is empty. A map of
        uniform noise scores about the mask's share of the picture, the level to beat.
    """
    maps, masks = _maps_and_masks(maps, masks)
    positive = maps.clamp_min(0).flatten(1)
    share = (positive * masks.flatten(1)).sum(dim=1) / positive.sum(dim=1)  # 0 / 0 -> NaN
    share[~masks.flatten(1).any(dim=1)] = float("nan")
    return share


def _maps_and_masks(maps: torch.Tensor, masks) -> tuple[torch.Tensor, torch.Tensor]:
    """Check and align: ``N x H x W`` float maps and ``N x H x W`` bool masks on one device."""
    masks = torch.as_tensor(np.asarray(masks) if not isinstance(masks, torch.Tensor) else masks)
    if masks.dim() == 4 and masks.shape[1] == 1:
        masks = masks[:, 0]
    if masks.dim() != 3:
        raise ValueError(f"masks must be N x H x W, got shape {tuple(masks.shape)}")
    # A soft mask cast to bool would count a pixel of 0.1 as fully on the object: refuse it.
    if ((masks != 0) & (masks != 1)).any():
        raise ValueError(f"masks must hold only 0 and 1 (or booleans), got values from {masks.min().item():.3g} "
                         f"to {masks.max().item():.3g}: binarise a soft mask first, e.g. mask > 0.5")
    maps = _one_channel(maps, len(masks), masks.shape[-2:])
    return maps, masks.to(device=maps.device, dtype=torch.bool)


def _one_channel(maps: torch.Tensor, n: int, size) -> torch.Tensor:
    """``n`` maps as ``n x H x W`` floats of the given size: checked, reduced, resized."""
    if not isinstance(maps, torch.Tensor):
        raise TypeError(f"maps must be a tensor N x 1 x H x W, got {type(maps).__name__}")
    maps = imaging.to_map(maps.detach().float())
    if len(maps) != n:
        raise ValueError(f"got {len(maps)} maps for {n} masks or pictures: give one map for each")
    if maps.shape[-2:] != tuple(size):
        maps = F.interpolate(maps, size=tuple(size), mode="bilinear", align_corners=False)
    return maps[:, 0]


def _dilate(masks: torch.Tensor, radius: int) -> torch.Tensor:
    """Grow each mask by every pixel within ``radius`` pixels (a disc)."""
    if radius < 0:
        raise ValueError(f"tolerance must be a number of pixels >= 0, got {radius}")
    if radius == 0:
        return masks
    r = torch.arange(-radius, radius + 1, device=masks.device, dtype=torch.float32)
    disc = ((r[:, None] ** 2 + r[None, :] ** 2) <= radius ** 2).float()[None, None]
    return F.conv2d(masks[:, None].float(), disc, padding=radius)[:, 0] > 0


# --- Faithfulness: deletion and insertion -----------------------------------------------------

@dataclass
class Curves:
    """Deletion or insertion curves of a batch, with their areas.

    Attributes:
        kind: ``"deletion"`` or ``"insertion"``.
        fractions: ``steps + 1`` shares of the pixels deleted (or revealed), from 0 to 1.
        probabilities: ``N x (steps + 1)`` softmax probabilities of each picture's target (NaN
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
        ax.plot(self.fractions.numpy(), mean.numpy(),
                label=f"{label or self.kind} (AUC {self.auc.nanmean():.3f})", **style)
        verb = "deleted" if self.kind == "deletion" else "revealed"
        ax.set(xlabel=f"share of pixels {verb}", ylabel="probability of the class", ylim=(0, 1.02),
               title=self.kind)
        ax.legend(fontsize=8)
        return ax.figure


def deletion(classifier, pictures, maps: torch.Tensor, target=None, steps: int = 32,
             batch_size: int | None = None, progress: bool = True) -> Curves:
    """Delete pixels in the order of ``maps``, most important first, and track the probability
    of the class (Petsiuk et al. 2018, RISE, https://arxiv.org/abs/1806.07421, sec. 4.1).

    Deleted pixels become black. A faithful map names the pixels the model needs, so the
    probability falls early and the area under the curve is small; compare it with the area for
    :func:`random_maps` (a random order).

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
    """
    return _curves("deletion", classifier, pictures, maps, target, steps, batch_size, progress)


def insertion(classifier, pictures, maps: torch.Tensor, target=None, steps: int = 32,
              batch_size: int | None = None, progress: bool = True) -> Curves:
    """Reveal pixels in the order of ``maps`` onto a blurred copy of the picture and track the
    probability of the class (Petsiuk et al. 2018, RISE, https://arxiv.org/abs/1806.07421).

    The blur (a Gaussian of 11 pixels, sigma 5, as in RISE's code) removes the object's detail
    without the sharp edges that black holes would add. A faithful map reveals what the model
    needs first, so the probability rises early and the area is large. Arguments as for
    :func:`deletion`.
    """
    return _curves("insertion", classifier, pictures, maps, target, steps, batch_size, progress)


def _curves(kind, classifier, pictures, maps, target, steps, batch_size, progress) -> Curves:
    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    n, (h, w) = len(pixels), pixels.shape[-2:]
    batch_size = resolve_batch_size(batch_size, (h, w), pixels.device)
    maps = _one_channel(maps, n, (h, w)).to(pixels.device)
    # rank[i, p]: the place of pixel p in picture i's order, 0 for the pixel the map ranks first.
    order = maps.flatten(1).argsort(dim=1, descending=True, stable=True)
    rank = torch.empty_like(order).scatter_(1, order, torch.arange(h * w, device=order.device).expand(n, -1))
    counts = torch.linspace(0, h * w, steps + 1, device=pixels.device).round().long()
    if kind == "deletion":
        start, end = pixels, torch.zeros_like(pixels)
    else:
        start, end = imaging.gaussian_blur(pixels, kernel_size=11, sigma=5.0), pixels

    # Every (picture, step) pair is one perturbed picture to classify; batch them all.
    pairs = torch.cartesian_prod(torch.arange(n), torch.arange(steps + 1)).to(pixels.device)
    probabilities = torch.full((n, steps + 1), float("nan"), device=pixels.device)
    with evaluating(classifier.model), torch.no_grad(), \
            tqdm(total=len(pairs), desc=kind, disable=not progress) as bar:
        try:
            for i, k in (chunk.unbind(dim=1) for chunk in pairs.split(batch_size)):
                changed = (rank[i] < counts[k, None]).view(-1, 1, h, w)
                batch = torch.where(changed, end[i], start[i])
                logits = classifier(imaging.normalize(batch, classifier.mean, classifier.std))
                probabilities[i, k] = target_scores(logits.softmax(dim=-1), targets[i])
                bar.update(len(i))
        except KeyboardInterrupt:
            warnings.warn(f"{kind} interrupted: the curves stop where it stopped (NaN beyond)")
    return Curves(kind, (counts.float() / (h * w)).cpu(), probabilities.cpu(), targets.cpu())


# --- Sanity: cascading randomisation ----------------------------------------------------------

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
        ax.set(ylabel="similarity to the original map", ylim=(-0.3, 1.05),
               xlabel="randomised down to (cumulative)")
        ax.axhline(0, color="grey", lw=0.5)
        ax.legend(fontsize=8)
        return ax.figure

    def show(self, index: int = 0, size: float = 1.6):
        """Picture ``index``'s maps, original first, as a row (the paper's figure 2)."""
        maps = [self.maps[j, index] for j in range(len(self.layers))]
        return imaging.show(maps, titles=self.layers, cols=len(maps), size=size)


def cascading_randomization(method, classifier, pictures, target=None, layers=None, seed: int = 0,
                            progress: bool = True, **kwargs) -> SanityCheck:
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
        method, classifier, pictures, target, **kwargs: as for :func:`explain`.
        layers: the layers to randomise, in the order given (top first); a block (``"layer4"``)
            is re-initialised as a whole. By default every module with its own parameters
            (convolutions, batch norms, linear layers), top first.
        seed: seeds the new weights.
        progress: show a progress bar; Ctrl-C returns the layers done so far.
    """
    pixels = pictures_batch(classifier, pictures)
    targets = predicted_targets(classifier, pixels, target)
    model = copy.deepcopy(classifier.model)
    broken = dataclasses.replace(classifier, model=model)
    names = _cascade(model, layers)
    original = explain(method, classifier, pixels, targets, **kwargs)
    done, maps = ["original"], [original]
    device = classifier.device
    devices = [device.index or 0] if device.type == "cuda" else []  # the RNGs fork_rng protects
    try:
        for j, name in enumerate(tqdm(names, desc="randomising", disable=not progress)):
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(seed + j)
                _reinitialise(resolve_layer(model, name)[1])
            maps.append(explain(method, broken, pixels, targets, **kwargs))
            done.append(name)
    except KeyboardInterrupt:
        warnings.warn(f"randomisation interrupted after {len(done) - 1} of {len(names)} layers")
    maps = torch.stack(maps[:len(done)]).cpu()
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


__all__ = ["explain", "pictures_batch", "predicted_targets", "random_maps", "centre_maps",
           "pointing_game", "energy_share", "Curves", "deletion", "insertion", "SanityCheck",
           "cascading_randomization"]
