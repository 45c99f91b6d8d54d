"""The concepts of the shapes data (xaitutor/data/concepts.py): every picture's concept masks agree
with what the generator drew, the concept pictures hold their concept and nothing else, and the
data set's own pictures stay exactly what the models were trained on."""

import hashlib

import numpy as np
import pytest
import torch
from matplotlib.colors import rgb_to_hsv

import xaitutor as xt
from xaitutor.data.shapes import CLASSES, COLOURS, HUES, hue_index


@pytest.fixture(scope="module")
def data():
    return xt.data.shapes(300, seed=5, shortcut=0.3)


def digest(array) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:16]


def test_the_data_set_is_drawn_exactly_as_before_the_concepts(data):
    # the digests of shapes(300, seed=5, shortcut=0.3) made by the code the models were trained with
    before = {"images": "72a1b11e72358334", "labels": "b08bc4810d45e10c", "masks": "ea86b8275eeb1479"}
    assert {name: digest(getattr(data, name)) for name in before} == before
    assert digest(data.cues) == "32e46a57b0eec280"


def test_every_concept_has_a_mask_of_every_picture(data):
    masks = data.concept_masks
    assert list(masks) == xt.data.CONCEPTS and len(xt.data.CONCEPTS) == 22
    for name in xt.data.CONCEPTS:
        assert masks[name].shape == (300, 64, 64) and masks[name].dtype == bool, name
    with pytest.raises(KeyError, match="xt.data.CONCEPTS lists them"):
        masks["grass"]


def test_the_families_split_the_pixels_as_drawn(data):
    m = data.concept_masks
    np.testing.assert_array_equal(m["object"], data.masks)
    np.testing.assert_array_equal(m["background"], ~data.masks)
    for family in (CLASSES, COLOURS, HUES):  # each object or background pixel in exactly one
        count = sum(m[name].astype(int) for name in family)
        np.testing.assert_array_equal(count, m["object" if family is not HUES else "background"])
    for i in range(0, 300, 37):
        assert m[CLASSES[data.labels[i]]][i].any() and m[HUES[data.cues[i]]][i].any()
    for texture in ("stripes", "dots"):
        assert not (m[texture] & data.masks).any() and 0.03 < m[texture].mean() < 0.4


def test_the_colour_masks_hold_the_objects_named_hue(data):
    hsv = rgb_to_hsv(data.images / 255)
    for i in range(0, 300, 11):
        named = hue_index(np.median(hsv[i][data.masks[i], 0]))
        if abs(data.hues[i] * 6 % 1 - 0.5) > 0.1:  # not on the border of two names
            assert data.concept_masks[COLOURS[named]][i].any(), i


def test_stripes_and_dots_mark_pixels_they_changed(data):
    value = data.images.max(-1).astype(float)
    plain = ~data.masks & ~data.textures["stripes"] & ~data.textures["dots"]
    striped = [i for i in range(60) if data.textures["stripes"][i].sum() > 50]
    assert len(striped) > 20
    assert np.mean([value[i][data.textures["stripes"][i]].mean() > value[i][plain[i]].mean() for i in striped]) > 0.9


@pytest.mark.parametrize("concept", xt.data.CONCEPTS)
def test_concept_pictures_are_pictures_of_the_concept(concept):
    x = xt.data.concept_pictures(concept, 8, seed=1)
    assert x.shape == (8, 3, 64, 64) and x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    torch.testing.assert_close(x, xt.data.concept_pictures(concept, 8, seed=1), rtol=0, atol=0)
    hsv = rgb_to_hsv(x.permute(0, 2, 3, 1).numpy())
    grey = hsv[..., 1] < 0.05
    if concept in HUES:
        assert not grey.any() and (hue_index(np.median(hsv[..., 0], axis=(1, 2))) == HUES.index(concept)).all()
    elif concept in ("stripes", "dots"):
        assert grey.all() and (hsv[..., 2].std(axis=(1, 2)) > 0.02).all()
    elif concept != "background":  # an object on plain grey, in a colour
        assert grey[:, 0, 0].all() and (0.01 < (~grey).mean(axis=(1, 2))).all()
        if concept in COLOURS:
            hues = np.array([np.median(h[~g]) for h, g in zip(hsv[..., 0], grey)])
            assert (hue_index(hues) == COLOURS.index(concept)).all()


def test_a_wrong_concept_is_named():
    with pytest.raises(ValueError, match="unknown concept 'grass'.*circle"):
        xt.data.concept_pictures("grass", 4)
