"""Time chapter 6's gradient and perturbation methods against captum's in one run.

On the same model (efficientnet_lite0 and torchvision's resnet18 with random weights), the same
224 x 224 photo, the same steps, samples and batch: integrated gradients (captum's
``riemann_trapezoid``, ``internal_batch_size`` = our ``batch_size``), occlusion
(``perturbations_per_eval`` = our ``batch_size``), input x gradient and SmoothGrad (captum's
``NoiseTunnel(Saliency)``). Each repeat times ours then captum's; the line gives the median ratio
ours / captum with its min-max spread, and ours against the floor: ``steps / batch`` batched
forward+backward passes for IG and SmoothGrad, ``windows / batch`` batched forwards for occlusion.
Goals: IG and occlusion within 1.05 times captum.

    OMP_NUM_THREADS=2 .venv/bin/python bench/attribution_speed.py [--steps 16] [--batch 16] [--repeats 5]
"""

import argparse
import statistics
import time

import torch
import torchvision
from captum.attr import InputXGradient, IntegratedGradients, NoiseTunnel, Occlusion, Saliency

import xaitutor as xt
from xaitutor.methods.baselines import resolve_baseline


def seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def forward_backward(module, batch, target):
    batch = batch.clone().requires_grad_(True)
    torch.autograd.grad(module(batch)[:, target].sum(), batch)


def report(name, ours, theirs, floor):
    ratios = [a / b for a, b in zip(ours, theirs)]
    print(
        f"{name:34s} ours/captum median {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max "
        f"{max(ratios):.3f}); ours {statistics.median(ours):.3f} s, captum {statistics.median(theirs):.3f} s"
        + (f", floor {floor:.3f} s (ours/floor {statistics.median(ours) / floor:.2f})" if floor else "")
    )


def bench(label, model, module, x, args):
    target, b, steps = int(module(x).argmax()), args.batch, args.steps
    black = resolve_baseline(model, x, None)
    window, stride = 32, 32
    windows = ((224 - window + stride - 1) // stride + 1) ** 2
    path = x.expand(b, -1, -1, -1).contiguous()
    runs = {
        "integrated gradients": (
            lambda: xt.integrated_gradients(model, x, target, steps=steps, batch_size=b, progress=False),
            lambda: IntegratedGradients(module).attribute(
                x, black, target=target, n_steps=steps, method="riemann_trapezoid", internal_batch_size=b
            ),
            lambda: [forward_backward(module, path, target) for _ in range(-(-steps // b))],
        ),
        "occlusion": (
            lambda: xt.occlusion(model, x, target, window=window, stride=stride, batch_size=b, progress=False),
            lambda: Occlusion(module).attribute(
                x,
                sliding_window_shapes=(3, window, window),
                strides=(3, stride, stride),
                baselines=black,
                target=target,
                perturbations_per_eval=b,
            ),
            lambda: [module(path) for _ in range(-(-(windows + 1) // b))],
        ),
        "input x gradient": (
            lambda: xt.input_x_gradient(model, x, target),
            lambda: InputXGradient(module).attribute(x.clone().requires_grad_(True), target=target),
            lambda: forward_backward(module, x, target),
        ),
        "smoothgrad": (
            lambda: xt.smoothgrad(model, x, target, samples=steps, batch_size=b, progress=False),
            lambda: NoiseTunnel(Saliency(module)).attribute(
                x,
                nt_type="smoothgrad",
                nt_samples=steps,
                nt_samples_batch_size=b,
                abs=False,
                target=target,
                stdevs=0.15 * (x.max() - x.min()).item(),
            ),
            lambda: [forward_backward(module, path, target) for _ in range(-(-steps // b))],
        ),
    }
    for name, (ours, theirs, floor) in runs.items():
        ours(), theirs()  # warm up
        times = [(seconds(ours), seconds(theirs)) for _ in range(args.repeats)]
        with torch.no_grad() if name == "occlusion" else torch.enable_grad():
            floor_s = min(seconds(floor) for _ in range(args.repeats))
        report(f"{label} {name}", [a for a, _ in times], [t for _, t in times], floor_s)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=16, help="IG steps and SmoothGrad samples")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(
        f"{torch.get_num_threads()} threads, 224 x 224, steps/samples {args.steps}, batch {args.batch}, "
        f"{args.repeats} repeats"
    )
    clf = xt.models.load("efficientnet_lite0")
    x = clf.preprocess(xt.data.sample_image("chelsea"), size=224)
    with torch.inference_mode(False):
        bench("efficientnet_lite0", clf, clf.model, x, args)
        torch.manual_seed(0)
        resnet = torchvision.models.resnet18(weights=None).eval()
        bench("resnet18", resnet, resnet, torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1)), args)


if __name__ == "__main__":
    main()
