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


def _brightness_judge():
    """A hand-built classifier of flat pictures: class 1 ("bright") once the mean pixel passes
    0.5, class 0 ("dark") below. Its one convolution averages the colours and subtracts 0.5."""
    conv = torch.nn.Conv2d(3, 1, 1)
    linear = torch.nn.Linear(1, 2)
    with torch.no_grad():
        conv.weight.fill_(1 / 3), conv.bias.fill_(-0.5)
        linear.weight.copy_(torch.tensor([[-1.0], [1.0]])), linear.bias.zero_()
    model = torch.nn.Sequential(conv, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), linear)
    return xt.models.wrap(model, mean=(0, 0, 0), std=(1, 1, 1), labels=["dark", "bright"], input_size=None)


def test_first_flip_is_the_first_strength_whose_top_class_is_not_the_clean_one():
    judge, grey = _brightness_judge(), torch.full((3, 4, 4), 0.2)
    # brightness s makes the mean 0.2 + 0.8 s: past 0.5 from s = 0.375 on
    series = xt.methods.degradation_series(judge, grey, "brightness", strengths=[0.0, 0.25, 0.5, 0.75])
    assert series.original == 0 and [label for _, label, _ in series.predictions] == [
        "dark",
        "dark",
        "bright",
        "bright",
    ]
    assert series.first_flip() == 2 and series.strengths[series.first_flip()] == 0.5
    # darker never flips; and a series that flips and flips back reports its first flip
    assert xt.methods.degradation_series(judge, grey, "brightness", strengths=[0.0, -0.5]).first_flip() is None
    series = xt.methods.degradation_series(judge, grey, "brightness", strengths=[0.0, 0.25, 0.5, -0.5])
    assert [p[0] for p in series.predictions] == [0, 0, 1, 0] and series.first_flip() == 2


def test_plot_writes_a_changed_label_in_red():
    import matplotlib

    matplotlib.use("Agg")
    judge, grey = _brightness_judge(), torch.full((3, 4, 4), 0.2)
    series = xt.methods.degradation_series(judge, grey, "brightness", strengths=[0.0, 0.25, 0.5])
    fig = series.plot(judge.labels, per_row=2)
    axes = fig.axes[:-1]  # plt.subplots(6, 2) lists the axes row by row; the colour bar comes last
    assert len(axes) == 12 and not axes[7].get_title() and not axes[7].axison  # the fourth place stays empty
    top_row = [axes[0], axes[1], axes[6]]  # each strength's picture, the third one in the second block
    assert [ax.get_title().split(": ")[1].split(" ")[0] for ax in top_row] == ["dark", "dark", "bright"]
    assert [matplotlib.colors.to_hex(ax.title.get_color()) for ax in top_row] == ["#000000", "#000000", "#ff0000"]


@pytest.mark.parametrize(
    "strengths, error, match",
    [
        ((), ValueError, "strengths must hold at least one strength"),
        ((0.1, "0.2"), TypeError, r"strength must be a number in \[0, 1\], got '0.2'"),
        ((0.1, None), TypeError, r"strength must be a number in \[0, 1\], got None"),
    ],
)
def test_a_series_without_strengths_or_with_one_that_is_no_number_is_refused(strengths, error, match):
    clf = xt.models.load("shapes_cnn")
    with pytest.raises(error, match=match):
        xt.methods.degradation_series(clf, torch.rand(3, 64, 64), "noise", strengths=strengths)
