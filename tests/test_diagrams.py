"""The figures drawn by code (issue 14): the perceptron (essay fig. 1.1) and the sliding window
(fig. 1.3) of chapter 1, the Grad-CAM and LIME pipelines drawn from real intermediate results, and
the colour bars of xt.imaging.show."""

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor import background as bg
from xaitutor import imaging
from xaitutor.methods.grad_cam_figures import plot_gradcam_pipeline
from xaitutor.methods.lime_image import perturb, plot_lime_pipeline


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def product_sum(fig):
    """The sliding window's printed product-sum: its products and the value it prints."""
    line = next(t for t in texts(fig) if t.startswith("output["))
    terms, value = line.split("=")[1], float(line.split("=")[-1])
    pairs = [[float(v.strip(" ()")) for v in term.split("·")] for term in terms.split(" + ")]
    return pairs, value


@pytest.mark.parametrize(
    "x, kernel, at, flip",
    [
        (None, None, (1, 1), False),
        (torch.arange(16).reshape(4, 4) % 5, torch.tensor([[0, 1, 2], [-1, 3, 0], [2, 0, -2]]), (1, 0), False),
        (torch.arange(16).reshape(4, 4) % 5, torch.tensor([[0, 1, 2], [-1, 3, 0], [2, 0, -2]]), (0, 1), True),
    ],
)
def test_sliding_window_prints_the_product_sum_of_the_drawn_numbers(x, kernel, at, flip):
    fig = bg.sliding_window_diagram(x, kernel, at=at, flip=flip)
    x = bg.sliding_window.INPUT if x is None else x
    kernel = bg.sliding_window.KERNEL if kernel is None else kernel
    out = (bg.convolve if flip else bg.cross_correlate)(x, kernel)
    pairs, value = product_sum(fig)
    r, c = at
    assert [a for a, _ in pairs] == x[r : r + 3, c : c + 3].flatten().tolist()  # the window's inputs
    placed = kernel.flip((0, 1)) if flip else kernel
    assert [b for _, b in pairs] == placed.flatten().tolist()
    assert value == sum(a * b for a, b in pairs) == out[r, c]
    drawn = [float(t) for t in texts(fig) if re.fullmatch(r"-?\d+(\.\d+)?", t)]
    assert drawn == x.flatten().tolist() + placed.flatten().tolist() + out.flatten().tolist()  # every grid
    plt.close(fig)


def test_sliding_window_refuses_a_cell_outside_the_output():
    with pytest.raises(ValueError, match="outside the 3 x 3 output"):
        bg.sliding_window_diagram(at=(3, 0))


@pytest.mark.parametrize("x", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_perceptron_diagram_outputs_what_the_perceptron_computes(x):
    weights = (-1.5, 1.0, 1.0)  # AND, the essay's g of table 1.1
    fig = bg.perceptron_diagram(weights, x)
    out = int(bg.perceptron(weights, x))
    z = -1.5 + x[0] + x[1]
    shown = texts(fig)
    assert f"z = {z:g}" in shown and str(out) in shown
    assert any(t.endswith(f"f(x) = σ({z:g}) = {out}") for t in shown)
    plt.close(fig)


def test_perceptron_diagram_uses_the_notation_of_eq_1_4():
    fig = bg.perceptron_diagram()
    shown = " ".join(texts(fig))
    for part in ["$x_1$", "$x_n$", "$w_0$ (bias)", "$w_n$", r"\Sigma", "eq. 1.3", "eq. 1.4", "$f(x)$"]:
        assert part in shown, part
    plt.close(fig)


def small_cnn():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3)
    ).eval()


def test_gradcam_pipeline_panels_hold_the_tensors_gradcam_returns():
    model, picture = small_cnn(), torch.rand(3, 12, 20, generator=torch.Generator().manual_seed(0))
    parts = xt.gradcam(model, picture[None], target=2, layer="1", return_parts=True)
    fig = plot_gradcam_pipeline(parts, picture, labels=["a", "b", "c"], channels=3)
    assert xt.hooks.hook_count(model) == 0
    arrays = [im.get_array() for ax in fig.axes for im in ax.images]
    A, alpha = parts.activations[0], parts.weights[0]
    weighted = (alpha[:, None, None] * A).sum(0)
    shown = (alpha[:, None, None] * A).sum((1, 2)).topk(3).indices
    for k in shown:
        assert any(a.shape == A[k].shape and np.array_equal(a, A[k].numpy()) for a in arrays), f"A^{k}"
    for tensor in (weighted, parts.raw[0, 0], parts.cam[0, 0]):
        assert any(a.shape == tensor.shape and np.allclose(a, tensor.numpy()) for a in arrays)
    lines = [line.get_ydata() for ax in fig.axes for line in ax.lines if len(line.get_ydata()) == len(alpha)]
    assert any(np.array_equal(y, alpha.numpy()) for y in lines)  # the weights of eq. 3.2, every channel
    titles = " ".join(ax.get_title() for ax in fig.axes) + " ".join(texts(fig))
    for step in [
        "1. the picture",
        "2. feature maps",
        "3. weights",
        "eq. 3.2",
        "4. weighted sum",
        "5. ReLU",
        "eq. 3.1",
        "6. upsampled to 12 x 20",
    ]:
        assert step in titles, step
    assert f"{int((weighted < 0).sum())} of {weighted.numel()} cells were < 0" in titles
    assert "'c'" in fig._suptitle.get_text()
    plt.close(fig)


