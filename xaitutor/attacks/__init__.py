"""Chapter 9: explanations under attack.

* **Attacks on the answer**: :func:`fgsm` (Goodfellow et al. 2015) and :func:`pgd` (Madry et al.
  2018), in pixel space [0, 1], through the classifier's normalisation.
* **Attacks on the explanation**: :func:`manipulate` (Dombrowski et al. 2019) keeps the answer and
  moves a map towards a chosen target map; its second derivatives go through a copy of the network
  whose ReLUs are softplus functions (:func:`smoothed`).
* **Fragility** (Ghorbani et al. 2019): how far the top-k pixels of a map move under random noise
  and under an attack that keeps the label (:func:`fragility`, :func:`top_k_attack`).

The measured results that take too long for the notebook are shipped in
``xaitutor/attacks/results/`` (``python -m xaitutor.attacks.results``, ``make attacks``).
"""

from .fast_gradient_sign import fgsm
from .fragile_interpretations import fragility, random_signs, top_k_attack
from .manipulated import Manipulation
from .manipulation import manipulate
from .projected_gradient_descent import pgd
from .softplus_swap import smoothed

__all__ = ["fgsm", "pgd", "manipulate", "Manipulation", "smoothed", "fragility", "top_k_attack", "random_signs"]
