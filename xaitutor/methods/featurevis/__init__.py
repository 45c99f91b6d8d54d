"""Feature visualization and DeepDream: gradient ascent on the picture itself.

Instead of asking "which pixels made the model say pug?", ask "what picture makes the model say
pug the most?" (the essay's chapter 4; Olah, Mordvintsev & Schubert, "Feature Visualization",
Distill 2017, https://distill.pub/2017/feature-visualization/; DeepDream, Mordvintsev et al. 2015,
https://research.google/blog/inceptionism-going-deeper-into-neural-networks/).

>>> vis = xt.visualize(clf, xt.objectives.class_logit(254))      # lucid's recipe, 224 px
>>> vis = xt.visualize(clf, xt.objectives.class_logit(254), **RECIPES["essay"])
>>> plt.imshow(vis.image); vis.probabilities(xt.models.load("efficientnet_lite1"), 254)

The parts, one file each:

* ``images``: what is optimised. The essay's pixels (normalised gradient ascent, program 4.4), or
  lucid's decorrelated Fourier spectrum with its 1/f scale (Adam), which reads far better;
* ``transforms``: the random pad, jitter, scale and rotation the picture must survive;
* ``objective``: the number to maximise and its algebra (the catalogue is ``xt.objectives``);
* ``settings``: checks, the octaves of the pyramid (program 4.5), batches, the recipes;
* ``run``: one batch being optimised, and the gradient of one step;
* ``loop``: :func:`visualize`, the loop over batches, octaves and steps;
* ``result``: :class:`Visualization`, the pictures and what a classifier thinks of them;
* ``spectra``: lucid's picture taken apart (waves, 1/f, colours, sigmoid) and the power by frequency;
* ``fields``: receptive fields, to match layers across networks;
* ``figures``: chapter 4's figures; ``gallery``: its precomputed pictures (``make gallery``).

Every step costs one forward and one backward pass to the picture (the weights are frozen and
get no gradient); the picture lives in [0, 1] and goes through the classifier's own
normalisation before every forward pass, so one recipe fits every model.
"""

from . import transforms
from .images import FourierImage, PixelImage, normalized_gradient
from .loop import visualize
from .result import Visualization, probabilities
from .settings import RECIPES, octave_shapes

__all__ = [
    "visualize",
    "Visualization",
    "probabilities",
    "RECIPES",
    "transforms",
    "PixelImage",
    "FourierImage",
    "normalized_gradient",
    "octave_shapes",
]
