"""The widget building blocks react to their controls."""

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
