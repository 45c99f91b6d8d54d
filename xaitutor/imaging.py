"""Images in, images out: turning pictures into tensors and back, (de)normalising, overlaying a
heatmap on a photo, showing a gradient as a picture, showing a row of pictures.

Conventions: a picture is a float tensor ``3 x H x W`` (or a batch ``N x 3 x H x W``) with values
in [0, 1] (pixel space); a *normalised* tensor is what a model eats, ``(x - mean) / std``.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

CMAP = "viridis"  # perceptually uniform and readable with colour-blindness

ACCEPTED = (
    "a PIL image, an H x W or H x W x 3 (or x 4) uint8, uint16 or float array, or a tensor "
    "3 x H x W or N x 3 x H x W with values in [0, 1] (not normalised)"
)

# PIL's modes of more than 8 bits per pixel, which convert("RGB") would clip at 255: almost white.
DEEP_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


def to_tensor(image, dtype: torch.dtype | None = torch.float32) -> torch.Tensor:
    """A picture as a float32 tensor in [0, 1]: ``3 x H x W`` for one image, ``N x 3 x H x W``
    for a batch tensor. Grayscale becomes 3 channels and an alpha channel is dropped; anything
    else raises a ``ValueError`` that says what was wrong and what is accepted. The result is a
    new tensor: the caller's picture is never written.

    16-bit pictures (PIL's ``I;16`` modes, a PNG or TIFF of a scientific camera, or a uint16 array)
    are read by their range, 0 to 65535, as are 32-bit integer ones (mode ``I``) holding such
    values; 32-bit float ones (mode ``F``) must hold values in [0, 1], as a float array must.

    ``dtype`` is the float type to convert to; ``None`` keeps the picture's own (uint8 pixels stay
    0 to 255, a float64 array keeps its values, 16-bit pixels become float64 in [0, 1]), as
    scikit-image, and so lime, reads the picture.
    """
    if isinstance(image, Image.Image):
        pixels = pil_pixels(image)
        if pixels.dtype != np.uint8:  # a 16-bit or float picture, read by its range
            return to_tensor(pixels, dtype)
        # A copy, its colours last in memory as PIL keeps them: the forwards of the methods run
        # in that layout, and a layout changes their sums in the last bit.
        pixels = torch.from_numpy(np.array(pixels)).permute(2, 0, 1)
        return pixels if dtype is None else pixels.to(dtype) / 255
    if isinstance(image, np.ndarray):
        if image.ndim == 2:
            image = image[..., None]
        if image.ndim != 3:
            raise ValueError(
                f"an image array must be H x W or H x W x C, got shape {image.shape}; accepted: {ACCEPTED}"
            )
        if image.dtype == np.uint16:
            image = image / 65535  # float64: 16 bits do not fit in float32's 24 either way
        # a copy: the caller keeps theirs
        return _from_channels(torch.from_numpy(np.array(image)).permute(2, 0, 1), "array", dtype)
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().clone()  # a copy: the caller keeps theirs
        if image.dim() == 2:
            image = image[None]
        if image.dim() == 3:
            return _from_channels(image, "tensor", dtype)
        if image.dim() == 4:
            return torch.stack([_from_channels(im, "tensor", dtype) for im in image])
        raise ValueError(
            f"an image tensor must be 3 x H x W or N x 3 x H x W, got shape {tuple(image.shape)}; accepted: {ACCEPTED}"
        )
    raise TypeError(f"cannot read an image from {type(image).__name__}; accepted: {ACCEPTED}")


def pil_pixels(image: Image.Image) -> np.ndarray:
    """A PIL picture's pixels: ``H x W x 3`` uint8 for the 8-bit modes (as ``convert("RGB")``
    gives them), ``H x W`` floats in [0, 1] for the deeper grey modes (:data:`DEEP_MODES`), read
    by their range; a deep picture whose values have no known range is refused."""
    if image.mode not in DEEP_MODES:
        return np.asarray(image.convert("RGB"))
    values = np.asarray(image)
    low, high = (values.min(), values.max()) if values.size else (0, 0)
    if image.mode == "F":
        if not (np.isfinite(values).all() and 0 <= low and high <= 1):
            raise ValueError(
                f"a 32-bit float picture (PIL mode F) must hold values in [0, 1], got floats from "
                f"{low:.3g} to {high:.3g}: scale it to [0, 1] first "
                "(e.g. Image.fromarray(values / values.max()))"
            )
        return values
    if not (0 <= low and high <= 65535):
        raise ValueError(
            f"a 32-bit integer picture (PIL mode {image.mode}) is read as 16-bit, 0 to 65535, got "
            f"integers from {low} to {high}: scale it to floats in [0, 1] and pass the array"
        )
    return values / 65535


def rgb_image(image: Image.Image) -> Image.Image:
    """``image`` as an 8-bit RGB PIL image: ``convert("RGB")``, except that a 16-bit or float
    picture is first read by its range (:func:`pil_pixels`), not clipped at 255."""
    if image.mode not in DEEP_MODES:
        return image.convert("RGB")
    grey = (pil_pixels(image) * 255).round().astype(np.uint8)
    return Image.fromarray(np.repeat(grey[..., None], 3, axis=-1))


def _from_channels(image: torch.Tensor, kind: str, dtype: torch.dtype | None) -> torch.Tensor:
    """``C x H x W`` with C in 1 (gray), 3 (RGB) or 4 (RGBA) -> ``3 x H x W`` of ``dtype`` in
    [0, 1] (``None``: of the picture's own type)."""
    channels = image.shape[0]
    if channels not in (1, 3, 4):
        raise ValueError(
            f"an image {kind} needs 1 (gray), 3 (RGB) or 4 (RGBA) channels, got "
            f"{channels} (shape {tuple(image.shape)}); accepted: {ACCEPTED}"
        )
    if image.shape[1] == 0 or image.shape[2] == 0:
        raise ValueError(
            f"the image {kind} has no pixels (shape {tuple(image.shape)}): give a picture at least 1 x 1 pixel large"
        )
    if image.dtype == torch.uint8:
        image = image if dtype is None else image.to(dtype) / 255
    elif image.dtype.is_floating_point:
        image = image.to(dtype or image.dtype)
        if torch.isnan(image).any() or torch.isinf(image).any():
            raise ValueError(f"the image {kind} contains NaN or infinite values")
        if image.min() < 0 or image.max() > 1:
            raise ValueError(
                f"a float image {kind} must hold values in [0, 1], got "
                f"[{image.min():.3g}, {image.max():.3g}]: divide uint8 pixels by 255; "
                "pass pictures, not already normalised tensors"
            )
    else:
        raise ValueError(
            f"an image {kind} must be uint8 (0 to 255) or float (0 to 1), or a uint16 array "
            f"(0 to 65535), got {image.dtype}"
        )
    if channels == 1:
        image = image.expand(3, -1, -1)
    return image[:3].contiguous()


def resize(x: torch.Tensor, size) -> torch.Tensor:
    """Resize a ``3 x H x W`` or ``N x 3 x H x W`` picture; ``size`` is a positive int (the short
    side, keeping the aspect ratio and so the whole picture) or ``(height, width)``."""
    h, w = x.shape[-2:]
    pair = isinstance(size, (tuple, list)) and len(size) == 2 and all(_is_side(s) for s in size)
    if not (_is_side(size) or pair):
        raise ValueError(
            f"size must be a positive int (the short side) or a (height, width) pair of positive ints, got {size!r}"
        )
    if _is_side(size):
        scale = int(size) / min(h, w)
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
    if tuple(size) == (h, w):
        return x
    batch = x if x.dim() == 4 else x[None]
    out = F.interpolate(batch, size=tuple(size), mode="bilinear", align_corners=False, antialias=True)
    out = out.clamp(0, 1)
    return out if x.dim() == 4 else out[0]


def _is_side(size) -> bool:
    """A picture's side: a positive int (``True`` is no size)."""
    return isinstance(size, numbers.Integral) and not isinstance(size, bool) and size > 0


def center_crop(x: torch.Tensor, side: int) -> torch.Tensor:
    """The central ``side x side`` square of a ``3 x H x W`` or ``N x 3 x H x W`` picture (as
    torchvision's ``center_crop``: where the margins cannot be equal, the larger is at the bottom
    and the right)."""
    h, w = x.shape[-2:]
    top, left = int(round((h - side) / 2)), int(round((w - side) / 2))
    return x[..., top : top + side, left : left + side]


def gaussian_blur(x: torch.Tensor, kernel_size: int, sigma: float) -> torch.Tensor:
    """Blur a ``3 x H x W`` or ``N x C x H x W`` tensor with a ``kernel_size`` x ``kernel_size``
    Gaussian of standard deviation ``sigma`` pixels, each channel on its own; the borders are
    mirrored, so a flat picture stays flat (the same numbers as torchvision's ``gaussian_blur``).
    A picture no larger than half the kernel cannot be mirrored: its border pixels are repeated."""
    if kernel_size % 2 != 1 or kernel_size < 1 or not sigma > 0:
        raise ValueError(f"the blur needs an odd kernel_size >= 1 and sigma > 0, got {kernel_size} and {sigma}")
    half = (kernel_size - 1) / 2
    bell = torch.exp(-0.5 * (torch.linspace(-half, half, kernel_size, dtype=x.dtype, device=x.device) / sigma) ** 2)
    bell = bell / bell.sum()
    batch = x if x.dim() == 4 else x[None]
    channels = batch.shape[1]
    kernel = (bell[:, None] @ bell[None, :]).expand(channels, 1, kernel_size, kernel_size)
    pad = kernel_size // 2
    mode = "reflect" if pad < min(batch.shape[-2:]) else "replicate"
    blurred = F.conv2d(F.pad(batch, [pad] * 4, mode=mode), kernel, groups=channels)
    return blurred if x.dim() == 4 else blurred[0]


def normalize(x: torch.Tensor, mean, std) -> torch.Tensor:
    """``(x - mean) / std`` per channel: pixel space -> model input."""
    mean, std = _channels(mean, x), _channels(std, x)
    return (x - mean) / std


def denormalize(x: torch.Tensor, mean, std) -> torch.Tensor:
    """``x * std + mean`` per channel: model input -> pixel space, clamped to [0, 1]."""
    mean, std = _channels(mean, x), _channels(std, x)
    return (x * std + mean).clamp(0, 1)


def _channels(values, x: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(values, dtype=x.dtype, device=x.device).reshape(-1, 1, 1)


def to_image(x) -> np.ndarray:
    """A ``3 x H x W`` / ``1 x 3 x H x W`` picture or a ``1 x H x W`` / ``H x W`` map as an
    ``H x W x 3`` (or ``H x W``) float numpy array, ready for ``plt.imshow``."""
    if isinstance(x, torch.Tensor):
        x = x.detach().float().cpu()
        while x.dim() > 3 and x.shape[0] == 1:
            x = x[0]
        if x.dim() == 3 and x.shape[0] in (1, 3):
            x = x[0] if x.shape[0] == 1 else x.permute(1, 2, 0)
        return x.numpy()
    if isinstance(x, Image.Image):
        return np.asarray(rgb_image(x)) / 255.0
    return np.asarray(x)


def to_map(attribution: torch.Tensor) -> torch.Tensor:
    """Reduce an ``N x 3 x H x W`` attribution to ``N x 1 x H x W`` by the maximum absolute
    value over the channels (Simonyan et al. 2014, https://arxiv.org/abs/1312.6034, sec. 3.1);
    one-channel maps pass through."""
    if attribution.dim() != 4:
        raise ValueError(f"expected an N x C x H x W attribution, got shape {tuple(attribution.shape)}")
    if attribution.shape[1] == 1:
        return attribution
    return attribution.abs().amax(dim=1, keepdim=True)


def scale_01(maps: torch.Tensor) -> torch.Tensor:
    """Min-max scale each map of a batch to [0, 1]; a constant map becomes zeros, never NaN."""
    flat = maps.flatten(1)
    low, high = flat.min(1).values, flat.max(1).values
    span = (high - low).clamp_min(torch.finfo(maps.dtype).tiny)
    shape = (-1,) + (1,) * (maps.dim() - 1)
    return torch.where(
        (high > low).reshape(shape), (maps - low.reshape(shape)) / span.reshape(shape), torch.zeros_like(maps)
    )


def saliency_picture(gradient: torch.Tensor, percentile: float = 99.0) -> torch.Tensor:
    """Show an ``N x 3 x H x W`` gradient the way Simonyan et al. do: the largest absolute value
    over the colours (``xt.imaging.to_map``), divided by its ``percentile``-th percentile and
    clipped at 1, so that a few very large gradients do not turn the rest black. ``N x 1 x H x W``."""
    maps = to_map(gradient.detach())
    top = maps.flatten(1).quantile(percentile / 100, dim=1).reshape(-1, 1, 1, 1)
    return (maps / top.clamp_min(torch.finfo(maps.dtype).tiny)).clamp(max=1)


def gradient_picture(gradient: torch.Tensor, spread: float = 0.1) -> torch.Tensor:
    """Show an ``N x 3 x H x W`` gradient as a picture, the way guided backpropagation is usually
    shown: each image centred on grey 0.5, with ``spread`` standard deviations per unit, clamped
    to [0, 1]. Positive gradients brighten a colour, negative ones darken it."""
    flat = gradient.detach().flatten(1)
    shape = (-1,) + (1,) * (gradient.dim() - 1)
    mean, std = flat.mean(1).reshape(shape), flat.std(1).reshape(shape)
    return ((gradient.detach() - mean) / (std + 1e-12) * spread + 0.5).clamp(0, 1)


class Overlay(np.ndarray):
    """What :func:`overlay` returns: an ``H x W x 3`` float array (use it as any array) that
    remembers the colour map of its heatmap, so that :func:`show` can draw the colour bar."""

    def __array_finalize__(self, obj):
        self.cmap = getattr(obj, "cmap", CMAP)


def overlay(image, heatmap, alpha: float = 0.5, cmap: str = CMAP) -> Overlay:
    """Blend a heatmap (``H x W`` or ``1 x 1 x H x W``, any range) over a picture.

    The heatmap is resized to the picture and scaled to [0, 1]; returns an ``H x W x 3`` float
    array (an :class:`Overlay`, which :func:`show` draws with a colour bar from 0, the least
    important pixel, to 1, the most). ``image`` may be anything :func:`to_tensor` reads."""
    import matplotlib

    picture = to_tensor(image)
    if picture.dim() == 4:
        picture = picture[0]
    heat = torch.as_tensor(np.asarray(to_image(heatmap), dtype=np.float32))
    if heat.dim() == 3:  # a 3-channel attribution: reduce it as to_map does
        heat = heat.abs().amax(dim=-1)
    heat = F.interpolate(heat[None, None], size=picture.shape[-2:], mode="bilinear", align_corners=False)
    heat = scale_01(heat)[0, 0].numpy()
    colours = matplotlib.colormaps[cmap](heat)[..., :3].astype(np.float32)  # float64 by default: twice the memory
    blended = ((1 - alpha) * to_image(picture) + alpha * colours).view(Overlay)
    blended.cmap = cmap
    return blended


def show(
    images,
    titles=None,
    ax=None,
    cols: int | None = None,
    cmap: str = CMAP,
    size: float = 3.0,
    colorbar: bool | None = None,
):
    """Show one picture or map, or a list of them in a grid, and return the figure.

    Each item may be a picture or a map in any form :func:`to_image` reads; maps (one channel)
    get ``cmap``. With ``ax`` given, one item is drawn into it. The library never calls
    ``plt.show()``: in a notebook the returned figure displays itself.

    ``colorbar`` says what the colours of a heatmap mean: each map gets a colour bar of its own
    values, at its right, and the :func:`overlay` pictures share one bar at the right of the
    figure, from 0 (least important) to 1 (most). ``None`` (the default) draws them on the grids ``show`` makes and
    not into a given ``ax`` (whose figure the caller lays out); ``True`` always, ``False`` never.
    """
    import matplotlib.pyplot as plt

    single = not isinstance(images, (list, tuple))
    items = [images] if single else list(images)
    titles = [titles] if isinstance(titles, str) else (titles or [None] * len(items))
    if ax is not None:
        if len(items) != 1:
            raise ValueError("ax= draws one item; pass a single image or leave ax=None for a grid")
        axes = [ax]
        fig = ax.figure
    else:
        cols = cols or min(len(items), 4)
        rows = -(-len(items) // cols)
        fig, grid = plt.subplots(rows, cols, figsize=(size * cols, size * rows), squeeze=False)
        axes = list(grid.flat)
        for extra in axes[len(items) :]:
            extra.axis("off")
    bars = ax is None if colorbar is None else colorbar
    overlays = []
    for item, title, axis in zip(items, titles, axes):
        array = to_image(item)
        drawn = axis.imshow(array, cmap=cmap if array.ndim == 2 else None)
        axis.axis("off")
        if title:
            axis.set_title(title, fontsize=10)
        if bars and array.ndim == 2:
            _colorbar(fig.colorbar(drawn, cax=axis.inset_axes([1.03, 0, 0.05, 1])))  # as tall as the map
        elif isinstance(item, Overlay):
            overlays.append(item.cmap)
    if ax is None:
        fig.tight_layout()
    if bars and overlays:
        add_colorbar(fig, overlays[0], ax=ax)
    return fig


def add_colorbar(fig, cmap: str = CMAP, label: str = "heatmap, scaled to [0, 1]", ax=None):
    """Add one colour bar from 0 to 1 in ``cmap`` for all the heatmaps of a grid ``fig``, in a
    margin at its right (or next to ``ax`` only), and return it: what :func:`show` draws for
    :func:`overlay` pictures, for figures laid out by hand (``plt.subplots`` and ``imshow`` of
    maps scaled to [0, 1]; say in ``label`` what the colours mean where they are scaled otherwise)."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    if ax is None:
        right = 1 - 0.6 / fig.get_figwidth()
        fig.subplots_adjust(right=right - 0.02)
        cax = fig.add_axes([right, 0.15, 0.12 / fig.get_figwidth(), 0.7])
    else:
        cax = ax.inset_axes([1.03, 0, 0.05, 1])  # as tall as the picture
    bar = _colorbar(fig.colorbar(ScalarMappable(Normalize(0, 1), cmap), cax=cax), label)
    bar.set_ticks([0, 0.5, 1])
    return bar


def gradient_colorbar(ax, spread: float = 0.1):
    """The colour bar of a :func:`gradient_picture` drawn in ``ax``, beside it: grey is the
    gradient's mean (about 0), brighter is more, darker is less, in standard deviations of the
    gradient (``spread`` as given to :func:`gradient_picture`). Returns it."""
    reach = 0.5 / spread
    bar = add_colorbar(ax.figure, "gray", "sd", ax=ax)
    bar.set_ticks([0, 0.5, 1], labels=[f"-{reach:g}", "0", f"+{reach:g}"])
    return bar


def _colorbar(bar, label: str | None = None):
    """Small ticks (three at most) and an optional label: a colour bar that does not crowd."""
    from matplotlib.ticker import MaxNLocator

    bar.locator = MaxNLocator(3)
    bar.ax.tick_params(labelsize=7)
    if label:
        bar.set_label(label, fontsize=8)
    return bar
