"""ipywidgets explorers for the chapters, and the building blocks they share."""
from .background import ConvolutionPlayground, GradientDescentExplorer, ReceptiveFieldExplorer
from .common import ClassPicker, FigureOutput, PhotoPicker

__all__ = ["PhotoPicker", "ClassPicker", "FigureOutput",
           "GradientDescentExplorer", "ReceptiveFieldExplorer", "ConvolutionPlayground"]
