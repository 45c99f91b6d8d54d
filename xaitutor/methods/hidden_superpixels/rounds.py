"""What LIME and Kernel SHAP share around their own equations: the picture, the black box, the
superpixels and what a hidden one shows, set up once (:func:`setup`), and on/off rows classified
in batches through the black box, under the progress bar (:func:`classify`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ...resolve import resolve_batch_size, resolve_targets
from ..black_box import BlackBox, black_box, one_picture
from .mixing import perturb
from .segmentation import hidden_picture, segment


@dataclass
class Setup:
    """One picture ready to be explained over its superpixels.

    Attributes:
        picture, hidden: the ``3 x H x W`` picture and what its hidden superpixels show.
        segments: ``H x W`` superpixel indices ``0 .. F-1``.
        box: the classifier as a :class:`~xaitutor.methods.black_box.BlackBox`.
        shown, hidden_shown: ``picture`` and ``hidden`` prepared for the box once.
        batch_size: pictures per call of the box.
    """

    picture: torch.Tensor
    hidden: torch.Tensor
    segments: torch.Tensor
    box: BlackBox
    shown: torch.Tensor
    hidden_shown: torch.Tensor
    batch_size: int

    @property
    def num_superpixels(self) -> int:
        return int(self.segments.max()) + 1


def setup(classifier, image, segmenter, hide, batch_size, segmenter_params=None, labels=None) -> Setup:
    """Steps 1 and 3's sources: the picture, its superpixels (:func:`segment`), what a hidden one
    shows (:func:`hidden_picture`), both prepared for the black box, and the batch size."""
    picture = one_picture(image)
    box = black_box(classifier, picture, labels)
    batch_size = resolve_batch_size(batch_size, box.grid, box.device)
    segments = segment(image, segmenter, **(segmenter_params or {}))
    hidden = hidden_picture(picture, segments, hide)
    return Setup(picture, hidden, segments, box, box.prepare(picture), box.prepare(hidden), batch_size)


class Classified:
    """The rows classified so far and the black box's probability of :attr:`target` for each,
    kept batch by batch, so that what a Ctrl-C leaves is whole."""

    def __init__(self, target=None):
        self.target, self.parts = target, []  # parts: (rows, probabilities) of each batch

    def __len__(self) -> int:
        return sum(len(rows) for rows, _ in self.parts)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All rows so far, ``N x F``, and their ``N`` probabilities (float64)."""
        rows, predictions = zip(*self.parts)
        return np.concatenate(rows), np.concatenate(predictions)


def classify(run: Setup, rows: np.ndarray, done: Classified, bar) -> None:
    """Step 4: the black box's probability of ``done.target`` for each on/off row,
    ``run.batch_size`` pictures a call, each batch appended to ``done`` and counted on ``bar``.
    The first row classified (``done`` empty) must be the original picture: the target is checked
    against it, and ``None`` becomes its top class."""
    for start in range(0, len(rows), run.batch_size):
        chunk = rows[start : start + run.batch_size]
        probabilities = run.box(perturb(run.shown, run.hidden_shown, run.segments, chunk))
        if not done.parts:
            done.target = int(resolve_targets(probabilities[:1], done.target)[0])
        done.parts.append((chunk, probabilities[:, done.target].double().cpu().numpy()))
        bar.update(len(chunk))
