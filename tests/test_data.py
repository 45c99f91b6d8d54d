"""The sample photos."""

import numpy as np
import pytest

import xaitutor as xt


@pytest.mark.parametrize("name", xt.data.sample_names())
def test_every_sample_photo_loads(name):
    img = np.asarray(xt.data.sample_image(name))
    assert img.dtype == np.uint8 and img.shape[0] >= 224 and img.shape[1] >= 224


def test_the_cat_and_the_coffee_sit_side_by_side():
    import skimage.data
    from PIL import Image

    both = np.asarray(xt.data.sample_image("cat_and_coffee"))
    assert both.shape == (224, 448, 3) and both.dtype == np.uint8 and "cat_and_coffee" in xt.data.sample_names()
    for half, photo in [(both[:, :224], skimage.data.chelsea()), (both[:, 224:], skimage.data.coffee())]:
        h, w = photo.shape[:2]
        side = min(h, w)  # the central square of the photo, resized: the half to within rounding
        square = photo[(h - side) // 2 : (h - side) // 2 + side, (w - side) // 2 : (w - side) // 2 + side]
        expected = np.asarray(Image.fromarray(square).resize((224, 224), Image.BILINEAR), dtype=float)
        assert np.abs(half - expected).mean() < 6
    assert np.abs(both[:, :224].astype(float) - both[:, 224:]).mean() > 30


def test_efficientnet_lite0_sees_a_cat_and_a_cup_of_coffee(lite0):
    top5 = [label for label, _ in lite0.predict(xt.data.sample_image("cat_and_coffee"), k=5)]
    # measured: espresso, tiger cat, tabby, cup, Egyptian cat
    assert {"tiger cat", "tabby", "Egyptian cat"} & set(top5) and {"espresso", "cup", "coffee mug"} & set(top5)


def test_unknown_sample_lists_the_known_ones():
    with pytest.raises(ValueError, match="known: chelsea, coffee"):
        xt.data.sample_image("dog")


def test_load_image_reads_a_file_exactly_as_rgb(tmp_path):
    from PIL import Image

    pixels = np.arange(18, dtype=np.uint8).reshape(2, 3, 3) * 10
    Image.fromarray(pixels).save(tmp_path / "photo.png")
    loaded = xt.data.load_image(tmp_path / "photo.png")  # a pathlib.Path, or a str
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


def test_load_image_reads_a_16_bit_png_by_its_range(tmp_path):
    from PIL import Image

    deep = np.array([[0, 16384], [32768, 65535]], dtype=np.uint16)
    Image.fromarray(deep).save(tmp_path / "scan.png")
    loaded = np.asarray(xt.data.load_image(tmp_path / "scan.png"))
    assert loaded.shape == (2, 2, 3) and loaded.dtype == np.uint8
    assert loaded[..., 0].tolist() == [[0, 64], [128, 255]]  # not clipped to white
