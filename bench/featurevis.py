"""Time a step of xt.visualize against its floor and against torch-lucent, and check the default
recipe on the essay's eleven classes.

(a) time per ascent step on efficientnet_lite0 at 224 x 224, one image, measured in one run,
    interleaved:
    - the floor: one bare forward plus one backward to the input (``torch.autograd.grad``, the
      weights frozen as visualize freezes them) at the size the model actually receives: the
      default transformations pad by 12 and crop by 8 + 4, so 236 x 236; goal: a step of the
      default (Fourier) recipe within 1.1 times the floor;
    - xt.visualize, the default recipe (decorrelated Fourier picture, Adam, the standard
      transformations) and the essay's (pixels, no transformations; its floor is at 224), timed
      from the first step's end to the last one's (the steps without the set-up), and the
      default recipe's whole call (set-up included: hooks, a first forward that checks the
      picture fits the model), which is what lucent's time is compared with;
    - torch-lucent's ``render_vis`` with the same recipe (its defaults: ``param.image(224)``,
      Adam 0.05, ``standard_transforms``; one step = one forward plus ``loss.backward()``,
      which also computes every weight's gradient), on a fresh copy of the model for each
      render since lucent 0.1.8 leaves a hook on every module behind.
(b) ``--classes``: with the default recipe and seed 0, for each of the essay's 11 classes: the
    probability efficientnet_lite0 gives it on its picture, the rank and probability that
    efficientnet_lite1 (trained separately, shown the picture resized to its 240 px) gives it,
    and the time: wall-clock seconds, and the process's CPU seconds divided by the threads (what
    the wall clock would read on an idle machine; the two differ when others share the cores).
    Goal: 11 of 11 at p >= 0.9 on lite0, at least 10 in lite1's top 5, a median of at most 10 s a
    class with 2 threads. ``--save DIR`` writes each picture as a PNG; ``--no-steps`` skips (a).

    .venv/bin/python bench/featurevis.py                       # (a)
    .venv/bin/python bench/featurevis.py --classes --save build/featurevis   # (a) and (b)
    .venv/bin/python bench/featurevis.py --classes --no-steps                # (b) only
    .venv/bin/python bench/featurevis.py --threads 2 --steps 8 --repeats 3  # quicker, on a busy machine

Each time is the median of ``--repeats`` runs, with the spread; the machine's load is printed,
since a shared machine makes every time noisy.
"""

import argparse
import copy
import os
import statistics
import time
from pathlib import Path

import torch

import xaitutor as xt
from xaitutor.methods.featurevis import RECIPES, transforms

ESSAY_CLASSES = [1, 33, 77, 207, 254, 761, 771, 783, 817, 883, 963]


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def received_side(size):
    probe = transforms.compose(*transforms.STANDARD)(torch.zeros(1, 3, size, size), [torch.Generator()])
    return probe.shape[-1]


def step_times(clf, steps, repeats, size=224, target=254):
    """Seconds per step of each runner; each runner returns the seconds of what it measures."""
    model = clf.model
    objective = xt.objectives.class_logit(target)

    def bare(side):
        def run():
            for p in model.parameters():
                p.requires_grad_(False)
            start = time.perf_counter()
            for _ in range(steps):
                x = torch.rand(1, 3, side, side, requires_grad=True)
                torch.autograd.grad(model(x)[0, target], x)
            seconds = time.perf_counter() - start
            for p in model.parameters():
                p.requires_grad_(True)
            return seconds

        return run

    def ours(**recipe):
        def run():  # from the end of the first step to the end of the last: the steps, not the set-up
            ticks = []
            xt.visualize(
                clf,
                objective,
                size=size,
                progress=False,
                **recipe,
                callback=lambda step, total, pixels: ticks.append(time.perf_counter()),
            )
            return (ticks[-1] - ticks[0]) * steps / (steps - 1)

        return run

    side = received_side(size)
    runners = {
        f"floor: forward + backward to the input at {side}": bare(side),
        f"floor: forward + backward to the input at {size}": bare(size),
        "xt.visualize, default (Fourier) recipe": ours(steps=steps),
        "xt.visualize, essay's pixel recipe": ours(**dict(RECIPES["essay"], octaves=1, steps=steps, blur=None)),
        "xt.visualize, default recipe, whole call": lambda: timed(
            lambda: xt.visualize(clf, objective, size=size, steps=steps, progress=False)
        ),
    }
    try:
        from lucent.optvis import param, render

        def lucent():
            fresh = copy.deepcopy(model)  # lucent leaves one hook per module behind
            return timed(
                lambda: render.render_vis(
                    fresh,
                    f"labels:{target}",
                    param_f=lambda: param.image(size),
                    thresholds=(steps,),
                    progress=False,
                    show_image=False,
                )
            )

        runners["lucent render_vis (same recipe)"] = lucent
    except ImportError as error:  # report, and time the rest
        print(f"torch-lucent unavailable: {error}")

    for fn in runners.values():  # warm up (allocator, oneDNN kernels)
        fn()
    times = {name: [] for name in runners}
    for _ in range(repeats):
        for name, fn in runners.items():
            times[name].append(fn() / steps)
    return times


