"""RISE's driver: masked pictures batched through the black box, the saliency summed as they
come (eq. 6), under a progress bar that Ctrl-C stops."""

from __future__ import annotations

import numbers

import torch

from ...progress_bar import interruptible
from ...resolve import resolve_batch_size, resolve_count, resolve_seed, resolve_targets
from ..black_box import black_box, one_picture
from ..protocol import declare
from .explanation import RiseExplanation
from .masks import draw_masks


@declare(
    "RISE",
    kind="black box",
    returns="explanation",
    chapter=6,
    paper="Petsiuk, Das and Saenko, BMVC 2018, https://arxiv.org/abs/1806.07421",
    cost="num_masks forwards",
    passes="num_masks",
    shapes=dict(num_masks=500, batch_size=250, seed=0),
    photo=dict(num_masks=1000, seed=0),
)
def rise(
    classifier,
    image,
    target=None,
    num_masks: int = 1000,
    cells: int = 7,
    p: float = 0.5,
    seed: int = 0,
    batch_size: int | None = None,
    progress: bool = True,
    labels=None,
) -> RiseExplanation:
    """Explain ``classifier``'s prediction on one picture with RISE (Petsiuk, Das and Saenko 2018,
    "RISE: Randomized Input Sampling for Explanation of Black-box Models", BMVC,
    https://arxiv.org/abs/1806.07421): the saliency of a pixel is the classifier's expected
    score for the target over random masks, each mask weighing by how much it shows that pixel,

        S(lambda) = 1 / (N p) sum_i f_c(I . M_i) M_i(lambda)          (eq. 6)

    with ``N`` smooth random masks ``M_i`` keeping each cell with probability ``p`` (see
    :mod:`.masks`) and ``I . M_i`` the picture multiplied by the mask (hidden parts black).

    Args:
        classifier: a :class:`~xaitutor.Classifier` or a function ``f(pictures) ->
            probabilities``, as for :func:`~xaitutor.lime`.
        image: the picture (PIL, array or tensor in [0, 1], grayscale or colour).
        target: the class to explain; ``None``: the classifier's top class for the picture.
        num_masks: ``N``. The paper uses 4000 for ResNet50; the saliency is a Monte-Carlo mean
            whose noise falls as ``1 / sqrt(N)``, and 1000 masks (a quarter of the paper's
            forward passes, twice its noise) already give a stable map of a 7 x 7 grid in
            about a minute of a laptop CPU for efficientnet_lite0 at 224 px.
        cells: the masks' grid is ``cells x cells`` (the paper's 7 for 224 px pictures).
        p: the probability of keeping each cell (the paper's 0.5).
        seed: seeds the masks: the same seed gives the same map, however it is batched; ``None``:
            fresh randomness at each call.
        batch_size: pictures per forward pass or function call (``None``: chosen by the size).
        progress: show a progress bar. Ctrl-C stops early and averages over the masks done
            (dividing by their number), with a warning.
        labels: a function's class names; a Classifier has its own.

    Returns:
        A :class:`RiseExplanation` (``.saliency``, ``.map()``, ``.plot()``). One more forward
        pass than ``num_masks`` pictures: the picture itself, for its target and probability.
    """
    resolve_count(num_masks, "num_masks")
    resolve_count(cells, "cells")
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 < p <= 1:
        raise ValueError(f"p, the probability of keeping a cell, must be a number in (0, 1], got {p!r}")
    picture = one_picture(image)
    box = black_box(classifier, picture, labels)
    batch_size = resolve_batch_size(batch_size, box.grid, box.device)
    draws = draw_masks(num_masks, picture.shape[-2:], cells, p, resolve_seed(seed))
    # Normalising is affine per pixel, so the masked picture's preparation is the mix of two.
    shown, black = box.prepare(picture), box.prepare(torch.zeros_like(picture))
    total = torch.zeros(picture.shape[-2:], dtype=torch.float64)
    with (
        interruptible(num_masks, "RISE", progress, unit="mask", partial="averaging over the masks done") as bar,
        box.running(),
    ):
        first = box(shown[None])
        target = int(resolve_targets(first, target)[0])
        for start in range(0, num_masks, batch_size):
            masks = draws.masks(start, min(start + batch_size, num_masks))
            scores = box(torch.lerp(black, shown, masks[:, None]))[:, target].double().cpu()
            total += torch.einsum("n,nhw->hw", scores, masks.double())  # float64: batching changes nothing
            bar.update(len(masks))
    return RiseExplanation(
        picture=picture,
        saliency=total / (bar.done * p),
        target=target,
        label=box.labels[target],
        probability=float(first[0, target]),
        grid=box.grid,
        num_masks=bar.done,
        cells=cells,
        p=p,
    )
