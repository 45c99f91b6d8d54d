"""The widget building blocks react to their controls."""

import base64
import datetime
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

import xaitutor as xt
from xaitutor.widgets import ClassPicker, FigureOutput, PhotoPicker
from xaitutor.widgets.common import Cache
from xaitutor.widgets.figures import Sheet, put


def test_photo_picker_follows_the_dropdown_and_uploads():
    picker = PhotoPicker("chelsea")
    seen = []
    picker.observe(lambda change: seen.append(change["new"]), names="image")
    assert picker.image.size == (451, 300)
    picker.dropdown.value = "coffee"
    assert picker.image.size == (600, 400) and len(seen) == 1
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((20, 30, 4), np.uint8)).save(buffer, format="PNG")
    picker.upload.value = (
        {
            "name": "x.png",
            "type": "image/png",
            "size": 1,
            "content": memoryview(buffer.getvalue()),
            "last_modified": datetime.datetime.now(),
        },
    )
    assert picker.image.size == (30, 20) and picker.image.mode == "RGB" and picker.dropdown.value == "(uploaded)"


def test_an_uploaded_16_bit_png_is_read_by_its_range():
    picker = PhotoPicker("chelsea")
    buffer = io.BytesIO()
    Image.fromarray(np.full((4, 6), 32768, np.uint16)).save(buffer, format="PNG")
    picker.upload.value = (
        {
            "name": "scan.png",
            "type": "image/png",
            "size": 1,
            "content": memoryview(buffer.getvalue()),
            "last_modified": datetime.datetime.now(),
        },
    )
    assert picker.image.mode == "RGB" and (np.asarray(picker.image) == 128).all()  # grey, not white


def test_class_picker_from_top_k_and_search(lite0):
    picker = ClassPicker(lite0.labels)
    picker.show_top(lite0.top_classes(xt.data.sample_image("chelsea"), k=3))
    assert picker.value == 285  # Egyptian cat, the top class
    twins = ClassPicker(["crane", "cat", "crane"])  # a user's labels may repeat a name
    twins.show_top([(2, 0.4), (0, 0.3)])
    assert twins.value == 2 and [v for _, v in twins.top.options] == ["2: crane", "0: crane"]
    picker.search.value = "207: golden retriever"
    assert picker.value == 207


def test_figure_output_replaces_its_figure():
    out = FigureOutput()
    pngs = []
    for title in ("one", "two"):
        fig, ax = plt.subplots()
        ax.set_title(title)
        out.draw(fig)
        assert len(out.outputs) == 1
        assert not plt.fignum_exists(fig.number), "a drawn figure is closed, not leaked"
        pngs.append(out.outputs[0]["data"]["image/png"])
    assert pngs[0] != pngs[1]


def test_the_explorers_cache_keeps_only_its_newest_entries():
    cache = Cache(size=2)
    cache["a"], cache["b"] = 1, 2
    cache["a"] = 3  # storing again makes an entry the newest
    cache["c"] = 4
    assert dict(cache) == {"a": 3, "c": 4}


def decoded(output) -> np.ndarray:
    data = output.outputs[0]["data"]
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(next(iter(data.values()))))))


def test_a_kept_figure_is_drawn_again_where_it_moved_only():
    sheet, out = Sheet(4, 2, 2), FigureOutput()
    left, right = sheet.figure.axes
    still = put(left, None, np.zeros((8, 8)), cmap="gray", vmin=0, vmax=1)
    moving = put(right, None, np.zeros((8, 8)), cmap="gray", vmin=0, vmax=1)
    out.draw(sheet, moving=(moving,))
    blank = decoded(out)
    moving.set_data(np.ones((8, 8)))
    out.draw(sheet, moving=(moving,))
    assert not np.array_equal(decoded(out), blank)
    assert np.array_equal(decoded(out), np.asarray(Image.open(io.BytesIO(sheet.render())))), "as a full draw"
    still.set_data(np.ones((8, 8)))  # the still part changed: the explorer says so
    sheet.changed()
    out.draw(sheet, moving=(moving,))
    assert decoded(out).min() == 255 and out.outputs[0]["data"].keys() == {"image/png", "text/plain"}
    assert plt.get_fignums() == [], "a kept figure is not pyplot's: nothing to close, nothing shown twice"


def test_a_kept_figure_is_cropped_as_a_tight_savefig_and_jpeg_when_asked():
    sheet, out = Sheet(6, 6), FigureOutput(format="jpeg")
    put(sheet.figure.axes[0], None, np.zeros((10, 40)))  # a wide picture in a square figure
    out.draw(sheet)
    assert "image/jpeg" in out.outputs[0]["data"]
    height, width = decoded(out).shape[:2]
    buffer = io.BytesIO()
    sheet.figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    tight_width, tight_height = Image.open(buffer).size
    assert height < 480 / 2, "the empty margins are cut off"
    assert abs(width - tight_width) <= 2 and abs(height - tight_height) <= 2, "as savefig's tight box"
