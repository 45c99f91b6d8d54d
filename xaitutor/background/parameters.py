"""1.4.2 Counting parameters: a dense layer against a convolution."""

from __future__ import annotations


def dense_parameters(n_in: int, n_out: int, bias: bool = False) -> int:
    """Parameters of a fully connected layer: one weight per (input, output) pair, plus one bias per
    output when ``bias`` (``nn.Linear(n_in, n_out)`` has ``bias=True``)."""
    return n_in * n_out + (n_out if bias else 0)


def conv_parameters(in_channels: int, out_channels: int, kernel_size: int, bias: bool = False) -> int:
    """Parameters of a convolutional layer: each output channel has one ``k x k x in_channels``
    window (section 1.4.2), plus one bias when ``bias``. The image size does not appear: the same
    window slides everywhere."""
    return out_channels * kernel_size * kernel_size * in_channels + (out_channels if bias else 0)
