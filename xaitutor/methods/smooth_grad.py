"""SmoothGrad: input gradients averaged over noisy copies of the input (and SmoothGrad², VarGrad).

Smilkov, Thorat, Kim, Viégas and Wattenberg, "SmoothGrad: removing noise by adding noise", 2017,
https://arxiv.org/abs/1706.03825, eq. 3:

    M_hat_c(x) = 1/n sum_{k=1}^n M_c(x + N(0, sigma^2)),   M_c = d y^c / d x

with ``sigma = noise * (x_max - x_min)`` per image (the paper's noise level, a fraction of the
input's range). SmoothGrad² averages the squared gradients; VarGrad (Adebayo et al., "Local
Explanation Methods for Deep Neural Networks Lack Sensitivity to Parameter Values", 2018,
https://arxiv.org/abs/1810.03307) is their variance over the samples.
"""

from __future__ import annotations

import math
import numbers

import torch

from ..progress_bar import interruptible
from ..resolve import resolve_copies, resolve_count, resolve_input, resolve_model, resolve_seed
from .driver import copies_gradient, fixed_targets
from .protocol import declare


@declare(
    "SmoothGrad",
    kind="gradient",
    returns="attribution",
    chapter=6,
    paper="Smilkov, Thorat, Kim, Viégas and Wattenberg, 2017, https://arxiv.org/abs/1706.03825",
    cost="samples x (forward + backward), batched",
    passes="samples",
    shapes=dict(samples=32),
    photo=dict(samples=32),
)
def smoothgrad(
    model,
    x: torch.Tensor,
    target=None,
    samples: int = 50,
    noise: float = 0.15,
    seed: int = 0,
    squared: bool = False,
    variance: bool = False,
    batch_size: int | None = None,
    progress: bool = True,
) -> torch.Tensor:
    """SmoothGrad (eq. 3) of each image's target score.

    Args:
        model: a ``Classifier`` or a bare ``nn.Module`` returning logits.
        x: the preprocessed batch, ``N x 3 x H x W``.
        target: ``None`` (each image's top class at ``x``), an int or one class per image.
        samples: noisy copies per image, ``n``.
        noise: the noise level, ``sigma / (x_max - x_min)`` of each image (0 to 1; the paper
            recommends 0.1 to 0.2).
        seed: the seed of the noise (a CPU ``torch.Generator``: the same on every device and for
            every ``batch_size``); ``None``: fresh randomness at each call.
        squared: SmoothGrad², the mean of the squared gradients.
        variance: VarGrad, the variance of the gradients over the samples (``1/n`` normalised).
        batch_size: pictures per pass (``batch_size // N`` samples of all ``N`` images).
        progress: show a progress bar; Ctrl-C returns the average over the samples done.

    Returns:
        ``N x 3 x H x W``: the mean gradient (signed), or the mean square, or the variance.
    """
    samples = resolve_count(samples, "samples")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise < math.inf:
        raise ValueError(f"noise must be a finite number >= 0 (a fraction of the input's range), got {noise!r}")
    if squared and variance:
        raise ValueError("choose squared=True (SmoothGrad²) or variance=True (VarGrad), not both")
    x = resolve_input(resolve_model(model), x)
    targets = fixed_targets(model, x, target)
    sigma = noise * (x.flatten(1).amax(dim=1) - x.flatten(1).amin(dim=1))[:, None, None, None]
    generator = torch.Generator().manual_seed(resolve_seed(seed))
    total, total_square = torch.zeros_like(x), torch.zeros_like(x)
    partial = "the result averages the samples done"
    with interruptible(samples, "smoothgrad", progress, unit="sample", partial=partial) as bar:
        for k in torch.arange(samples).split(resolve_copies(batch_size, x)):
            # One draw per sample, so the noise does not depend on the batch size, and in float32
            # whatever the model's type, so a float64 model sees the same noise.
            eps = torch.stack([torch.randn(x.shape, generator=generator) for _ in k])
            gradients, _ = copies_gradient(model, x + sigma * eps.to(x.device, x.dtype), targets)
            total += gradients.sum(dim=0)
            if squared or variance:
                total_square += gradients.square().sum(dim=0)
            bar.update(len(k))
    done = max(bar.done, 1)
    mean = total / done
    if variance:
        return total_square / done - mean.square()
    return total_square / done if squared else mean
