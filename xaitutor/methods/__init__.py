"""The explanation methods, one file (or small package) each, named for the method as its paper
names it, never like the function it holds: ``grad_cam.py`` holds :func:`gradcam`, so
``xt.methods.gradcam`` is the function and ``xt.methods.grad_cam`` the module.

Every method declares itself beside its function (:func:`~xaitutor.methods.protocol.declare`);
this package imports every module in it, so that a new method's file is found without a list to
edit, and exports each declared function under its own name (and so does ``xaitutor``)."""

import importlib
import pkgutil

from .protocol import METHODS, declaration, declare, declared

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from .robustness import degradation_series  # noqa: E402 (an experiment, not a declared method)

globals().update({name: method.function for name, method in METHODS.items()})

__all__ = [*METHODS, "degradation_series", "METHODS", "declare", "declared", "declaration"]
