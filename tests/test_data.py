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
