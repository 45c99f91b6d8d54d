"""What a manipulation found (:func:`~xaitutor.attacks.manipulate`), judged on the ReLU network:
the picture rounded to the 8-bit grid, the maps before and after, the answer kept or not."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .differentiable_maps import course_map
from .pixel_space import model_input
from .similarity import pearson, ssim


@dataclass
class Manipulation:
    """What :func:`manipulate` found, judged on the ReLU network.

    Attributes:
        picture, original: the manipulated and the original picture, ``1 x 3 x H x W`` in [0, 1].
        map, original_map, target_map: ``1 x 1 x H x W``, the method's maps of both pictures and
            the target, each scaled to [0, 1].
        method, target: the method and the class whose map was moved.
        answer, original_answer: the top class and its probability, after and before.
        probability, original_probability: the explained class's probability, after and before.
        kept: the top class is the same and its probability moved by at most the tolerance.
        losses: the loss at each step (on the softplus network).
    """

    picture: torch.Tensor
    original: torch.Tensor
    map: torch.Tensor
    original_map: torch.Tensor
    target_map: torch.Tensor
    method: str
    target: int
    answer: tuple[int, float]
    original_answer: tuple[int, float]
    probability: float
    original_probability: float
    kept: bool
    losses: list[float]

    @property
    def size(self) -> int:
        """The largest change of a pixel, in grey levels of an 8-bit picture (``||delta||_inf * 255``)."""
        return round(float((self.picture - self.original).abs().max()) * 255)

    def similarity(self) -> dict[str, float]:
        """Pearson and SSIM of the map to the target map, before and after."""
        maps = torch.cat([self.original_map, self.map])
        targets = self.target_map.expand_as(maps)
        r, s = pearson(maps, targets).tolist(), ssim(maps, targets).tolist()
        return {"pearson before": r[0], "pearson after": r[1], "ssim before": s[0], "ssim after": s[1]}


def kept(classifier, x: torch.Tensor, probabilities: torch.Tensor, top: int, tolerance: float) -> bool:
    """The ReLU network's top class at ``x`` is ``top``, its probability within ``tolerance`` of before."""
    with torch.no_grad():
        after = classifier.probabilities(x)[0]
    return int(after.argmax()) == top and abs(float(after[top] - probabilities[0, top])) <= tolerance


def judged(classifier, original, delta, goal, method, target, top, probabilities, tolerance, losses) -> Manipulation:
    """The manipulation rounded to the 8-bit grid and judged on the ReLU network."""
    picture = (original + (delta * 255).round() / 255).clamp(0, 1)
    x = model_input(classifier, torch.cat([original, picture]))
    maps = course_map(method, classifier, x, target)
    with torch.no_grad():
        after = classifier.probabilities(x)[1]
    before = probabilities[0]
    same = int(after.argmax()) == top and abs(float(after[top] - before[top])) <= tolerance
    scale = goal / goal.max().clamp_min(1e-12)
    return Manipulation(
        picture, original, maps[1:].clamp(0, 1), maps[:1].clamp(0, 1), scale, method, target,
        (int(after.argmax()), float(after.max())), (top, float(before[top])),
        float(after[target]), float(before[target]), same, losses,
    )  # fmt: skip
