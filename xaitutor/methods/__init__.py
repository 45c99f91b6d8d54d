"""The explanation methods, one file (or small package) each, named for the method as its paper
names it, never like the function it holds: ``grad_cam.py`` holds :func:`gradcam`, so
``xt.methods.gradcam`` is the function and ``xt.methods.grad_cam`` the module."""

from .grad_cam import gradcam
from .grad_cam_plus_plus import gradcam_plusplus
from .guided_backpropagation import guided_backprop
from .guided_grad_cam import guided_gradcam
from .input_times_gradient import input_x_gradient
from .layer_cam import layercam
from .lime_image import lime
from .occlusion_windows import occlusion
from .path_integral import integrated_gradients
from .randomized_input_sampling import rise
from .robustness import degradation_series
from .saliency_maps import saliency
from .score_cam import scorecam
from .shapley import kernel_shap
from .smooth_grad import smoothgrad

__all__ = [
    "gradcam",
    "guided_backprop",
    "guided_gradcam",
    "lime",
    "saliency",
    "degradation_series",
    "gradcam_plusplus",
    "scorecam",
    "layercam",
    "integrated_gradients",
    "smoothgrad",
    "input_x_gradient",
    "occlusion",
    "kernel_shap",
    "rise",
]
