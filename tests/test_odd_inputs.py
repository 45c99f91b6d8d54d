"""Odd inputs every method meets alike: a batch with NaN, an empty batch, a half, bfloat16 or float64
model or input, inference mode, a model that writes into its input; each gives a right answer or
the same clear error in every method, and the caller's batch comes back untouched."""

import inspect

import numpy as np
import pytest
import torch
from helpers.contract import quick
from helpers.models import RandomTwoConvCNN
from torch import nn

import xaitutor as xt

LAYER = "features.2"


def batch_method(method):
    """A declared method that takes a preprocessed batch, quick, on ``LAYER`` where it needs one."""
    layer = {"layer": LAYER} if "layer" in inspect.signature(method.function).parameters else {}
    return lambda m, x, **k: method.function(m, x, **{**quick(method), **layer, **k})


# every declared method that takes a preprocessed batch (an attack takes pictures: tests/test_attacks.py; a
# concept method a layer and sets of pictures: tests/test_concepts*.py)
BATCH_METHODS = {
    m.function.__name__: batch_method(m)
    for m in xt.methods.declared()
    if not m.starts_from_picture and m.kind not in ("visualization", "attack", "concept")
}
X = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(3))  # occlusion's window fits


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
        made_inside = X.clone()  # an inference tensor, used after the block too
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
    BATCH_METHODS[method](wrapped, x) if method != "scorecam" else xt.scorecam(
        wrapped, x, layer="inner." + LAYER, progress=False
    )
    assert torch.equal(x, kept)


class ReLUFirst(RandomTwoConvCNN):
    """RandomTwoConvCNN after a ReLU of the batch, done in place (``x.relu_()``) or not."""

    def __init__(self, inplace: bool):
        torch.manual_seed(0)
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return super().forward(x.relu_() if self.inplace else x.relu())


@pytest.mark.parametrize("method", BATCH_METHODS)
def test_a_model_writing_into_its_input_is_explained_as_its_twin_that_does_not(method):
    x = X - 0.5
    kept = x.clone()
    expected = BATCH_METHODS[method](ReLUFirst(inplace=False).eval(), x)
    torch.testing.assert_close(BATCH_METHODS[method](ReLUFirst(inplace=True).eval(), x), expected)
    assert torch.equal(x, kept)


def test_a_channels_last_batch_is_refused_with_the_permutation():
    with pytest.raises(ValueError, match=r"channels last.*permute\(0, 3, 1, 2\)"):
        xt.saliency(model(), X.permute(0, 2, 3, 1))


PICTURE = torch.rand(3, 12, 12, generator=torch.Generator().manual_seed(4))
NET = model()  # built once: building one draws from the global random state
CLF = xt.models.wrap(NET, input_size=None)
# every function that takes a seed, called quickly, returning something that depends on the seed
SEEDED = {
    "lime": lambda seed: xt.lime(CLF, PICTURE, num_samples=8, seed=seed, segmenter="slic", progress=False).samples,
    "kernel_shap": lambda seed: (
        xt.kernel_shap(CLF, PICTURE, num_samples=40, seed=seed, segmenter="slic", progress=False).samples
    ),
    "rise": lambda seed: xt.rise(CLF, PICTURE, num_masks=4, seed=seed, progress=False).saliency,
    "smoothgrad": lambda seed: xt.smoothgrad(NET, X, samples=2, seed=seed, progress=False),
    "integrated_gradients": lambda seed: xt.integrated_gradients(
        NET, X, baseline="noise", steps=2, seed=seed, progress=False
    ),
    "visualize": lambda seed: (
        xt.visualize(
            CLF, xt.objectives.class_logit(1), size=12, steps=1, transforms=[], seed=seed, progress=False
        ).tensor
    ),
    "add_noise": lambda seed: xt.methods.degradation.add_noise(PICTURE, 0.1, seed=seed),
    "random_maps": lambda seed: xt.evaluation.random_maps(2, 4, seed=seed),
    "shapes": lambda seed: torch.from_numpy(xt.data.shapes(2, size=16, seed=seed).images),
}


@pytest.mark.parametrize("method", SEEDED)
def test_seed_none_means_fresh_randomness_in_every_method_and_leaves_the_global_state(method):
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    first, second = SEEDED[method](None), SEEDED[method](None)
    assert not torch.equal(torch.as_tensor(first), torch.as_tensor(second))
    assert torch.equal(torch.get_rng_state(), torch_state) and np.array_equal(np.random.get_state()[1], numpy_state)


@pytest.mark.parametrize("method", SEEDED)
def test_a_seed_is_an_int_from_0_to_2_32_in_every_method(method):
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    assert torch.equal(torch.as_tensor(SEEDED[method](np.int64(7))), torch.as_tensor(SEEDED[method](7)))
    assert torch.equal(torch.get_rng_state(), torch_state) and np.array_equal(np.random.get_state()[1], numpy_state)
    assert torch.as_tensor(SEEDED[method](2**32 - 1)).numel()
    for bad, error in [(1.5, TypeError), (True, TypeError), ("0", TypeError), (-1, ValueError), (2**32, ValueError)]:
        with pytest.raises(error, match=r"seed must be an int from 0 to 2\*\*32 - 1, or None"):
            SEEDED[method](bad)


