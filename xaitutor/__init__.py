"""xaitutor: explainable AI for convolutional networks, the package of the course.

>>> import xaitutor as xt
>>> clf = xt.models.load("efficientnet_lite0")
>>> img = xt.data.sample_image("chelsea")
>>> clf.predict(img, k=5)

Every method of the course is here under its own name (``xt.gradcam``, ``xt.lime``, ...), read
from the methods' declarations (:data:`xaitutor.methods.METHODS`).
"""

from . import attacks, background, concepts, data, evaluation, exercises, hooks, imaging, models
from .methods import METHODS, objectives
from .models import Classifier

__version__ = "0.1.0"

globals().update({name: method.function for name, method in METHODS.items()})

__all__ = [
    "attacks",
    "background",
    "concepts",
    "data",
    "evaluation",
    "exercises",
    "hooks",
    "imaging",
    "models",
    "Classifier",
    "widgets",
    "objectives",
    *METHODS,
]


def __getattr__(name):
    # The widgets pull in ipywidgets and IPython; import them on first use only.
    if name == "widgets":
        import importlib

        return importlib.import_module(".widgets", __name__)
    raise AttributeError(f"module 'xaitutor' has no attribute {name!r}")
