"""captum's TCAV run on exactly the work of ``xt.concepts.tcav``: the same random sets (drawn as
tcav draws them), the same concept vectors (our classifier behind captum's ``Classifier``
interface), captum's own activations (stored on disk) and gradients. Used by the parity test and
bench/tcav_speed.py."""

import numpy as np
import torch
from captum.concept import TCAV, Classifier, Concept
from torch.utils.data import DataLoader, TensorDataset

from xaitutor.concepts import concept_vector


class SameVector(Classifier):
    """captum's classifier interface around ``xt.concepts.concept_vector``: the pair's first
    concept (the lower id) against the second, the vector towards the first."""

    def __init__(self):
        self.ids, self.vector = [], None

    def train_and_eval(self, dataloader, **kwargs):
        x, y = zip(*dataloader)
        x, y = torch.cat(x).flatten(1), torch.cat(y)
        self.ids = sorted(set(y.tolist()))
        self.vector = concept_vector(x[y == self.ids[0]], x[y == self.ids[1]])
        return {"accs": torch.tensor(1.0)}

    def weights(self):
        return torch.stack([self.vector, -self.vector])

    def classes(self):
        return self.ids


def random_sets(n_pool: int, n: int, runs: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each run's (negative, positive) indices into the pool, as ``xt.concepts.tcav`` draws them."""
    rng = np.random.default_rng(seed)
    return [tuple(rng.choice(n_pool, n, replace=False) for _ in range(2)) for _ in range(runs)]


def batches(x: torch.Tensor):
    return DataLoader(TensorDataset(x), batch_size=64, collate_fn=lambda rows: torch.stack([r[0] for r in rows]))


def captum_tcav(module, layer, concept, pool, pictures, target, runs, seed, save_path):
    """captum's sign-count TCAV scores of the concept's vectors and of the random ones (``runs`` each)."""
    sets = random_sets(len(pool), len(concept), runs, seed)
    c = Concept(0, "concept", batches(concept))
    positives = [Concept(1 + i, f"pos{i}", batches(pool[pos])) for i, (_, pos) in enumerate(sets)]
    negatives = [Concept(1000 + i, f"neg{i}", batches(pool[neg])) for i, (neg, _) in enumerate(sets)]  # ids above
    scores = []
    for first in [[c] * runs, positives]:
        experiment = [[f, neg] for f, neg in zip(first, negatives)]
        tcav = TCAV(module, [layer], classifier=SameVector(), save_path=str(save_path))
        result = tcav.interpret(pictures, experiment, target=target)
        scores.append(torch.stack([result[f"{f.id}-{neg.id}"][layer]["sign_count"][0] for f, neg in experiment]))
    return scores
