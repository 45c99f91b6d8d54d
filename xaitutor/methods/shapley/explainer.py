"""Kernel SHAP's driver: LIME's superpixels, hiding and batched rounds (shared from
:mod:`xaitutor.methods.hidden_superpixels.rounds`), with the Shapley kernel's coalitions and the
constrained regression in place of LIME's samples, proximity and ridge."""

from __future__ import annotations

import numpy as np

from ...progress_bar import interruptible
from ...resolve import resolve_coalitions, resolve_count, resolve_seed
from ..hidden_superpixels.rounds import Classified, classify, setup
from ..protocol import declare
from .coalitions import choose_coalitions
from .explanation import ShapExplanation
from .regression import shapley_regression


@declare(
    "Kernel SHAP",
    kind="black box",
    returns="explanation",
    chapter=6,
    paper="Lundberg and Lee, NeurIPS 2017, https://arxiv.org/abs/1705.07874",
    cost="num_samples forwards",
    passes="num_samples",
    shapes=dict(num_samples=200, batch_size=200, seed=0, hide=0.0),
    photo=dict(num_samples=500, segmenter="slic", seed=0),
)
def kernel_shap(
    classifier,
    image,
    target=None,
    num_samples: int = 1000,
    segmenter="quickshift",
    hide="mean",
    seed: int = 0,
    batch_size: int | None = None,
    progress: bool = True,
    segmenter_params: dict | None = None,
    labels=None,
) -> ShapExplanation:
    """Explain ``classifier``'s prediction on one picture with Kernel SHAP (Lundberg and Lee 2017,
    "A Unified Approach to Interpreting Model Predictions", NeurIPS, https://arxiv.org/abs/1705.07874):
    the Shapley values of the superpixels, the players, for the target's probability.

    The game is LIME's: a coalition ``z`` shows its superpixels and hides the others (``hide``),
    ``f(z)`` is the classifier's probability of the target for that picture. The Shapley values
    are the weighted least-squares fit of ``f(z) ~ phi_0 + sum_j phi_j z_j`` under the Shapley
    kernel ``pi(z) = (M-1) / (C(M,|z|) |z| (M-|z|))`` (Theorem 2), with ``phi_0 = f(empty)`` and
    ``sum_j phi_j = f(x) - f(empty)`` kept exactly (see :mod:`.regression`).

    Args:
        classifier: a :class:`~xaitutor.Classifier` or a function ``f(pictures) ->
            probabilities``, as for :func:`~xaitutor.lime`.
        image: the picture (PIL, array or tensor in [0, 1], grayscale or colour).
        target: the class to explain; ``None``: the classifier's top class for the picture.
        num_samples: how many coalitions to classify, the picture and the all-hidden picture
            among them. With ``num_samples >= 2^M`` (``M`` superpixels) every coalition is
            classified and the values are exact; with fewer, the coalitions are chosen as shap's
            ``KernelExplainer`` chooses them (see :mod:`.coalitions`). At least ``M + 1``.
        segmenter, segmenter_params, hide: the superpixels and what a hidden one shows, as for
            :func:`~xaitutor.lime`.
        seed: seeds the drawn coalitions: the same seed gives the same explanation; ``None``: fresh
            randomness at each call.
        batch_size: pictures per forward pass or function call (``None``: chosen by the size).
        progress: show a progress bar. Ctrl-C stops early and fits the coalitions done (at least
            the picture and the all-hidden picture), with a warning.
        labels: a function's class names; a Classifier has its own.

    Returns:
        A :class:`ShapExplanation`: ``.values``, ``.base_value`` and LIME's ``top()``,
        ``mask()``, ``map()``, ``plot()``.
    """
    resolve_count(num_samples, "num_samples", minimum=2, alternatives=" (the picture and the all-hidden picture)")
    seed = resolve_seed(seed)
    run = setup(classifier, image, segmenter, hide, batch_size, segmenter_params, labels)
    m = run.num_superpixels
    resolve_coalitions(num_samples, m)
    rows, weights, exact = choose_coalitions(m, num_samples, np.random.default_rng(seed))

    done = Classified(target)
    with (
        interruptible(len(rows), "Kernel SHAP", progress, unit="sample", partial="fitting the coalitions done") as bar,
        run.box.running(),
    ):
        classify(run, rows, done, bar)  # row 0 is the picture itself
    if bar.interrupted:
        if len(done) < 2:
            raise KeyboardInterrupt
        exact = False
    rows, predictions = done.arrays()
    weights = weights[: len(rows)]
    full, empty = float(predictions[0]), float(predictions[1])
    values = shapley_regression(rows, predictions, weights, full, empty)
    return ShapExplanation(
        picture=run.picture,
        segments=run.segments,
        hidden=run.hidden,
        target=done.target,
        label=run.box.labels[done.target],
        grid=run.box.grid,
        values=values,
        base_value=empty,
        full_value=full,
        exact=exact,
        samples=rows,
        predictions=predictions,
        sample_weights=weights,
    )
