"""Two ways to describe the picture that feature visualization optimises (its *parameterisation*).

* :class:`PixelImage`, the essay's: the parameters are the pixels themselves, in [0, 1], and a
  step is the normalised gradient ascent of program 4.4, clamped back into [0, 1].
* :class:`FourierImage`, lucid's (Olah, Mordvintsev & Schubert, "Feature Visualization", Distill
  2017, https://distill.pub/2017/feature-visualization/#preconditioning): the parameters are the
  picture's 2-D Fourier spectrum, each frequency scaled by ``1 / f`` so that every frequency band
  moves as fast as in a natural photo (whose spectrum falls as ``1 / f``), in a colour space
  where the three channels are decorrelated as ImageNet's colours are; a sigmoid keeps the
  picture in (0, 1). The gradient of a network with respect to pixels is dominated by high
  frequencies; in this space a step of the same size moves low frequencies (shapes) as much as
  high ones (noise), which is why the pictures become readable.

Both give ``pixels()`` (``N x 3 x H x W`` in [0, 1], differentiable with respect to ``leaf``), take
``step(grad)`` (ascent, with the gradient with respect to ``leaf``) and are built back from pixels
by ``from_pixels``, which is how a picture moves from one octave of the pyramid to the next.
"""

from __future__ import annotations

import torch

# The square root of the covariance of ImageNet's RGB colours (lucid's color_correlation_svd_sqrt),
# scaled so its largest column has norm 1: it maps decorrelated channels to RGB.
COLOR_CORRELATION = torch.tensor([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]])
COLOR_CORRELATION = COLOR_CORRELATION / COLOR_CORRELATION.norm(dim=0).max()
SPECTRUM_SD = 0.01  # lucid's initial standard deviation of the spectrum: a near-grey start
SATURATION = 4.0  # lucid's constant dividing the image before the sigmoid: less saturated colours


def correlate_colors(x: torch.Tensor) -> torch.Tensor:
    """Decorrelated channels -> RGB (both before the sigmoid): ``COLOR_CORRELATION @ x`` per pixel."""
    return torch.einsum("rc,nchw->nrhw", COLOR_CORRELATION.to(x), x)


def decorrelate_colors(x: torch.Tensor) -> torch.Tensor:
    """RGB -> decorrelated channels: the inverse of :func:`correlate_colors`."""
    return torch.einsum("cr,nrhw->nchw", torch.linalg.inv(COLOR_CORRELATION).to(x), x)


def spectrum_scale(height: int, width: int, decay_power: float = 1.0) -> torch.Tensor:
    """``1 / f ** decay_power`` for each frequency of ``torch.fft.rfft2`` on a ``height x width``
    picture (``height x (width // 2 + 1)``), with ``f`` the frequency in cycles per pixel; the zero
    frequency gets the scale of the lowest non-zero one, ``1 / max(height, width)``."""
    fy = torch.fft.fftfreq(height)[:, None]
    fx = torch.fft.rfftfreq(width)[None, :]
    frequency = (fx**2 + fy**2).sqrt().clamp_min(1 / max(height, width))
    return frequency**-decay_power


class PixelImage:
    """The pixels themselves (the essay's section 4.2): ``leaf`` is the ``N x 3 x H x W`` picture.

    A step is equation 4.3 with the gradient normalised per image (program 4.4): ``lr`` is the
    typical change of a pixel, whatever the objective's scale; the picture is then clamped to
    [0, 1], so a pixel that hits a bound can come back the next step.
    """

    def __init__(self, pixels: torch.Tensor, lr: float):
        self.leaf = pixels.detach().clone().requires_grad_(True)
        self.lr = lr

    @classmethod
    def from_pixels(cls, pixels: torch.Tensor, lr: float) -> PixelImage:
        return cls(pixels, lr)

    def pixels(self) -> torch.Tensor:
        return self.leaf

    @torch.no_grad()
    def step(self, grad: torch.Tensor) -> None:
        self.leaf.add_(self.lr * normalized_gradient(grad)).clamp_(0, 1)


