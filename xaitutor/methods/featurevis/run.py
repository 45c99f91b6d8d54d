"""One batch of pictures being optimised, and the step that computes its gradient."""

from __future__ import annotations

import numpy as np
import torch

from ... import imaging
from ..driver import gradient
from . import settings
from .images import FourierImage


class Run:
    """One batch of pictures being optimised: its parameterisation, its random numbers, its
    history of objective values."""

    def __init__(self, model, rec, objectives, generators, transform):
        self.model, self.rec, self.objectives = model, rec, objectives
        self.generators, self.transform = generators, transform
        self.image, self.scale, self.values = None, 1.0, []

    def begin_octave(self, kind, shape, lr, photos, scale):
        """Start, or move the picture up to the next octave's ``shape``."""
        self.scale = scale
        if self.image is None:
            if photos is None and kind is FourierImage:
                self.image = FourierImage.random(shape, self.generators, lr)
                return
            start = photos if photos is not None else settings.noise(self.generators, shape)
            self.image = kind.from_pixels(imaging.resize(start, shape).to(self.model.device), lr)
        else:
            self.image = kind.from_pixels(settings.grow(self.pixels(), shape, photos), lr)

    def step(self):
        values, grad = ascent_gradient(
            self.model, self.rec, self.image, self.objectives, self.transform, self.generators, self.scale
        )
        self.image.step(grad)
        self.values.append(values)

    @torch.no_grad()
    def blur(self, kernel, sigma):
        self.image.leaf.copy_(imaging.gaussian_blur(self.image.leaf, kernel, sigma))

    def pixels(self) -> torch.Tensor:
        with torch.no_grad():
            return self.image.pixels().detach()

    def result(self) -> tuple[torch.Tensor, np.ndarray]:
        """The pictures (``n x 3 x H x W``, on the CPU) and the history (``n x steps``)."""
        history = torch.stack(self.values, dim=1).numpy() if self.values else np.zeros((len(self.generators), 0))
        return self.pixels().cpu(), history


def ascent_gradient(model, rec, image, objectives, transform, generators, scale):
    """One forward and one backward to the picture's parameters: the gradient of eq. 4.3.

    The picture goes through the random ``transform`` and the model's normalisation; picture ``i``
    maximises ``objectives[i]``. The pictures of a batch do not interact (eval-mode batch norm)
    unless an objective compares them (``diversity``), so the gradient of the sum is each
    picture's own. The gradient is the driver's, taken with respect to the parameters of the
    picture (pixels, or the Fourier spectrum: the parameterisation is part of the graph), not the
    model's input: the hooks stay on for the whole run instead of one forward pass, which is why
    the step does not use :func:`~xaitutor.methods.driver.forward`. Returns the objective of each
    picture (detached) and the gradient.
    """
    pixels = image.pixels()
    logits = model(imaging.normalize(transform(pixels, generators), model.mean, model.std))
    computed = {}  # a batch of seeds shares one objective: evaluate it once
    for o in objectives:
        if id(o) not in computed:
            computed[id(o)] = o(rec.activations, logits, scale)
    values = torch.stack([computed[id(o)][i] for i, o in enumerate(objectives)])
    grad = gradient(values.sum(), image.leaf, unused="the picture: choose a layer the forward pass uses")
    return values.detach().cpu(), grad
