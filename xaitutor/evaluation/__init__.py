"""Measuring explanations: does a map point at the object, does it name what the model uses, does
it depend on the model at all?

Three families of measures, each a few small functions on ``N x 1 x H x W`` maps:

* **Localisation**, against a ground-truth mask (the shapes data set draws its objects, so it
  knows where they are): the pointing game (:func:`pointing_game`) and the energy share
  (:func:`energy_share`).
* **Faithfulness**, against the model itself: delete the pixels the map ranks first and watch the
  class probability fall, or reveal them onto a blurred copy and watch it rise
  (:func:`deletion`, :func:`insertion`; Petsiuk et al. 2018).
* **Sanity**, against a broken model: randomise the weights layer by layer from the top, and a map
  that still looks the same was never explaining the model (:func:`cascading_randomization`;
  Adebayo et al. 2018).

:func:`explain` turns any method of the package into maps, one channel each, on the classifier's
input grid; :func:`random_maps` and :func:`centre_maps` are the baselines every score should be
compared with. One file per family: ``maps.py`` (explain, the baselines), ``localisation.py``,
``faithfulness.py``, ``sanity.py``; and ``layer_choice.py``, Grad-CAM's layer chosen by
measurement (:func:`gradcam_by_layer`).

The measures the field now uses: :func:`road` (deletion with noisy linear imputation, Rong et
al. 2022), :func:`smooth_mprt` and :func:`efficient_mprt` (Hedström et al. 2023-24),
:func:`random_logit` (Sixt et al. 2020), :func:`grid_pointing_game` on :func:`grid_pictures`
(Rao et al. 2022), and :func:`spray` (Lapuschkin et al. 2019), which clusters many maps to find a
Clever Hans (``clever_hans.py``, on ``xt.data.shapes(..., tag=p)``).
"""

from .class_sensitivity import random_logit
from .faithfulness import BASELINES, Curves, deletion, insertion
from .grid_pointing import Grids, grid_pictures, grid_pointing_game
from .layer_choice import LayerChoice, gradcam_by_layer
from .localisation import energy_share, pointing_game
from .maps import centre_maps, explain, pictures_batch, predicted_targets, random_maps
from .randomisation import Randomisation, efficient_mprt, smooth_mprt
from .road_imputation import Road, road
from .sanity import SanityCheck, cascading_randomization
from .sensitivity import local_lipschitz, max_sensitivity
from .spectral_clusters import Spray, spray

__all__ = [
    "explain",
    "pictures_batch",
    "predicted_targets",
    "random_maps",
    "centre_maps",
    "pointing_game",
    "energy_share",
    "BASELINES",
    "Curves",
    "deletion",
    "insertion",
    "Road",
    "road",
    "SanityCheck",
    "cascading_randomization",
    "Randomisation",
    "smooth_mprt",
    "efficient_mprt",
    "random_logit",
    "max_sensitivity",
    "local_lipschitz",
    "Grids",
    "grid_pictures",
    "grid_pointing_game",
    "Spray",
    "spray",
    "LayerChoice",
    "gradcam_by_layer",
]
