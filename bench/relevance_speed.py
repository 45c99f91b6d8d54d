"""Time chapter 7's LRP against zennit's and DeepLIFT against captum's in one run.

On the same model, picture size and batch: LRP with the ``epsilon_plus_flat`` composite and the
canonizers (zennit's ``EpsilonPlusFlat`` with ``ResNetCanonizer`` on resnet18, ``VGGCanonizer`` on
vgg16; random weights), LRP-ε on every layer (zennit's ``Epsilon`` rule on every convolution and
linear layer), DeepLIFT against captum's ``DeepLift`` (same baseline) on vgg16 (captum refuses
resnet18's reused ReLU), DeconvNet against captum's ``Deconvolution``. Each repeat times ours, then
the peer, then the floor; a line gives the median ratio ours / peer and ours / floor with their
min-max spread over the interleaved repeats. Goals: at most 1.0 times the peer; LRP at most 1.2
times its floor.

The floor is one forward and one backward to the input (as saliency). The z+ and flat rules of
``epsilon_plus_flat`` cannot reach it: each convolution's rule runs the layer once more with its
positive weights (or with ones) before sending the relevance back through it, three convolutions
where the floor has two. Its line is also given against that floor, one forward and one backward
plus a second forward of the convolutions (``+ rule pass``); LRP-ε, whose rule reuses the forward
pass, is measured against the plain floor.

    OMP_NUM_THREADS=2 .venv/bin/python bench/relevance_speed.py [--size 112] [--batch 4] [--repeats 5]
"""

import argparse
import statistics
import time

import torch
import torchvision
from captum.attr import Deconvolution, DeepLift
from zennit.attribution import Gradient
from zennit.composites import EpsilonPlusFlat, LayerMapComposite, layer_map_base
from zennit.rules import Epsilon
from zennit.torchvision import ResNetCanonizer, VGGCanonizer
from zennit.types import Convolution, Linear

import xaitutor as xt


def seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def floor(module, x, targets):
    x = x.clone().requires_grad_(True)
    torch.autograd.grad(module(x).gather(1, targets[:, None]).sum(), x)


def rule_pass(module, x, targets):
    """The floor, and the convolutions run once more (no graph): the z+ rule's own arithmetic."""
    floor(module, x, targets)
    with torch.no_grad():
        (module.features if hasattr(module, "features") else module)(x)  # resnet18's fc is 0.1 % of its work


def zennit_lrp(module, x, targets, composite):
    seed = torch.nn.functional.one_hot(targets, 1000).float()
    with Gradient(model=module, composite=composite) as attributor:
        attributor(x, lambda out: out * seed)


def epsilon_everywhere(canonizer):
    return LayerMapComposite(layer_map_base() + [(Convolution, Epsilon()), (Linear, Epsilon())], canonizers=[canonizer])


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def bench(name, ours, peer, module, x, targets, repeats, lowest=floor):
    ours(), peer(), lowest(module, x, targets)  # warm up
    times = [(seconds(ours), seconds(peer), seconds(lambda: lowest(module, x, targets))) for _ in range(repeats)]
    mine, theirs, floors = zip(*times)
    print(
        f"{name:34s} ours/peer {spread([a / b for a, b in zip(mine, theirs)])}, "
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
    ours = lambda: xt.lrp(module, x, targets)  # noqa: E731
    peer = lambda: zennit_lrp(module, x, targets, EpsilonPlusFlat(canonizers=[canonizer]))  # noqa: E731
    bench(f"LRP vs zennit, {name}", ours, peer, module, x, targets, repeats)
    bench(f"LRP vs zennit, {name}, + rule pass", ours, peer, module, x, targets, repeats, lowest=rule_pass)
    ours = lambda: xt.lrp(module, x, targets, composite="epsilon")  # noqa: E731
    peer = lambda: zennit_lrp(module, x, targets, epsilon_everywhere(canonizer))  # noqa: E731
    bench(f"LRP-ε vs zennit, {name}", ours, peer, module, x, targets, repeats)
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
