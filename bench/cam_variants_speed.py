"""Time xt.gradcam_plusplus, xt.layercam and xt.scorecam against pytorch-grad-cam in one run.

On efficientnet_lite0 (its cam_layer, ``_head_act``, 1280 channels) and torchvision's resnet18
(random weights, ``layer4``, 512 channels), 224 x 224 inputs, the same layer, targets and batch:

    Grad-CAM++   xt.gradcam_plusplus   vs GradCAMPlusPlus   (a batch of --batch pictures)
    LayerCAM     xt.layercam           vs LayerCAM          (a batch of --batch pictures)
    Score-CAM    xt.scorecam           vs ScoreCAM          (one picture, K masked forwards in
                                                             batches of --score-batch)

Score-CAM's floor is the model alone: ceil(K / batch) no-grad forward passes of one batch of
masked pictures. Goal: Score-CAM within 1.1 of its floor.

    OMP_NUM_THREADS=2 .venv/bin/python bench/cam_variants_speed.py --threads 2 --repeats 3
    ... --models resnet18 --score-size 112      # resnet18's 512 forwards at 224 take minutes

Within a repeat the methods run in a rotating order; each time is the median of the repeats, after
a warm-up (which checks that the pairs compute the same maps), with the minimum and maximum.
"""

import argparse
import math
import statistics
import time
import warnings

import numpy as np
import torch
import torchvision
from pytorch_grad_cam import GradCAMPlusPlus, LayerCAM, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

import xaitutor as xt


def peer(kind, model, layer, x, targets, **attributes):
    def run():
        with kind(model=model, target_layers=[model.get_submodule(layer)]) as cam:
            for name, value in attributes.items():
                setattr(cam, name, value)
            maps = cam(input_tensor=x, targets=[ClassifierOutputTarget(t) for t in targets])
        model.zero_grad(set_to_none=True)  # its .backward() writes parameter gradients
        return maps

    return run


def floor(model, x, layer, batch):
    """ceil(K / batch) forward passes of one batch of masked pictures, nothing else."""
    with torch.no_grad():
        with xt.hooks.capture(model, [layer]) as rec:  # the layer's K, from one forward
            model(x)
        channels = rec.activations[layer].shape[1]
    masked = x.repeat(min(batch, channels), 1, 1, 1) * torch.rand(min(batch, channels), 1, *x.shape[-2:])

    def run():
        with torch.no_grad():
            for _ in range(math.ceil(channels / batch)):
                model(masked)

    return run, channels


def gradient_pairs(model, layer, size, batch):
    torch.manual_seed(0)
    x = torch.randn(batch, 3, size, size)
    targets = torch.randint(0, 1000, (batch,)).tolist()
    return {
        "Grad-CAM++": (
            lambda: xt.gradcam_plusplus(model, x, targets, layer=layer)[:, 0].numpy(),
            peer(GradCAMPlusPlus, model, layer, x, targets),
        ),
        "LayerCAM": (
            lambda: xt.layercam(model, x, targets, layer=layer)[:, 0].numpy(),
            peer(LayerCAM, model, layer, x, targets),
        ),
    }


def score_trio(model, layer, size, score_batch):
    torch.manual_seed(0)
    one, target = torch.randn(1, 3, size, size), torch.randint(0, 1000, (1,)).tolist()
    floor_run, k = floor(model, one, layer, score_batch)
    return k, {
        "xt Score-CAM": lambda: xt.scorecam(model, one, target, layer=layer, batch_size=score_batch, progress=False)[
            :, 0
        ].numpy(),
        "pgc Score-CAM": peer(ScoreCAM, model, layer, one, target, batch_size=score_batch),
        "floor Score-CAM": floor_run,
    }


def check(ours, theirs, name):
    for a, b in zip(ours, theirs):
        if a.max() > 0:
            r = np.corrcoef(a.ravel(), b.ravel())[0, 1]
            assert r > 0.99, f"{name}: the maps differ (correlation {r:.4f})"


def timed(functions, repeats, results=None):
    """Each function ``repeats`` times, in a rotating order; ``results`` keeps the first answers."""
    times, names = {name: [] for name in functions}, list(functions)
    for repeat in range(repeats):
        for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
            start = time.perf_counter()
            out = functions[name]()
            times[name].append(time.perf_counter() - start)
            if results is not None:
                results.setdefault(name, out)
    return times


def bench(model, layer, size, batch, score_size, score_batch, repeats, score_repeats):
    functions = {}
    for name, (ours, theirs) in gradient_pairs(model, layer, size, batch).items():
        check(ours(), theirs(), name)  # also the warm-up
        functions[f"xt {name}"], functions[f"pgc {name}"] = ours, theirs
    times = timed(functions, repeats)
    # Score-CAM is K forwards a call: the gradient methods warmed the model, and the first timed
    # answers are the ones checked
    k, trio = score_trio(model, layer, score_size, score_batch)
    results = {}
    times.update(timed(trio, score_repeats, results))
    check(results["xt Score-CAM"], results["pgc Score-CAM"], "Score-CAM")
    return k, times


def spread(ours, theirs):
    ratios = [a / b for a, b in zip(ours, theirs)]
    return f"median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["efficientnet_lite0", "resnet18"])
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--score-batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--score-size", type=int, default=None, help="Score-CAM's picture (default: --size)")
    parser.add_argument("--score-repeats", type=int, default=1, help="K forwards each: one repeat takes minutes")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {args.size} x {args.size}, "
        f"batch {args.batch}, {args.repeats} repeats (Score-CAM: 1 picture, {args.score_batch} masked pictures "
        f"a forward, {args.score_repeats} repeats); ratios per repeat"
    )
    for name in args.models:
        if name == "resnet18":
            torch.manual_seed(0)
            model, layer = torchvision.models.resnet18(weights=None).eval(), "layer4"
        else:
            clf = xt.models.load(name)
            model, layer = clf.model, clf.cam_layer
        score_size = args.score_size or args.size
        k, times = bench(
            model, layer, args.size, args.batch, score_size, args.score_batch, args.repeats, args.score_repeats
        )
        print(f"\n{name}, {layer}, K = {k}, Score-CAM at {score_size} x {score_size}")
        for method in ("Grad-CAM++", "LayerCAM", "Score-CAM"):
            ours, theirs = times[f"xt {method}"], times[f"pgc {method}"]
            print(
                f"  {method:11s} xt {statistics.median(ours) * 1000:8.0f} ms   pytorch-grad-cam "
                f"{statistics.median(theirs) * 1000:8.0f} ms   ours / theirs {spread(ours, theirs)}"
            )
        fl = times["floor Score-CAM"]
        print(
            f"  {'Score-CAM':11s} floor ({math.ceil(k / args.score_batch)} forwards of {args.score_batch}) "
            f"{statistics.median(fl) * 1000:8.0f} ms   ours / floor {spread(times['xt Score-CAM'], fl)}"
        )


if __name__ == "__main__":
    main()
