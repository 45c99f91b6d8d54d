"""The explanation methods, one file each."""
from .gradcam import gradcam
from .guided_backprop import guided_backprop
from .guided_gradcam import guided_gradcam
from .lime import lime
from .saliency import saliency
from .degradation import degradation_series

__all__ = ["gradcam", "guided_backprop", "guided_gradcam", "lime", "saliency", "degradation_series"]