@pytest.mark.parametrize("method", BATCH_METHODS)
@pytest.mark.parametrize("target", [1.0, "class 1", True, torch.tensor(1.5)])
def test_a_target_that_is_no_class_index_gets_the_same_error_in_every_method(method, target):
    with pytest.raises(TypeError, match="a target must be a class index"):
        BATCH_METHODS[method](model(), X, target=target)


# each method over many passes, and the call of the model that is its loop's first pass
LOOPS = {
    "scorecam": (lambda m: xt.scorecam(m, X, layer="inner." + LAYER, batch_size=4, progress=False), 2),
    "integrated_gradients": (lambda m: xt.integrated_gradients(m, X, steps=6, batch_size=4, progress=False), 2),
    "smoothgrad": (lambda m: xt.smoothgrad(m, X, samples=6, batch_size=4, progress=False), 2),
    "occlusion": (lambda m: xt.occlusion(m, X, window=4, stride=4, batch_size=4, progress=False), 2),
    "deletion": (
        lambda m: xt.evaluation.deletion(
            xt.models.wrap(m, input_size=None), X, torch.rand(2, 1, 16, 16), steps=4, batch_size=3, progress=False
        ),
        2,
    ),
    "lime": (
        lambda m: xt.lime(
            xt.models.wrap(m, input_size=None), PICTURE, num_samples=12, batch_size=4, segmenter="slic", progress=False
        ),
        1,
    ),
    "kernel_shap": (
        lambda m: xt.kernel_shap(
            xt.models.wrap(m, input_size=None), PICTURE, num_samples=40, batch_size=4, segmenter="slic", progress=False
        ),
        1,
    ),
    "rise": (
        lambda m: xt.rise(xt.models.wrap(m, input_size=None), PICTURE, num_masks=12, batch_size=4, progress=False),
        2,
    ),
    "visualize": (
        lambda m: xt.visualize(
            xt.models.wrap(m, input_size=None),
            xt.objectives.class_logit(1),
            size=12,
            steps=3,
            transforms=[],
            progress=False,
        ),
        2,
    ),  # after the fit check
}


@pytest.mark.parametrize("method", LOOPS)
def test_ctrl_c_before_any_pass_of_the_loop_is_done_goes_on_in_every_method(method):
    from helpers.models import InterruptedAfter

    call, first = LOOPS[method]
    with pytest.raises(KeyboardInterrupt):
        call(InterruptedAfter(model(), calls=first))
    with pytest.warns(UserWarning, match="interrupted after [1-9]"):  # a later pass: what was done
        call(InterruptedAfter(model(), calls=first + 1))


@pytest.mark.parametrize("method", ["integrated_gradients", "occlusion"])
@pytest.mark.parametrize("baseline", [float("nan"), float("inf"), torch.full((3, 1, 1), float("nan"))])
def test_a_baseline_of_nan_or_inf_is_refused_not_a_nan_map(method, baseline):
    with pytest.raises(ValueError, match="the baseline holds NaN or infinite values"):
        BATCH_METHODS[method](model(), X, baseline=baseline)


@pytest.mark.parametrize("method", ["integrated_gradients", "occlusion"])
def test_a_numpy_baseline_is_a_tensor_baseline(method):
    grey = np.full((3, 16, 16), 0.25, dtype=np.float32)
    torch.testing.assert_close(
        BATCH_METHODS[method](model(), X, baseline=grey),
        BATCH_METHODS[method](model(), X, baseline=torch.from_numpy(grey)),
    )


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
@pytest.mark.parametrize("kind", ["deletion", "insertion"])
def test_deletion_and_insertion_of_a_half_bfloat16_or_float64_model(kind, dtype):
    maps = torch.rand(1, 1, 12, 12, generator=torch.Generator().manual_seed(5))

    def curve(net):
        clf = xt.models.wrap(net, input_size=None)
        return getattr(xt.evaluation, kind)(clf, PICTURE[None], maps, steps=3, progress=False).probabilities

    got, expected = curve(model().to(dtype)), curve(model())
    assert got.dtype == torch.float32
    torch.testing.assert_close(got, expected, atol=0.02, rtol=0)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda value: xt.lime(CLF, PICTURE, num_samples=4, kernel_width=value, segmenter="slic", progress=False),
            "kernel_width must be a positive number",
        ),
        (
            lambda value: xt.rise(CLF, PICTURE, num_masks=4, p=value, progress=False),
            r"p, the probability of keeping a cell, must be a number in \(0, 1\]",
        ),
    ],
)
@pytest.mark.parametrize("value", ["0.25", None, True, float("nan"), -1.0])
def test_a_width_or_probability_that_is_no_number_gets_the_packages_error(call, message, value):
    with pytest.raises(ValueError, match=message):
        call(value)
