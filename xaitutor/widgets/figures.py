"""The figures the explorers keep: made once, then updated in place at each redraw (new pixels,
new titles), never built again. Building a figure anew (subplots, layout, colour bars) and saving
it with a tight bounding box took about 200 ms a redraw on the cat; updating a kept one and drawing
only what moved takes about 10 (``bench/explorer_latency.py``)."""

from __future__ import annotations

import io
import textwrap

from PIL import Image

from .. import imaging

DPI = 80  # the size the explorers' figures always had in the notebook
TITLE_WIDTH = 50  # characters of a size-10 title that fit above one of two panels of a 9-inch figure
ALPHA = 0.5  # imaging.overlay's blend
JPEG = dict(quality=90, subsampling=0)  # no chroma subsampling: coloured text and thin lines stay crisp
PAD = 0.1  # inches of margin around what is drawn, as savefig's bbox_inches="tight"


class Sheet:
    """A figure of ``count`` axes side by side that an explorer keeps for its life, made without
    pyplot (the notebook never shows it by itself; there is nothing to close), and drawn for a
    :class:`~xaitutor.widgets.FigureOutput` by :meth:`render`."""

    def __init__(self, width: float, height: float, count: int = 1):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.figure.subplots(1, count)
        self.version = 0  # raised by the explorer when it changes what is still (a new photo)
        self._layout = self._box = self._background = self._drawn = None

    def changed(self) -> None:
        """Say that the still part changed: the next render draws everything."""
        self.version += 1

    def lay_out(self) -> None:
        """Lay the figure out and find the box around what is drawn, again only when what they
        depend on changed (the pictures' sizes, the titles' numbers of lines, the axes shown):
        ``tight_layout`` and the box cost about 20 ms, a tight ``savefig`` a second full draw."""
        key = tuple(
            (ax.get_visible(), ax.get_title().count("\n"), ax.get_xlim(), ax.get_ylim())
            for ax in (*self.figure.axes, *(child for ax in self.figure.axes for child in ax.child_axes))
        )
        if key != self._layout:
            self.figure.tight_layout()
            box = self.figure.get_tightbbox(self.figure.canvas.get_renderer()).padded(PAD)
            width, height = self.figure.canvas.get_width_height(physical=True)
            dpi = self.figure.dpi
            self._box = (
                max(0, int(box.x0 * dpi)),
                max(0, int(height - box.y1 * dpi)),
                min(width, round(box.x1 * dpi)),
                min(height, round(height - box.y0 * dpi)),
            )
            self._layout = key

    def render(self, format: str = "png", moving=()) -> bytes:
        """Draw the figure and encode it. Where only the ``moving`` artists changed since the last
        render, only they are drawn, over a copy of the rest (blitting, as matplotlib's animations
        do: 7 ms where a full draw takes 30). JPEG takes 1 ms to encode where PNG takes 15 to 70
        (figures of photos compress badly without loss), at a fifth of the bytes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.lay_out()
        fig = self.figure
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        # another canvas is another buffer; a copy made with other artists left out lacks others
        key = (self.version, self._layout, id(canvas), fig.dpi, tuple(type(artist) for artist in moving))
        if moving and key == self._drawn:
            canvas.restore_region(self._background)
        else:
            for artist in moving:  # left out of the copy, for this draw only: the figure stays whole
                artist.set_animated(True)
            try:
                canvas.draw()
            finally:
                for artist in moving:
                    artist.set_animated(False)
            self._background, self._drawn = canvas.copy_from_bbox(fig.bbox), key
        for artist in moving:
            fig.draw_artist(artist)
        size = canvas.get_width_height(physical=True)
        picture = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        picture = picture.crop(self._box).convert("RGB")
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


def title(ax, text: str, fontsize: float = 10, width: int = TITLE_WIDTH) -> None:
    """Set ``ax``'s title, each line wrapped to ``width`` characters of size 10 (those that fit above
    the panel): a kept figure is laid out again for a new number of lines, never for a longer line."""
    chars = round(width * 10 / fontsize)
    ax.set_title("\n".join(textwrap.fill(line, chars) for line in text.split("\n")), fontsize=fontsize)


class PictureAndMap(Sheet):
    """The picture at the left; at the right a map, over the picture (a heatmap, with its colour
    bar) or alone (a grey or colour picture of a gradient). The heatmap is a second image drawn
    half-transparent over the picture and scaled to [0, 1] by its colour limits: what
    :func:`imaging.overlay` computes, without blending full-size arrays at each redraw."""

    def __init__(self, width: float, height: float):
        super().__init__(width, height, 2)
        self.left, self.right = self.figure.axes
        self.shown = self.under = self.map = self.bar = None

    @property
    def moving(self) -> tuple:
        """What a new map changes: the map and its title."""
        return (self.map, self.right.title)

    def picture(self, picture, text: str) -> None:
        """A new picture, in both panels."""
        pixels = imaging.to_image(picture)
        self.shown = put(self.left, self.shown, pixels)
        self.under = put(self.right, self.under, pixels)
        title(self.left, text)
        self.changed()

    def show_map(self, values, text: str, kind: str = "heatmap") -> None:
        """``values``: a map (``1 x 1 x H x W``, any range) for ``kind="heatmap"`` or ``"grey"``, a
        picture in [0, 1] (``1 x 3 x H x W``) for ``"colours"``; stretched over the picture."""
        pixels = imaging.to_image(values)
        heat = kind == "heatmap"
        self.map = put(self.right, self.map, pixels, self.under.get_extent(), zorder=2)
        self.map.set(alpha=ALPHA if heat else None, cmap=imaging.CMAP if heat else "gray")
        if pixels.ndim == 2:  # min-max scaled, as imaging.scale_01 and plt.imshow scale
            self.map.set_clim(float(pixels.min()), float(pixels.max()))
        if self.under.get_visible() != heat:
            self.under.set_visible(heat)
            self.changed()
        if heat and self.bar is None:
            self.bar = imaging.add_colorbar(self.figure, imaging.CMAP, ax=self.right)
        if self.bar is not None:
            self.bar.ax.set_visible(heat)  # seen by the layout's key
        title(self.right, text)