class FourierImage:
    """A picture described by its decorrelated, ``1 / f``-scaled spectrum (lucid's ``fft_image``
    with ``decorrelate=True``): ``leaf`` is ``N x 3 x H x (W // 2 + 1) x 2`` (real and imaginary
    parts), and ``pixels = sigmoid(correlate(irfft2(scale * spectrum)) / SATURATION)``.

    A step is Adam's (lr 0.05 in lucid): its per-parameter scaling suits the spectrum's
    very different magnitudes better than one normalised gradient.
    """

    def __init__(self, spectrum: torch.Tensor, size: tuple[int, int], lr: float):
        self.leaf = spectrum.detach().clone().requires_grad_(True)
        self.size = size
        self.optimizer = torch.optim.Adam([self.leaf], lr=lr, maximize=True)

    @classmethod
    def random(cls, size: tuple[int, int], generators: list[torch.Generator], lr: float) -> FourierImage:
        """Small random spectra (one per generator): a near-grey picture with faint noise."""
        shape = (3, size[0], size[1] // 2 + 1, 2)
        spectra = torch.stack([torch.randn(shape, generator=g) * SPECTRUM_SD for g in generators])
        return cls(spectra, size, lr)

    @classmethod
    def from_pixels(cls, pixels: torch.Tensor, lr: float) -> FourierImage:
        """The spectrum whose picture is ``pixels`` (``N x 3 x H x W`` in [0, 1]; values at 0 or 1,
        out of the sigmoid's reach, come back a hair inside)."""
        eps = 1e-4
        logits = torch.logit(pixels.detach().clamp(eps, 1 - eps)) * SATURATION
        size = tuple(pixels.shape[-2:])
        spectrum = torch.fft.rfft2(decorrelate_colors(logits), norm="ortho")
        return cls(torch.view_as_real(spectrum) / spectrum_scale(*size).to(pixels)[..., None], size, lr)

    def pixels(self) -> torch.Tensor:
        return to_pixels(self.leaf, self.size)  # every part of lucid's picture on

    def step(self, grad: torch.Tensor) -> None:
        self.leaf.grad = grad
        self.optimizer.step()
        self.leaf.grad = None


def normalized_gradient(grad: torch.Tensor) -> torch.Tensor:
    """``(grad - mean) / std`` per image of an ``N x C x H x W`` batch (the essay's program 4.4).

    A constant gradient has std 0, which the essay's formula turns into 0 / 0 = NaN, or, after
    float rounding (a mean of 0.3s is not exactly 0.3), into rounding noise blown up to unit std.
    Here a gradient whose std is below a millionth of its magnitude counts as constant: its
    normalised gradient is 0 and the step does nothing.
    """
    flat = grad.flatten(1)
    mean = flat.mean(1).view(-1, 1, 1, 1)
    std = flat.std(1)
    std = torch.where(std > 1e-6 * flat.abs().amax(1), std, torch.inf).view(-1, 1, 1, 1)
    return (grad - mean) / std


def to_pixels(
    spectrum: torch.Tensor, size, scale: bool = True, decorrelate: bool = True, saturation: float | None = SATURATION
) -> torch.Tensor:
    """The picture of a spectrum ``N x 3 x H x (W // 2 + 1) x 2`` (real and imaginary parts), with
    lucid's parts switched on or off: the ``1 / f`` ``scale``, the colour correlation of ImageNet
    (``decorrelate``: the three channels are decorrelated colours, not R, G, B), and a sigmoid of
    the values divided by ``saturation`` (``None``: no sigmoid, the values standardised to a mean of
    0.5 and a standard deviation of 0.15 and clamped to [0, 1], to look at them at one contrast)."""
    if scale:
        spectrum = spectrum * spectrum_scale(*size).to(spectrum)[..., None]
    image = torch.fft.irfft2(torch.view_as_complex(spectrum.contiguous()), s=tuple(size), norm="ortho")
    if decorrelate:
        image = correlate_colors(image)
    if saturation:
        return torch.sigmoid(image / saturation)
    centred = image - image.mean((1, 2, 3), keepdim=True)
    return (0.5 + 0.15 * centred / centred.std((1, 2, 3), keepdim=True)).clamp(0, 1)
