"""The convolution playground's kernels, applied to a photo (section 1.4.1, fig. 1.4)."""

from __future__ import annotations

import torch

from ..imaging import to_tensor
from .convolution import convolve, cross_correlate

# Kernels for the convolution playground. The mean filter is fig. 1.4's; the Sobel and emboss
# kernels are not symmetric, so convolution and cross-correlation give different pictures.
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "mean 3x3": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "edges (Laplacian)": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "shift right": [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
}


def filter_image(image, kernel, padding: str | None = "nearest", stride: int = 1, flip: bool = True) -> torch.Tensor:
    """Apply a 2-D kernel to each colour channel of a picture.

    Args:
        image: anything :func:`xaitutor.imaging.to_tensor` reads (a PIL image, an array...).
        kernel: the window, a 2-D sequence or tensor.
        padding, stride: as in :func:`cross_correlate`.
        flip: ``True`` for a convolution, ``False`` for a cross-correlation.

    Returns:
        A ``3 x H' x W'`` float tensor (not clipped: edge filters give negative values).
    """
    picture = to_tensor(image)
    kernel = torch.as_tensor(kernel, dtype=picture.dtype)
    if kernel.dim() != 2:
        raise ValueError(f"an image kernel must be 2-D, got shape {tuple(kernel.shape)}")
    return (convolve if flip else cross_correlate)(picture, kernel, padding, stride)


def displayable(filtered: torch.Tensor, kernel) -> torch.Tensor:
    """A filtered picture ready to show: clipped to [0, 1] when the kernel's weights sum to 1 (it
    keeps the brightness: blur, sharpen), else (edge detectors, sum 0) 0 drawn mid-gray and the
    99th percentile of the absolute values black or white (a few strong edges would otherwise
    leave the rest gray)."""
    if abs(float(torch.as_tensor(kernel, dtype=torch.float64).sum()) - 1) < 1e-6:
        return filtered.clamp(0, 1)
    magnitudes = filtered.abs().flatten()
    scale = magnitudes.kthvalue(max(1, int(0.99 * len(magnitudes)))).values.clamp_min(1e-12)
    return (0.5 + filtered / (2 * scale)).clamp(0, 1)
