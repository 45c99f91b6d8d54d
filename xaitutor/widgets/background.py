"""Explorers of chapter 1: a learning-rate slider over gradient descent, a receptive-field slider
and a convolution playground. Glue only: the computing is in :mod:`xaitutor.background`."""

from __future__ import annotations

import ipywidgets as widgets
import torch

from .. import background as bg
from ..imaging import to_image, to_tensor
from .common import FigureOutput, PhotoPicker
from .figures import Sheet, put, title

# name -> (function, starting point)
FUNCTIONS = {"parabola x² (1-D)": (bg.parabola, [1.5]), "valley x² + 10y² (2-D)": (bg.valley, [1.8, 1.0])}


class GradientDescentExplorer(widgets.VBox):
    """Gradient descent (eq. 1.2) with a learning-rate slider: watch it creep, converge, oscillate
    and diverge. ``.path`` is the last path drawn, ``.verdict`` says what it did, ``.figure`` is the
    figure shown (one for the explorer's life, drawn again at each change)."""

    def __init__(self, function: str = "parabola x² (1-D)", lr: float = 0.1, steps: int = 20):
        self.function = widgets.Dropdown(options=list(FUNCTIONS), value=function, description="f")
        self.lr = widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=-2,
            max=0.1,
            step=0.01,
            description="η",
            readout_format=".3f",
            continuous_update=False,
        )
        self.steps = widgets.IntSlider(value=steps, min=1, max=60, description="steps", continuous_update=False)
        self.verdict = widgets.HTML()
        self.output = FigureOutput()
        self.sheet = Sheet(5, 3.4)
        self.figure = self.sheet.figure
        super().__init__([widgets.HBox([self.function, self.lr, self.steps]), self.verdict, self.output])
        for control in (self.function, self.lr, self.steps):
            control.observe(self.update, names="value")
        self.update()

    def update(self, *_):
        f, x0 = FUNCTIONS[self.function.value]
        self.path = bg.gradient_descent(f, x0, self.lr.value, self.steps.value)
        self.verdict.value = f"<b>η = {self.lr.value:.3f}</b>: {bg.describe_descent(self.path)}"
        self.figure.axes[0].clear()
        bg.plot_descent(f, self.path, ax=self.figure.axes[0])
        self.output.draw(self.sheet)  # laid out again: the tick labels change with the range drawn


class ReceptiveFieldExplorer(widgets.VBox):
    """Stack n convolutions of size k and measure the receptive field of one output pixel from its
    input gradient (section 1.4.4). ``.field`` is the last measurement."""

    def __init__(self, layers: int = 2, kernel_size: int = 3):
        self.layers = widgets.IntSlider(value=layers, min=1, max=6, description="layers", continuous_update=False)
        self.kernel_size = widgets.IntSlider(
            value=kernel_size, min=1, max=7, step=2, description="kernel", continuous_update=False
        )
        self.summary = widgets.HTML()
        self.output = FigureOutput()
        super().__init__([widgets.HBox([self.layers, self.kernel_size]), self.summary, self.output])
        for control in (self.layers, self.kernel_size):
            control.observe(self.update, names="value")
        self.update()

    def update(self, *_):
        n, k = self.layers.value, self.kernel_size.value
        side = bg.receptive_field_size(n, k)
        self.field = bg.receptive_field(bg.stacked_convs(n, k), input_size=side + 8)
        h, w = self.field.size
        self.summary.value = (
            f"{n} layer(s) of {k}x{k}: measured field <b>{h} x {w}</b> "
            f"(formula 1 + n(k - 1) = {side}); {n * k * k} weights, where one "
            f"{h}x{w} window would have {h * w}"
        )
        self.output.draw(bg.plot_receptive_field(self.field))


