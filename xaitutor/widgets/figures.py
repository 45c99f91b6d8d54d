"""The figures the explorers keep: made once, then updated in place at each redraw (new pixels,
new titles), never built again. Building a figure anew (subplots, layout, colour bars) and saving
it with a tight bounding box cost about 200 ms a redraw on the cat; updating one and rendering it
costs about 30 (``bench/explorer_latency.py``)."""

from __future__ import annotations

import io
import textwrap

from PIL import Image

from .. import imaging

DPI = 80  # the size the explorers' figures always had in the notebook
TITLE_WIDTH = 50  # characters of a size-10 title that fit above one of two panels of a 9-inch figure
ALPHA = 0.5  # imaging.overlay's blend
JPEG = dict(quality=90, subsampling=0)  # no chroma subsampling: coloured text and thin lines stay crisp


def figure(width: float, height: float, count: int = 1):
    """A figure of ``count`` axes side by side that an explorer keeps for its life. Made without
    pyplot: the notebook never shows it by itself, and there is nothing to close."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots(1, count)
    return fig


def render(fig, format: str = "png") -> bytes:
    """``fig`` drawn by Agg as it is laid out, encoded by PIL."""
    return Renderer()(fig, format)


class Renderer:
    """Draws a kept figure again and again: in full the first time and whenever ``still`` (a key
    of everything but the ``moving`` artists) changes, otherwise only the moving artists over a
    copy of the rest, as matplotlib's animations blit (about 7 ms where a full draw takes 30).
    Encoded by PIL: JPEG takes about 1 ms where PNG takes 15 to 70 (figures of photos compress
    badly without loss), at a fifth of the bytes."""

    def __init__(self):
        self._background, self._key = None, None

    def __call__(self, fig, format: str = "png", moving=(), still=None) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        key = (still, id(canvas), canvas.get_width_height(physical=True))  # another canvas: another buffer
        if moving and still is not None and key == self._key:
            canvas.restore_region(self._background)
        else:
            for artist in moving:  # left out of the copy, for one draw only: the figure stays whole
                artist.set_animated(True)
            try:
                canvas.draw()
            finally:
                for artist in moving:
                    artist.set_animated(False)
            self._background, self._key = canvas.copy_from_bbox(fig.bbox), key
        for artist in moving:
            fig.draw_artist(artist)
        size = canvas.get_width_height(physical=True)
        picture = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
        buffer = io.BytesIO()
        if format == "jpeg":
            picture.save(buffer, format="JPEG", **JPEG)
        else:
            picture.save(buffer, format="PNG")
        return buffer.getvalue()


def put(ax, image, pixels, extent=None, **style):
    """Show ``pixels`` (an ``H x W`` or ``H x W x 3`` array) in ``ax``: a new image the first time
    (``image`` is ``None``), then the same image with new pixels. Returns the image."""
    h, w = pixels.shape[:2]
    extent = extent or (-0.5, w - 0.5, h - 0.5, -0.5)
    if image is None:
        image = ax.imshow(pixels, extent=extent, **style)
        ax.axis("off")
        return image
    image.set_data(pixels)
    image.set_extent(extent)  # a picture of another size: the axes' limits follow
    return image


def title(ax, text: str, fontsize: float = 10) -> None:
    """Set ``ax``'s title, each line wrapped to fit above one of two panels: a kept figure's layout
    is made again for a new number of lines (:class:`Layout`), never for a longer line."""
    width = round(TITLE_WIDTH * 10 / fontsize)
    ax.set_title("\n".join(textwrap.fill(line, width) for line in text.split("\n")), fontsize=fontsize)


class Layout:
    """Lays a kept figure out again (``tight_layout``, about 10 ms) only when what it depends on
    changed: the pictures' sizes, the titles' numbers of lines, which axes are visible."""

    def __init__(self, fig):
        self.figure, self.key = fig, None

    def update(self) -> None:
        key = tuple(
            (ax.get_visible(), ax.get_title().count("\n"), ax.get_xlim(), ax.get_ylim())
            for ax in (*self.figure.axes, *(c for ax in self.figure.axes for c in ax.child_axes))
        )
        if key != self.key:
            self.figure.tight_layout()
            self.key = key


class PictureAndMap:
    """The picture at the left; at the right a map, over the picture (a heatmap, with its colour
    bar) or alone (a grey or colour picture of a gradient). The heatmap is a second image drawn
    half-transparent over the picture, scaled to [0, 1] by its colour limits: what
    :func:`imaging.overlay` computes, with no blending of full-size arrays at each redraw."""

    def __init__(self, width: float, height: float):
        self.figure = figure(width, height, 2)
        self.left, self.right = self.figure.axes
        self.shown = self.under = self.map = self.bar = None
        self.layout = Layout(self.figure)
        self.pictures = 0  # how many pictures were shown: a new one changes the still part

    @property
    def moving(self) -> tuple:
        """What a new map changes: the map and its title."""
        return (self.map, self.right.title)

    @property
    def still(self) -> tuple:
        """A key of the rest: the picture, the layout, the picture under the map, the colour bar."""
        return (self.pictures, self.layout.key, self.under.get_visible())

    def picture(self, picture, text: str) -> None:
        """A new picture, in both panels."""
        pixels = imaging.to_image(picture)
        self.shown = put(self.left, self.shown, pixels)
        self.under = put(self.right, self.under, pixels)
        title(self.left, text)
        self.pictures += 1

    def show_map(self, values, text: str, kind: str = "heatmap") -> None:
        """``values``: a map (``1 x 1 x H x W``, any range) for ``kind="heatmap"`` or ``"grey"``, a
        picture in [0, 1] (``1 x 3 x H x W``) for ``"colours"``; stretched over the picture."""
        pixels = imaging.to_image(values)
        heat = kind == "heatmap"
        self.map = put(self.right, self.map, pixels, self.under.get_extent(), zorder=2)
        self.map.set(alpha=ALPHA if heat else None, cmap=imaging.CMAP if heat else "gray")
        if pixels.ndim == 2:  # min-max scaled, as imaging.scale_01 and plt.imshow scale
            self.map.set_clim(float(pixels.min()), float(pixels.max()))
        self.under.set_visible(heat)
        if heat and self.bar is None:
            self.bar = imaging.add_colorbar(self.figure, imaging.CMAP, ax=self.right)
        if self.bar is not None:
            self.bar.ax.set_visible(heat)
        title(self.right, text)
        self.layout.update()
