"""Finding the Clever Hans in a data set, measured: SpRAy on the maps of the tagged class's test
pictures, against "has the tag", for the tagged model, a clean one and the repaired one.

    python -m xaitutor.evaluation.clever_hans      # about a minute on one thread

For each model: the adjusted Rand index (ARI) between SpRAy's two clusters and the tag (1: the
clusters are the tagged and the untagged pictures; 0: unrelated), the tag's share of the positive
relevance on tagged pictures, the accuracy on clean test pictures and on pictures whose tag was
moved to every class, and the share of tagged non-rings the model calls a ring.
"""

from __future__ import annotations

import numpy as np
import torch

from .. import models
from ..data import TAGGED_CLASS, shapes
from .maps import explain
from .spectral_clusters import spray

TEST_SEED = 30_000  # far from the training seeds (1000 * seed + epoch)
MODELS = ("shapes_cnn_tagged", "shapes_cnn", "shapes_cnn_tag_everywhere")


def clever_hans(classifier, method, n: int = 900, seed: int = TEST_SEED, clusters: int = 2, **kwargs) -> dict:
    """The measures above for one classifier and method, on ``n`` test pictures (``n / 6`` of the
    tagged class, half of them tagged); ``**kwargs`` go to the method."""
    from sklearn.metrics import adjusted_rand_score

    data = shapes(n, seed=seed, tag=0.5)
    ring = data.classes.index(TAGGED_CLASS)
    chosen = data.labels == ring
    tagged = torch.from_numpy(data.tagged[chosen])
    maps = explain(method, classifier, data.images[chosen], target=ring, **kwargs)
    result = spray(maps, clusters=clusters)
    positive = maps.clamp_min(0)[:, 0]
    share = positive[:, torch.from_numpy(data.tag_mask)].sum(1) / positive.flatten(1).sum(1).clamp_min(1e-30)
    moved = shapes(n, seed=seed, tag=1.0, tag_classes="all")
    answers = {k: _answers(classifier, d) for k, d in (("clean", shapes(n, seed=seed, tag=0.0)), ("moved", moved))}
    others = moved.labels != ring
    return {
        "ari": float(adjusted_rand_score(tagged.numpy(), result.labels)),
        "suggested clusters": result.suggested_clusters,
        "tag share, tagged": float(share[tagged].mean()),
        "tag share, untagged": float(share[~tagged].mean()),
        "accuracy, clean": float(np.mean(answers["clean"] == moved.labels)),
        "accuracy, tag moved": float(np.mean(answers["moved"] == moved.labels)),
        "tagged others called ring": float(np.mean(answers["moved"][others] == ring)),
    }


def _answers(classifier, data, batch: int = 300) -> np.ndarray:
    with torch.no_grad():
        return np.concatenate(
            [
                classifier(classifier.preprocess(list(data.images[i : i + batch]))).argmax(1).cpu().numpy()
                for i in range(0, len(data.images), batch)
            ]
        )


def main() -> None:
    from ..methods import gradcam, lrp

    for name in MODELS:
        clf = models.load(name)
        for method in (gradcam, lrp):
            scores = clever_hans(clf, method)
            print(
                f"{name:26} {method.__name__:8} "
                + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in scores.items()),
                flush=True,
            )


if __name__ == "__main__":
    main()
