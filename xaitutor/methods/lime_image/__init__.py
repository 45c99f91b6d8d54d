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

Where the paper leaves a choice, this package follows the ``lime`` package (``lime_image`` and
``lime_base``), so that the two agree to float precision: the first sample is the original
picture, the superpixels are cut from the picture at the precision it was given, the
distance is the cosine distance between z and the all-on vector, the kernel is
``sqrt(exp(-d^2 / width^2))``, the surrogate is scikit-learn's ``Ridge(alpha=1)``, the samples
come from ``numpy.random.RandomState(seed)`` in lime's order, and ``num_features`` is chosen as
lime's ``feature_selection="auto"`` does.

Each step is a small function: ``samples.py`` (2), ``proximity.py`` (5), ``surrogate.py`` (6);
``explainer.py`` holds :func:`lime`, which chains them, ``explanation.py`` what it returns, and
``pipeline_figure.py`` :func:`plot_lime_pipeline`, the six steps of one explanation as one figure.
Steps 1 and 3, and the classifying of the samples in batches, are what Kernel SHAP shares with LIME:
they live in :mod:`xaitutor.methods.hidden_superpixels` (imported here too, as the lesson's steps).
Step (4) reads only the classifier's answers, so f may be any function from pictures to
probabilities (see :mod:`xaitutor.methods.black_box`), not only a network.
"""

from ..hidden_superpixels.mixing import perturb
from ..hidden_superpixels.segmentation import HIDES, SEGMENTERS, hidden_picture, segment
from .explainer import lime
from .explanation import LimeExplanation
from .pipeline_figure import plot_lime_pipeline
from .proximity import cosine_distance, kernel
from .samples import draw_samples
from .surrogate import Surrogate, fit_surrogate

__all__ = [
    "segment",
    "hidden_picture",
    "draw_samples",
    "perturb",
    "cosine_distance",
    "kernel",
    "Surrogate",
    "fit_surrogate",
    "LimeExplanation",
    "lime",
    "plot_lime_pipeline",
    "SEGMENTERS",
    "HIDES",
]
