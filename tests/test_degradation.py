"""The degradations of the essay's section 3.5 (the experiment itself is tested with Grad-CAM in
test_gradcam.py)."""
import pytest
import torch

import xaitutor as xt
from xaitutor.imaging import to_tensor
from xaitutor.methods import degradation


def test_degradations_have_the_documented_end_points():
    cat = xt.data.sample_image("chelsea")
    x = to_tensor(cat)
    assert torch.equal(degradation.add_noise(cat, 0.0), x)
    assert torch.equal(degradation.add_noise(cat, 0.3, seed=1), degradation.add_noise(cat, 0.3, seed=1))
    assert not torch.equal(degradation.add_noise(cat, 0.3, seed=1), degradation.add_noise(cat, 0.3, seed=2))
    assert abs((degradation.add_noise(torch.full((3, 64, 64), 0.5), 0.1) - 0.5).std() - 0.1) < 0.01
    assert torch.allclose(degradation.change_brightness(cat, 1.0), torch.ones_like(x))
    assert torch.allclose(degradation.change_brightness(cat, -1.0), torch.zeros_like(x))
    assert torch.allclose(degradation.change_brightness(cat, 0.5), (x + 1) / 2)
    flat = degradation.change_contrast(cat, 1.0)
    assert torch.allclose(flat, torch.full_like(x, x.mean().item()), atol=1e-6)
    assert torch.allclose(degradation.change_contrast(cat, 0.0), x)
    with pytest.raises(ValueError, match=r"strength must lie in \[0, 1\]"):
        degradation.change_contrast(cat, 1.5)
    assert set(degradation.DEGRADATIONS) == {"noise", "brightness", "contrast"}
