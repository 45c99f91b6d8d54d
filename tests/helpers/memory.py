"""Repeated calls of every method and explorer on efficientnet_lite0, for the memory tests.

``CALLS`` maps a name to a function ``setup(classifier) -> call``: the setup builds what the call
needs once (inputs, an explorer), and ``call()`` does one explanation or one redraw, as a student
clicking again would. Small pictures keep the tests quick; a leak of the graph still costs
megabytes per call at this size.

Run as a script, it measures the growth of this process's RSS per call for the named calls and
prints one JSON line: ``python tests/helpers/memory.py gradcam saliency``.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import json
import sys

import torch

import xaitutor as xt

SIZE = (128, 192)  # the cat's 2:3, small


def _batch(clf):
    return clf.preprocess(xt.data.sample_image("chelsea"), size=SIZE)


def _method(function, **kwargs):
    def setup(clf):
        x, classes = _batch(clf), itertools.cycle([None, 281, 285])
        return lambda: function(clf, x, target=next(classes), **kwargs)

    return setup


def _degradation(clf):
    cat = xt.imaging.resize(xt.imaging.to_tensor(xt.data.sample_image("chelsea")), SIZE)
    kinds = itertools.cycle(["noise", "brightness", "contrast"])
    return lambda: xt.methods.degradation_series(clf, cat, next(kinds), strengths=[0, 0.3, 0.6])


def _scorecam(clf):
    x, classes = clf.preprocess(xt.data.sample_image("chelsea"), size=(64, 64)), itertools.cycle([None, 281, 285])
    return lambda: xt.scorecam(clf, x, target=next(classes), layer="_blocks.0", progress=False)


def _lime(clf):
    small, cat = _small(clf, 64), xt.data.sample_image("chelsea")
    seeds = itertools.count()
    return lambda: xt.lime(
        small,
        cat,
        num_samples=24,
        segmenter="slic",
        seed=next(seeds),
        progress=False,
        segmenter_params=dict(n_segments=12),
    )


# Chapter 6, model-agnostic: Kernel SHAP and RISE (issue #15), small pictures and few samples.
def _kernel_shap(clf):
    small, cat = _small(clf, 64), xt.data.sample_image("chelsea")
    seeds = itertools.count()
    return lambda: xt.kernel_shap(
        small,
        cat,
        num_samples=24,
        segmenter="slic",
        seed=next(seeds),
        progress=False,
        segmenter_params=dict(n_segments=12),
    )


def _rise(clf):
    small, cat = _small(clf, 64), xt.data.sample_image("chelsea")
    seeds = itertools.count()
    return lambda: xt.rise(small, cat, num_masks=16, seed=next(seeds), progress=False)


def _visualize(clf):
    classes = itertools.cycle([1, 254, 963])
    return lambda: xt.visualize(
        clf, xt.objectives.class_logit(next(classes)), size=48, octaves=2, steps=2, progress=False
    )


def _deepdream(clf):
    photo, layers = xt.data.sample_image("chelsea"), itertools.cycle(["_blocks.5", "_blocks.9"])
    return lambda: xt.visualize(
        clf,
        xt.objectives.layer(next(layers)),
        init=photo,
        param="pixel",
        size=48,
        octaves=2,
        steps=2,
        transforms=[],
        progress=False,
    )


def _diversity(clf):
    objective = xt.objectives.class_logit(254) + 10 * xt.objectives.diversity("_blocks.5")
    return lambda: xt.visualize(clf, objective, seed=[0, 1], size=48, steps=2, progress=False)


def _small(clf, size):
    return xt.models.wrap(
        clf.model,
        mean=clf.mean,
        std=clf.std,
        labels=clf.labels,
        cam_layer=clf.cam_layer,
        input_size=size,
        name=clf.name,
    )


def _gradcam_explorer(clf):
    explorer = xt.widgets.gradcam_explorer(_small(clf, SIZE[0]))
    methods = itertools.cycle(explorer.method.options)
    classes = itertools.cycle(explorer.classes.search.options[281:286])

    def click():  # a new class for each method: every click computes a map
        explorer.method.value = next(methods)
        explorer.classes.search.value = next(classes)

    return click


def _gradcam_explorer_degrading(clf):
    explorer = xt.widgets.gradcam_explorer(_small(clf, SIZE[0]))
    noise = itertools.cycle([0.1, 0.2, 0.3])
    return lambda: setattr(explorer.noise, "value", next(noise))


def _lime_explorer(clf):
    explorer = xt.widgets.lime_explorer(_small(clf, 64), num_samples=50)
    settings = itertools.cycle([("slic", 10), ("slic", 15), ("felzenszwalb", 100), ("quickshift", 100)])

    def click():
        explorer.segmenter.value, explorer.parameter.value = next(settings)
        explorer.explain()

    return click


def _featurevis_explorer(clf):
    explorer = xt.widgets.featurevis_explorer(clf, size=48)
    explorer.octaves.value, explorer.steps.value = 1, 3
    return explorer.run


# Chapter 9, attacks: on pictures in [0, 1]; the manipulation of a small picture, two steps
def _attack(function, **kwargs):
    def setup(clf):
        x = xt.imaging.denormalize(_batch(clf), clf.mean, clf.std)
        classes = itertools.cycle([None, 281, 285])
        return lambda: function(clf, x, target=next(classes), progress=False, **kwargs)

    return setup


def _manipulate(clf):
    small = _small(clf, 48)
    x = xt.imaging.denormalize(small.preprocess(xt.data.sample_image("chelsea")), clf.mean, clf.std)
    goal = torch.rand(x.shape[-2:], generator=torch.Generator().manual_seed(0))
    return lambda: xt.attacks.manipulate(small, x, goal, steps=2, progress=False)


def _attack_explorer(clf):
    explorer = xt.widgets.attack_explorer(_small(clf, 64))
    eps = itertools.cycle(range(1, 17))  # more than the cache keeps: every change attacks and explains
    return lambda: setattr(explorer.eps, "value", next(eps))


def _concept(name):
    """A chapter 8 method on 64 x 64 pictures at _blocks.4 (each call other pictures: a leak shows)."""

    def setup(clf):
        small, seeds = _small(clf, 64), itertools.count()
        half = torch.zeros(6, 64, 64, dtype=torch.bool)
        half[:, :, :32] = True

        def call():
            x = torch.rand(6, 3, 64, 64, generator=torch.Generator().manual_seed(next(seeds)))
            if name == "tcav":
                return xt.concepts.tcav(small, "_blocks.4", x[:3], x, x[3:], 1, runs=2)
            if name == "dissect":
                return xt.concepts.dissect(small, "_blocks.4", x, {"left": half, "right": ~half})
            if name == "factorize":
                return xt.concepts.factorize(small, x, "_blocks.4", parts=2, max_iter=20)
            return xt.concepts.top_examples(small, "_blocks.4", 0, x, k=2, patch=16)

        return call

    return setup


def _concept_explorer(clf):
    explorer = xt.widgets.concept_explorer("shapes_cnn", pictures=24, steps=2)
    units = itertools.cycle(range(1, 64))  # from 1 (it shows 0); more than the cache keeps: it visualizes again
    return lambda: setattr(explorer.unit, "value", next(units))


def _evaluation(measure):
    """Issue 28's measures on the cat (ROAD at one share; the MPRT variants randomise a copy)."""

    def setup(clf):
        cat, maps = [xt.data.sample_image("chelsea")], torch.rand(1, 1, 224, 224)
        calls = {
            "road": lambda: xt.evaluation.road(clf, cat, maps, percentages=(10,), progress=False),
            "efficient_mprt": lambda: xt.evaluation.efficient_mprt(xt.saliency, clf, cat),
            "random_logit": lambda: xt.evaluation.random_logit(xt.saliency, clf, cat),
        }
        return calls[measure]

    return setup