def class_check(lite0, save):
    lite1 = xt.models.load("efficientnet_lite1")
    passed, top5, seconds, cpu_seconds = 0, 0, [], []
    print(f"{'class':>26}  p lite0  rank, p lite1   time (CPU / threads)", flush=True)
    for c in ESSAY_CLASSES:
        start, cpu_start = time.perf_counter(), time.process_time()
        vis = xt.visualize(lite0, xt.objectives.class_logit(c), seed=0, progress=False)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append((time.process_time() - cpu_start) / torch.get_num_threads())
        p0 = vis.probabilities(lite0, [c])[0]
        with torch.no_grad():
            probs = lite1(lite1.preprocess(vis.pictures)).softmax(dim=-1)[0]
        rank = int((probs > probs[c]).sum()) + 1
        passed += p0 >= 0.9
        top5 += rank <= 5
        print(
            f"{c:4d} {lite0.labels[c]:<21}  {p0:6.3f}   {rank:4d}, {float(probs[c]):.3f}  "
            f"{seconds[-1]:5.1f} s ({cpu_seconds[-1]:4.1f} s)",
            flush=True,
        )
        if save:
            Path(save).mkdir(parents=True, exist_ok=True)
            vis.png().save(Path(save) / f"{c:03d}_{lite0.labels[c].replace(' ', '_')}.png")
    print(
        f"{passed} of {len(ESSAY_CLASSES)} at p >= 0.9 on lite0 (goal 11), {top5} in lite1's top 5 "
        f"(goal >= 10), median {statistics.median(seconds):.1f} s a class (CPU / threads "
        f"{statistics.median(cpu_seconds):.1f} s; goal <= 10 s with 2 threads)"
    )


def step_report(clf, steps, repeats):
    times = step_times(clf, steps, repeats)
    floor_received, floor_224 = (statistics.median(v) for name, v in times.items() if name.startswith("floor"))
    for name, values in times.items():
        median = statistics.median(values)
        floor = floor_224 if "essay" in name or name.endswith("224") else floor_received
        print(
            f"  {name:<48} {1000 * median:7.1f} ms/step ({1000 * min(values):.1f} to "
            f"{1000 * max(values):.1f})  x{median / floor:.2f} its floor"
        )
    if "lucent render_vis (same recipe)" in times:
        ratio = statistics.median(times["lucent render_vis (same recipe)"]) / statistics.median(
            times["xt.visualize, default recipe, whole call"]
        )
        print(f"  lucent / xt.visualize, whole calls of {steps} steps: x{ratio:.2f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--classes", action="store_true", help="also check the essay's 11 classes")
    parser.add_argument("--save", help="a folder for the classes' pictures (PNG)")
    parser.add_argument("--no-steps", action="store_true", help="skip the step times (a)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    clf = xt.models.load("efficientnet_lite0")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, load {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores; efficientnet_lite0, 224 x 224, {args.steps} steps, "
        f"median of {args.repeats} (min to max)",
        flush=True,
    )
    if not args.no_steps:
        step_report(clf, args.steps, args.repeats)
    if args.classes:
        print(f"default recipe on the essay's classes (load {os.getloadavg()[0]:.1f}):")
        class_check(clf, args.save)


if __name__ == "__main__":
    main()
