"""The tables of chapter 9's attacks, on the answer and on the map, one function per entry of
:data:`~xaitutor.attacks.results.ENTRIES` (fragility and the robustness measures:
:mod:`~xaitutor.attacks.results.robustness`)."""

from __future__ import annotations

import torch

from ... import imaging
from ...methods.smooth_grad import smoothgrad
from ..differentiable_maps import smooth_map
from ..fast_gradient_sign import fgsm
from ..manipulation import manipulate
from ..pixel_space import model_input
from ..projected_gradient_descent import pgd
from ..similarity import pearson
from ..softplus_swap import BETA, smoothed
from .pictures import background, lite0, photos, shapes, shapes_cnn

EPS = (2, 4, 8)  # grey levels
PUG = 254
DEFENCE_BETA = 2.0  # the defence's softplus: a smoother network than the attack's


def answers(classifier, pixels) -> torch.Tensor:
    with torch.no_grad():
        return classifier(model_input(classifier, pixels)).argmax(1)


def success() -> list[dict]:
    """FGSM's and PGD's (10 steps of eps / 4) success, untargeted and targeted, by epsilon."""
    rows = []
    for kind in ("photos", "shapes"):
        classifier = lite0() if kind == "photos" else shapes_cnn()
        pixels = photos(classifier) if kind == "photos" else shapes(60)[0]
        before = answers(classifier, pixels)
        goal = torch.full_like(before, PUG) if kind == "photos" else (before + 1) % len(classifier.labels)
        for e in EPS:
            for targeted in (False, True):
                target = goal if targeted else None
                row = {"pictures": kind, "n": len(pixels), "eps": e, "targeted": targeted}
                for name, attack in (("fgsm", fgsm), ("pgd", pgd)):
                    options = {} if attack is fgsm else {"steps": 10, "step_size": e / 255 / 4}
                    after = answers(
                        classifier,
                        attack(classifier, pixels, target, e / 255, targeted=targeted, progress=False, **options),
                    )
                    row[name] = float((after == goal).float().mean() if targeted else (after != before).float().mean())
                rows.append(row)
    return rows


def beta_smoothed(method, classifier, x, target_map, targets) -> list[float]:
    """Pearson to the target of Dombrowski et al.'s defended map: ``method``'s map of the beta-smoothed
    network, on the model's input ``x``."""
    return pearson(smooth_map(method, smoothed(classifier, DEFENCE_BETA), x, targets), target_map).tolist()


def defended(method, classifier, pictures, target_map, targets) -> dict:
    """Pearson of the defended maps (SmoothGrad for saliency, the beta-smoothed network's map) to the target."""
    x = model_input(classifier, pictures)
    found = {"beta-smoothed": beta_smoothed(method, classifier, x, target_map, targets)}
    if method == "saliency":
        maps = imaging.to_map(smoothgrad(classifier, x, targets, samples=32, progress=False))
        found["SmoothGrad"] = pearson(maps, target_map).tolist()
    return found


def manipulated(classifier, pixels, dataset, method: str, eps: int, steps: int, beta: float) -> list:
    """Each picture's ``method`` map moved to its background at ``eps`` grey levels, through softplus ``beta``."""
    return [
        manipulate(
            classifier,
            pixels[i : i + 1],
            background(dataset.masks[i]),
            method,
            eps / 255,
            steps=steps,
            beta=beta,
            progress=False,
        )
        for i in range(len(pixels))
    ]


def manipulation(n: int = 20, steps: int = 100) -> list[dict]:
    """Each method's map of ``n`` held-out shapes pictures moved to their background, by epsilon; the
    defended maps of those pictures; and an adaptive attack, made on the defence's own smoothed
    network (softplus ``DEFENCE_BETA``), judged by that network's map."""
    classifier, (pixels, dataset) = shapes_cnn(), shapes(n)
    rows = []
    for method in ("saliency", "guided_backprop", "gradcam", "lrp"):
        for e in (8, 16):
            found = manipulated(classifier, pixels, dataset, method, e, steps, BETA)
            row = {"method": method, "eps": e, "n": n, "kept": sum(m.kept for m in found)}
            similarities = [m.similarity() for m in found]
            row.update({k: sum(s[k] for s in similarities) / n for k in similarities[0]})
            row["size"] = max(m.size for m in found)
            targets = torch.tensor([m.target for m in found])
            goals = torch.cat([m.target_map for m in found])
            for picture, name in (
                (torch.cat([m.original for m in found]), "before"),
                (torch.cat([m.picture for m in found]), "after"),
            ):
                for defence, values in defended(method, classifier, picture, goals, targets).items():
                    row[f"{defence} {name}"] = sum(values) / n
            adaptive = manipulated(classifier, pixels, dataset, method, e, steps, DEFENCE_BETA)
            attacked = model_input(classifier, torch.cat([m.picture for m in adaptive]))
            row["adaptive kept"] = sum(m.kept for m in adaptive)
            row["beta-smoothed adaptive"] = sum(beta_smoothed(method, classifier, attacked, goals, targets)) / n
            rows.append(row)
    return rows


def manipulation_photos(steps: int = 20) -> list[dict]:
    """Grad-CAM of each photo moved to the next photo's Grad-CAM (Dombrowski et al.'s setting), 8/255."""
    from ...methods.grad_cam import gradcam

    classifier = lite0()
    pixels = photos(classifier)
    maps = gradcam(classifier, model_input(classifier, pixels))
    rows = []
    for i in range(len(pixels)):
        found = manipulate(
            classifier, pixels[i : i + 1], maps[(i + 1) % len(pixels)], "gradcam", 8 / 255, steps=steps, progress=False
        )
        rows.append(
            {
                "photo": i,
                "kept": found.kept,
                "size": found.size,
                **found.similarity(),
                "answer": found.answer,
                "before": found.original_answer,
            }
        )
    return rows