CALLS = {
    "gradcam": _method(xt.gradcam),
    "gradcam_parts": _method(xt.gradcam, return_parts=True),
    "guided_gradcam": _method(xt.guided_gradcam),
    "guided_backprop": _method(xt.guided_backprop),
    "saliency": _method(xt.saliency),
    # chapter 6's CAM variants (issue 15b): gradcam_plusplus, layercam, scorecam (Score-CAM on the
    # 16 channels of _blocks.0 of a 64 x 64 picture: 16 masked forwards a call)
    "gradcam_plusplus": _method(xt.gradcam_plusplus),
    "layercam": _method(xt.layercam),
    "scorecam": _scorecam,
    "degradation_series": _degradation,
    "lime": _lime,
    "visualize": _visualize,
    "deepdream": _deepdream,
    "visualize_diversity": _diversity,
    "gradcam_explorer": _gradcam_explorer,
    "gradcam_explorer_degrading": _gradcam_explorer_degrading,
    "lime_explorer": _lime_explorer,
    "featurevis_explorer": _featurevis_explorer,
    # issue 15a: integrated_gradients, smoothgrad, input_x_gradient, occlusion (few steps: a leak of
    # the graph still shows)
    "integrated_gradients": _method(xt.integrated_gradients, steps=4, progress=False),
    "integrated_gradients_parts": _method(xt.integrated_gradients, steps=4, progress=False, return_parts=True),
    "smoothgrad": _method(xt.smoothgrad, samples=3, progress=False),
    "input_x_gradient": _method(xt.input_x_gradient),
    "occlusion": _method(xt.occlusion, window=64, stride=64, progress=False),
    # chapter 6, model-agnostic (issue #15): Kernel SHAP and RISE
    "kernel_shap": _kernel_shap,
    "rise": _rise,
    # chapter 7, relevance propagation
    "lrp": _method(xt.lrp),
    "lrp_gamma_box_parts": _method(xt.lrp, composite="epsilon_gamma_box", return_parts=True),
    "deeplift": _method(xt.deeplift),
    "deeplift_parts": _method(xt.deeplift, return_parts=True),
    "deconvnet": _method(xt.deconvnet),
    # chapter 9, attacks
    "fgsm": _attack(xt.attacks.fgsm),
    "pgd": _attack(xt.attacks.pgd, steps=2),
    "manipulate": _manipulate,
    "attack_explorer": _attack_explorer,
    # chapter 8, concepts
    "tcav": _concept("tcav"),
    "dissect": _concept("dissect"),
    "factorize": _concept("factorize"),
    "top_examples": _concept("top_examples"),
    "concept_explorer": _concept_explorer,
    # issue 28, evaluation
    "road": _evaluation("road"),
    "efficient_mprt": _evaluation("efficient_mprt"),
    "random_logit": _evaluation("random_logit"),
}


