"""Step 1 of LIME and of Kernel SHAP: the superpixels, the picture's interpretable features, and what a
switched-off superpixel shows."""

from __future__ import annotations

import numpy as np
import torch

from ... import imaging
from ..black_box import one_picture

# Each segmenter's defaults: lime's for quickshift; for slic and felzenszwalb, values that cut a
# photo of a few hundred pixels into some tens of superpixels.
SEGMENTERS = {
    "quickshift": dict(kernel_size=4, max_dist=200, ratio=0.2),
    "slic": dict(n_segments=50, compactness=10, start_label=0),
    "felzenszwalb": dict(scale=200, sigma=0.8, min_size=200),
}
HIDES = ("mean", "blur", "a grey level in [0, 1]", "an (r, g, b) colour in [0, 1]")


def segment(picture, segmenter="quickshift", **params) -> torch.Tensor:
    """Step 1: cut a picture into superpixels, the interpretable features.

    The segmenter sees the picture at the precision it was given, as under lime: a float64 array
    keeps its values, uint8 pixels become float64 as scikit-image reads them. (Rounded to float32
    first, quickshift can put a pixel in another superpixel.)

    Args:
        picture: anything :func:`xaitutor.imaging.to_tensor` reads (one picture).
        segmenter: ``"quickshift"``, ``"slic"``, ``"felzenszwalb"`` (scikit-image) or a callable
            taking an ``H x W x 3`` float array in [0, 1] and returning ``H x W`` integer labels.
        **params: the segmenter's parameters, over the defaults in ``SEGMENTERS`` (for instance
            ``kernel_size`` and ``max_dist`` for quickshift, ``n_segments`` for slic, ``scale``
            for felzenszwalb).

    Returns:
        An ``H x W`` ``LongTensor`` of superpixel indices ``0 .. F-1``, every index used.
    """
    from skimage.util import img_as_float

    array = img_as_float(one_picture(picture, dtype=None).permute(1, 2, 0).numpy())
    if callable(segmenter):
        labels = segmenter(array, **params)
    elif isinstance(segmenter, str) and segmenter in SEGMENTERS:
        import skimage.segmentation

        labels = getattr(skimage.segmentation, segmenter)(array, **{**SEGMENTERS[segmenter], **params})
    else:
        raise ValueError(
            f"unknown segmenter {segmenter!r}: use one of {', '.join(SEGMENTERS)} "
            "or a function from an H x W x 3 array to H x W integer labels"
        )
    labels = np.asarray(labels)
    if labels.shape != array.shape[:2] or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"the segmenter must return H x W integer labels {array.shape[:2]}, "
            f"got {labels.dtype} of shape {labels.shape}"
        )
    # Number the superpixels 0 .. F-1 (slic starts at 1, a custom segmenter may skip numbers),
    # so that superpixel i is column i of the samples.
    return torch.from_numpy(np.unique(labels, return_inverse=True)[1].reshape(labels.shape))


def hidden_picture(picture: torch.Tensor, segments: torch.Tensor, hide="mean") -> torch.Tensor:
    """What a switched-off superpixel shows: the ``3 x H x W`` picture to copy hidden pixels from.

    Args:
        picture: ``3 x H x W`` in [0, 1].
        segments: ``H x W`` superpixel indices, from :func:`segment`.
        hide: ``"mean"`` (each superpixel's own mean colour, lime's ``hide_color=None``),
            ``"blur"`` (a strong Gaussian blur, sigma a twentieth of the short side), a grey level
            in [0, 1] or an ``(r, g, b)`` colour in [0, 1].
    """
    if isinstance(hide, str) and hide == "mean":
        flat = segments.flatten()
        # Means in float64 as lime computes them, so the two agree to the last bit.
        sums = torch.zeros(int(flat.max()) + 1, 3, dtype=torch.float64)
        sums.index_add_(0, flat, picture.reshape(3, -1).T.double())
        means = (sums / torch.bincount(flat)[:, None]).float()
        return means[segments].permute(2, 0, 1).contiguous()
    if isinstance(hide, str) and hide == "blur":
        sigma = min(picture.shape[-2:]) / 20
        return imaging.gaussian_blur(picture, kernel_size=2 * int(3 * sigma) + 1, sigma=sigma)
    colour = torch.as_tensor(hide, dtype=torch.float32) if not isinstance(hide, str) else None
    if colour is None or colour.numel() not in (1, 3) or not (0 <= colour.min() and colour.max() <= 1):
        raise ValueError(f"hide={hide!r} is not understood: use one of {', '.join(HIDES)}")
    return colour.reshape(-1, 1, 1).expand_as(picture).contiguous()
