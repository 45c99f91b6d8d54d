"""ipywidgets explorers for the chapters, and the building blocks they share."""
from .common import ClassPicker, FigureOutput, PhotoPicker

__all__ = ["PhotoPicker", "ClassPicker", "FigureOutput"]
