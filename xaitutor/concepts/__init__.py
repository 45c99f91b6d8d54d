"""Chapter 8: what a network has learned to see, in concepts: the dataset examples of a unit,
Network Dissection, TCAV and concept discovery by factorising a layer's activations. Each is
declared as a method of kind ``"concept"`` (xaitutor/methods/protocol.py).

>>> d = xt.concepts.dissect(clf, "features.relu4", x, data.concept_masks)
>>> d.detectors(0.04)
"""

from .activations import layer_activations
from .concept_activation_vectors import ConceptTest, concept_vector, tcav
from .dataset_examples import DatasetExamples, photo_pool, top_examples
from .dissection import Dissection, dissect, random_rotation, reinitialised, unit_masks
from .factorization import Factorization, factorize

__all__ = [
    "DatasetExamples",
    "photo_pool",
    "top_examples",
    "Factorization",
    "factorize",
    "ConceptTest",
    "concept_vector",
    "tcav",
    "Dissection",
    "dissect",
    "random_rotation",
    "reinitialised",
    "unit_masks",
    "layer_activations",
]
