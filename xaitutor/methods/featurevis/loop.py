"""The loop of feature visualization: gradient ascent on a parameterised picture (eq. 4.3),
through random transformations, over the octaves of a pyramid, batch after batch."""

from __future__ import annotations

import torch

from ...guard import evaluating
from ...hooks import capture
from ...models.classifier import Classifier, require_classifier
from ...progress_bar import interruptible
from ..protocol import declare
from . import checks, settings
from .images import FourierImage, PixelImage
from .result import Visualization, collect
from .run import Run
from .transforms import STANDARD, compose

PARAMETERISATIONS = {"pixel": PixelImage, "fourier": FourierImage}


@declare(
    "feature visualization",
    kind="visualization",
    returns="visualization",
    chapter=4,
    paper="Olah, Mordvintsev and Schubert, Distill 2017, https://distill.pub/2017/feature-visualization/",
    cost="steps x octaves x (forward + backward to the picture)",
    passes="steps",
)
def visualize(
    model: Classifier,
    objective,
    init="random",
    param: str = "fourier",
    size: int = 224,
    steps: int = 128,
    lr: float = 0.05,
    transforms=STANDARD,
    octaves: int = 1,
    octave_scale: float = 1.4,
    blur: float | None = None,
    blur_kernel: int = 7,
    blur_every: int = 1,
    seed=0,
    batch_size: int | None = None,
    progress: bool = True,
    callback=None,
) -> Visualization:
    """Find a picture that maximises ``objective`` by gradient ascent (the essay's eq. 4.3).

    The defaults are lucid's recipe (Olah et al., https://distill.pub/2017/feature-visualization/):
    a decorrelated Fourier picture, Adam, 128 steps through the standard transformations. The
    essay's recipe is ``param="pixel", transforms=[], octaves=4, blur=0.9`` (``RECIPES``).

    Args:
        model: a :class:`~xaitutor.Classifier` (wrap a bare module with ``xt.models.wrap``): its
            mean and std turn the picture into the model's input.
        objective: an :mod:`~xaitutor.objectives` objective, or a list of them: one image each.
        init: ``"random"`` (for ``"pixel"``, the essay's uniform noise ``U[0, 1]``; for
            ``"fourier"``, a small random spectrum, near grey) or a picture (PIL, array, or a
            3 x H x W / N x 3 x H x W tensor in [0, 1]) resized so its short side is ``size``:
            that is DeepDream (section 4.3.3).
        param: how the picture is described: ``"pixel"`` (its pixels, the normalised gradient
            step of program 4.4) or ``"fourier"`` (its decorrelated, 1/f-scaled spectrum, Adam).
        size: the side (the short side for a photo) of the final image.
        steps: gradient-ascent steps per octave.
        lr: the learning rate: for ``"pixel"`` how far a pixel moves per step, in units of the
            gradient's std; for ``"fourier"`` Adam's.
        transforms: the random :mod:`~xaitutor.methods.featurevis.transforms` the picture goes
            through before each forward pass (``[]``: none).
        octaves: the levels of the pyramid (1: none), each ``octave_scale`` times larger than the
            one before, the last ``size``. From noise the picture is carried up (program 4.5);
            from a photo the photo is taken at each size and the detail the ascent added so far is
            enlarged and added to it (DeepDream's re-injection).
        blur: the sigma of a Gaussian blur of the pixel picture before every ``blur_every``-th
            step (program 4.4: sigma 0.9, kernel 7, every step); ``None``: no blur.
        seed: the random start and transformations; a list of seeds gives a batch of images;
            ``None``: fresh randomness at each call.
        batch_size: pictures optimised together (the memory of one backward pass grows with it);
            by default one 224 x 224 picture's worth of pixels on a CPU, 16 on a GPU.
        progress: show a progress bar.
        callback: called as ``callback(step, total_steps, pixels)`` after each step (a step of a
            batch steps all its pictures: ``total_steps`` counts batches times steps), with the
            current batch's ``n x 3 x h x w`` picture in [0, 1] (for live displays).

    Returns:
        A :class:`Visualization`. Ctrl-C (KeyboardInterrupt) stops early and returns the pictures
        so far (those of batches not started are left out), with a warning; before the first
        step, the KeyboardInterrupt goes on.
    """
    require_classifier(model, "visualize")
    objectives, seeds = settings.pair(objective, seed)
    checks.check_settings(param, size, octaves, octave_scale, steps, lr, blur, blur_kernel, blur_every)
    transform = compose(*transforms)
    photos = settings.initial_pictures(init, size, len(seeds))
    shapes = settings.octave_shapes(
        tuple(photos.shape[-2:]) if photos is not None else (size, size), octaves, octave_scale
    )
    checks.check_fits(model, shapes[0], transform)
    batches = settings.batches(objectives, batch_size, shapes[-1], model.device)
    layers = list(dict.fromkeys(name for o in objectives for name in o.layers))
    total = len(batches) * octaves * steps
    done_runs, run = [], None  # keep only each finished batch's pictures and history
    # the ascent needs gradients even under no_grad or inference_mode (enable_grad alone does not
    # lift inference mode)
    with torch.inference_mode(False), torch.enable_grad(), evaluating(model.model), capture(model.model, layers) as rec:
        for p in model.model.parameters():  # no weight gradients needed: a faster backward
            p.requires_grad_(False)  # (evaluating restores the flags)
        partial = "the pictures so far (batches not started are left out)"
        with interruptible(total, "feature visualization", progress, unit="step", partial=partial) as bar:
            for batch in batches:
                generators = [torch.Generator().manual_seed(seeds[i]) for i in batch]
                start = photos[batch] if photos is not None else None
                run = Run(model, rec, [objectives[i] for i in batch], generators, transform)
                for shape in shapes:
                    run.begin_octave(PARAMETERISATIONS[param], shape, lr, start, shape[0] / shapes[-1][0])
                    for step in range(steps):
                        if blur and (step + 1) % blur_every == 0:  # before the step, as program 4.4
                            run.blur(blur_kernel, blur)
                        run.step()
                        bar.update()
                        if callback is not None:
                            callback(bar.done, total, run.pixels())
                done_runs.append(run.result())
                run = None
        if bar.interrupted and run is not None and run.image is not None:
            done_runs.append(run.result())  # the batch Ctrl-C stopped, as far as it got
    return collect(done_runs, settings.names(objectives, seeds), model)
