"""LIME's driver: the six steps chained, sample rounds batched through the black box, with a
progress bar that Ctrl-C stops."""

from __future__ import annotations

import numbers

import numpy as np

from ...progress_bar import interruptible
from ...resolve import resolve_count, resolve_seed
from ..hidden_superpixels.rounds import Classified, classify, setup
from ..protocol import declare
from .explanation import LimeExplanation
from .proximity import cosine_distance, kernel
from .samples import draw_samples
from .surrogate import Surrogate, fit_surrogate

# num_samples="auto": draw rounds of this many samples and stop when the top superpixels have not
# changed for PATIENCE rounds in a row, or at AUTO_MAX samples.
AUTO_ROUND, AUTO_PATIENCE, AUTO_TOP, AUTO_MAX = 100, 3, 5, 3000


@declare(
    "LIME",
    kind="black box",
    returns="explanation",
    chapter=2,
    paper="Ribeiro, Singh and Guestrin, KDD 2016, https://arxiv.org/abs/1602.04938",
    cost="num_samples forwards",
    passes="num_samples",
    shapes=dict(num_samples=200, batch_size=200, seed=0, hide=0.0),
    photo=dict(num_samples=500, segmenter="slic", seed=0),
)
def lime(
    classifier,
    image,
    target=None,
    num_samples=1000,
    segmenter="quickshift",
    hide="mean",
    kernel_width: float = 0.25,
    num_features: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    progress: bool = True,
    segmenter_params: dict | None = None,
    labels=None,
) -> LimeExplanation:
    """Explain ``classifier``'s prediction on one picture with LIME (Ribeiro et al. 2016,
    https://arxiv.org/abs/1602.04938, the essay's equation 2.1).

    Args:
        classifier: a :class:`~xaitutor.Classifier` (wrap a bare module with ``xt.models.wrap``:
            LIME perturbs the picture itself, so it needs the preprocessing), or any function
            ``f(pictures) -> probabilities``: ``pictures`` an ``N x 3 x H x W`` float32 CPU
            tensor in [0, 1] at the picture's own size, the result ``N x C`` probabilities (a
            tensor or an array). LIME only reads the answers: it explains any black box.
        image: the picture, as given (PIL, array or tensor in [0, 1], grayscale or colour).
        target: the class to explain; ``None``: the classifier's top class for the picture.
        num_samples: how many perturbed pictures to classify (at least 2), or ``"auto"``: rounds
            of 100 until the top 5 superpixels stay the same for 3 rounds (at most 3000).
        segmenter: ``"quickshift"``, ``"slic"``, ``"felzenszwalb"`` or a callable, see
            :func:`segment`; ``segmenter_params`` override its defaults.
        hide: what a switched-off superpixel shows, see :func:`hidden_picture`.
        kernel_width: the width of the proximity kernel on the cosine distance.
        num_features: at most this many superpixels get a non-zero weight (``None``: all).
        batch_size: pictures per forward pass or function call (``None``: as many as keep the
            memory bounded, eight 224 x 224 pictures on a CPU, sixteen 128 x 192 ones).
        seed: seeds the samples: the same seed gives the same explanation; ``None``: fresh
            randomness at each call.
        progress: show a progress bar. Ctrl-C stops early and explains from the samples so far.
        labels: a function's class names (default ``"class 0"``, ...); a Classifier has its own.

    Returns:
        A :class:`LimeExplanation`.
    """
    auto = isinstance(num_samples, str) and num_samples == "auto"
    if not auto:
        resolve_count(
            num_samples, "num_samples", minimum=2, alternatives=" (the original and one perturbation) or 'auto'"
        )
    if isinstance(kernel_width, bool) or not isinstance(kernel_width, numbers.Real) or not kernel_width > 0:
        raise ValueError(f"kernel_width must be a positive number, got {kernel_width!r}")
    if num_features is not None:
        resolve_count(num_features, "num_features", alternatives=" or None")
    run = setup(classifier, image, segmenter, hide, batch_size, segmenter_params, labels)
    rng = np.random.RandomState(resolve_seed(seed))

    done, tops, surrogate = Classified(target), [], None
    rounds = [AUTO_ROUND] * (AUTO_MAX // AUTO_ROUND) if auto else [num_samples]
    with (
        interruptible(
            AUTO_MAX if auto else num_samples,
            "LIME",
            progress,
            unit="sample",
            partial="explaining from the samples done (at least 2)",
        ) as bar,
        run.box.running(),
    ):
        for size in rounds:
            # Draw the whole round at once, as lime does, so the samples match lime's.
            rows = draw_samples(rng, size, run.num_superpixels, first=not done.parts)
            classify(run, rows, done, bar)  # the first row is the original picture
            if auto:
                surrogate = _fit(done, kernel_width, num_features)
                tops.append(set(np.argsort(-surrogate.weights, kind="stable")[:AUTO_TOP]))
                if len(tops) > AUTO_PATIENCE and all(t == tops[-1] for t in tops[-AUTO_PATIENCE - 1 :]):
                    break
    if bar.interrupted:
        if len(done) < 2:
            raise KeyboardInterrupt
        surrogate = None  # a round's fit misses the samples drawn after it

    rows, predictions = done.arrays()
    target = done.target
    distances = cosine_distance(rows)
    sample_weights = kernel(distances, kernel_width)
    if surrogate is None:
        surrogate = fit_surrogate(rows, predictions, sample_weights, num_features)
    return LimeExplanation(
        picture=run.picture,
        segments=run.segments,
        hidden=run.hidden,
        target=target,
        label=run.box.labels[target],
        grid=run.box.grid,
        surrogate=surrogate,
        samples=rows,
        predictions=predictions,
        distances=distances,
        sample_weights=sample_weights,
    )


def _fit(done, kernel_width, num_features) -> Surrogate:
    """The surrogate of the samples so far (a round of ``num_samples="auto"``)."""
    rows, predictions = done.arrays()
    return fit_surrogate(rows, predictions, kernel(cosine_distance(rows), kernel_width), num_features)
