"""What every explanation over superpixels holds and shows, whatever gave each superpixel its
number (LIME's surrogate weights, Kernel SHAP's Shapley values): the picture, its segments, the
top superpixels, a mask, a map on the classifier's grid, a figure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ... import imaging


@dataclass
class SuperpixelExplanation:
    """One number per superpixel of a picture, and the views of them. A subclass says where the
    numbers are (:attr:`attribution`) and what the figure's second title line tells (:meth:`_caption`).

    Attributes:
        picture: the ``3 x H x W`` picture explained, in [0, 1], on its own grid.
        segments: ``H x W`` superpixel indices ``0 .. F-1``.
        hidden: the ``3 x H x W`` picture a switched-off superpixel shows.
        target, label: the class explained, as an index and a name.
        grid: ``(height, width)`` of the grid :meth:`map` paints on: the preprocessed picture's
            for a ``Classifier``, the picture's own for a function.
    """

    picture: torch.Tensor
    segments: torch.Tensor
    hidden: torch.Tensor
    target: int
    label: str
    grid: tuple[int, int]

    @property
    def attribution(self) -> np.ndarray:
        """One number per superpixel: how much showing it raises the target's probability."""
        raise NotImplementedError

    @property
    def num_superpixels(self) -> int:
        return int(self.segments.max()) + 1

    def _caption(self) -> str:
        return ""

    def top(self, k: int = 5, positive_only: bool = True, negative_only: bool = False) -> list[int]:
        """The ``k`` superpixels with the largest numbers: positive ones only (the evidence for the
        class), negative ones only (the evidence against), or both, by absolute value."""
        if positive_only and negative_only:
            raise ValueError("positive_only and negative_only cannot both be true")
        values = self.attribution
        order = np.argsort(-np.abs(values), kind="stable")
        if positive_only:
            order = [i for i in order if values[i] > 0]
        elif negative_only:
            order = [i for i in order if values[i] < 0]
        return [int(i) for i in order[:k]]

    def mask(self, k: int = 5, positive_only: bool = True, negative_only: bool = False) -> torch.Tensor:
        """An ``H x W`` boolean mask of the superpixels :meth:`top` picks."""
        return torch.isin(self.segments, torch.tensor(self.top(k, positive_only, negative_only), dtype=torch.long))

    def map(self) -> torch.Tensor:
        """The numbers painted on their superpixels, as a ``1 x 1 x h x w`` map on :attr:`grid`:
        for a ``Classifier``, the preprocessed grid (what ``classifier.preprocess(image)``
        gives), so it lines up with a Grad-CAM; for a function, the picture's own. Signed and
        unscaled; resized by averaging each output pixel's footprint."""
        painted = torch.from_numpy(np.asarray(self.attribution)).float()[self.segments][None, None]
        return F.interpolate(painted, size=self.grid, mode="area")

    def plot(self, k: int = 5, positive_only: bool = True, negative_only: bool = False, ax=None, colorbar=True):
        """Show the picture with the :meth:`top` superpixels outlined and tinted by their number on
        the course's diverging scale (red: for the class, blue: against, white: 0) and the rest
        dimmed, with a colour bar (or, with ``colorbar=False``, for an axes drawn again and again,
        the scale named in the title); returns the figure."""
        import matplotlib.pyplot as plt
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from skimage.segmentation import mark_boundaries

        chosen, values = self.top(k, positive_only, negative_only), np.asarray(self.attribution, dtype=float)
        picture, segments = imaging.to_image(self.picture), self.segments.numpy()
        limit = float(np.abs(values).max()) or 1.0
        scale = ScalarMappable(Normalize(-limit, limit), "RdBu_r")
        tint = scale.to_rgba(values)[:, :3][segments]  # each pixel coloured by its superpixel's number
        picked = np.isin(segments, chosen)[..., None]
        shown = np.where(picked, 0.45 * picture + 0.55 * tint, 0.35 * picture + 0.65 * 0.5)
        shown = mark_boundaries(shown, picked[..., 0] * (segments + 1), color=(1, 1, 0))
        if ax is None:
            fig, ax = plt.subplots(figsize=(4.6, 4 * picture.shape[0] / picture.shape[1] + 0.4))
        ax.imshow(shown)
        ax.axis("off")
        kind = "for" if positive_only else "against" if negative_only else "for and against"
        caption = self._caption()
        if colorbar:
            bar = ax.figure.colorbar(scale, ax=ax, fraction=0.04, pad=0.02)
            bar.set_label("red: for, blue: against", fontsize=7)
            bar.ax.tick_params(labelsize=6)
        else:
            caption = ", ".join(filter(None, [caption, "red: for, blue: against"]))
        ax.set_title(f"top {len(chosen)} superpixels {kind} '{self.label}'\n{caption}", fontsize=9)
        return ax.figure
