"""ipywidgets explorers for the chapters, and the building blocks they share."""

from .attacks import AttackExplorer, attack_explorer
from .background import ConvolutionPlayground, GradientDescentExplorer, ReceptiveFieldExplorer
from .common import ClassPicker, FigureOutput, PhotoPicker
from .concepts import ConceptExplorer, concept_explorer
from .featurevis import FeatureVisExplorer, featurevis_explorer
from .gradcam import GradCamExplorer, gradcam_explorer
from .lime import LimeExplorer, lime_explorer
from .relevance import RelevanceExplorer, relevance_explorer
from .toolbox import ToolboxExplorer, toolbox_explorer

__all__ = [
    "PhotoPicker",
    "ClassPicker",
    "FigureOutput",
    "GradientDescentExplorer",
    "ReceptiveFieldExplorer",
    "ConvolutionPlayground",
    "gradcam_explorer",
    "GradCamExplorer",
    "lime_explorer",
    "LimeExplorer",
    "featurevis_explorer",
    "FeatureVisExplorer",
    "toolbox_explorer",
    "ToolboxExplorer",
    "relevance_explorer",
    "RelevanceExplorer",
    "attack_explorer",
    "AttackExplorer",
    "concept_explorer",
    "ConceptExplorer",
]
