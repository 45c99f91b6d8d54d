"""Chapter 1 explorers, driven from Python as a student's clicks would drive them."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import xaitutor as xt
from xaitutor import background as bg

pytest.importorskip("ipywidgets")


def shown(widget) -> int:
    """How many figures the explorer's output area holds (each draw replaces the last)."""
    return len(widget.output.outputs)


def picture(widget) -> str:
    """The picture (PNG or JPEG, base64) of the figure the explorer shows now."""
    data = widget.output.outputs[-1]["data"]
    return data.get("image/png") or data["image/jpeg"]


def test_learning_rate_slider_moves_from_converging_to_diverging():
    explorer = xt.widgets.GradientDescentExplorer(lr=0.3)
    assert "converges" in explorer.verdict.value and shown(explorer) == 1
    first, before = explorer.path, picture(explorer)
    explorer.lr.value = 1.05
    assert picture(explorer) != before
    assert "diverges" in explorer.verdict.value
    assert explorer.path[-1].abs().item() > first[0].abs().item()
    assert shown(explorer) == 1


def test_switching_to_the_2d_valley_draws_a_2d_path():
    explorer = xt.widgets.GradientDescentExplorer()
    explorer.function.value = "valley x² + 10y² (2-D)"
    explorer.steps.value = 7
    assert explorer.path.shape == (8, 2)
    assert torch.equal(explorer.path, bg.gradient_descent(bg.valley, [1.8, 1.0], explorer.lr.value, 7))


def test_receptive_field_sliders_remeasure():
    explorer = xt.widgets.ReceptiveFieldExplorer()
    assert explorer.field.size == (5, 5) and "18 weights" in explorer.summary.value
    before = picture(explorer)
    explorer.layers.value = 3
    explorer.kernel_size.value = 5
    assert explorer.field.size == (13, 13) and "75 weights" in explorer.summary.value
    assert shown(explorer) == 1 and picture(explorer) != before


def test_playground_preset_fills_the_grid_and_filters_the_photo():
    playground = xt.widgets.ConvolutionPlayground(kernel="mean 3x3", photo="camera")
    assert torch.allclose(playground.kernel, torch.full((3, 3), 1 / 9), atol=1e-4)
    assert "symmetric" in playground.info.value
    before = picture(playground)
    playground.preset.value = "Sobel x"
    assert picture(playground) != before and shown(playground) == 1
    assert torch.equal(playground.kernel, torch.tensor(bg.KERNELS["Sobel x"], dtype=torch.float32))
    camera = xt.imaging.to_tensor(xt.data.sample_image("camera"))
    assert torch.allclose(playground.result, bg.filter_image(camera, playground.kernel, "nearest"), atol=1e-6)
    assert "differ" in playground.info.value


def test_playground_typed_kernel_operation_padding_and_stride():
    playground = xt.widgets.ConvolutionPlayground(photo="camera")
    playground.set_kernel([[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    assert playground.preset.value == "custom"
    convolved = playground.result
    playground.operation.value = "cross-correlation"
    assert not torch.allclose(playground.result, convolved)  # a shift one way, then the other
    playground.padding.value = None
    playground.stride.value = 2
    assert playground.result.shape == (3, 255, 255) and "(512, 512) -> (255, 255)" in playground.info.value
    playground.set_kernel(bg.KERNELS["sharpen"])
    assert playground.preset.value == "sharpen"


def test_playground_follows_the_photo_picker():
    playground = xt.widgets.ConvolutionPlayground(photo="camera")
    playground.photo.dropdown.value = "chelsea"
    assert playground.result.shape == (3, 300, 451)


def test_the_explorers_update_their_one_figure_and_leave_none_open():
    descent, playground = xt.widgets.GradientDescentExplorer(), xt.widgets.ConvolutionPlayground(photo="camera")
    figures = descent.figure, playground.figure
    photo, filtered = playground.figure.axes[0].images[0], playground.figure.axes[1].images[0]
    before = filtered.get_array().copy()
    for i, name in enumerate(["Sobel x", "sharpen", "emboss", "identity"] * 3):
        descent.lr.value = 0.05 * (i + 1)
        playground.preset.value = name
    playground.stride.value = 2
    assert (descent.figure, playground.figure) == figures and len(descent.figure.axes[0].lines) == 3
    assert playground.figure.axes[0].images[0] is photo and playground.figure.axes[1].images[0] is filtered
    assert len(playground.figure.axes[1].images) == 1 and filtered.get_array().shape[:2] == (256, 256)
    assert not np.array_equal(filtered.get_array()[:10, :10], before[:10, :10])
    assert "identity" in playground.figure.axes[1].get_title() and plt.get_fignums() == []
