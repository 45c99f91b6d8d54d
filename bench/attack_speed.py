"""Time xt.attacks.fgsm and xt.attacks.pgd against captum's FGSM and PGD in one run.

On efficientnet_lite0 and torchvision's resnet18 (random weights), a batch of --batch 224 x 224
pictures in [0, 1], the same loss (cross-entropy), targets and steps; captum's zero_thresh set to
0 so that both compute the same pictures (checked at the warm-up). Goal (issue 26): at most 1.05
times captum's time.

captum sends the whole batch through one pass; xt.attacks, by default, at most two 224 x 224
pictures per forward and backward pass on a CPU (``resolve_batch_size``: a backward pass keeps
every layer's output, and the kernel must stay within Binder's 2 GB). So FGSM and PGD are timed
with ``batch_size=--batch``, the same passes as captum's; the row "PGD, default" times the default
split as well, what the memory cap costs.

    OMP_NUM_THREADS=2 .venv/bin/python bench/attack_speed.py --threads 2 --repeats 5

Within a repeat the pairs run in a rotating order; the ratio printed is the median of the repeats'
ratios, with their minimum and maximum.
"""

import argparse
import statistics
import time
import warnings

import torch
import torchvision
from captum.robust import FGSM, PGD

import xaitutor as xt

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--batch", type=int, default=4)
parser.add_argument("--steps", type=int, default=10)
args = parser.parse_args()
torch.set_num_threads(args.threads)
warnings.filterwarnings("ignore", message="Input Tensor 0 did not already require gradients")


def models():
    lite0 = xt.models.load("efficientnet_lite0")
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=1000).eval()
    resnet = xt.models.wrap(net, mean=lite0.mean, std=lite0.std, labels=lite0.labels, input_size=None)
    return {"efficientnet_lite0": lite0, "resnet18": resnet}


def pairs(clf, x, labels):
    def function(pixels):
        return clf.model.eval()(xt.imaging.normalize(pixels, clf.mean, clf.std))

    loss = torch.nn.CrossEntropyLoss(reduction="none")
    fgsm, pgd = FGSM(function, loss, 0, 1), PGD(function, loss, 0, 1)
    fgsm.zero_thresh = pgd.fgsm.zero_thresh = 0
    eps, step = 8 / 255, 2 / 255
    ours = dict(eps=eps, batch_size=len(x), progress=False)  # captum's passes: the whole batch
    return {
        "FGSM": (
            lambda: xt.attacks.fgsm(clf, x, labels, **ours),
            lambda: fgsm.perturb(x, eps, labels),
        ),
        "PGD": (
            lambda: xt.attacks.pgd(clf, x, labels, steps=args.steps, step_size=step, **ours),
            lambda: pgd.perturb(x, eps, step, args.steps, labels),
        ),
        "PGD, default": (
            lambda: xt.attacks.pgd(clf, x, labels, eps=eps, steps=args.steps, step_size=step, progress=False),
            lambda: pgd.perturb(x, eps, step, args.steps, labels),
        ),
    }


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


print(f"{args.batch} pictures of 224 x 224, {args.steps} PGD steps, {args.threads} threads, {args.repeats} repeats")
print(f"{'model':18s} {'attack':12s} {'xt (s)':>8s} {'captum (s)':>10s} {'ratio xt/captum (min-max)':>28s}")
for name, clf in models().items():
    x = torch.rand(args.batch, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    labels = clf(xt.imaging.normalize(x, clf.mean, clf.std)).argmax(1)
    for attack, (ours, theirs) in pairs(clf, x, labels).items():
        difference = (ours() - theirs()).abs().max().item()  # the warm-up, and the same pictures
        times = {"xt": [], "captum": []}
        for repeat in range(args.repeats):
            order = [("xt", ours), ("captum", theirs)][:: 1 if repeat % 2 == 0 else -1]
            for who, run in order:
                times[who].append(timed(run))
        ratios = [a / b for a, b in zip(times["xt"], times["captum"])]
        print(
            f"{name:18s} {attack:12s} {statistics.median(times['xt']):8.2f} {statistics.median(times['captum']):10.2f} "
            f"{statistics.median(ratios):12.2f} ({min(ratios):.2f}-{max(ratios):.2f})   max |diff| {difference:.1e}"
        )
