"""Time xt.concepts.tcav against captum's captum.concept.TCAV on the same work, in one run.

The work: one concept (40 pictures of "red background"), 20 runs, each a vector of the concept
against a random set and one of a random set against another (sets of 40 drawn from a pool of 100
shapes pictures), scored on the circles among 200 pictures, at shapes_cnn_shortcut's
features.relu3. captum gets the same random sets and the same vectors (our ridge classifier
behind its Classifier interface, tests/helpers/concept_peers.py), so both compute the same scores,
checked before timing to one picture of the class (the two run their passes in batches of other
sizes, and a derivative within float rounding of 0 may change sign). captum writes every set's
activations to disk and reads them back.

Goal: tcav at most half of captum's time.

    .venv/bin/python bench/tcav_speed.py               # 5 repeats
    .venv/bin/python bench/tcav_speed.py --repeats 9 --threads 1

The two run in turn within each repeat (a rotating order), so a change of load hits both; each time
is the median of the repeats with the minimum and maximum, and the ratio of the minima (the runs
least disturbed) is the steadier figure on a shared machine.
"""

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers.concept_peers import captum_tcav  # noqa: E402

import xaitutor as xt  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")
    clf = xt.models.load("shapes_cnn_shortcut")
    data = xt.data.shapes(300, seed=8, shortcut=0.0)
    x = clf.preprocess(torch.from_numpy(data.images).permute(0, 3, 1, 2).float() / 255)
    pool, circles = x[:100], x[100:][data.labels[100:] == 0]
    concept = clf.preprocess(xt.data.concept_pictures("red background", 40, seed=1))
    layer, runs = "features.relu3", args.runs

    def ours():
        test = xt.concepts.tcav(clf, layer, concept, pool, circles, 0, runs=runs, seed=0)
        return test.scores, test.random_scores

    def theirs():
        with tempfile.TemporaryDirectory() as folder:
            return captum_tcav(clf.model, layer, concept, pool, circles, 0, runs, 0, Path(folder))

    a, b = ours(), theirs()
    gaps = [float((u - v).abs().max()) for u, v in zip(a, b)]
    one = 1 / len(circles)  # captum runs its passes in other batches: a derivative near 0 may change sign
    assert max(gaps) <= one + 1e-6, f"the two computed different scores: {a} {b}"
    print(f"scores: concept's and random vectors' differ by at most {max(gaps):.3f} (one picture: {one:.3f})")
    times = {"xt.concepts.tcav": [], "captum TCAV": []}
    for repeat in range(args.repeats):
        order = list(zip(times, (ours, theirs)))
        for name, function in order[repeat % 2 :] + order[: repeat % 2]:
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    for name, values in times.items():
        print(f"{name:18s} median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
    ours_t, theirs_t = times["xt.concepts.tcav"], times["captum TCAV"]
    print(
        f"ratio xt / captum: median {statistics.median(ours_t) / statistics.median(theirs_t):.2f}, "
        f"of the minima {min(ours_t) / min(theirs_t):.2f} (goal <= 0.5); {args.threads} threads, {runs} runs"
    )


if __name__ == "__main__":
    main()
