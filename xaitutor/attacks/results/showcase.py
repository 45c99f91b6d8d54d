"""The chapter's two manipulated pictures: the two-object photo whose Grad-CAM of "Egyptian cat"
moves onto the cup, and a shapes picture whose Grad-CAM moves to the background."""

from __future__ import annotations

from ... import data
from ...methods.grad_cam import gradcam
from ..manipulation import Manipulation, manipulate
from ..pixel_space import as_pixels, model_input
from .pictures import background, lite0, shapes, shapes_cnn

CAT, ESPRESSO = 285, 967


def described(found: Manipulation, **settings) -> tuple[dict, object]:
    return {
        **settings,
        "kept": found.kept, "size": found.size, "target": found.target,
        "answer": found.answer, "original answer": found.original_answer,
        "probability": found.probability, "original probability": found.original_probability,
        **found.similarity(),
    }, found.picture  # fmt: skip


def cat_and_coffee(steps: int = 30, gamma: float = 100.0):
    """Grad-CAM of "Egyptian cat" on the two-object photo moved to Grad-CAM of "espresso", 8/255; the
    answer's weight ``gamma`` ten times the default keeps every probability close, the cat's too."""
    classifier = lite0()
    pixels = (as_pixels(classifier, data.sample_image("cat_and_coffee"), "the showcase") * 255).round() / 255
    goal = gradcam(classifier, model_input(classifier, pixels), ESPRESSO)[0, 0]
    found = manipulate(
        classifier, pixels, goal, "gradcam", 8 / 255, target=CAT, steps=steps, gamma=gamma, progress=False
    )
    return described(found, method="gradcam", eps=8, steps=steps, gamma=gamma, goal="Grad-CAM of espresso")


def shape(index: int = 0, steps: int = 100):
    """Grad-CAM of a held-out shapes picture moved to its background, 16/255."""
    pixels, dataset = shapes(20)  # the pictures of the manipulation's table
    found = manipulate(
        shapes_cnn(),
        pixels[index : index + 1],
        background(dataset.masks[index]),
        "gradcam",
        16 / 255,
        steps=steps,
        progress=False,
    )
    return described(found, method="gradcam", eps=16, steps=steps, goal="the background", index=index)
