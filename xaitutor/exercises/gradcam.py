"""Exercises of chapter 3 (Grad-CAM): the channel weights alpha (eq. 3.2), the heatmap (eq. 3.1)
and the guided ReLU rule of guided backpropagation. Each answer is a function; the checker runs it
on a fixed random example and says what differs from the right result."""
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
    gradients = _example(0, 2, 5, 3, 4)  # N=2 images, K=5 channels, 3 x 4 maps
    result, problem = _run(answer, gradients)
    if problem:
        return problem
    right = _alpha_solver()(gradients)
    if _close(result, right):
        return None
    if _close(result.reshape(right.shape) if result.numel() == right.numel() else result, right):
        return (f"the values are right but the shape is {tuple(result.shape)}: return one weight per "
                "image and channel, N x K (mean(dim=(2, 3)) without keepdim).")
    if result.shape == (5,) or result.shape == (1, 5):
        return "you also averaged over the batch: keep one set of weights per image, shape N x K."
    if result.shape != right.shape:
        return (f"expected shape N x K = {tuple(right.shape)}, got {tuple(result.shape)}: average over "
                "the spatial dimensions h and w (dims 2 and 3), nothing else.")
    if _close(result, right * 12):
        return "you summed the gradients: eq. 3.2 divides by Z, the number of positions (h * w)."
    if _close(result, gradients.clamp(min=0).mean(dim=(2, 3))) or _close(result, gradients.abs().mean(dim=(2, 3))):
        return ("average the signed gradients: a channel that lowers the score must get a negative "
                "weight; the ReLU comes later, in eq. 3.1, after the weighted sum.")
    return "not these values: alpha_k is the mean over i, j of dy^c/dA^k_ij (eq. 3.2)."


register(Exercise(
    name="gradcam.alpha",
    task=("Write alpha(gradients): from the gradients dy^c/dA captured at the layer (a tensor "
          "N x K x h x w), return the channel weights alpha of eq. 3.2, one per image and channel (N x K)."),
    checker=_alpha_checker, solver=_alpha_solver))


# --- the heatmap (eq. 3.1) -----------------------------------------------------------------

def _heatmap_solver():
    def heatmap(activations, weights):
        # eq. 3.1: the weighted sum of the K maps, then keep the positive evidence only
        weighted = weights[:, :, None, None] * activations   # N x K x h x w
        return weighted.sum(dim=1, keepdim=True).clamp(min=0)  # N x 1 x h x w

    return heatmap


def _heatmap_checker(answer):
    activations, weights = _example(1, 2, 5, 3, 4).clamp(min=0), _example(2, 2, 5)
    result, problem = _run(answer, activations, weights)
    if problem:
        return problem
    right = _heatmap_solver()(activations, weights)
    if _close(result, right):
        return None
    if result.numel() == right.numel() and _close(result.reshape(right.shape), right):
        return (f"the values are right but the shape is {tuple(result.shape)}: keep the channel "
                "dimension, N x 1 x h x w (sum(dim=1, keepdim=True)).")
    if result.shape != right.shape:
        return (f"expected shape N x 1 x h x w = {tuple(right.shape)}, got {tuple(result.shape)}: "
                "sum the weighted maps over the channels (dim 1).")
    signed = (weights[:, :, None, None] * activations).sum(dim=1, keepdim=True)
    if _close(result, signed):
        return "the map has negative values: apply the ReLU of eq. 3.1 to the weighted sum."
    if result.max() <= 1 + 1e-6 and _close(result * right.flatten(1).amax(1)[:, None, None, None], right):
        return "do not normalise here: return ReLU(sum_k alpha_k A^k) itself; scaling to [0, 1] comes after."
    if _close(result, (weights.clamp(min=0)[:, :, None, None] * activations).sum(dim=1, keepdim=True)):
        return "keep the negative weights: the ReLU acts on the sum, not on each alpha_k."
    return "not these values: weigh each map A^k by alpha_k, add them up, then ReLU (eq. 3.1)."


register(Exercise(
    name="gradcam.heatmap",
    task=("Write heatmap(activations, weights): from the layer's activations A (N x K x h x w) and "
          "the weights alpha (N x K), return the Grad-CAM map of eq. 3.1, N x 1 x h x w."),
    checker=_heatmap_checker, solver=_heatmap_solver))


# --- the guided ReLU rule (sec. 3.2) -----------------------------------------------------------

def _guided_relu_solver():
    def guided_relu_backward(x, grad_output):
        # backpropagation passes the gradient where the input was positive (x > 0);
        # guided backpropagation also drops the negative gradients (grad_output > 0)
        return grad_output.clamp(min=0) * (x > 0)

    return guided_relu_backward


def _guided_relu_checker(answer):
    x, grad_output = _example(3, 4, 6), _example(4, 4, 6)
    result, problem = _run(answer, x, grad_output)
    if problem:
        return problem
    right = _guided_relu_solver()(x, grad_output)
    if _close(result, right):
        return None
    if result.shape != right.shape:
        return f"return a gradient shaped like x, {tuple(x.shape)}; got {tuple(result.shape)}."
    if _close(result, grad_output * (x > 0)):
        return ("that is the plain ReLU backward (backpropagation): guided backpropagation also "
                "stops the negative gradients.")
    if _close(result, grad_output.clamp(min=0)):
        return ("that is the 'deconvnet' rule (Zeiler and Fergus): it forgets the forward mask; keep "
                "the gradient only where the ReLU's input x was positive too.")
    if _close(result, ((x > 0) & (grad_output > 0)).float()):
        return "that is the mask only: multiply it by the gradient that arrives."
    return "not these values: pass grad_output where both x > 0 and grad_output > 0, zero elsewhere."


register(Exercise(
    name="gradcam.guided_relu",
    task=("Write guided_relu_backward(x, grad_output): the gradient a ReLU passes back to its input x "
          "under guided backpropagation, given the gradient grad_output arriving at its output."),
    checker=_guided_relu_checker, solver=_guided_relu_solver))
