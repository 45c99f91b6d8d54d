"""Chapter 1, the background: gradient descent, the perceptron, backpropagation, convolution,
pooling and the receptive field, each written out the way the essay defines it so that reading
the code is reading the math.

Equation numbers refer to chapter 1 of the essay (``seed/000_789e6c7d908553e7.txt``). Every
function here is small and plain on purpose; PyTorch's fast versions are what the tests compare
against. One file per section of the essay (``descent.py`` 1.2, ``perceptron_learning.py`` 1.3.1,
``xor.py`` 1.3.2, ``backprop.py`` 1.3.3, ``convolution.py`` and ``filters.py`` 1.4.1,
``parameters.py`` 1.4.2, ``pooling.py`` 1.4.3, ``receptive_fields.py`` 1.4.4), their figures
in ``plots.py`` and the essay's two diagrams, the perceptron (fig. 1.1) in ``diagrams.py`` and the
sliding window (fig. 1.3) in ``sliding_window.py``; they import matplotlib only when they draw.

>>> import xaitutor as xt
>>> xt.background.xor_table()[1]            # table 1.1, row x = (0, 1)
(0, 1, 1, 1, 1)
>>> xt.background.output_size(128, 3)       # a 3x3 window, no padding: 128 -> 126
126
"""

from .backprop import backward_pass, forward_pass, sigmoid, tiny_network, train_mlp
from .convolution import PADDINGS, convolve, cross_correlate, output_size, pad, windows
from .descent import describe_descent, gradient_descent, parabola, valley
from .diagrams import perceptron_diagram
from .filters import KERNELS, displayable, filter_image
from .parameters import conv_parameters, dense_parameters
from .perceptron_learning import PerceptronRun, perceptron, perceptron_update, step, train_perceptron
from .plots import plot_decision, plot_descent, plot_perceptron, plot_receptive_field
from .pooling import pool
from .receptive_fields import ReceptiveField, composed_kernel, receptive_field, receptive_field_size, stacked_convs
from .sliding_window import sliding_window_diagram
from .xor import AND, BINARY_INPUTS, F1, F2, OR, XOR, G, xor_mlp, xor_table

__all__ = [
    "parabola",
    "valley",
    "gradient_descent",
    "describe_descent",
    "plot_descent",
    "step",
    "perceptron",
    "perceptron_diagram",
    "perceptron_update",
    "PerceptronRun",
    "train_perceptron",
    "plot_decision",
    "plot_perceptron",
    "BINARY_INPUTS",
    "AND",
    "OR",
    "XOR",
    "F1",
    "F2",
    "G",
    "xor_mlp",
    "xor_table",
    "sigmoid",
    "tiny_network",
    "forward_pass",
    "backward_pass",
    "train_mlp",
    "PADDINGS",
    "output_size",
    "pad",
    "windows",
    "cross_correlate",
    "convolve",
    "sliding_window_diagram",
    "pool",
    "KERNELS",
    "filter_image",
    "displayable",
    "dense_parameters",
    "conv_parameters",
    "stacked_convs",
    "ReceptiveField",
    "receptive_field",
    "plot_receptive_field",
    "composed_kernel",
    "receptive_field_size",
]
