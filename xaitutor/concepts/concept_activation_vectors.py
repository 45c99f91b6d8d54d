"""TCAV, testing with concept activation vectors (Kim et al., ICML 2018,
https://arxiv.org/abs/1711.11279): does moving a layer's activations towards a concept raise a
class's score, for the class's pictures at large, more often than moving towards nothing at all?

1. The *concept activation vector* ``v_C`` is the normal of a linear classifier that separates
   the layer's activations ``f_l(x)`` of the concept's pictures from those of random pictures.
2. The *conceptual sensitivity* of a picture ``x`` of class ``k`` is the directional derivative
   of the class's logit along it, ``S_{C,k}(x) = ∇ h_{l,k}(f_l(x)) · v_C``.
3. The TCAV score is the share of the class's pictures that the concept pushes up,
   ``TCAV_{C,k} = |{x in X_k : S_{C,k}(x) > 0}| / |X_k|``.
4. One score is not an answer: a direction learnt from noise scores something too. So ``runs``
   vectors are learnt against different random sets, and as many from random pictures against
   random pictures; a two-sided t-test between the two lists of scores, its p-value multiplied by
   the number of layers tested (Bonferroni), says whether the concept means anything here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..methods.driver import forward
from ..methods.protocol import declare
from ..resolve import resolve_batch_size, resolve_count, resolve_seed
from .activations import layer_activations, layer_name


@dataclass
class ConceptTest:
    """What :func:`tcav` measured for one concept, class and layer.

    Attributes:
        scores: the TCAV score of each run's concept vector (``runs``).
        random_scores: the TCAV score of each run's random-against-random vector.
        score: the mean of ``scores``.
        p_value: the two-sided t-test of ``scores`` against ``random_scores``, times the number
            of layers tested (at most 1).
        vectors: the concept vectors, ``runs x features`` (a layer's ``K h w`` values).
    """

    scores: torch.Tensor
    random_scores: torch.Tensor
    score: float
    p_value: float
    vectors: torch.Tensor

    def significant(self, alpha: float = 0.05) -> bool:
        """Whether the concept's scores differ from the random ones at level ``alpha``."""
        return self.p_value < alpha


def concept_vector(concept: torch.Tensor, other: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """``v_C``: the weights of a linear classifier that tells the activations ``concept`` (``n x
    F``) from ``other`` (``m x F``), pointing towards the concept. The classifier is
    scikit-learn's ``RidgeClassifier`` (least squares with an L2 penalty ``alpha``): with far more
    features than pictures it is solved exactly in the pictures' space, in milliseconds and
    without a seed, where the ``SGDClassifier`` of Kim et al.'s code and captum's default runs
    hundreds of epochs (half a second per vector here) and depends on its seed."""
    from sklearn.linear_model import RidgeClassifier
    from threadpoolctl import threadpool_limits

    x, y = torch.cat([concept, other]).float().numpy(), np.r_[np.ones(len(concept)), np.zeros(len(other))]
    with threadpool_limits(1, user_api="blas"):  # OpenBLAS's threads beside torch's: 100 times slower here
        return torch.from_numpy(np.ravel(RidgeClassifier(alpha=alpha).fit(x, y).coef_)).float()  # towards y = 1


def sensitivities(model, layer, pictures: torch.Tensor, target, batch_size=None) -> torch.Tensor:
    """``∇ h_{l,k}(f_l(x))``: the gradient of each picture's target logit with respect to the
    layer's output, ``N x F`` (one backward to the layer per batch)."""
    name = layer_name(model, layer)
    size = resolve_batch_size(batch_size, pictures.shape[-2:], pictures.device, backward=True)
    targets = target if target is None or isinstance(target, int) else torch.as_tensor(target)
    parts = []
    for start in range(0, len(pictures), size):
        part = targets if targets is None or isinstance(targets, int) else targets[start : start + size]
        with forward(model, pictures[start : start + size], part, layers=[name]) as run:
            parts.append(run.gradient(run.feature_map(name)).flatten(1).float().cpu())
    return torch.cat(parts)


def tcav_score(gradients: torch.Tensor, vector: torch.Tensor) -> float:
    """The share of pictures whose directional derivative ``gradients @ vector`` is positive."""
    return float((gradients @ vector > 0).float().mean())


@declare(
    "TCAV",
    kind="concept",
    returns="concepts",
    chapter=8,
    paper="Kim et al., ICML 2018, https://arxiv.org/abs/1711.11279",
    cost="1 forward per concept and random picture, 1 forward + 1 backward to the layer per class picture",
    passes="runs",
)
def tcav(
    model, layer, concept, random, pictures, target, runs: int = 20, seed=0, layers_tested: int = 1, batch_size=None
) -> ConceptTest:
    """Test whether ``concept`` matters to class ``target`` at ``layer`` (see the module's docstring).

    Args:
        model: a Classifier or a bare module; ``layer`` a dotted name or the module.
        concept: preprocessed pictures of the concept, ``n x 3 x H x W``.
        random: a pool of at least ``n`` preprocessed random pictures; each run draws two sets of
            ``n`` from it (one against the concept, one against the other).
        pictures: the preprocessed pictures whose class score is tested.
        target: the class (an int, or one per picture).
        runs: how many concept (and random) vectors, at least 2 (Kim et al. use up to 500).
        seed: draws the random sets.
        layers_tested: how many layers the p-value is corrected for (Bonferroni).
    """
    runs = resolve_count(runs, "runs", minimum=2)
    layers_tested = resolve_count(layers_tested, "layers_tested")
    if len(random) < len(concept):
        raise ValueError(
            f"random holds {len(random)} pictures, fewer than the {len(concept)} of the concept: give more"
        )
    g = sensitivities(model, layer, pictures, target, batch_size)
    a_concept = layer_activations(model, concept, layer, batch_size).flatten(1)
    a_random = layer_activations(model, random, layer, batch_size).flatten(1)
    rng, n = np.random.default_rng(resolve_seed(seed)), len(concept)
    vectors, scores, random_scores = [], [], []
    for _ in range(runs):
        negative, positive = (a_random[rng.choice(len(random), n, replace=False)] for _twice in range(2))
        vectors.append(concept_vector(a_concept, negative))
        scores.append(tcav_score(g, vectors[-1]))
        random_scores.append(tcav_score(g, concept_vector(positive, negative)))
    scores, random_scores = torch.tensor(scores), torch.tensor(random_scores)
    return ConceptTest(
        scores,
        random_scores,
        float(scores.mean()),
        _p_value(scores, random_scores, layers_tested),
        torch.stack(vectors),
    )


def _p_value(scores: torch.Tensor, random_scores: torch.Tensor, layers_tested: int) -> float:
    """Student's two-sided t-test (Kim et al.'s), Bonferroni-corrected; two constant lists: p = 1 or 0."""
    import warnings

    from scipy.stats import ttest_ind

    if scores.std() == 0 and random_scores.std() == 0:
        return float(scores[0] == random_scores[0])
    with warnings.catch_warnings():  # scipy warns when one list is (nearly) constant; the test holds
        warnings.simplefilter("ignore", RuntimeWarning)
        p = ttest_ind(scores.double().numpy(), random_scores.double().numpy()).pvalue
    return float(min(1.0, p * layers_tested))
