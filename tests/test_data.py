"""The sample photos."""
import numpy as np
import pytest

import xaitutor as xt


@pytest.mark.parametrize("name", xt.data.sample_names())
def test_every_sample_photo_loads(name):
    img = np.asarray(xt.data.sample_image(name))
    assert img.dtype == np.uint8 and img.shape[0] >= 256 and img.shape[1] >= 256


def test_unknown_sample_lists_the_known_ones():
    with pytest.raises(ValueError, match="known: chelsea, coffee"):
        xt.data.sample_image("dog")


def test_load_image_reads_a_file_exactly_as_rgb(tmp_path):
    from PIL import Image

    pixels = np.arange(18, dtype=np.uint8).reshape(2, 3, 3) * 10
    Image.fromarray(pixels).save(tmp_path / "photo.png")
    loaded = xt.data.load_image(tmp_path / "photo.png")      # a pathlib.Path, or a str
    assert loaded.mode == "RGB" and np.array_equal(np.asarray(loaded), pixels)
    Image.fromarray(np.array([[0, 128], [255, 7]], dtype=np.uint8)).save(tmp_path / "grey.png")
    grey = np.asarray(xt.data.load_image(str(tmp_path / "grey.png")))
    assert grey.shape == (2, 2, 3) and np.array_equal(grey[..., 2], [[0, 128], [255, 7]])
    assert (grey == grey[..., :1]).all()


def test_load_image_says_what_is_wrong_with_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file at .*missing.jpg"):
        xt.data.load_image(tmp_path / "missing.jpg")
    (tmp_path / "notes.txt").write_text("not a picture")
    with pytest.raises(ValueError, match="is not a picture PIL can read"):
        xt.data.load_image(tmp_path / "notes.txt")
