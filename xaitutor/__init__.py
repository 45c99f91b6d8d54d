"""xaitutor: explainable AI for convolutional networks, the package of the course.

>>> import xaitutor as xt
>>> clf = xt.models.load("efficientnet_lite0")
>>> img = xt.data.sample_image("chelsea")
>>> clf.predict(img, k=5)
"""

from . import background, data, evaluation, exercises, hooks, imaging, models
from .methods import (
    gradcam,
    gradcam_plusplus,
    guided_backprop,
    guided_gradcam,
    input_x_gradient,
    integrated_gradients,
    kernel_shap,
    layercam,
    lime,
    objectives,
    occlusion,
    rise,
    saliency,
    scorecam,
    smoothgrad,
)
from .methods.featurevis import visualize
from .models import Classifier

__version__ = "0.1.0"

__all__ = [
    "background",
    "data",
    "evaluation",
    "exercises",
    "hooks",
    "imaging",
    "models",
    "Classifier",
    "widgets",
    "gradcam",
    "guided_backprop",
    "guided_gradcam",
    "lime",
    "saliency",
    "gradcam_plusplus",
    "scorecam",
    "layercam",
    "integrated_gradients",
    "smoothgrad",
    "input_x_gradient",
    "occlusion",
    "kernel_shap",
    "rise",
    "objectives",
    "visualize",
]


def __getattr__(name):
    # The widgets pull in ipywidgets and IPython; import them on first use only.
    if name == "widgets":
        import importlib

        return importlib.import_module(".widgets", __name__)
    raise AttributeError(f"module 'xaitutor' has no attribute {name!r}")
