"""Time xt.evaluation.road against pytorch-grad-cam's ROADMostRelevantFirst in one run.

On torchvision's resnet18 (random weights), --batch 224 x 224 pictures and random maps, the same
shares removed (25, 50, 75 %) and the same noise; most of the time is the sparse solve of the
imputation, one per picture and share, in both.

    OMP_NUM_THREADS=2 .venv/bin/python bench/road_speed.py --threads 2 --repeats 5

The two alternate within each repeat, in a rotating order; the ratio printed (ours / theirs) is
the median of the repeats' ratios, with their minimum and maximum.
"""

import argparse
import statistics
import time

import torch
import torchvision
from pytorch_grad_cam.metrics.road import ROADMostRelevantFirst
from pytorch_grad_cam.utils.model_targets import ClassifierOutputSoftmaxTarget

import xaitutor as xt

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--batch", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)
SHARES = (25, 50, 75)

torch.manual_seed(0)
net = torchvision.models.resnet18().eval()
clf = xt.models.wrap(net, input_size=None)
generator = torch.Generator().manual_seed(1)
pixels = torch.rand(args.batch, 3, 224, 224, generator=generator)
maps = torch.rand(args.batch, 1, 224, 224, generator=generator)
x = xt.imaging.normalize(pixels, clf.mean, clf.std)
targets = [ClassifierOutputSoftmaxTarget(int(t)) for t in net(x).argmax(1)]


def ours():
    xt.evaluation.road(clf, pixels, maps, percentages=SHARES, progress=False)


def theirs():
    for share in SHARES:
        ROADMostRelevantFirst(100 - share)(x, maps[:, 0].numpy(), targets, net)


runs = {"ours": ours, "grad-cam": theirs}
ratios = []
for repeat in range(args.repeats):
    seconds = {}
    for name in list(runs)[repeat % 2 :] + list(runs)[: repeat % 2]:
        start = time.perf_counter()
        runs[name]()
        seconds[name] = time.perf_counter() - start
    ratios.append(seconds["ours"] / seconds["grad-cam"])
    print(f"repeat {repeat}: ours {seconds['ours']:.2f} s, grad-cam {seconds['grad-cam']:.2f} s", flush=True)
print(f"ours / grad-cam: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")