def rss_growth(names, warmup: int | None = None, calls: int = 8) -> dict[str, float]:
    """MB of RSS this process gains per call of each named call, after ``warmup`` calls (caches,
    allocator pools and lazily imported modules settle there). By default 8 for an explorer: its
    cache holds its 8 newest results, and its growth falls from 0.5 MB a call after 5 warm-up calls
    to 0.1 after 8; 3 for the other calls, which keep nothing (at most 0.01 MB a call after 3)."""
    import psutil

    torch.manual_seed(0)
    clf = xt.models.load("efficientnet_lite0")
    process, growth = psutil.Process(), {}

    def rss():
        gc.collect()
        trim()  # hand freed heap back to the system, so that RSS counts what is alive
        return process.memory_info().rss

    for name in names:
        call = CALLS[name](clf)
        for _ in range((8 if "explorer" in name else 3) if warmup is None else warmup):
            call()
        before = rss()
        for _ in range(calls):
            call()
        growth[name] = (rss() - before) / calls / 2**20
    return growth


def trim():
    """glibc's ``malloc_trim``: return the free memory at the top of the heap and in its free
    pages to the system (nothing elsewhere)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    torch.set_num_threads(1)
    print(json.dumps(rss_growth(sys.argv[1:] or list(CALLS))))
