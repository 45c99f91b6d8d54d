"""Pictures in every accepted form become the same tensor; everything else gets a clear error."""

import numpy as np
import pytest
import torch
from PIL import Image

import xaitutor as xt
from xaitutor.imaging import to_tensor

RGB = (np.arange(4 * 5 * 3).reshape(4, 5, 3) * 4).astype(np.uint8)


def test_every_accepted_form_gives_the_same_tensor():
    expected = torch.from_numpy(RGB).permute(2, 0, 1).float() / 255
    forms = [RGB, RGB / 255.0, Image.fromarray(RGB), expected, expected[None], torch.from_numpy(RGB).permute(2, 0, 1)]
    for form in forms:
        got = to_tensor(form)
        assert torch.allclose(got.reshape(expected.shape), expected, atol=1e-6), type(form)


def test_grayscale_becomes_three_channels():
    gray = RGB[..., 0]
    for form in [gray, gray[..., None], Image.fromarray(gray), torch.from_numpy(gray)[None].float() / 255]:
        x = to_tensor(form)
        assert x.shape == (3, 4, 5)
        assert torch.equal(x[0], x[1]) and torch.equal(x[1], x[2])


def test_rgba_drops_alpha():
    rgba = np.concatenate([RGB, np.full((4, 5, 1), 7, np.uint8)], axis=-1)
    for form in [rgba, Image.fromarray(rgba, "RGBA")]:
        assert torch.allclose(to_tensor(form), to_tensor(RGB))


@pytest.mark.parametrize(
    "bad, words",
    [
        (np.zeros((2, 4, 5, 3), np.uint8), "H x W or H x W x C"),
        (np.zeros((4, 5, 2), np.uint8), "1 (gray), 3 (RGB) or 4 (RGBA) channels"),
        (torch.zeros(2, 4, 5), "1 (gray), 3 (RGB) or 4 (RGBA) channels"),
        (torch.zeros(1, 2, 3, 4, 5), "3 x H x W or N x 3 x H x W"),
        (np.full((4, 5, 3), np.nan), "NaN"),
        (np.full((4, 5, 3), 2.0), "values in [0, 1]"),
        (torch.full((3, 4, 5), -0.5), "values in [0, 1]"),
        (np.zeros((4, 5, 3), np.int64), "uint8 (0 to 255) or float (0 to 1)"),
    ],
)
def test_bad_pictures_say_what_is_wrong(bad, words):
    with pytest.raises(ValueError, match=None) as error:
        to_tensor(bad)
    assert words in str(error.value)


def test_unknown_type_is_refused():
    with pytest.raises(TypeError, match="cannot read an image from str"):
        to_tensor("cat.jpg")


def test_preprocess_keeps_the_whole_picture_and_normalises(lite0):
    cat = xt.data.sample_image("chelsea")  # 451 x 300
    x = lite0.preprocess(cat)
    assert x.shape == (1, 3, 224, 337)
    pixels = xt.imaging.denormalize(x[0], lite0.mean, lite0.std)
    assert torch.allclose(pixels, xt.imaging.resize(to_tensor(cat), 224), atol=1e-5)
    assert lite0.preprocess(cat, crop=True).shape == (1, 3, 224, 224)
    assert lite0.preprocess(cat, size=(100, 120)).shape == (1, 3, 100, 120)


def test_a_list_becomes_one_batch_of_squares(lite0):
    photos = [xt.data.sample_image(n) for n in ("chelsea", "coffee", "camera")]
    assert lite0.preprocess(photos).shape == (3, 3, 224, 224)
    assert lite0.preprocess(photos, size=96).shape == (3, 3, 96, 96)


def test_images_keep_their_size_without_input_size():
    clf = xt.models.wrap(torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3), torch.nn.Flatten()), labels=["a"])
    assert clf.preprocess(RGB).shape == (1, 3, 4, 5)
    with pytest.raises(ValueError, match="different sizes"):
        clf.preprocess([RGB, RGB[:3]])


# A 16-bit grey ramp: what a scientific camera or a medical scan saves as a PNG or TIFF.
DEEP = (np.arange(4 * 5).reshape(4, 5) * 3000).astype(np.uint16)


def test_16_bit_pictures_are_read_by_their_range_not_clipped_white():
    expected = torch.from_numpy(DEEP / 65535).float().expand(3, -1, -1)
    for form in [Image.fromarray(DEEP), Image.fromarray(DEEP.astype(np.int32)), DEEP]:
        assert Image.fromarray(DEEP).mode == "I;16" and Image.fromarray(DEEP.astype(np.int32)).mode == "I"
        assert torch.allclose(to_tensor(form), expected, atol=1e-6), form
    # segment() reads a picture at its own precision: 16 bits become floats in [0, 1], not 8 bits
    assert to_tensor(Image.fromarray(DEEP), dtype=None).dtype == torch.float64


def test_32_bit_float_pictures_keep_values_in_0_1_and_others_are_refused():
    values = DEEP / 65535
    assert torch.allclose(to_tensor(Image.fromarray(values.astype(np.float32)))[0], torch.from_numpy(values).float())
    with pytest.raises(ValueError, match=r"floats from 0 to 5.7e\+04.*scale it to \[0, 1\]"):
        to_tensor(Image.fromarray(DEEP.astype(np.float32)))
    with pytest.raises(ValueError, match=r"read as 16-bit.*integers from -5 to"):
        to_tensor(Image.fromarray(DEEP.astype(np.int32) - 5))


def test_a_picture_tensor_is_copied_so_the_caller_keeps_theirs():
    picture = torch.rand(3, 4, 5)
    kept = picture.clone()
    read = to_tensor(picture)
    read.zero_()
    assert torch.equal(picture, kept)


def test_a_black_box_writing_into_its_pictures_cannot_reach_the_callers_picture():
    picture = torch.rand(3, 8, 8, generator=torch.Generator().manual_seed(1))
    kept = picture.clone()

    def rude(pictures):
        pictures.zero_()  # a function that writes into what it is given
        return torch.full((len(pictures), 2), 0.5)

    xt.rise(rude, picture, num_masks=4, progress=False)
    assert torch.equal(picture, kept)


@pytest.mark.parametrize("empty", [np.zeros((0, 5, 3), np.uint8), torch.zeros(3, 4, 0)])
def test_a_picture_without_pixels_is_refused(empty):
    with pytest.raises(ValueError, match="no pixels"):
        to_tensor(empty)


@pytest.mark.parametrize("size", [0, -5, True, 2.5, (0, 5), (3,), (2, 3, 4), "big"])
def test_a_size_that_is_no_picture_size_is_refused_not_made_1_by_1(size):
    clf = xt.models.wrap(torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3), torch.nn.Flatten()), labels=["a"])
    with pytest.raises(ValueError, match=r"size must be a positive int \(the short side\) or a \(height, width\)"):
        clf.preprocess(RGB, size=size)


def test_an_8_bit_pil_picture_keeps_its_colours_last_in_memory():
    # the methods' forwards run in the picture's layout, and a layout changes sums in the last bit:
    # reading 16-bit pictures must not move the 8-bit ones' results
    picture = to_tensor(Image.fromarray(RGB))
    assert picture.permute(1, 2, 0).is_contiguous() and torch.equal(picture, to_tensor(RGB))
