"""LIME for images: explain one prediction with a weighted linear model over superpixels.

Ribeiro, Singh and Guestrin 2016, "Why should I trust you?", https://arxiv.org/abs/1602.04938.
The essay's equation (2.1) picks the interpretable model

    g* = argmin_g  L(f, g, pi_x) + Sigma(g)

For an image, LIME (1) cuts the picture into superpixels, the interpretable features; (2) draws
on/off vectors z, one bit per superpixel; (3) builds each perturbed picture by hiding the
superpixels that are off; (4) asks the classifier f for the target's probability on each; (5)
weights each sample by its closeness pi_x to the original picture; (6) fits a weighted ridge
regression g on (z, f(z)). L is the weighted squared error, Sigma(g) the number of superpixels g
may use (``num_features``) plus ridge's penalty.

Where the paper leaves a choice, this file follows the ``lime`` package (``lime_image`` and
``lime_base``), so that the two agree to float precision: the first sample is the original
picture, the superpixels are cut from the picture at the precision it was given, the
distance is the cosine distance between z and the all-on vector, the kernel is
``sqrt(exp(-d^2 / width^2))``, the surrogate is scikit-learn's ``Ridge(alpha=1)``, the samples
come from ``numpy.random.RandomState(seed)`` in lime's order, and ``num_features`` is chosen as
lime's ``feature_selection="auto"`` does. Each step is a small function below; :func:`lime`
chains them. Step (4) reads only the classifier's answers, so f may be any function from pictures
to probabilities (see :mod:`xaitutor.methods.black_box`), not only a network.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from .. import imaging
from ..resolve import resolve_batch_size, resolve_targets
from .black_box import black_box

# Each segmenter's defaults: lime's for quickshift; for slic and felzenszwalb, values that cut a
# photo of a few hundred pixels into some tens of superpixels.
SEGMENTERS = {
    "quickshift": dict(kernel_size=4, max_dist=200, ratio=0.2),
    "slic": dict(n_segments=50, compactness=10, start_label=0),
    "felzenszwalb": dict(scale=200, sigma=0.8, min_size=200),
}
HIDES = ("mean", "blur", "a grey level in [0, 1]", "an (r, g, b) colour in [0, 1]")

# num_samples="auto": draw rounds of this many samples and stop when the top superpixels have not
# changed for PATIENCE rounds in a row, or at AUTO_MAX samples.
AUTO_ROUND, AUTO_PATIENCE, AUTO_TOP, AUTO_MAX = 100, 3, 5, 3000


def segment(picture, segmenter="quickshift", **params) -> torch.Tensor:
    """Step 1: cut a picture into superpixels, the interpretable features.

    The segmenter sees the picture at the precision it was given, as under lime: a float64 array
    keeps its values, uint8 pixels become float64 as scikit-image reads them. (Rounded to float32
    first, quickshift can put a pixel in another superpixel.)

    Args:
        picture: anything :func:`xaitutor.imaging.to_tensor` reads (one picture).
        segmenter: ``"quickshift"``, ``"slic"``, ``"felzenszwalb"`` (scikit-image) or a callable
            taking an ``H x W x 3`` float array in [0, 1] and returning ``H x W`` integer labels.
        **params: the segmenter's parameters, over the defaults in ``SEGMENTERS`` (for instance
            ``kernel_size`` and ``max_dist`` for quickshift, ``n_segments`` for slic, ``scale``
            for felzenszwalb).

    Returns:
        An ``H x W`` ``LongTensor`` of superpixel indices ``0 .. F-1``, every index used.
    """
    from skimage.util import img_as_float

    array = img_as_float(_one_picture(picture, dtype=None).permute(1, 2, 0).numpy())
    if callable(segmenter):
        labels = segmenter(array, **params)
    elif isinstance(segmenter, str) and segmenter in SEGMENTERS:
        import skimage.segmentation

        labels = getattr(skimage.segmentation, segmenter)(array, **{**SEGMENTERS[segmenter], **params})
    else:
        raise ValueError(f"unknown segmenter {segmenter!r}: use one of {', '.join(SEGMENTERS)} "
                         "or a function from an H x W x 3 array to H x W integer labels")
    labels = np.asarray(labels)
    if labels.shape != array.shape[:2] or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"the segmenter must return H x W integer labels {array.shape[:2]}, "
                         f"got {labels.dtype} of shape {labels.shape}")
    # Number the superpixels 0 .. F-1 (slic starts at 1, a custom segmenter may skip numbers),
    # so that superpixel i is column i of the samples.
    return torch.from_numpy(np.unique(labels, return_inverse=True)[1].reshape(labels.shape))


def hidden_picture(picture: torch.Tensor, segments: torch.Tensor, hide="mean") -> torch.Tensor:
    """What a switched-off superpixel shows: the ``3 x H x W`` picture to copy hidden pixels from.

    Args:
        picture: ``3 x H x W`` in [0, 1].
        segments: ``H x W`` superpixel indices, from :func:`segment`.
        hide: ``"mean"`` (each superpixel's own mean colour, lime's ``hide_color=None``),
            ``"blur"`` (a strong Gaussian blur, sigma a twentieth of the short side), a grey level
            in [0, 1] or an ``(r, g, b)`` colour in [0, 1].
    """
    if isinstance(hide, str) and hide == "mean":
        flat = segments.flatten()
        # Means in float64 as lime computes them, so the two agree to the last bit.
        sums = torch.zeros(int(flat.max()) + 1, 3, dtype=torch.float64)
        sums.index_add_(0, flat, picture.reshape(3, -1).T.double())
        means = (sums / torch.bincount(flat)[:, None]).float()
        return means[segments].permute(2, 0, 1).contiguous()
    if isinstance(hide, str) and hide == "blur":
        sigma = min(picture.shape[-2:]) / 20
        return imaging.gaussian_blur(picture, kernel_size=2 * int(3 * sigma) + 1, sigma=sigma)
    colour = torch.as_tensor(hide, dtype=torch.float32) if not isinstance(hide, str) else None
    if colour is None or colour.numel() not in (1, 3) or not (0 <= colour.min() and colour.max() <= 1):
        raise ValueError(f"hide={hide!r} is not understood: use one of {', '.join(HIDES)}")
    return colour.reshape(-1, 1, 1).expand_as(picture).contiguous()


def draw_samples(rng: np.random.RandomState, num_samples: int, num_superpixels: int,
                 first: bool = True) -> np.ndarray:
    """Step 2: ``num_samples`` random on/off rows, one bit per superpixel (``True``: shown).

    Each bit is a fair coin, drawn as lime draws it; with ``first``, row 0 is all on: the
    original picture, the point being explained.
    """
    rows = rng.randint(0, 2, (num_samples, num_superpixels)).astype(bool)
    if first:
        rows[0] = True
    return rows


def perturb(picture: torch.Tensor, hidden: torch.Tensor, segments: torch.Tensor, rows) -> torch.Tensor:
    """Step 3: the perturbed pictures, ``N x 3 x H x W``, with no loop over samples or pixels.

    Pixel ``p`` of sample ``n`` comes from ``picture`` when its superpixel ``segments[p]`` is on
    in ``rows[n]``, from ``hidden`` otherwise: looking every pixel's bit up at once gives an
    ``N x 1 x H x W`` mask of zeros and ones, and ``lerp(hidden, picture, mask)`` picks the pixels.
    """
    bits = torch.from_numpy(np.asarray(rows, dtype=np.float32))
    keep = bits.index_select(1, segments.flatten()).view(len(bits), 1, *segments.shape)
    # lerp is exact at its ends (weight 0 gives `hidden`, 1 gives `picture`, bit for bit) and,
    # on a CPU, many times faster than torch.where with a broadcast mask.
    return torch.lerp(hidden, picture, keep)


def cosine_distance(rows) -> np.ndarray:
    """The cosine distance of each on/off row to the all-on row: with ``k`` of ``F`` bits on,
    ``1 - k / (sqrt(k) sqrt(F)) = 1 - sqrt(k / F)`` (1 for the all-off row, as scikit-learn's)."""
    rows = np.asarray(rows)
    return 1 - np.sqrt(rows.sum(axis=1) / rows.shape[1])


def kernel(distances, kernel_width: float = 0.25) -> np.ndarray:
    """Step 5: lime's exponential kernel ``pi_x = sqrt(exp(-d^2 / width^2))``: 1 at the original
    picture, smaller the more superpixels a sample hides."""
    return np.sqrt(np.exp(-np.asarray(distances) ** 2 / kernel_width ** 2))


@dataclass
class Surrogate:
    """The weighted linear model g of equation (2.1): one weight per superpixel (zero for those
    left out by ``num_features``), the intercept, its weighted R^2 on the samples (its local
    fidelity) and its prediction for the original picture."""

    weights: np.ndarray
    intercept: float
    score: float
    local_prediction: float


def fit_surrogate(rows, predictions, sample_weights, num_features: int | None = None) -> Surrogate:
    """Step 6: fit ``Ridge(alpha=1)`` to the classifier's predictions, weighting sample ``n`` by
    ``sample_weights[n]``, on at most ``num_features`` superpixels chosen as lime's
    ``feature_selection="auto"`` does (greedy forward selection up to 6, else the largest weights
    of a first fit). Row 0 must be the original picture."""
    from sklearn.linear_model import Ridge

    data = np.asarray(rows, dtype=np.float64)
    predictions = np.asarray(predictions, dtype=np.float64)
    used = np.arange(data.shape[1])
    if num_features is not None and num_features < data.shape[1]:
        used = _select(data, predictions, sample_weights, num_features)
    model = Ridge(alpha=1, fit_intercept=True).fit(data[:, used], predictions, sample_weight=sample_weights)
    weights = np.zeros(data.shape[1])
    weights[used] = model.coef_
    return Surrogate(weights=weights, intercept=float(model.intercept_),
                     score=float(model.score(data[:, used], predictions, sample_weight=sample_weights)),
                     local_prediction=float(model.predict(data[:1, used])[0]))


def _select(data, predictions, sample_weights, num_features: int) -> np.ndarray:
    """The superpixels lime's ``feature_selection="auto"`` keeps (the complexity term of (2.1))."""
    from sklearn.linear_model import Ridge

    if num_features > 6:
        # "highest_weights": the largest |weight x original value| of a lightly penalised fit;
        # the original is all ones. A stable sort keeps lime's order among ties.
        coef = Ridge(alpha=0.01, fit_intercept=True).fit(data, predictions, sample_weight=sample_weights).coef_
        return np.argsort(-np.abs(coef * data[0]), kind="stable")[:num_features]
    # "forward_selection": add, one at a time, the superpixel that best raises the weighted R^2.
    used: list[int] = []
    for _ in range(num_features):
        best, best_score = 0, -1e8
        for feature in range(data.shape[1]):
            if feature in used:
                continue
            columns = data[:, used + [feature]]
            model = Ridge(alpha=0, fit_intercept=True).fit(columns, predictions, sample_weight=sample_weights)
            score = model.score(columns, predictions, sample_weight=sample_weights)
            if score > best_score:
                best, best_score = feature, score
        used.append(best)
    return np.array(used)


@dataclass
class LimeExplanation:
    """What :func:`lime` found, and the data it found it from.

    Attributes:
        picture: the ``3 x H x W`` picture explained, in [0, 1], on its own grid.
        segments: ``H x W`` superpixel indices ``0 .. F-1``.
        hidden: the ``3 x H x W`` picture a switched-off superpixel shows.
        target, label: the class explained, as an index and a name.
        weights: one surrogate weight per superpixel: how much showing it raises the target's
            probability (negative: evidence against the class).
        intercept: the surrogate's prediction with every superpixel hidden.
        score: the surrogate's weighted R^2 on the samples, its local fidelity (1 is perfect).
        local_prediction: the surrogate's prediction for the original picture.
        samples: ``N x F`` on/off rows (row 0: the original picture).
        predictions: the classifier's probability of ``target`` for each sample.
        distances, sample_weights: each sample's cosine distance and kernel weight.
        grid: ``(height, width)`` of the grid :meth:`map` paints on: the preprocessed picture's
            for a ``Classifier``, the picture's own for a function.
    """

    picture: torch.Tensor
    segments: torch.Tensor
    hidden: torch.Tensor
    target: int
    label: str
    weights: np.ndarray
    intercept: float
    score: float
    local_prediction: float
    samples: np.ndarray
    predictions: np.ndarray
    distances: np.ndarray
    sample_weights: np.ndarray
    grid: tuple[int, int]

    @property
    def num_superpixels(self) -> int:
        return len(self.weights)

    @property
    def num_samples(self) -> int:
        return len(self.samples)

    def top(self, k: int = 5, positive_only: bool = True, negative_only: bool = False) -> list[int]:
        """The ``k`` superpixels with the largest weights: positive ones only (the evidence for the
        class), negative ones only (the evidence against), or both, by absolute weight."""
        if positive_only and negative_only:
            raise ValueError("positive_only and negative_only cannot both be true")
        order = np.argsort(-np.abs(self.weights), kind="stable")
        if positive_only:
            order = [i for i in order if self.weights[i] > 0]
        elif negative_only:
            order = [i for i in order if self.weights[i] < 0]
        return [int(i) for i in order[:k]]

    def mask(self, k: int = 5, positive_only: bool = True, negative_only: bool = False) -> torch.Tensor:
        """An ``H x W`` boolean mask of the superpixels :meth:`top` picks."""
        return torch.isin(self.segments, torch.tensor(self.top(k, positive_only, negative_only), dtype=torch.long))

    def map(self) -> torch.Tensor:
        """The weights painted on their superpixels, as a ``1 x 1 x h x w`` map on :attr:`grid`:
        for a ``Classifier``, the preprocessed grid (what ``classifier.preprocess(image)``
        gives), so it lines up with a Grad-CAM; for a function, the picture's own. Signed and
        unscaled; resized by averaging each output pixel's footprint."""
        painted = torch.from_numpy(self.weights).float()[self.segments][None, None]
        return F.interpolate(painted, size=self.grid, mode="area")

    def plot(self, k: int = 5, positive_only: bool = True, negative_only: bool = False, ax=None):
        """Show the picture with the :meth:`top` superpixels outlined and tinted (green: for the
        class, red: against) and the rest dimmed; returns the figure."""
        import matplotlib.pyplot as plt
        from skimage.segmentation import mark_boundaries

        chosen = self.top(k, positive_only, negative_only)
        picture = imaging.to_image(self.picture)
        signs = np.zeros(self.segments.shape)
        for i in chosen:
            signs[self.segments.numpy() == i] = np.sign(self.weights[i])
        tint = np.where(signs[..., None] > 0, [0.1, 0.8, 0.2], [0.9, 0.1, 0.1])
        shown = np.where(signs[..., None] == 0, 0.35 * picture + 0.65 * 0.5, 0.75 * picture + 0.25 * tint)
        shown = mark_boundaries(shown, (signs != 0).astype(int) * (self.segments.numpy() + 1), color=(1, 1, 0))
        if ax is None:
            fig, ax = plt.subplots(figsize=(4, 4 * picture.shape[0] / picture.shape[1] + 0.4))
        ax.imshow(shown)
        ax.axis("off")
        kind = "for" if positive_only else "against" if negative_only else "for (green) / against (red)"
        ax.set_title(f"top {len(chosen)} superpixels {kind} '{self.label}'\n"
                     f"R² = {self.score:.2f}, {self.num_samples} samples", fontsize=9)
        return ax.figure


def lime(classifier, image, target=None, num_samples=1000, segmenter="quickshift",
         hide="mean", kernel_width: float = 0.25, num_features: int | None = None,
         batch_size: int | None = None, seed: int = 0, progress: bool = True,
         segmenter_params: dict | None = None, labels=None) -> LimeExplanation:
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
        seed: seeds the samples: the same seed gives the same explanation.
        progress: show a progress bar. Ctrl-C stops early and explains from the samples so far.
        labels: a function's class names (default ``"class 0"``, ...); a Classifier has its own.

    Returns:
        A :class:`LimeExplanation`.
    """
    auto = isinstance(num_samples, str) and num_samples == "auto"
    if not auto and (isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples < 2):
        raise ValueError(f"num_samples must be an int of at least 2 (the original and one perturbation) "
                         f"or 'auto', got {num_samples!r}")
    if not kernel_width > 0:
        raise ValueError(f"kernel_width must be positive, got {kernel_width}")
    if num_features is not None and not (isinstance(num_features, (int, np.integer)) and num_features >= 1):
        raise ValueError(f"num_features must be a positive int or None, got {num_features!r}")
    picture = _one_picture(image)
    box = black_box(classifier, picture, labels)
    batch_size = resolve_batch_size(batch_size, box.grid, box.device)
    segments = segment(image, segmenter, **(segmenter_params or {}))
    hidden = hidden_picture(picture, segments, hide)
    shown, hidden_shown = box.prepare(picture), box.prepare(hidden)
    rng = np.random.RandomState(seed)
    num_superpixels = int(segments.max()) + 1

    done_rows, done_predictions, tops, surrogate = [], [], [], None
    rounds = [AUTO_ROUND] * (AUTO_MAX // AUTO_ROUND) if auto else [num_samples]
    bar = tqdm(total=AUTO_MAX if auto else num_samples, desc="LIME", unit="sample", disable=not progress)
    try:
        with box.running():
            for size in rounds:
                # Draw the whole round at once, as lime does, so the samples match lime's.
                rows = draw_samples(rng, size, num_superpixels, first=not done_rows)
                for start in range(0, size, batch_size):
                    chunk = rows[start:start + batch_size]
                    probabilities = box(perturb(shown, hidden_shown, segments, chunk))
                    if not done_rows:  # the first row is the original picture
                        target = int(resolve_targets(probabilities[:1], target)[0])
                    done_predictions.append(probabilities[:, target].double().cpu().numpy())
                    done_rows.append(chunk)
                    bar.update(len(chunk))
                if auto:
                    surrogate = _fit(done_rows, done_predictions, kernel_width, num_features)
                    tops.append(set(np.argsort(-surrogate.weights, kind="stable")[:AUTO_TOP]))
                    if len(tops) > AUTO_PATIENCE and all(t == tops[-1] for t in tops[-AUTO_PATIENCE - 1:]):
                        break
    except KeyboardInterrupt:
        if sum(len(r) for r in done_rows) < 2:
            raise
        warnings.warn(f"LIME interrupted: explaining from the {sum(len(r) for r in done_rows)} samples done")
        surrogate = None
    finally:
        bar.close()

    rows, predictions = np.concatenate(done_rows), np.concatenate(done_predictions)
    distances = cosine_distance(rows)
    sample_weights = kernel(distances, kernel_width)
    if surrogate is None:
        surrogate = fit_surrogate(rows, predictions, sample_weights, num_features)
    return LimeExplanation(picture=picture, segments=segments, hidden=hidden, target=target,
                           label=box.labels[target], weights=surrogate.weights,
                           intercept=surrogate.intercept, score=surrogate.score,
                           local_prediction=surrogate.local_prediction, samples=rows,
                           predictions=predictions, distances=distances,
                           sample_weights=sample_weights, grid=box.grid)


def _fit(done_rows, done_predictions, kernel_width, num_features) -> Surrogate:
    rows = np.concatenate(done_rows)
    return fit_surrogate(rows, np.concatenate(done_predictions), kernel(cosine_distance(rows), kernel_width),
                         num_features)


def _one_picture(image, dtype: torch.dtype | None = torch.float32) -> torch.Tensor:
    picture = imaging.to_tensor(image, dtype)
    if picture.dim() == 4:
        if len(picture) != 1:
            raise ValueError(f"lime explains one picture at a time, got a batch of {len(picture)}: "
                             "call it once per picture")
        picture = picture[0]
    return picture
