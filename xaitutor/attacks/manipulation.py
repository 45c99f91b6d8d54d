"""Manipulated explanations (Dombrowski et al. 2019): a change of the picture that keeps the
network's answer and moves its map to any target map the attacker chooses.

Dombrowski, Alber, Anders, Ackermann, Mueller and Kessel, "Explanations can be manipulated and
geometry is to blame", NeurIPS 2019, https://arxiv.org/abs/1906.07983, eq. (4)::

    min_delta  || h(x + delta) - h_t ||^2  +  gamma || g(x + delta) - g(x) ||^2,   ||delta||_inf <= eps

``h`` the map (each normalised to sum to one, the distance relative to the target's norm), ``h_t``
the target map, ``g`` the class probabilities. The map term's gradient needs the Hessian of the
network, zero almost everywhere for ReLUs: the loss is differentiated through the softplus copy
(:func:`~xaitutor.attacks.smoothed`), and the result is judged on the ReLU network itself.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..progress_bar import interruptible
from ..resolve import resolve_count
from .differentiable_maps import differentiable_map, resolve_method
from .manipulated import Manipulation, judged, kept
from .pixel_space import as_pixels, model_input, resolve_radius
from .softplus_swap import BETA, smoothed


def manipulate(
    classifier,
    picture,
    target_map: torch.Tensor,
    method: str = "gradcam",
    eps: float = 8 / 255,
    target=None,
    steps: int = 100,
    lr: float | None = None,
    beta: float = BETA,
    gamma: float = 10.0,
    tolerance: float = 0.05,
    progress: bool = True,
) -> Manipulation:
    """Move ``method``'s map of ``picture`` towards ``target_map``, the answer kept (eq. 4).

    Args:
        classifier: a ``Classifier`` whose ReLU / ReLU6 are modules (swapped in a copy only).
        picture: one picture, ``1 x 3 x H x W`` in [0, 1] (or what ``classifier.preprocess`` accepts).
        target_map: the map wanted, ``H x W`` (any scale, non-negative), or ``1 x 1 x H x W``.
        method: ``"gradcam"``, ``"saliency"``, ``"guided_backprop"`` or ``"lrp"`` (LRP-ε).
        eps: the largest change of a pixel (8/255: eight grey levels).
        target: the class whose map is moved (``None``: the answer).
        steps, lr: Adam's steps on the change and its learning rate (``None``: eps / 5).
        beta: the softplus's sharpness; gamma: the weight of the answer's term.
        tolerance: how far the top class's probability may move for the answer to count as kept.
        progress: a progress bar; Ctrl-C keeps the best change found so far.

    The best step (lowest loss, the ReLU network's answer kept) is returned, its change rounded to 8 bits.
    """
    method, eps = resolve_method(method), resolve_radius(eps, "eps")
    original = as_pixels(classifier, picture, "manipulate")
    if len(original) != 1:
        raise ValueError(f"manipulate changes one picture at a time, got a batch of {len(original)}")
    goal = torch.as_tensor(target_map, dtype=torch.float32).to(original.device).reshape(1, 1, *original.shape[-2:])
    goal = goal / goal.sum().clamp_min(1e-12)
    smooth = smoothed(classifier, beta)
    std = torch.as_tensor(classifier.std, device=original.device).reshape(-1, 1, 1)
    with torch.no_grad():
        probabilities = classifier.probabilities(model_input(classifier, original))
    top = int(probabilities.argmax())
    target = top if target is None else target
    delta = torch.zeros_like(original, requires_grad=True)
    optimizer = torch.optim.Adam([delta], lr=eps / 5 if lr is None else lr)
    best, best_loss, losses = torch.zeros_like(original), float("inf"), []
    with interruptible(resolve_count(steps, "steps"), "manipulation", progress, unit="step") as bar:
        for _ in range(steps):
            x = model_input(classifier, original + delta.detach())
            with differentiable_map(method, smooth, x, torch.tensor([target])) as (run, found):
                found = found / found.sum().clamp_min(1e-12)
                answer = F.softmax(run.logits, dim=1)
                loss = ((found - goal) ** 2).sum() / (goal**2).sum() + gamma * ((answer - probabilities) ** 2).sum()
                gradient = run.gradient(run.x, of=loss) / std
            losses.append(float(loss.detach()))
            if losses[-1] < best_loss and kept(classifier, x, probabilities, top, tolerance):
                best, best_loss = delta.detach().clone(), losses[-1]
            optimizer.zero_grad()
            delta.grad = gradient
            optimizer.step()
            with torch.no_grad():
                delta.copy_(delta.clamp(-eps, eps).add(original).clamp(0, 1).sub(original))
            bar.update()
    return judged(classifier, original, best, goal, method, target, top, probabilities, tolerance, losses)
