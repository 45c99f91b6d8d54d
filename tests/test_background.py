"""Chapter 1 helpers: exact values on hand-sized examples, the naive convolutions, padding and
pooling against PyTorch and NumPy, parameter counts against PyTorch layers, and the measured
receptive field against the formula."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import xaitutor as xt
from xaitutor import background as bg

# --- gradient descent (eq. 1.2) ---------------------------------------------------------------


def test_gradient_descent_follows_eq_1_2_on_the_parabola():
    path = bg.gradient_descent(bg.parabola, [1.5], lr=0.2, steps=5)
    # x_{t+1} = x_t - 0.2 * 2 x_t = 0.6 x_t
    assert torch.allclose(path[:, 0], 1.5 * 0.6 ** torch.arange(6, dtype=torch.float64))


def test_gradient_descent_converges_oscillates_and_diverges():
    assert "converges" in bg.describe_descent(bg.gradient_descent(bg.parabola, [1.5], 0.3, 20))
    assert "oscillating" in bg.describe_descent(bg.gradient_descent(bg.parabola, [1.5], 0.7, 20))
    assert "never converges" in bg.describe_descent(bg.gradient_descent(bg.parabola, [1.5], 1.0, 20))
    assert "diverges" in bg.describe_descent(bg.gradient_descent(bg.valley, [1.8, 1.0], 0.11, 20))


def test_gradient_descent_stops_when_it_blows_up_and_rejects_a_bad_rate():
    path = bg.gradient_descent(bg.parabola, [1.0], lr=10, steps=100)
    assert len(path) < 101 and path[-1].abs().item() > 1e6
    with pytest.raises(ValueError, match="learning rate"):
        bg.gradient_descent(bg.parabola, [1.0], lr=0)


# --- the perceptron (eq. 1.3 to 1.6) ----------------------------------------------------------


def test_step_is_one_at_zero():
    assert bg.step(torch.tensor([-0.1, 0.0, 0.1])).tolist() == [0, 1, 1]


def test_perceptron_update_by_hand():
    # f(1, 1) = sigma(0.5 - 1 + 1) = 1, y = 0: error -1, times eta 0.5, times (1, x1, x2)
    assert bg.perceptron_update([0.5, -1, 1], [1, 1], 0, lr=0.5).tolist() == [0.0, -1.5, 0.5]
    # a right answer leaves the weights alone
    assert bg.perceptron_update([0.5, -1, 1], [1, 1], 1, lr=0.5).tolist() == [0.5, -1.0, 1.0]


def test_perceptron_checks_the_input_length():
    with pytest.raises(ValueError, match="3 weights"):
        bg.perceptron([0, 1, 1], [1, 2, 3])


@pytest.mark.parametrize("labels", [bg.AND, bg.OR])
def test_perceptron_rule_learns_and_and_or(labels):
    run = bg.train_perceptron(bg.BINARY_INPUTS, labels)
    assert run.converged and run.mistakes[-1] == 0
    assert torch.equal(bg.perceptron(run.weights, bg.BINARY_INPUTS), labels)


def test_perceptron_rule_cycles_for_ever_on_xor():
    run = bg.train_perceptron(bg.BINARY_INPUTS, bg.XOR, epochs=100)
    assert not run.converged and run.cycle is not None
    assert min(run.mistakes) > 0
    # the weights after the last epoch were seen before: the rule is in a loop
    assert any(torch.equal(run.history[-1], w) for w in run.history[:-1])


def test_train_perceptron_rejects_labels_other_than_0_and_1():
    with pytest.raises(ValueError, match="0 or 1"):
        bg.train_perceptron(bg.BINARY_INPUTS, [0, 1, 2, 1])


def test_xor_table_is_table_1_1():
    assert bg.xor_table() == [(0, 0, 1, 0, 0), (0, 1, 1, 1, 1), (1, 0, 1, 1, 1), (1, 1, 0, 1, 0)]
    assert torch.equal(bg.xor_mlp(bg.BINARY_INPUTS), bg.XOR)


def test_plot_perceptron_draws_on_a_given_axis():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert bg.plot_perceptron([-1.5, 1, 1], bg.BINARY_INPUTS, bg.AND, ax=ax) is fig
    assert bg.plot_descent(bg.valley, bg.gradient_descent(bg.valley, [1.8, 1.0], 0.05, 5)).axes
    plt.close("all")


# --- backpropagation (section 1.3.3) ----------------------------------------------------------


@pytest.mark.parametrize("x, y", [([1.0, 0.0], 1.0), ([0.3, -2.0], 0.0)])
def test_backward_pass_matches_autograd(x, y):
    params = {k: v.requires_grad_(True) for k, v in bg.tiny_network(seed=3).items()}
    memory = bg.forward_pass(params, x, y)
    by_autograd = torch.autograd.grad(memory["loss"], list(params.values()))
    by_hand = bg.backward_pass({k: v.detach() for k, v in params.items()}, {k: v.detach() for k, v in memory.items()})
    for name, grad in zip(params, by_autograd):
        assert torch.allclose(by_hand[name], grad, atol=1e-12), name


def test_train_mlp_solves_xor_and_is_seeded():
    model, losses = bg.train_mlp(bg.BINARY_INPUTS, bg.XOR, steps=1500, seed=0)
    assert losses[-1] < 0.01 < losses[0]
    assert torch.equal((model(bg.BINARY_INPUTS)[:, 0] > 0).double(), bg.XOR)
    _, again = bg.train_mlp(bg.BINARY_INPUTS, bg.XOR, steps=10, seed=0)
    assert again == losses[:10]


# --- convolution, padding, stride, pooling (section 1.4.1, 1.4.3) ----------------------------


def test_output_size_examples_and_errors():
    assert bg.output_size(128, 3) == 126 and bg.output_size(126, 3) == 124
    assert bg.output_size(128, 3, padding=1) == 128
    assert bg.output_size(224, 7, padding=3, stride=2) == 112
    with pytest.raises(ValueError, match="does not fit"):
        bg.output_size(2, 5)
    with pytest.raises(ValueError, match="stride"):
        bg.output_size(10, 3, stride=0)


@pytest.mark.parametrize("length, k, stride", [(10, 3, 1), (11, 4, 2), (7, 7, 1), (9, 1, 3)])
def test_cross_correlate_1d_matches_torch_conv1d(length, k, stride):
    x, g = torch.randn(2, 3, length), torch.randn(k)
    ours = bg.cross_correlate(x, g, stride=stride)
    theirs = F.conv1d(x.reshape(6, 1, length), g[None, None], stride=stride).reshape(2, 3, -1)
    assert ours.shape == theirs.shape == (2, 3, bg.output_size(length, k, stride=stride))
    assert torch.allclose(ours, theirs, atol=1e-6)


@pytest.mark.parametrize("size, k, stride", [((9, 11), (3, 3), 1), ((8, 8), (5, 3), 2), ((6, 7), (2, 2), 3)])
def test_cross_correlate_2d_matches_torch_conv2d(size, k, stride):
    x, g = torch.randn(2, 3, *size), torch.randn(*k)
    ours = bg.cross_correlate(x, g, stride=stride)
    theirs = F.conv2d(x.reshape(6, 1, *size), g[None, None], stride=stride).reshape(2, 3, *ours.shape[-2:])
    assert torch.allclose(ours, theirs, atol=1e-5)


def test_convolve_is_the_textbook_convolution_in_1d():
    f, g = torch.randn(12, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    assert np.allclose(bg.convolve(f, g).numpy(), np.convolve(f.numpy(), g.numpy(), "valid"))
    # padding by len(g) - 1 zeros on each side gives the full sum over all i
    full = bg.convolve(bg.pad(f, 3, "zeros"), g)
    assert np.allclose(full.numpy(), np.convolve(f.numpy(), g.numpy(), "full"))


def test_convolve_2d_flips_the_kernel_and_matches_torch_with_the_flipped_kernel():
    from scipy.signal import convolve2d

    x, g = torch.randn(1, 1, 10, 9, dtype=torch.float64), torch.randn(3, 3, dtype=torch.float64)
    ours = bg.convolve(x, g, padding="zeros")
    assert torch.allclose(ours, F.conv2d(x, g.flip(0, 1)[None, None], padding=1))
    assert np.allclose(ours[0, 0].numpy(), convolve2d(x[0, 0].numpy(), g.numpy(), mode="same"))


def test_convolution_equals_cross_correlation_only_for_symmetric_kernels():
    x = torch.randn(12, 12, dtype=torch.float64)
    mean = torch.tensor(bg.KERNELS["mean 3x3"], dtype=torch.float64)
    sobel = torch.tensor(bg.KERNELS["Sobel x"], dtype=torch.float64)
    assert torch.allclose(bg.convolve(x, mean), bg.cross_correlate(x, mean))
    assert torch.allclose(bg.convolve(x, sobel), -bg.cross_correlate(x, sobel))  # flipping negates Sobel


@pytest.mark.parametrize(
    "mode, torch_mode, numpy_mode",
    [("zeros", "constant", "constant"), ("nearest", "replicate", "edge"), ("wrap", "circular", "wrap")],
)
def test_pad_matches_torch_and_numpy(mode, torch_mode, numpy_mode):
    x = torch.randn(2, 3, 6, 5)
    ours = bg.pad(x, (2, 1), mode)
    assert torch.equal(ours, F.pad(x, (1, 1, 2, 2), mode=torch_mode))
    assert np.array_equal(bg.pad(x[0, 0, 0], 3, mode).numpy(), np.pad(x[0, 0, 0].numpy(), 3, mode=numpy_mode))


def test_pad_none_and_unknown_modes():
    x = torch.randn(4, 4)
    assert bg.pad(x, (1, 1), None) is x
    with pytest.raises(ValueError, match="unknown padding 'reflect'"):
        bg.pad(x, 1, "reflect")


@pytest.mark.parametrize("padding", ["zeros", "nearest", "wrap"])
def test_padding_keeps_the_size_and_stride_shrinks_it(padding):
    x, g = torch.randn(3, 20, 17), torch.randn(3, 3)
    assert bg.cross_correlate(x, g, padding).shape == (3, 20, 17)
    assert bg.cross_correlate(x, g, padding, stride=2).shape == (3, 10, 9)
    assert bg.cross_correlate(x, g, None).shape == (3, 18, 15)


def test_pool_matches_torch():
    x = torch.randn(2, 3, 9, 8)
    assert torch.equal(bg.pool(x, 2, mode="max"), F.max_pool2d(x, 2))
    assert torch.allclose(bg.pool(x, 3, stride=1, mode="avg"), F.avg_pool2d(x, 3, stride=1), atol=1e-6)
    with pytest.raises(ValueError, match="'max' or 'avg'"):
        bg.pool(x, mode="median")


def test_filter_image_mean_filter_on_the_photo():
    photo = xt.data.sample_image("camera")
    blurred = bg.filter_image(photo, bg.KERNELS["mean 3x3"], padding=None)
    assert blurred.shape == (3, 510, 510)
    picture = xt.imaging.to_tensor(photo)
    assert torch.allclose(blurred[:, 0, 0], picture[:, :3, :3].mean((1, 2)), atol=1e-6)
    with pytest.raises(ValueError, match="2-D"):
        bg.filter_image(photo, [1, 2, 1])


def test_displayable_keeps_brightness_or_centres_edges_on_gray():
    filtered = torch.tensor([[-2.0, 0.0, 1.0]])
    assert torch.equal(bg.displayable(filtered, bg.KERNELS["mean 3x3"]), torch.tensor([[0.0, 0.0, 1.0]]))
    assert torch.equal(bg.displayable(filtered, bg.KERNELS["Sobel x"]), torch.tensor([[0.0, 0.5, 1.0]]))
    edges = torch.cat([torch.full((99,), 0.5), torch.tensor([100.0])])  # one outlier does not gray out the rest
    assert torch.allclose(bg.displayable(edges, bg.KERNELS["Sobel x"])[:99], torch.tensor(1.0))


# --- parameter counts (section 1.4.2) ---------------------------------------------------------


def test_dense_parameters_match_the_essay_and_nn_linear():
    assert bg.dense_parameters(3 * 512 * 512, 128) == 100_663_296
    layer = nn.Linear(3 * 512 * 512, 128, device="meta")  # meta: counted, never allocated
    assert bg.dense_parameters(3 * 512 * 512, 128, bias=True) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("c_in, c_out, expected", [(3, 16, 432), (16, 32, 4608), (32, 64, 18432)])
def test_conv_parameters_match_the_essay_and_nn_conv2d(c_in, c_out, expected):
    assert bg.conv_parameters(c_in, c_out, 3) == expected
    layer = nn.Conv2d(c_in, c_out, 3)
    assert bg.conv_parameters(c_in, c_out, 3) == layer.weight.numel()
    assert bg.conv_parameters(c_in, c_out, 3, bias=True) == sum(p.numel() for p in layer.parameters())


# --- the receptive field (section 1.4.4) ------------------------------------------------------


@pytest.mark.parametrize("n, k", [(1, 3), (2, 3), (3, 3), (2, 5), (4, 1)])
def test_measured_receptive_field_matches_the_formula(n, k):
    side = bg.receptive_field_size(n, k)
    field = bg.receptive_field(bg.stacked_convs(n, k), input_size=side + 6)
    assert field.size == (side, side)
    assert (field.gradient > 0).sum() == side * side  # a linear stack sees every pixel of its field


def test_receptive_field_of_two_3x3_is_5x5_with_18_weights_not_25():
    model = bg.stacked_convs(2, 3)
    assert bg.receptive_field(model).size == (5, 5)
    assert sum(p.numel() for p in model.parameters()) == 18 < 25


def test_receptive_field_leaves_the_model_as_it_came_and_checks_its_output():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Conv2d(2, 1, 3)).train()
    before = [p.clone() for p in model.parameters()]
    bg.receptive_field(model, input_size=9)
    assert model.training and all(p.grad is None for p in model.parameters())
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    with pytest.raises(ValueError, match="1 x C x H x W"):
        bg.receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3), nn.Flatten()), input_size=9)
    with pytest.raises(ValueError, match="at least one layer"):
        bg.stacked_convs(0)


# The exercises of the chapter are tested in test_exercise_checks.py.


def test_composed_kernel_is_the_stack_in_one_window():
    model = bg.stacked_convs(3, 3, seed=1)
    kernel = bg.composed_kernel([conv.weight[0, 0].detach() for conv in model])
    assert kernel.shape == (7, 7)
    x = torch.randn(1, 1, 16, 16)
    assert torch.allclose(model(x), F.conv2d(x, kernel[None, None]), atol=1e-5)


def test_plot_decision_and_receptive_field_figures():
    import matplotlib.pyplot as plt

    fig = bg.plot_decision(bg.xor_mlp, bg.BINARY_INPUTS, bg.XOR, lines=[bg.F1, bg.F2])
    assert len(fig.axes[0].collections) >= 3  # the shading, two lines, the samples
    fig = bg.plot_receptive_field(bg.receptive_field(bg.stacked_convs(2, 3)))
    assert "5 x 5" in fig.axes[0].get_title()
    plt.close("all")


def test_integer_signals_are_filtered_in_floating_point():
    image = torch.arange(16).reshape(4, 4)  # int64 pixels, a float kernel: no silent rounding to 0
    out = bg.convolve(image, [[1 / 9] * 3] * 3)
    assert out.dtype == torch.float32 and torch.allclose(
        out, bg.cross_correlate(image.float(), torch.full((3, 3), 1 / 9))
    )
    assert bg.convolve([1, 2, 3, 4], [1, 0, -1]).tolist() == [2.0, 2.0]
