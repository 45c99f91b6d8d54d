"""Time chapter 7's LRP against zennit's and DeepLIFT against captum's in one run.

On the same model, picture size and batch: LRP with the ``epsilon_plus_flat`` composite and the
canonizers (zennit's ``EpsilonPlusFlat`` with ``ResNetCanonizer`` on resnet18, ``VGGCanonizer`` on
vgg16; random weights), DeepLIFT against captum's ``DeepLift`` (same baseline) on vgg16 (captum
refuses resnet18's reused ReLU), DeconvNet against captum's ``Deconvolution``. Each repeat times
ours, then the peer, then the floor (one forward and one backward to the input, as saliency); a
line gives the median ratio ours / peer and ours / floor with their min-max spread over the
interleaved repeats. Goals: at most 1.0 times the peer; LRP at most 1.2 times its floor.

    OMP_NUM_THREADS=2 .venv/bin/python bench/relevance_speed.py [--size 112] [--batch 4] [--repeats 5]
"""

import argparse
import statistics
import time

import torch
import torchvision
from captum.attr import Deconvolution, DeepLift
from zennit.attribution import Gradient
from zennit.composites import EpsilonPlusFlat
from zennit.torchvision import ResNetCanonizer, VGGCanonizer

import xaitutor as xt


def seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def floor(module, x, targets):
    x = x.clone().requires_grad_(True)
    torch.autograd.grad(module(x).gather(1, targets[:, None]).sum(), x)


def zennit_lrp(module, x, targets, canonizer):
    seed = torch.nn.functional.one_hot(targets, 1000).float()
    with Gradient(model=module, composite=EpsilonPlusFlat(canonizers=[canonizer])) as attributor:
        attributor(x, lambda out: out * seed)


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def bench(name, ours, peer, module, x, targets, repeats):
    ours(), peer(), floor(module, x, targets)  # warm up
    times = [(seconds(ours), seconds(peer), seconds(lambda: floor(module, x, targets))) for _ in range(repeats)]
    mine, theirs, floors = zip(*times)
    print(
        f"{name:24s} ours/peer {spread([a / b for a, b in zip(mine, theirs)])}, "
        f"ours/floor {spread([a / f for a, f in zip(mine, floors)])}; "
        f"ours {statistics.median(mine):.3f} s, peer {statistics.median(theirs):.3f} s, "
        f"floor {statistics.median(floors):.3f} s"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=112)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{torch.get_num_threads()} threads, {args.batch} pictures of {args.size} x {args.size}")
    torch.manual_seed(0)
    x = torch.randn(args.batch, 3, args.size, args.size)
    targets = torch.arange(args.batch)
    baseline = torch.zeros_like(x)
    for name, canonizer in (("resnet18", ResNetCanonizer()), ("vgg16", VGGCanonizer())):
        model(name, canonizer, x, targets, baseline, args.repeats)


def model(name, canonizer, x, targets, baseline, repeats):
    """The lines of one torchvision network (random weights)."""
    module = getattr(torchvision.models, name)(weights=None).eval()
    peer = lambda: zennit_lrp(module, x, targets, canonizer)  # noqa: E731
    bench(f"LRP vs zennit, {name}", lambda: xt.lrp(module, x, targets), peer, module, x, targets, repeats)
    if name == "vgg16":  # captum refuses resnet18's ReLU, called twice in each block
        ours, peer = (lambda: xt.deeplift(module, x, targets, baseline=baseline)), DeepLift(module)
        bench(
            "DeepLIFT vs captum, vgg16",
            ours,
            lambda: peer.attribute(x, baseline, target=targets),
            module,
            x,
            targets,
            repeats,
        )
    deconv = Deconvolution(module)
    ours = lambda: xt.deconvnet(module, x, targets)  # noqa: E731
    bench(
        f"DeconvNet vs captum, {name}", ours, lambda: deconv.attribute(x, target=targets), module, x, targets, repeats
    )


if __name__ == "__main__":
    main()