class ConvolutionPlayground(widgets.VBox):
    """Pick or type a 3x3 kernel and see it applied to a photo, as a convolution or a
    cross-correlation, with a padding mode and a stride (section 1.4.1). ``.result`` is the last
    filtered picture (3 x H' x W', unclipped), ``.figure`` the figure shown (one for the explorer's
    life: a new kernel, padding or stride changes the filtered picture in it)."""

    def __init__(self, kernel: str = "mean 3x3", photo: str = "chelsea"):
        self.photo = PhotoPicker(photo)
        self.preset = widgets.Dropdown(options=[*bg.KERNELS, "custom"], value=kernel, description="kernel")
        self.cells = [widgets.FloatText(layout=widgets.Layout(width="70px")) for _ in range(9)]
        self.padding = widgets.Dropdown(
            options=[("none", None), ("zeros", "zeros"), ("nearest", "nearest"), ("wrap", "wrap")],
            value="nearest",
            description="padding",
        )
        self.stride = widgets.IntSlider(value=1, min=1, max=4, description="stride", continuous_update=False)
        self.operation = widgets.ToggleButtons(options=["convolution", "cross-correlation"])
        self.info = widgets.HTML()
        self.output = FigureOutput(format="jpeg")
        self.sheet = Sheet(6.4, 3.2, 2)
        self.figure, self._photo, self._shown = self.sheet.figure, None, [None, None]
        grid = widgets.GridBox(self.cells, layout=widgets.Layout(grid_template_columns="repeat(3, 75px)"))
        controls = widgets.VBox([self.preset, self.padding, self.stride, self.operation])
        super().__init__([self.photo, widgets.HBox([grid, controls]), self.info, self.output])
        self._filling = False
        self._fill(bg.KERNELS[kernel])
        self.preset.observe(self._on_preset, names="value")
        for cell in self.cells:
            cell.observe(self._on_cell, names="value")
        for control in (self.padding, self.stride, self.operation):
            control.observe(self.update, names="value")
        self.photo.observe(self.update, names="image")
        self.update()

    @property
    def kernel(self) -> torch.Tensor:
        """The 3x3 kernel in the grid."""
        return torch.tensor([cell.value for cell in self.cells], dtype=torch.float32).reshape(3, 3)

    def set_kernel(self, kernel) -> None:
        """Type a 3x3 kernel into the grid (as a user would), then redraw once."""
        self._fill(kernel)
        self._on_cell()

    def _fill(self, kernel) -> None:
        self._filling = True  # one redraw for nine cells, not nine
        for cell, value in zip(self.cells, torch.as_tensor(kernel, dtype=torch.float64).flatten().tolist()):
            cell.value = round(value, 4)
        self._filling = False

    def _on_preset(self, change):
        if not self._filling and change["new"] != "custom":
            self._fill(bg.KERNELS[change["new"]])
            self.update()

    def _on_cell(self, *_):
        if self._filling:
            return
        same = [
            name
            for name, k in bg.KERNELS.items()
            if torch.allclose(self.kernel, torch.tensor(k, dtype=torch.float32), atol=1e-4)
        ]
        self._filling = True  # choosing the label must not refill the grid
        self.preset.value = same[0] if same else "custom"
        self._filling = False
        self.update()

    def update(self, *_):
        flip = self.operation.value == "convolution"
        left, right = self.figure.axes
        if self.photo.image is not self._photo:  # a new photo: the still part of the figure changes
            self._photo, self._picture = self.photo.image, to_tensor(self.photo.image)
            self.sheet.changed()
            self._shown[0] = put(left, self._shown[0], to_image(self._picture))
            title(left, "photo")
        picture = self._picture
        self.result = bg.filter_image(picture, self.kernel, self.padding.value, self.stride.value, flip)
        symmetric = torch.equal(self.kernel, self.kernel.flip((0, 1)))
        self.info.value = f"{tuple(picture.shape[1:])} -> {tuple(self.result.shape[1:])}; the kernel is " + (
            "symmetric: convolution = cross-correlation"
            if symmetric
            else "not symmetric: convolution and cross-correlation differ"
        )
        self._shown[1] = put(right, self._shown[1], to_image(bg.displayable(self.result, self.kernel)))
        title(right, f"{self.operation.value} with {self.preset.value}", width=38)
        self.output.draw(self.sheet, moving=(self._shown[1], right.title))


__all__ = ["GradientDescentExplorer", "ReceptiveFieldExplorer", "ConvolutionPlayground"]