def blocks(array, **_):
    rows, cols = np.indices(array.shape[:2]) // 8
    return rows * (array.shape[1] // 8) + cols


def test_lime_pipeline_panels_hold_the_explanations_data():
    picture = torch.rand(3, 16, 24, generator=torch.Generator().manual_seed(2))
    f = lambda pictures: torch.stack([pictures[:, 0].mean((1, 2)), 1 - pictures[:, 0].mean((1, 2))], 1)
    exp = xt.lime(f, picture, target=0, num_samples=30, segmenter=blocks, progress=False)
    fig = plot_lime_pipeline(exp, samples=(1, 4), rows=6)
    arrays = [np.asarray(im.get_array()) for ax in fig.axes for im in ax.images]
    for z in perturb(exp.picture, exp.hidden, exp.segments, exp.samples[[1, 4]]):
        assert any(np.array_equal(a, imaging.to_image(z)) for a in arrays)  # step 3: the very pictures
    assert any(np.array_equal(a, exp.samples[:6]) for a in arrays)  # step 2
    assert any(np.array_equal(a, exp.weights[exp.segments.numpy()]) for a in arrays)  # step 6
    points = [c.get_offsets() for ax in fig.axes for c in ax.collections if len(c.get_offsets()) == 30]
    assert any(np.allclose(p, np.c_[exp.samples.sum(1), exp.predictions]) for p in points)  # step 4
    assert any(np.allclose(p, np.c_[exp.distances, exp.sample_weights]) for p in points)  # step 5
    titles = " ".join(ax.get_title() for ax in fig.axes) + " ".join(texts(fig))
    for step in [
        "1. segment: 6 superpixels",
        "2. sample",
        "3. perturb",
        "4. predict",
        "5. weigh",
        "6. fit",
        f"R² = {exp.score:.2f}",
    ]:
        assert step in titles, step
    plt.close(fig)


def bars(fig):
    """The colour bars' axes: in the figure, or inset in a panel."""
    axes = fig.axes + [child for ax in fig.axes for child in ax.child_axes]
    return [ax for ax in axes if getattr(ax, "_colorbar", None) is not None]


def test_show_gives_each_map_a_colour_bar_and_the_overlays_one_together():
    picture, heat = torch.rand(3, 8, 8), torch.rand(1, 1, 4, 4)
    overlaid = imaging.overlay(picture, heat)
    assert isinstance(overlaid, np.ndarray) and overlaid.cmap == imaging.CMAP
    fig = imaging.show([picture, overlaid, overlaid, torch.rand(1, 8, 8), np.zeros((8, 8))])
    found = bars(fig)
    assert len(found) == 3  # two maps, one bar shared by the two overlays
    assert [b.get_ylabel() for b in found].count("heatmap, scaled to [0, 1]") == 1
    assert not bars(imaging.show([picture, overlaid], colorbar=False))
    assert not bars(imaging.show(picture))  # a photo has no colour scale
    fig, ax = plt.subplots()
    assert not bars(imaging.show(overlaid, ax=ax))  # the caller lays out its own axes...
    assert len(bars(imaging.show(overlaid, ax=ax, colorbar=True))) == 1  # ...and asks for a bar
    plt.close("all")


def test_add_colorbar_spans_zero_to_one_in_the_colour_map():
    fig, axes = plt.subplots(1, 2)
    bar = imaging.add_colorbar(fig, cmap="magma", label="each map from its min to its max")
    assert bar.cmap.name == "magma" and bar.mappable.norm.vmin == 0 and bar.mappable.norm.vmax == 1
    assert bar.ax.get_ylabel() == "each map from its min to its max"
    plt.close(fig)
