"""Odd inputs every method meets alike: a batch with NaN, an empty batch, a half, bfloat16 or float64
model or input, inference mode, a model that writes into its input; each gives a right answer or
the same clear error in every method, and the caller's batch comes back untouched."""
import pytest
import torch
from torch import nn

import xaitutor as xt
from helpers.models import RandomTwoConvCNN

LAYER = "features.2"
# every method that takes a preprocessed batch, with settings that keep it quick
BATCH_METHODS = {
    "gradcam": lambda m, x: xt.gradcam(m, x, layer=LAYER),
    "gradcam_plusplus": lambda m, x: xt.gradcam_plusplus(m, x, layer=LAYER),
    "layercam": lambda m, x: xt.layercam(m, x, layer=LAYER),
    "scorecam": lambda m, x: xt.scorecam(m, x, layer=LAYER, progress=False),
    "guided_gradcam": lambda m, x: xt.guided_gradcam(m, x, layer=LAYER),
    "saliency": lambda m, x: xt.saliency(m, x),
    "guided_backprop": lambda m, x: xt.guided_backprop(m, x),
    "input_x_gradient": lambda m, x: xt.input_x_gradient(m, x),
    "integrated_gradients": lambda m, x: xt.integrated_gradients(m, x, steps=4, progress=False),
    "smoothgrad": lambda m, x: xt.smoothgrad(m, x, samples=3, progress=False),
    "occlusion": lambda m, x: xt.occlusion(m, x, window=4, stride=4, progress=False),
}
X = torch.rand(2, 3, 12, 12, generator=torch.Generator().manual_seed(3))


def model() -> nn.Module:
    torch.manual_seed(0)
    return RandomTwoConvCNN().eval()


@pytest.mark.parametrize("method", BATCH_METHODS)
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_batch_with_nan_or_inf_is_refused_not_explained_as_zeros(method, bad):
    x = X.clone()
    x[1, 0, 3, 4] = bad
    with pytest.raises(ValueError, match=r"x holds NaN or infinite values \(1 of them\)"):
        BATCH_METHODS[method](model(), x)


@pytest.mark.parametrize("method", BATCH_METHODS)
def test_an_empty_batch_is_refused(method):
    with pytest.raises(ValueError, match="x is an empty batch"):
        BATCH_METHODS[method](model(), X[:0])


@pytest.mark.parametrize("method", BATCH_METHODS)
def test_inference_mode_gives_the_same_maps(method):
    net = model()
    expected = BATCH_METHODS[method](net, X)
    with torch.inference_mode():
        inside = BATCH_METHODS[method](net, X)
        made_inside = X.clone()             # an inference tensor, used after the block too
    torch.testing.assert_close(inside, expected)
    torch.testing.assert_close(BATCH_METHODS[method](net, made_inside), expected)
    assert not torch.is_inference_mode_enabled() and torch.is_grad_enabled()


@pytest.mark.parametrize("method", BATCH_METHODS)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_a_half_bfloat16_or_float64_model_is_fed_its_own_type_and_gives_float_maps(method, dtype):
    expected = BATCH_METHODS[method](model(), X)
    got = BATCH_METHODS[method](model().to(dtype), X)
    assert got.dtype == (torch.float64 if dtype == torch.float64 else torch.float32)
    # a float64 model computes what the float32 one does; half and bfloat16 round on the way
    tolerance = {torch.float16: 0.05, torch.bfloat16: 0.2, torch.float64: 1e-4}[dtype]
    scale = expected.abs().max().clamp_min(1e-12)
    assert ((got.float() - expected).abs().max() / scale) < tolerance


@pytest.mark.parametrize("method", BATCH_METHODS)
def test_a_float64_batch_is_explained_by_a_float32_model(method):
    torch.testing.assert_close(BATCH_METHODS[method](model(), X.double()), BATCH_METHODS[method](model(), X))


class WritesIntoItsInput(nn.Module):
    """A model whose first step is an in-place ReLU on the batch it is given."""

    def __init__(self):
        super().__init__()
        self.inner = model()

    def forward(self, x):
        return self.inner(x.relu_() if not x.requires_grad else x.relu())


@pytest.mark.parametrize("method", ["occlusion", "scorecam", "integrated_gradients", "smoothgrad", "saliency"])
def test_the_callers_batch_comes_back_untouched(method):
    x = X - 0.5
    kept = x.clone()
    wrapped = WritesIntoItsInput()
    BATCH_METHODS[method](wrapped, x) if method != "scorecam" else xt.scorecam(wrapped, x, layer="inner." + LAYER,
                                                                                 progress=False)
    assert torch.equal(x, kept)


def test_a_channels_last_batch_is_refused_with_the_permutation():
    with pytest.raises(ValueError, match=r"channels last.*permute\(0, 3, 1, 2\)"):
        xt.saliency(model(), X.permute(0, 2, 3, 1))
