"""What :func:`~xaitutor.visualize` returns: the pictures, the model's input for them, the
objective at every step; and how well a classifier believes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ... import imaging


@dataclass
class Visualization:
    """What :func:`~xaitutor.visualize` made.

    Attributes:
        image: the picture to show, ``H x W x 3`` floats in [0, 1] (``N x H x W x 3`` for a batch).
        tensor: the model's input for it, normalised, ``1 x 3 x H x W`` (``N x 3 x H x W``).
        history: the objective at every step, ``(steps,)`` (``N x steps``); shorter if
            interrupted (NaN after its stop for a picture of a batch that stopped early).
        names: a title per image (the objective's name, and the seed in a batch of seeds).
    """

    image: np.ndarray
    tensor: torch.Tensor
    history: np.ndarray
    names: list[str]

    @property
    def pictures(self) -> torch.Tensor:
        """The pictures as an ``N x 3 x H x W`` tensor in [0, 1]."""
        images = self.image if self.image.ndim == 4 else self.image[None]
        return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)

    def png(self, i: int = 0):
        """Picture ``i`` as an 8-bit RGB PIL image (what a PNG file stores): ``vis.png().save(path)``."""
        from PIL import Image

        images = self.image if self.image.ndim == 4 else self.image[None]
        return Image.fromarray((images[i] * 255).round().astype(np.uint8))

    def probabilities(self, classifier, classes) -> list[float]:
        """The probability ``classifier`` gives class ``classes[i]`` on picture ``i``
        (:func:`probabilities`)."""
        return probabilities(classifier, self.pictures, classes)

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


def probabilities(classifier, pictures, classes) -> list[float]:
    """The probability ``classifier`` gives class ``classes[i]`` on picture ``i``, each picture
    resized to the classifier's own ``input_size`` (240 for efficientnet_lite1): a second model's
    opinion, or the model's own.

    Args:
        pictures: ``N x 3 x H x W`` tensor or ``N x H x W x 3`` array in [0, 1] (one picture too),
            or a list of ``H x W x 3`` arrays (``gallery.load``'s).
        classes: one class index per picture (one int for one picture).
    """
    if isinstance(pictures, (list, tuple)):
        pictures = np.stack(pictures)
    if isinstance(pictures, np.ndarray):
        pictures = torch.from_numpy(np.ascontiguousarray(pictures))
        pictures = pictures.permute(2, 0, 1) if pictures.dim() == 3 else pictures.permute(0, 3, 1, 2)
    pictures = pictures if pictures.dim() == 4 else pictures[None]
    classes = [classes] if isinstance(classes, int) else list(classes)
    if len(classes) != len(pictures):
        raise ValueError(f"give one class per picture: {len(pictures)} pictures, {len(classes)} classes")
    with torch.no_grad():  # a few pictures at a time: a batch's activations are what a forward holds
        probs = torch.cat([classifier.probabilities(classifier.preprocess(chunk)) for chunk in pictures.split(4)])
    return [float(probs[i, c]) for i, c in enumerate(classes)]


def collect(runs: list[tuple[torch.Tensor, np.ndarray]], names: list[str], model) -> Visualization:
    """One :class:`Visualization` from the runs of the batches, in order: each run is the batch's
    pictures (``n x 3 x H x W`` in [0, 1]) and its history (``n x steps``)."""
    pixels = torch.cat([p.detach().cpu() for p, _ in runs])
    longest = max(h.shape[1] for _, h in runs)
    history = np.concatenate([np.pad(h, ((0, 0), (0, longest - h.shape[1])), constant_values=np.nan) for _, h in runs])
    images = pixels.permute(0, 2, 3, 1).numpy()
    tensor = imaging.normalize(pixels.to(model.device), model.mean, model.std)
    single = len(pixels) == 1
    return Visualization(
        image=images[0] if single else images,
        tensor=tensor,
        history=history[0] if single else history,
        names=names[: len(pixels)],
    )
