"""What a classifier's outputs mean (xaitutor.scores): logits or probabilities, one output for a
binary classifier, checked to be N x C; every method reads them alike, so a one-logit model or one
that already outputs probabilities is explained as what it is, never softmaxed into nonsense."""

import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.scores import class_probabilities, class_scores, run_model

PICTURE = torch.rand(3, 8, 8, generator=torch.Generator().manual_seed(2))
WEIGHTS, BIAS = torch.tensor([[2.0, -1.0, 0.5]]), -0.2
PLAIN = dict(mean=(0, 0, 0), std=(1, 1, 1))  # the model sees the picture itself


def one_logit(outputs: int = 1, end: nn.Module | None = None) -> nn.Module:
    """``z = 2 mean(red) - mean(green) + 0.5 mean(blue) - 0.2``: a binary classifier's one logit
    (repeated ``outputs`` times, each shifted, for a multi-class one), then ``end``."""
    linear = nn.Linear(3, outputs)
    with torch.no_grad():
        linear.weight.copy_(WEIGHTS.expand(outputs, -1) * torch.arange(1, outputs + 1)[:, None])
        linear.bias.fill_(BIAS)
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), linear, *([end] if end is not None else []))


def logit_of(picture: torch.Tensor) -> float:
    return float(WEIGHTS[0] @ picture.mean(dim=(1, 2)) + BIAS)


def test_one_output_becomes_two_classes():
    z = torch.tensor([[0.5], [-2.0]])
    assert torch.equal(class_scores(z, "logits"), torch.tensor([[-0.5, 0.5], [2.0, -2.0]]))
    p = torch.sigmoid(z)
    torch.testing.assert_close(class_probabilities(z, "logits"), torch.cat([1 - p, p], dim=1))
    torch.testing.assert_close(class_probabilities(p, "probabilities"), torch.cat([1 - p, p], dim=1))
    torch.testing.assert_close(class_scores(p, "probabilities"), torch.cat([1 - p, p], dim=1))
    logits = torch.tensor([[1.0, 2.0, 0.0]])
    assert torch.equal(class_scores(logits, "logits"), logits)
    torch.testing.assert_close(class_probabilities(logits, "logits"), logits.softmax(dim=1))


def test_logits_that_are_already_probabilities_are_not_softmaxed_again():
    rows = torch.tensor([[0.2, 0.7, 0.1]])
    with pytest.raises(ValueError, match=r"already look like probabilities.*outputs='probabilities'"):
        class_probabilities(rows, "logits")
    assert torch.equal(class_probabilities(rows, "probabilities"), rows)
    with pytest.raises(ValueError, match=r"not probabilities.*outputs='logits'"):
        class_probabilities(torch.tensor([[2.0, -1.0]]), "probabilities")


def test_predict_on_a_one_logit_model_gives_both_classes_sigmoid_probabilities():
    clf = xt.models.wrap(one_logit(), **PLAIN, labels=["no cat", "cat"])
    p = torch.sigmoid(torch.tensor(logit_of(PICTURE))).item()
    (first, p_first), (second, p_second) = clf.predict(PICTURE, k=5)
    assert {first: p_first, second: p_second} == pytest.approx({"cat": p, "no cat": 1 - p})
    assert xt.models.wrap(one_logit(), **PLAIN).labels == ["class 0", "class 1"]


def test_a_one_logit_models_gradients_are_those_of_its_logit_for_class_1_and_minus_for_class_0():
    model = one_logit()
    x = PICTURE[None]
    per_pixel = (WEIGHTS[0] / 64).reshape(1, 3, 1, 1).expand(1, 3, 8, 8)
    torch.testing.assert_close(xt.saliency(model, x, target=1), per_pixel)
    torch.testing.assert_close(xt.saliency(model, x, target=0), -per_pixel)
    top = int(logit_of(PICTURE) > 0)
    torch.testing.assert_close(xt.saliency(model, x), per_pixel if top else -per_pixel)


@pytest.mark.parametrize("method", ["lime", "kernel_shap", "rise"])
def test_the_black_box_methods_explain_a_one_logit_models_probability_not_a_constant(method):
    clf = xt.models.wrap(one_logit(), **PLAIN)
    # hidden superpixels black: their mean colour would keep the model's average, and its answer
    settings = (
        dict(num_masks=20)
        if method == "rise"
        else dict(num_samples=20, segmenter="slic", hide=0.0, segmenter_params=dict(n_segments=4))
    )
    explanation = getattr(xt, method)(clf, PICTURE, target=1, progress=False, **settings)
    p = torch.sigmoid(torch.tensor(logit_of(PICTURE))).item()
    if method == "rise":
        assert explanation.probability == pytest.approx(p, abs=1e-6)
    else:
        assert explanation.predictions[0] == pytest.approx(p, abs=1e-6)
        assert np.ptp(explanation.predictions) > 0.01  # the hidden parts change it


