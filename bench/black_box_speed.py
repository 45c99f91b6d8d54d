"""Time chapter 6's model-agnostic methods against their floors, in one run.

xt.kernel_shap against xt.lime: the same 224 x 224 photo, the same segmentation (quickshift,
lime's defaults), the same number of samples, the same batch size. Each method's overhead is what
it costs beyond its forward passes and its segmentation: overhead = total - forwards (the same
number of pictures, batched, timed alone) - segmentation. Goal: Kernel SHAP's overhead at most
LIME's. Measured (a) with a near-free classifier, where the overhead is nearly the whole time and
so is measured precisely, and (b) with efficientnet_lite0, where it is a small difference of
large times (on a busy machine, within their noise). In (b), xt.rise against its floor,
``num_masks / batch`` forward passes; goal: close to 1. Most of both overheads is the mixing of
sample pictures the two share (hidden_superpixels.mixing.perturb), whose time varies by a fifth from run
to run; (c) times what each does on its own, on the same rows: LIME's sampling, distances, kernel
and ridge fit; Kernel SHAP's choice of coalitions and its constrained regression.

    .venv/bin/python bench/black_box_speed.py                  # 1000 (a) and 300 (b) samples, 3 repeats
    .venv/bin/python bench/black_box_speed.py --samples 1000 --repeats 5

Each time is the median of ``--repeats`` runs, with the fastest and slowest in brackets (the
machine may be shared: look at the spread).
"""

import argparse
import statistics
import time

import numpy as np
import torch
from torch import nn

import xaitutor as xt
from xaitutor.methods.lime_image import segment
from xaitutor.methods.lime_image.proximity import cosine_distance, kernel
from xaitutor.methods.lime_image.samples import draw_samples
from xaitutor.methods.lime_image.surrogate import fit_surrogate
from xaitutor.methods.shapley.coalitions import choose_coalitions
from xaitutor.methods.shapley.regression import shapley_regression
from xaitutor.models import EFFICIENTNET_MEAN, EFFICIENTNET_STD

BATCH = 16  # the fastest batch for efficientnet_lite0 on a laptop CPU


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def spread(times):
    return f"{statistics.median(times):7.3f} s  [{min(times):.3f} .. {max(times):.3f}]"


def run(clf, photo, n, repeats, rise=True):
    """Median times of the forwards alone, the segmentation, LIME, Kernel SHAP (and RISE), and the
    overheads, all on ``clf``."""
    x = clf.preprocess(photo).expand(BATCH, -1, -1, -1).contiguous()

    def forwards(count):
        with torch.no_grad():
            for start in range(0, count, BATCH):
                clf(x[: min(BATCH, count - start)])

    common = dict(target=None, num_samples=n, segmenter="quickshift", seed=0, batch_size=BATCH, progress=False)
    times = {k: [] for k in ("forwards", "segmentation", "lime", "kernel_shap", "rise")}
    # One untimed call each first: lazy imports (scikit-learn, scikit-image) and allocator pools.
    forwards(BATCH), xt.lime(clf, photo, **{**common, "num_samples": 64})
    xt.kernel_shap(clf, photo, **{**common, "num_samples": 64}), xt.rise(clf, photo, num_masks=BATCH, progress=False)
    for _ in range(repeats):  # interleaved, so that a busy spell of the machine hits all alike
        times["forwards"].append(timed(lambda: forwards(n)))
        times["segmentation"].append(timed(lambda: segment(photo, "quickshift")))
        times["lime"].append(timed(lambda: xt.lime(clf, photo, **common)))
        times["kernel_shap"].append(timed(lambda: xt.kernel_shap(clf, photo, **common)))
        if rise:
            times["rise"].append(
                timed(lambda: xt.rise(clf, photo, num_masks=n, seed=0, batch_size=BATCH, progress=False))
            )
    for name in ("forwards", "segmentation", "lime", "kernel_shap"):
        print(f"  {name:28s}{spread(times[name])}")
    floor = [f + s for f, s in zip(times["forwards"], times["segmentation"])]
    over = {m: [t - f for t, f in zip(times[m], floor)] for m in ("lime", "kernel_shap")}
    for m in over:
        print(f"  {m + ' overhead':28s}{spread(over[m])}")
    lime, shap = statistics.median(over["lime"]), statistics.median(over["kernel_shap"])
    print(
        f"  median overheads: kernel_shap {shap:.3f} s, lime {lime:.3f} s"
        + (
            f", kernel_shap / lime = {shap / lime:.2f} (goal <= 1)"
            if min(lime, shap) > 0
            else " (within the noise of the forwards: see (c))"
        )
    )
    if rise:
        print(f"  {'rise':28s}{spread(times['rise'])}")
        ratio = [r / f for r, f in zip(times["rise"], times["forwards"])]
        print(
            f"  rise / floor ({n} pictures' forwards) = {statistics.median(ratio):.2f}  "
            f"[{min(ratio):.2f} .. {max(ratio):.2f}]   (RISE classifies one more picture, the photo itself)"
        )


