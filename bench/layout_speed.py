"""Time the methods that run the model many times in the layout the package now chooses
(:func:`xaitutor.scores.fast_layout`: channels last on a CPU) against the contiguous layout they
ran in before, in one run, on efficientnet_lite0 and torchvision's resnet18 (random weights), one
224 x 224 photo, 2 threads:

    LIME, Kernel SHAP   300 samples, slic superpixels    RISE        300 masks
    occlusion           window 32, stride 16 (169)       Score-CAM   the cam_layer's channels
    feature visualization   16 steps of the pug logit (forward and backward each)

    .venv/bin/python bench/layout_speed.py --repeats 3
    ... --methods lime occlusion --models resnet18

"before" is the same code with ``fast_layout`` giving the contiguous layout (as it was). Within a
repeat the two run one after the other, alternating which goes first; each time is the median of
the repeats after a warm-up, with the ratio's minimum and maximum. Goal (issue 23): each method at
least 20 % faster on efficientnet_lite0 (after / before <= 0.8), resnet18 not slower.
"""

import argparse
import statistics
import time

import torch
import torchvision

import xaitutor as xt
import xaitutor.scores

FAST = xaitutor.scores.fast_layout


def contiguous(module, x):
    return torch.contiguous_format


def methods(clf, picture):
    x = clf.preprocess(picture)
    return {
        "lime": lambda: xt.lime(clf, picture, num_samples=300, segmenter="slic", progress=False),
        "kernel_shap": lambda: xt.kernel_shap(clf, picture, num_samples=300, segmenter="slic", progress=False),
        "rise": lambda: xt.rise(clf, picture, num_masks=300, progress=False),
        "occlusion": lambda: xt.occlusion(clf, x, window=32, stride=16, progress=False),
        "scorecam": lambda: xt.scorecam(clf, x, progress=False),
        "visualize": lambda: xt.visualize(clf, xt.objectives.class_logit(254), steps=16, progress=False),
    }


def timed(run, layout) -> float:
    xaitutor.scores.fast_layout = layout
    try:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start
    finally:
        xaitutor.scores.fast_layout = FAST


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", nargs="+", default=["efficientnet_lite0", "resnet18"])
    parser.add_argument("--methods", nargs="+", default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    photo = xt.imaging.center_crop(xt.imaging.resize(xt.imaging.to_tensor(xt.data.sample_image("chelsea")), 224), 224)
    print(f"{args.threads} threads, {args.repeats} repeats, 224 x 224; seconds: median; after/before: median (min-max)")
    for name in args.models:
        if name == "resnet18":
            torch.manual_seed(0)
            clf = xt.models.wrap(torchvision.models.resnet18().eval(), cam_layer="layer4", name="resnet18")
        else:
            clf = xt.models.load(name)
        for method, run in methods(clf, photo).items():
            if args.methods and method not in args.methods:
                continue
            timed(run, FAST), timed(run, contiguous)  # warm-up
            before, after = [], []
            for r in range(args.repeats):
                order = [(before, contiguous), (after, FAST)][:: 1 if r % 2 else -1]
                for times, layout in order:
                    times.append(timed(run, layout))
            ratios = [a / b for a, b in zip(after, before)]
            print(
                f"{name:18s} {method:12s} before {statistics.median(before):7.2f} s  after "
                f"{statistics.median(after):7.2f} s  after/before {statistics.median(ratios):.2f} "
                f"({min(ratios):.2f}-{max(ratios):.2f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
