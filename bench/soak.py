"""A long session in one process: 1,000 mixed explanations on efficientnet_lite0, and the RSS.

Every method of the package, at 224 x 224 and at the cat's own 224 x 337, for a few targets, in
a fixed rotation (LIME at 100 samples and feature visualization at 64 px, so that the whole soak
takes a few minutes). A call must leave nothing behind, so after the first rotation (the warm-up:
lazy imports, allocator pools) the process should not grow: the goal is under 5 % to the end.

    .venv/bin/python bench/soak.py                # 1,000 calls
    .venv/bin/python bench/soak.py --calls 200    # a shorter soak

Ctrl-C stops early and prints the figures so far.
"""

import argparse
import gc
import itertools
import signal
import time

import psutil
import torch
from tqdm.auto import tqdm

import xaitutor as xt


def rotation(clf):
    """The calls of one rotation: (name, function) pairs."""
    cat = xt.data.sample_image("chelsea")
    batches = {"224x224": clf.preprocess(cat, size=(224, 224)), "224x337": clf.preprocess(cat)}
    gradient_methods = {
        "gradcam": xt.gradcam,
        "gradcam_parts": lambda *a, **k: xt.gradcam(*a, return_parts=True, **k),
        "guided_gradcam": xt.guided_gradcam,
        "guided_backprop": xt.guided_backprop,
        "saliency": xt.saliency,
    }
    calls = [
        (f"{name} {size} target {target}", lambda f=f, x=x, t=target: f(clf, x, target=t))
        for (name, f), (size, x), target in itertools.product(
            gradient_methods.items(), batches.items(), [None, 281, 285]
        )
    ]
    calls += [
        ("lime 100 samples", lambda: xt.lime(clf, cat, num_samples=100, progress=False)),
        (
            "visualize 64 px",
            lambda: xt.visualize(clf, xt.objectives.class_logit(254), size=64, octaves=2, steps=8, progress=False),
        ),
        ("degradation_series", lambda: xt.methods.degradation_series(clf, cat, "noise", strengths=[0, 0.2, 0.4])),
    ]
    return calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    process = psutil.Process()
    clf = xt.models.load("efficientnet_lite0")
    calls = rotation(clf)

    def mb():
        return process.memory_info().rss / 2**20

    # Ctrl-C ends the soak after the call that is running: the methods themselves catch an
    # interrupt to return their partial result, so it must not be left to them.
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))
    start, done, warm = time.perf_counter(), 0, None
    for _name, call in tqdm(itertools.islice(itertools.cycle(calls), args.calls), total=args.calls, desc="soak"):
        call()
        done += 1
        if done == len(calls):
            gc.collect()
            warm = mb()
        if stop:
            print(f"interrupted after {done} calls")
            break
    gc.collect()
    end, minutes = mb(), (time.perf_counter() - start) / 60
    print(f"{done} calls ({len(calls)} per rotation) in {minutes:.1f} min")
    if warm is None:
        print(f"RSS {end:.0f} MB; too few calls for a warm-up rotation")
        return
    print(
        f"RSS after the warm-up rotation: {warm:.0f} MB; at the end: {end:.0f} MB; "
        f"growth {100 * (end - warm) / warm:+.1f} % (goal: under 5 %)"
    )


if __name__ == "__main__":
    main()