def own_steps(n, superpixels, repeats):
    """Median times of the steps LIME and Kernel SHAP do not share, for ``n`` samples of
    ``superpixels`` players, with the classifier's answers stood in by random numbers."""
    answers = np.random.default_rng(0).random(n)

    def lime_steps():
        rows = draw_samples(np.random.RandomState(0), n, superpixels)
        fit_surrogate(rows, answers, kernel(cosine_distance(rows), 0.25))

    def shap_steps():
        rows, weights, _ = choose_coalitions(superpixels, n, np.random.default_rng(0))
        shapley_regression(rows, answers[: len(rows)], weights, answers[0], answers[1])

    lime_steps(), shap_steps()  # warm-up
    times = {"lime": [], "kernel_shap": []}
    for _ in range(repeats):
        times["lime"].append(timed(lime_steps))
        times["kernel_shap"].append(timed(shap_steps))
    for name, spent in times.items():
        ms = [1000 * t for t in spent]
        print(f"  {name + ' own steps':28s}{statistics.median(ms):7.2f} ms  [{min(ms):.2f} .. {max(ms):.2f}]")
    ratio = statistics.median(times["kernel_shap"]) / statistics.median(times["lime"])
    print(f"  kernel_shap / lime own steps = {ratio:.2f} (goal <= 1)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=300, help="LIME's and Kernel SHAP's samples, RISE's masks")
    parser.add_argument("--free-samples", type=int, default=1000, help="the same with a near-free classifier")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {BATCH}, "
        f"median of {args.repeats} [fastest .. slowest]"
    )
    photo = xt.data.sample_image("chelsea").crop((100, 0, 400, 300)).resize((224, 224))
    superpixels = int(segment(photo, "quickshift").max()) + 1
    print(f"{superpixels} quickshift superpixels: Kernel SHAP samples its coalitions")

    free = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3, 1000))
    print(
        f"(a) near-free classifier (an average pool and a linear layer), {args.free_samples} samples: "
        "the overheads alone, with little noise"
    )
    run(
        xt.Classifier(free, [f"class {i}" for i in range(1000)], EFFICIENTNET_MEAN, EFFICIENTNET_STD, input_size=224),
        photo,
        args.free_samples,
        args.repeats,
        rise=False,
    )
    print(f"(b) efficientnet_lite0 at 224, {args.samples} samples and masks")
    run(xt.models.load("efficientnet_lite0"), photo, args.samples, args.repeats)
    print(
        f"(c) the steps each does alone, {args.free_samples} samples of {superpixels} superpixels, "
        f"{5 * args.repeats} repeats"
    )
    own_steps(args.free_samples, superpixels, 5 * args.repeats)


if __name__ == "__main__":
    main()
