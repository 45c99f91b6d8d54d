"""Time xt.lime against lime_image.LimeImageExplainer.explain_instance in one run.

Both explain the same 224 x 224 photo with the same number of samples, the same segmentation
function (lime's default quickshift), the same single label (``labels=(target,)``,
``top_labels=None``) and the same random state, so they compute the same explanation (checked):

(a) with a near-free classifier (an average pool and a linear layer), which times everything LIME
    does besides the forward passes; goal: xt.lime at least 1.5 times faster than lime_image;
(b) with efficientnet_lite0; goal: xt.lime within 1.1 times the floor, the same number of batched
    forward passes plus one segmentation.

    .venv/bin/python bench/lime_speed.py                   # both, 1000 samples
    .venv/bin/python bench/lime_speed.py --parts a         # (a) only
    .venv/bin/python bench/lime_speed.py --samples 300     # quicker, on a busy machine

Each time is the best of ``--repeats`` runs (the machine may be shared: look at the spread).
"""

import argparse
import time

import numpy as np
import torch
from lime import lime_image
from lime.wrappers.scikit_image import SegmentationAlgorithm
from torch import nn

import xaitutor as xt
from xaitutor.models import EFFICIENTNET_MEAN, EFFICIENTNET_STD

BATCH = 16  # the fastest batch for efficientnet_lite0 on a laptop CPU


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), max(times), result


def compare(name, clf, photo, samples, repeats, lime_batches):
    picture = xt.imaging.to_tensor(photo)
    array = picture.permute(1, 2, 0).double().numpy()  # what lime gets: the same float picture
    segmenter = SegmentationAlgorithm("quickshift", kernel_size=4, max_dist=200, ratio=0.2, random_seed=42)
    target = clf.predict(photo, k=1)[0][0]
    target = clf.labels.index(target)

    def classifier_fn(images):  # lime hands over N x H x W x 3 float64 pictures
        batch = torch.from_numpy(images).permute(0, 3, 1, 2).float()
        with torch.no_grad():
            return clf(clf.preprocess(batch)).softmax(dim=-1).numpy()

    def ours():
        return xt.lime(
            clf,
            photo,
            target=target,
            num_samples=samples,
            segmenter=segmenter,
            seed=0,
            batch_size=BATCH,
            progress=False,
        )

    def theirs(batch_size):
        explainer = lime_image.LimeImageExplainer(kernel_width=0.25, random_state=0)
        return explainer.explain_instance(
            array,
            classifier_fn,
            labels=(target,),
            top_labels=None,
            hide_color=None,
            num_samples=samples,
            batch_size=batch_size,
            segmentation_fn=segmenter,
            random_seed=0,
        )

    def floor():
        segmenter(array)
        x = clf.preprocess(photo).expand(BATCH, -1, -1, -1).contiguous()
        with torch.no_grad():
            for start in range(0, samples, BATCH):
                clf(x[: min(BATCH, samples - start)])

    t_floor, s_floor, _ = best_of(repeats, floor)
    t_ours, s_ours, exp = best_of(repeats, ours)
    lime_times = {b: best_of(repeats, lambda b=b: theirs(b)) for b in lime_batches}
    fastest = min(lime_times, key=lambda b: lime_times[b][0])
    t_theirs, s_theirs, their_exp = lime_times[fastest]

    weights = np.zeros(exp.num_superpixels)
    for feature, weight in their_exp.local_exp[target]:
        weights[feature] = weight
    print(
        f"\n({name}) {samples} samples, {exp.num_superpixels} superpixels, best of {repeats} "
        f"(slowest in brackets); same weights: max |diff| = {np.abs(weights - exp.weights).max():.1e}"
    )
    print(f"  floor (forward passes + segmentation): {t_floor:7.2f} s  [{s_floor:.2f}]")
    print(f"  xt.lime (batch {BATCH}):                 {t_ours:7.2f} s  [{s_ours:.2f}]")
    for b, (t, s, _) in lime_times.items():
        print(f"  lime_image (batch {b:3d}):              {t:7.2f} s  [{s:.2f}]")
    print(
        f"  lime_image / xt.lime = {t_theirs / t_ours:.2f}   xt.lime / floor = {t_ours / t_floor:.2f}   "
        f"lime_image / floor = {t_theirs / t_floor:.2f}"
    )
    print(f"  beyond the floor: xt.lime {t_ours - t_floor:.2f} s, lime_image {t_theirs - t_floor:.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of (a); (b) runs once")
    parser.add_argument("--parts", default="ab", help="a: near-free classifier, b: efficientnet_lite0")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")

    photo = xt.data.sample_image("chelsea").crop((100, 0, 400, 300)).resize((224, 224))
    free = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3, 1000))
    clf = xt.Classifier(free, [f"class {i}" for i in range(1000)], EFFICIENTNET_MEAN, EFFICIENTNET_STD, input_size=224)
    if "a" in args.parts:
        compare("a: near-free classifier", clf, photo, args.samples, args.repeats, lime_batches=(10, 16, 64))
    if "b" in args.parts:
        compare(
            "b: efficientnet_lite0", xt.models.load("efficientnet_lite0"), photo, args.samples, 1, lime_batches=(BATCH,)
        )


if __name__ == "__main__":
    main()