def test_a_model_that_outputs_probabilities_is_read_as_such():
    softmaxed = one_logit(3, nn.Softmax(dim=1))
    clf = xt.models.wrap(softmaxed, **PLAIN, outputs="probabilities")
    rows = softmaxed(PICTURE[None])[0].detach()
    assert dict(clf.predict(PICTURE)) == pytest.approx({f"class {i}": float(rows[i]) for i in range(3)})
    explanation = xt.lime(clf, PICTURE, target=2, num_samples=10, segmenter="slic", progress=False)
    assert explanation.predictions[0] == pytest.approx(float(rows[2]), abs=1e-6)
    with pytest.raises(ValueError, match="outputs='probabilities'"):
        xt.models.wrap(softmaxed, **PLAIN).predict(PICTURE)
    with pytest.raises(ValueError, match="outputs='probabilities'"):
        xt.lime(xt.models.wrap(softmaxed, **PLAIN), PICTURE, num_samples=10, segmenter="slic", progress=False)
    sigmoid = xt.models.wrap(one_logit(1, nn.Sigmoid()), **PLAIN, outputs="probabilities")
    p = torch.sigmoid(torch.tensor(logit_of(PICTURE))).item()
    assert dict(sigmoid.predict(PICTURE)) == pytest.approx({"class 1": p, "class 0": 1 - p})
    with pytest.raises(ValueError, match="outputs must be 'logits' or 'probabilities'"):
        xt.models.wrap(softmaxed, outputs="softmax")


def test_deletion_tracks_a_one_logit_models_probability():
    clf = xt.models.wrap(one_logit(), **PLAIN)
    curves = xt.evaluation.deletion(clf, PICTURE[None], torch.rand(1, 1, 8, 8), target=1, steps=2, progress=False)
    p = torch.sigmoid(torch.tensor(logit_of(PICTURE))).item()
    black = torch.sigmoid(torch.tensor(BIAS)).item()
    assert curves.probabilities[0, 0] == pytest.approx(p, abs=1e-6)
    assert curves.probabilities[0, -1] == pytest.approx(black, abs=1e-6)


class Answers(nn.Module):
    def __init__(self, shape_of):
        super().__init__()
        self.conv, self.shape_of = nn.Conv2d(3, 2, 1), shape_of

    def forward(self, x):
        return self.shape_of(self.conv(x))


@pytest.mark.parametrize(
    "answer, error, match",
    [
        (
            lambda a: (a.mean(dim=(2, 3)), None),
            TypeError,
            r"returned a tuple, not a tensor of class scores.*model\(x\)\[0\]",
        ),
        (lambda a: {"logits": a.mean(dim=(2, 3))}, TypeError, "returned a dict"),
        (lambda a: a.mean(dim=(2, 3), keepdim=True), ValueError, r"shape \(2, 2, 1, 1\).*nn.Flatten\(\)"),
        (lambda a: a.flatten(), ValueError, r"N x C class scores.*for 2 pictures it returned .* shape \(256,\)"),
    ],
)
def test_a_model_whose_output_is_not_n_by_c_scores_is_told_so(answer, error, match):
    model = Answers(answer)
    for call in (
        lambda: xt.saliency(model, torch.rand(2, 3, 8, 8)),
        lambda: xt.occlusion(model, torch.rand(2, 3, 8, 8), window=4, stride=4, progress=False),
        lambda: xt.models.wrap(model, labels=["a", "b"]).predict([PICTURE, PICTURE]),
    ):
        with pytest.raises(error, match=match):
            call()


def test_one_number_per_picture_is_a_binary_classifiers_logit():
    model = Answers(lambda a: a.mean(dim=(1, 2, 3)))
    assert run_model(model, torch.rand(4, 3, 8, 8)).shape == (4, 1)
    assert len(xt.models.wrap(model, labels=["a", "b"]).predict(PICTURE)) == 2


class Seen(nn.Module):
    """Records the memory layout of the batch it is given."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner, self.layouts = inner, []

    def forward(self, x):
        self.layouts.append("channels last" if x.is_contiguous(memory_format=torch.channels_last) else "contiguous")
        return self.inner(x)


def test_a_pass_runs_channels_last_on_a_cpu_without_gradients_or_with_depthwise_convolutions():
    plain = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    depthwise = nn.Sequential(nn.Conv2d(3, 3, 3, groups=3), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    x = torch.rand(2, 3, 8, 8)
    for inner, with_gradients in [(plain, "contiguous"), (depthwise, "channels last")]:
        model = Seen(inner)
        with torch.no_grad():
            run_model(model, x)
        run_model(model, x.requires_grad_(True))
        assert model.layouts == ["channels last", with_gradients]


@pytest.mark.parametrize("name", ["gradcam", "saliency", "occlusion", "rise"])
def test_the_fast_layout_changes_a_map_only_at_float_rounding(lite0, name, monkeypatch):
    """efficientnet_lite0 (depthwise convolutions: every pass channels last) against the same calls
    in the contiguous layout (as the parity tests run), on a 64 x 96 picture."""
    import xaitutor.scores

    clf = xt.models.wrap(
        lite0.model, mean=lite0.mean, std=lite0.std, labels=lite0.labels, input_size=None, cam_layer=lite0.cam_layer
    )
    picture = xt.imaging.resize(xt.imaging.to_tensor(xt.data.sample_image("chelsea")), 64)
    method = xt.methods.declaration(getattr(xt, name))
    options = {"occlusion": dict(progress=False), "rise": dict(num_masks=64, progress=False)}.get(name, {})

    def explain():
        if method.starts_from_picture:
            return method.function(clf, picture, **options).map()
        return method.function(clf, clf.preprocess(picture), **options)

    fast = explain()
    monkeypatch.setattr(xaitutor.scores, "fast_layout", lambda module, x: torch.contiguous_format)
    contiguous = explain()
    assert (fast - contiguous).abs().max() <= 1e-4 * contiguous.abs().max()
