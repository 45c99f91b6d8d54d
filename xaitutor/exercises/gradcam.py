"""Exercises of chapter 3 (Grad-CAM): the channel weights alpha (eq. 3.2) and the heatmap (eq. 3.1);
the guided ReLU rule of guided backpropagation is in ``gradcam_guided.py``. Each answer is a
function; the checker runs it on random examples (a batch of one image and of several, one
channel and several, maps of several sizes) and says what differs from the right result."""

from __future__ import annotations

import torch

from . import Exercise, call, register


def _example(seed: int, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _run(answer, *args):
    """``answer(*args)`` as a float tensor, or a sentence saying why it is not one."""
    result, problem = call(answer, *args)
    if problem:
        return None, problem
    if not isinstance(result, torch.Tensor):
        return None, f"your function should return a torch tensor, it returned a {type(result).__name__}."
    return result.detach().float(), None


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.allclose(a, b, atol=1e-5, rtol=1e-4)


# --- the channel weights alpha (eq. 3.2) -----------------------------------------------------


def _alpha_solver():
    def alpha(gradients):
        # eq. 3.2: average the gradient of each channel over its h x w positions (Z = h * w)
        return gradients.mean(dim=(2, 3))

    return alpha


def _alpha_checker(answer):
    # N images, K channels, h x w maps: several images, then one (squeeze() drops its batch
    # dimension), then one channel, each map a different size
    for seed, shape in ((0, (2, 5, 3, 4)), (5, (1, 4, 5, 3)), (6, (3, 1, 2, 6))):
        problem = _alpha_problem(answer, _example(seed, *shape))
        if problem:
            return problem
    return None


def _alpha_problem(answer, gradients):
    result, problem = _run(answer, gradients)
    if problem:
        return problem
    right = _alpha_solver()(gradients)
    n, k, h, w = gradients.shape
    if _close(result, right):
        return None
    if result.numel() == right.numel() and _close(result.reshape(right.shape), right):
        return (
            f"the values are right but the shape is {tuple(result.shape)} for {n} image(s) of {k} "
            f"channel(s): return N x K = {tuple(right.shape)} (mean(dim=(2, 3)); squeeze() also "
            "drops a batch of one image, or a single channel)."
        )
    if result.shape in ((k,), (1, k)) and _close(result.reshape(k), gradients.mean(dim=(0, 2, 3))):
        return "you also averaged over the batch: keep one set of weights per image, shape N x K."
    if result.shape != right.shape:
        return (
            f"expected shape N x K = {tuple(right.shape)}, got {tuple(result.shape)}: average over "
            "the spatial dimensions h and w (dims 2 and 3), nothing else."
        )
    if _close(result, right * h * w):
        return "you summed the gradients: eq. 3.2 divides by Z, the number of positions (h * w)."
    if _close(result, gradients.amax(dim=(2, 3))):
        return "that is the largest gradient of each channel: eq. 3.2 takes their mean."
    if _close(result, gradients.clamp(min=0).mean(dim=(2, 3))) or _close(result, gradients.abs().mean(dim=(2, 3))):
        return (
            "average the signed gradients: a channel that lowers the score must get a negative "
            "weight; the ReLU comes later, in eq. 3.1, after the weighted sum."
        )
    return "not these values: alpha_k is the mean over i, j of dy^c/dA^k_ij (eq. 3.2)."


register(
    Exercise(
        name="gradcam.alpha",
        task=(
            "Write alpha(gradients): from the gradients dy^c/dA captured at the layer (a tensor "
            "N x K x h x w), return the channel weights alpha of eq. 3.2, one per image and channel (N x K)."
        ),
        checker=_alpha_checker,
        solver=_alpha_solver,
    )
)


# --- the heatmap (eq. 3.1) -----------------------------------------------------------------


def _heatmap_solver():
    def heatmap(activations, weights):
        # eq. 3.1: the weighted sum of the K maps, then keep the positive evidence only
        weighted = weights[:, :, None, None] * activations  # N x K x h x w
        return weighted.sum(dim=1, keepdim=True).clamp(min=0)  # N x 1 x h x w

    return heatmap


def _heatmap_examples():
    """Two images (the second's weights all negative: its map is 0 everywhere), then one image of
    one channel, then three of three channels on 2 x 5 maps."""
    weights = _example(2, 2, 5)
    weights[1] = -weights[1].abs()
    yield _example(1, 2, 5, 3, 4).abs() + 0.1, weights  # no zero: the second map's maximum is < 0
    yield _example(7, 1, 1, 4, 4).clamp(min=0), _example(8, 1, 1)
    yield _example(9, 3, 3, 2, 5).clamp(min=0), _example(10, 3, 3)


def _heatmap_checker(answer):
    for activations, weights in _heatmap_examples():
        problem = _heatmap_problem(answer, activations, weights)
        if problem:
            return problem
    return None


def _heatmap_problem(answer, activations, weights):
    result, problem = _run(answer, activations, weights)
    if problem:
        return problem
    right = _heatmap_solver()(activations, weights)
    if _close(result, right):
        return None
    if result.numel() == right.numel() and _close(result.reshape(right.shape), right):
        return (
            f"the values are right but the shape is {tuple(result.shape)}: keep the channel "
            f"dimension, N x 1 x h x w = {tuple(right.shape)} (sum(dim=1, keepdim=True))."
        )
    if result.shape != right.shape:
        return (
            f"expected shape N x 1 x h x w = {tuple(right.shape)}, got {tuple(result.shape)}: "
            "sum the weighted maps over the channels (dim 1)."
        )
    if not torch.isfinite(result).all():
        return "your map has NaN or inf: an image whose weighted sum is negative everywhere gets a map of 0s."
    signed = (weights[:, :, None, None] * activations).sum(dim=1, keepdim=True)
    if _close(result, signed):
        return "the map has negative values: apply the ReLU of eq. 3.1 to the weighted sum."
    peak = signed.flatten(1).amax(1)[:, None, None, None]
    scaled = right / right.flatten(1).amax(1).clamp_min(1e-12)[:, None, None, None]
    if _close(result, (signed / peak).clamp(min=0)) or _close(result, scaled):
        return (
            "do not normalise here: return ReLU(sum_k alpha_k A^k) itself; scaling to [0, 1] comes after "
            "(and dividing by the maximum before the ReLU flips a map whose maximum is negative)."
        )
    if _close(result, signed.clamp(min=0) / activations.shape[1]):
        return "you averaged the weighted maps: eq. 3.1 sums them over the K channels."
    if _close(result, (weights.clamp(min=0)[:, :, None, None] * activations).sum(dim=1, keepdim=True)):
        return "keep the negative weights: the ReLU acts on the sum, not on each alpha_k."
    return "not these values: weigh each map A^k by alpha_k, add them up, then ReLU (eq. 3.1)."


register(
    Exercise(
        name="gradcam.heatmap",
        task=(
            "Write heatmap(activations, weights): from the layer's activations A (N x K x h x w) and "
            "the weights alpha (N x K), return the Grad-CAM map of eq. 3.1, N x 1 x h x w."
        ),
        checker=_heatmap_checker,
        solver=_heatmap_solver,
    )
)
