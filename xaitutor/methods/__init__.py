"""The explanation methods, one file (or small package) each, named for the method as its paper
names it, never like the function it holds: ``grad_cam.py`` holds :func:`gradcam`, so
``xt.methods.gradcam`` is the function and ``xt.methods.grad_cam`` the module."""
from .degradation import degradation_series
from .grad_cam import gradcam
from .guided_backpropagation import guided_backprop
from .guided_grad_cam import guided_gradcam
from .lime_image import lime
from .randomized_input_sampling import rise
from .saliency_maps import saliency
from .shapley import kernel_shap

__all__ = ["gradcam", "guided_backprop", "guided_gradcam", "lime", "saliency", "degradation_series",
           "kernel_shap", "rise"]
