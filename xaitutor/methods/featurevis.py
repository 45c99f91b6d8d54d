"""Feature visualization and DeepDream: gradient ascent on the picture itself.

Instead of asking "which pixels made the model say pug?", ask "what picture makes the model say
pug the most?" (the essay's chapter 4; Olah et al., "Feature Visualization", Distill 2017,
https://distill.pub/2017/feature-visualization/; DeepDream, Mordvintsev et al. 2015,
https://research.google/blog/inceptionism-going-deeper-into-neural-networks/).

>>> vis = xt.visualize(clf, xt.objectives.class_logit(254), seed=0)
>>> plt.imshow(vis.image); plt.plot(vis.history)

The recipe, in the order of the essay's section 4.1:

* gradient ascent (equation 4.3): ``img <- img + lr * d objective / d img``, with the gradient
  normalised to zero mean and unit standard deviation per image (program 4.4), so ``lr`` is
  the typical change of a pixel per step whatever the objective's scale;
* a multiscale pyramid (program 4.5): start on a small image, grow it by ``octave_scale`` up to
  ``size``, carrying the picture up: patterns grow large before the details come;
* a Gaussian blur, a low-pass filter that suppresses the high-frequency noise gradient ascent
  loves (program 4.4, kernel 7, sigma 0.9);
* jitter: a random shift before each step, so no pattern can rely on exact pixel
  positions (lucid's transformation robustness).

The picture lives in pixel space, [0, 1], and goes through the classifier's own normalisation
before every forward pass, so one recipe (one learning rate) fits every model. It is clamped to
[0, 1] after each step rather than squashed through a sigmoid: clamping keeps the update the plain
equation 4.3, and a pixel that hits a bound can come back the next step, whereas a sigmoid
shrinks the gradient of every bright or dark pixel and slows the ascent exactly where it goes well.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from .. import imaging
from ..guard import evaluating
from ..hooks import capture
from ..models import Classifier
from .objectives import Objective


@dataclass
class Visualization:
    """What :func:`visualize` made.

    Attributes:
        image: the picture to show, ``H x W x 3`` floats in [0, 1] (``N x H x W x 3`` for a batch).
        tensor: the model's input for it, normalised, ``1 x 3 x H x W`` (``N x 3 x H x W``).
        history: the objective at every step, ``(steps,)`` (``N x steps``); shorter if interrupted.
        names: a title per image (the objective's name, and the seed in a batch of seeds).
    """

    image: np.ndarray
    tensor: torch.Tensor
    history: np.ndarray
    names: list[str]

    def plot_history(self, ax=None, steps_per_octave: int | None = None):
        """The objective against the step, one line per image; dashed lines mark new octaves.

        Returns the matplotlib figure."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5, 3)) if ax is None else (ax.figure, ax)
        curves = self.history if self.history.ndim == 2 else self.history[None]
        for curve, name in zip(curves, self.names):
            ax.plot(curve, label=name)
        if steps_per_octave:
            for step in range(steps_per_octave, curves.shape[1], steps_per_octave):
                ax.axvline(step, color="grey", linestyle="--", linewidth=0.8)
        ax.set_xlabel("step")
        ax.set_ylabel("objective")
        if len(curves) <= 6:
            ax.legend(fontsize="small")
        return fig


def visualize(model: Classifier, objective, init="random", size: int = 224, octaves: int = 4,
              octave_scale: float = 1.4, steps: int = 30, lr: float = 0.05, blur: float | None = 0.9,
              blur_kernel: int = 7, blur_every: int = 4, normalize_grad: bool = True, jitter: int = 8,
              seed=0, progress: bool = True, callback=None) -> Visualization:
    """Find a picture that maximises ``objective`` by gradient ascent (the essay's eq. 4.3).

    Args:
        model: a :class:`~xaitutor.Classifier` (wrap a bare module with ``xt.models.wrap``): its
            mean and std turn the picture into the model's input.
        objective: an :mod:`~xaitutor.objectives` objective, or a list of them: one image each,
            all optimised together in one batch.
        init: ``"random"`` (uniform noise in [0, 1], a ``size`` x ``size`` square) or a picture
            (PIL, array, or a 3 x H x W / N x 3 x H x W tensor in [0, 1]) resized so its short
            side is ``size``: that is DeepDream (section 4.3.3).
        size: the side (the short side for a photo) of the final image.
        octaves: the levels of the pyramid (1: no pyramid); each is ``octave_scale`` times larger
            than the one before, the last one is ``size``.
        steps: gradient-ascent steps per octave.
        lr: the learning rate: how far a pixel moves per step, in units of the gradient's std.
        blur: the sigma of the Gaussian blur (``None`` or 0: no blur); ``blur_kernel`` its size.
        blur_every: blur before every ``blur_every``-th step. The essay blurs before every
            step; on efficientnet_lite0 that leaves the pug and the golden retriever at 13 % and
            11 % probability, while every 4th step lets detail back in: with the defaults (30
            steps per octave, ``jitter=8``) 9 of the essay's 11 classes get more than 50 % and
            all 11 are the model's top-1 (``bench/featurevis.py --classes``).
        normalize_grad: scale the gradient to zero mean and unit std per image (program 4.4).
        jitter: shift the picture by up to this many pixels, randomly, before each step: the
            pattern must work wherever it lands, which gives larger, more recognisable shapes.
        seed: the random start and jitter; a list of seeds gives a batch of images.
        progress: show a progress bar.
        callback: called as ``callback(step, total_steps, pixels)`` after each step, with the
            current ``N x 3 x h x w`` picture in [0, 1] (for live displays).

    Returns:
        A :class:`Visualization`. Ctrl-C (KeyboardInterrupt) stops early and returns the picture
        so far.
    """
    if not isinstance(model, Classifier):
        raise TypeError("visualize needs an xaitutor Classifier, which knows the model's normalisation: "
                        "wrap a bare module with xt.models.wrap(model, mean=..., std=...)")
    objectives, seeds = _batch(objective, seed)
    _check_settings(size, octaves, octave_scale, steps, blur_kernel, blur_every, jitter)
    device = model.device
    pixels = _initial_pixels(init, size, seeds).to(device)
    final = pixels.shape[-2:]
    layers = list(dict.fromkeys(name for o in objectives for name in o.layers))
    generators = [torch.Generator().manual_seed(s) for s in seeds]
    history = []
    total = octaves * steps
    bar = tqdm(total=total, desc="feature visualization", disable=not progress, leave=False)
    with evaluating(model.model), capture(model.model, layers) as rec:
        for p in model.model.parameters():  # no weight gradients needed: a faster backward
            p.requires_grad_(False)         # (evaluating restores the flags)
        try:
            for shape in octave_shapes(final, octaves, octave_scale):
                scale = shape[0] / final[0]
                pixels = imaging.resize(pixels, shape)  # carry the picture up to the next octave
                for _ in range(steps):
                    if blur and (len(history) + 1) % blur_every == 0:  # before the step, as program 4.4
                        pixels = imaging.gaussian_blur(pixels, blur_kernel, blur)
                    pixels, values = _ascent_step(model, rec, objectives, pixels, scale, lr,
                                                  normalize_grad, jitter, generators)
                    history.append(values)
                    bar.update()
                    if callback is not None:
                        callback(len(history), total, pixels)
        except KeyboardInterrupt:
            pass  # return what we have
        finally:
            bar.close()
    return _result(model, pixels, history, objectives, seeds)


def _ascent_step(model, rec, objectives, pixels, scale, lr, normalize_grad, jitter, generators):
    """One step of equation 4.3 on the whole batch; returns the new pixels and the objectives."""
    pixels = pixels.detach().requires_grad_(True)
    shifted = _jitter(pixels, jitter, generators) if jitter else pixels
    logits = model.model(imaging.normalize(shifted, model.mean, model.std))
    # Image i maximises objective i; the images do not interact (eval-mode batch norm), so the
    # gradient of the sum is each image's own gradient.
    values = torch.stack([o(rec.activations, logits, scale)[i] for i, o in enumerate(objectives)])
    (grad,) = torch.autograd.grad(values.sum(), pixels)
    if normalize_grad:
        grad = normalized_gradient(grad)
    return (pixels.detach() + lr * grad).clamp(0, 1), values.detach().cpu()


def normalized_gradient(grad: torch.Tensor) -> torch.Tensor:
    """``(grad - mean) / std`` per image of an ``N x C x H x W`` batch (the essay's program 4.4).

    A constant gradient has std 0, which the essay's formula turns into 0 / 0 = NaN; here
    ``grad - mean`` is 0 everywhere, so the normalised gradient is 0 and the step does nothing.
    """
    flat = grad.flatten(1)
    mean = flat.mean(1).view(-1, 1, 1, 1)
    std = flat.std(1).view(-1, 1, 1, 1)
    return (grad - mean) / std.clamp_min(torch.finfo(grad.dtype).tiny)


def octave_shapes(shape, octaves: int, octave_scale: float) -> list[tuple[int, int]]:
    """The image sizes of the pyramid (program 4.5): ``octaves`` sizes, each ``octave_scale``
    times the one before, the last one ``shape`` (``(height, width)``).

    >>> octave_shapes((224, 224), 4, 1.4)
    [(82, 82), (114, 114), (160, 160), (224, 224)]
    """
    return [tuple(max(1, round(side * octave_scale ** (octave - octaves + 1))) for side in shape)
            for octave in range(octaves)]


def _jitter(pixels, jitter, generators):
    """Roll each image by its own random offset of up to ``jitter`` pixels (wrapping around)."""
    shifts = [torch.randint(-jitter, jitter + 1, (2,), generator=g).tolist() for g in generators]
    return torch.stack([p.roll(s, dims=(-2, -1)) for p, s in zip(pixels, shifts)])


def _batch(objective, seed) -> tuple[list[Objective], list[int]]:
    """One objective and one seed per image: a list of either gives the batch, a single one is
    repeated; two lists pair up and must have the same length."""
    objectives = list(objective) if isinstance(objective, (list, tuple)) else [objective]
    seeds = list(seed) if isinstance(seed, (list, tuple, range)) else [seed]
    for o in objectives:
        if not isinstance(o, Objective):
            raise TypeError(f"expected an objective such as xt.objectives.class_logit(254), got "
                            f"{type(o).__name__}")
    if not objectives or not seeds:
        raise ValueError("got an empty list of objectives or seeds")
    if len(objectives) > 1 and len(seeds) > 1 and len(objectives) != len(seeds):
        raise ValueError(f"got {len(objectives)} objectives and {len(seeds)} seeds: give one seed, "
                         "or one seed per objective")
    n = max(len(objectives), len(seeds))
    return objectives * (n // len(objectives)), seeds * (n // len(seeds))


def _check_settings(size, octaves, octave_scale, steps, blur_kernel, blur_every, jitter):
    checks = [
        (isinstance(size, int) and size >= 8, f"size must be an int of at least 8 pixels, got {size!r}"),
        (isinstance(octaves, int) and octaves >= 1, f"octaves must be an int >= 1, got {octaves!r}"),
        (octave_scale >= 1, f"octave_scale must be >= 1 (each octave larger), got {octave_scale!r}"),
        (isinstance(steps, int) and steps >= 1, f"steps must be an int >= 1, got {steps!r}"),
        (blur_kernel % 2 == 1 and blur_kernel > 0, f"blur_kernel must be odd and positive, got {blur_kernel!r}"),
        (isinstance(blur_every, int) and blur_every >= 1, f"blur_every must be an int >= 1, got {blur_every!r}"),
        (isinstance(jitter, int) and jitter >= 0, f"jitter must be an int >= 0 pixels, got {jitter!r}"),
    ]
    for ok, message in checks:
        if not ok:
            raise ValueError(message)


def _initial_pixels(init, size: int, seeds: list[int]) -> torch.Tensor:
    """The starting batch in pixel space: seeded uniform noise (the essay's ``U[0, 1]``), or a
    picture repeated over the batch."""
    if isinstance(init, str):
        if init != "random":
            raise ValueError(f"init must be 'random' or a picture, got {init!r}")
        return torch.stack([torch.rand(3, size, size, generator=torch.Generator().manual_seed(s))
                            for s in seeds])
    picture = imaging.resize(imaging.to_tensor(init), size)
    picture = picture if picture.dim() == 4 else picture[None]
    if len(picture) not in (1, len(seeds)):
        raise ValueError(f"init holds {len(picture)} pictures for a batch of {len(seeds)} images")
    return picture.expand(len(seeds), -1, -1, -1).clone()


def _result(model, pixels, history, objectives, seeds) -> Visualization:
    pixels = pixels.detach()
    names = [o.name for o in objectives]
    if len(set(seeds)) > 1:
        names = [f"{name}, seed {s}" for name, s in zip(names, seeds)]
    values = torch.stack(history, dim=1).numpy() if history else np.zeros((len(pixels), 0))
    images = pixels.permute(0, 2, 3, 1).cpu().numpy()
    tensor = imaging.normalize(pixels, model.mean, model.std)
    single = len(pixels) == 1
    return Visualization(image=images[0] if single else images, tensor=tensor,
                         history=values[0] if single else values, names=names)


__all__ = ["visualize", "Visualization", "normalized_gradient", "octave_shapes"]
