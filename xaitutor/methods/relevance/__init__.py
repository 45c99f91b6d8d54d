"""Relevance propagation (chapter 7): LRP's rules, composites and canonizers, and :func:`lrp`."""

from . import composites, input_rules, rules
from .composites import COMPOSITES
from .layerwise import LrpParts, lrp

__all__ = ["lrp", "LrpParts", "rules", "input_rules", "composites", "COMPOSITES"]
