"""Time xt.gradcam and xt.guided_gradcam against captum and pytorch-grad-cam in one run.

On torchvision's resnet18 (random weights: the arithmetic, not the answer, is timed), layer4,
224 x 224 inputs, batch 1 and 8, each method computes the same maps (checked before timing):

    Grad-CAM, raw layer maps      xt.gradcam(upsample=None, normalize=False)  vs captum LayerGradCam
    Grad-CAM, upsampled, [0, 1]   xt.gradcam()                                vs pytorch-grad-cam GradCAM
    Guided Grad-CAM               xt.guided_gradcam(upsample="nearest", normalize=False)
                                                                              vs captum GuidedGradCam

Goals at batch 8: Grad-CAM within 1.05 of captum's LayerGradCam and at most half of
pytorch-grad-cam's time; Guided Grad-CAM at most 0.75 of captum's GuidedGradCam (it needs one
forward pass where captum runs two).

    .venv/bin/python bench/gradcam.py                 # batch 1 and 8, 12 repeats
    .venv/bin/python bench/gradcam.py --repeats 24 --threads 1   # steadier on a busy machine

The methods run in turn within each repeat (a rotating order), so a change of load hits all of them; each time is
the median of the repeats, after a warm-up, with the minimum and maximum. On a shared machine the
spread is large: the ratio of the minima (the runs least disturbed) is then the steadier figure.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
import torch
import torchvision
from captum.attr import GuidedGradCam, LayerGradCam
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

import xaitutor as xt


def methods(model, x, targets):
    """name -> function, in pairs (ours, theirs) that compute the same maps."""
    layer = model.layer4
    captum_cam = LayerGradCam(model, layer)
    captum_guided = GuidedGradCam(model, layer)
    pgc_targets = [ClassifierOutputTarget(t) for t in targets]

    def pytorch_grad_cam():
        with GradCAM(model=model, target_layers=[layer]) as cam:
            return torch.from_numpy(cam(input_tensor=x, targets=pgc_targets))[:, None]

    return {
        "xt.gradcam (raw)": lambda: xt.gradcam(model, x, targets, layer="layer4", upsample=None, normalize=False),
        "captum LayerGradCam": lambda: captum_cam.attribute(x, target=targets, relu_attributions=True).detach(),
        "xt.gradcam": lambda: xt.gradcam(model, x, targets, layer="layer4"),
        "pytorch-grad-cam GradCAM": pytorch_grad_cam,
        "xt.guided_gradcam": lambda: xt.guided_gradcam(
            model, x, targets, layer="layer4", upsample="nearest", normalize=False
        ),
        "captum GuidedGradCam": lambda: captum_guided.attribute(x, target=targets).detach(),
    }


def check(results):
    """The pairs agree: the same maps, so the same work."""
    names = list(results)
    torch.testing.assert_close(results[names[0]], results[names[1]], atol=1e-5, rtol=1e-5)
    for ours, theirs in zip(results[names[2]], results[names[3]]):
        if ours.max() > 0:
            assert np.corrcoef(ours.ravel(), theirs.ravel())[0, 1] > 0.999
    torch.testing.assert_close(results[names[4]], results[names[5]], atol=1e-5, rtol=1e-5)


def bench(batch, repeats):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    x = torch.randn(batch, 3, 224, 224)
    targets = torch.randint(0, 1000, (batch,)).tolist()
    functions = methods(model, x, targets)
    check({name: f() for name, f in functions.items()})  # also the warm-up
    times = {name: [] for name in functions}
    names = list(functions)
    for repeat in range(repeats):
        # all methods in turn, starting with a different one each time: whoever runs first after
        # pytorch-grad-cam (which fills parameter .grad) or a change of load does not always pay
        for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
            start = time.perf_counter()
            functions[name]()
            times[name].append(time.perf_counter() - start)
            model.zero_grad(set_to_none=True)  # pytorch-grad-cam's .backward() writes parameter gradients
    return {name: (statistics.median(t), min(t), max(t)) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--repeats", type=int, default=12)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")  # captum warns at each call that it sets requires_grad
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, resnet18 random weights, "
        f"224 x 224, {args.repeats} repeats"
    )
    for batch in args.batches:
        result = bench(batch, args.repeats)
        print(f"\nbatch {batch}")
        names = list(result)
        for ours, theirs in zip(names[::2], names[1::2]):
            for name in (ours, theirs):
                median, low, high = result[name]
                print(f"  {name:26s} median {median * 1000:7.1f} ms   min {low * 1000:7.1f}   max {high * 1000:7.1f}")
            print(
                f"  {'ratio ' + ours + ' / theirs':44s} median {result[ours][0] / result[theirs][0]:.2f}"
                f"   min {result[ours][1] / result[theirs][1]:.2f}"
            )


if __name__ == "__main__":
    main()
