"""Exercise of chapter 3 (Grad-CAM) on guided backpropagation: the guided ReLU rule, run on a
layer's gradient, a batch of one map and a batch of two, and compared with the right rule."""

from __future__ import annotations

from . import Exercise, register
from .gradcam import _close, _example, _run

# --- the guided ReLU rule (sec. 3.2) -----------------------------------------------------------


def _guided_relu_solver():
    def guided_relu_backward(x, grad_output):
        # backpropagation passes the gradient where the input was positive (x > 0);
        # guided backpropagation also drops the negative gradients (grad_output > 0)
        return grad_output.clamp(min=0) * (x > 0)

    return guided_relu_backward


def _guided_relu_checker(answer):
    # a 4 x 6 layer, a batch of one 3 x 2 x 5 map, and a batch of two
    for seed, shape in ((3, (4, 6)), (11, (1, 3, 2, 5)), (13, (2, 3, 4, 4))):
        x, grad_output = _example(seed, *shape), _example(seed + 1, *shape)
        problem = _guided_relu_problem(answer, x, grad_output)
        if problem:
            return problem
    return None


def _guided_relu_problem(answer, x, grad_output):
    result, problem = _run(answer, x, grad_output)
    if problem:
        return problem
    right = _guided_relu_solver()(x, grad_output)
    if _close(result, right):
        return None
    if result.shape != right.shape:
        return f"return a gradient shaped like x, {tuple(x.shape)}; got {tuple(result.shape)}."
    if _close(result, grad_output * (x > 0)):
        return (
            "that is the plain ReLU backward (backpropagation): guided backpropagation also "
            "stops the negative gradients."
        )
    if _close(result, grad_output.clamp(min=0)):
        return (
            "that is the 'deconvnet' rule (Zeiler and Fergus): it forgets the forward mask; keep "
            "the gradient only where the ReLU's input x was positive too."
        )
    if _close(result, ((x > 0) & (grad_output > 0)).float()):
        return "that is the mask only: multiply it by the gradient that arrives."
    if _close(result, grad_output.clamp(min=0) * x.clamp(min=0)):
        return "you multiplied by x itself: the ReLU's slope is 1 where x > 0, so multiply by the mask (x > 0)."
    if _close(result, (x * grad_output).clamp(min=0)):
        return (
            "that keeps the gradient where x and grad_output are both negative too: ask for x > 0 and grad_output > 0."
        )
    return "not these values: pass grad_output where both x > 0 and grad_output > 0, zero elsewhere."


register(
    Exercise(
        name="gradcam.guided_relu",
        task=(
            "Write guided_relu_backward(x, grad_output): the gradient a ReLU passes back to its input x "
            "under guided backpropagation, given the gradient grad_output arriving at its output."
        ),
        checker=_guided_relu_checker,
        solver=_guided_relu_solver,
    )
)
