"""What RISE found: the saliency map of one picture, its map on the classifier's grid, a figure."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ... import imaging


@dataclass
class RiseExplanation:
    """What :func:`rise` found.

    Attributes:
        picture: the ``3 x H x W`` picture explained, in [0, 1], on its own grid.
        saliency: ``H x W`` float64, eq. 6: for each pixel the expected probability of the target
            when that pixel is shown, divided by ``p`` (about the probability with the pixel
            kept; a pixel the classifier ignores gets about the mean over the masks, ``/ p``).
        target, label: the class explained, as an index and a name.
        probability: the classifier's probability of the target on the picture itself.
        grid: ``(height, width)`` of the grid :meth:`map` paints on: the preprocessed picture's
            for a ``Classifier``, the picture's own for a function.
        num_masks: the masks the saliency was averaged over (fewer than asked after a Ctrl-C).
        cells, p: the masks' grid and keep-probability.
    """

    picture: torch.Tensor
    saliency: torch.Tensor
    target: int
    label: str
    probability: float
    grid: tuple[int, int]
    num_masks: int
    cells: int
    p: float

    def map(self) -> torch.Tensor:
        """The saliency as a ``1 x 1 x h x w`` map on :attr:`grid` (float32, unscaled): for a
        ``Classifier`` the preprocessed grid, so it lines up with a Grad-CAM or LIME's map."""
        saliency = self.saliency.float()[None, None]
        if tuple(saliency.shape[-2:]) == tuple(self.grid):
            return saliency
        return F.interpolate(saliency, size=self.grid, mode="bilinear", align_corners=False, antialias=True)

    def plot(self, ax=None):
        """The saliency over the picture (:func:`~xaitutor.imaging.overlay`); returns the figure."""
        title = (
            f"RISE for '{self.label}' (p = {self.probability:.2f})\n"
            f"{self.num_masks} masks, {self.cells} x {self.cells} cells"
        )
        return imaging.show(imaging.overlay(self.picture, self.saliency), titles=title, ax=ax)
