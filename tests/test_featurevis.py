"""Feature visualization: the objectives' algebra by hand, the ascent on tiny models with both
parameterisations, the user's model given back unchanged, clear errors, DeepDream's detail
re-injection, and the default recipe on the real efficientnet_lite0 judged by efficientnet_lite1."""

import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.hooks import hook_count
from xaitutor.methods.featurevis import probabilities

objectives = xt.objectives
FAST = dict(size=16, steps=12, progress=False)  # tiny: each call runs in milliseconds
PARAMS = ["pixel", "fourier"]


def tiny(outputs=3, pool=False):
    """A small CNN with ImageNet normalisation; layer "1" is a ReLU with 4 channels. With
    ``pool``, two 4 x 4 poolings: it needs pictures of at least 16 x 16 pixels."""
    torch.manual_seed(0)
    pooling = [nn.MaxPool2d(4), nn.MaxPool2d(4)] if pool else []
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 6, 3, padding=1),
        nn.ReLU(),
        *pooling,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(6, outputs),
    )
    return xt.models.wrap(model, labels=[f"c{i}" for i in range(outputs)])


def activations():
    a = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5)
    return {"a": a, "b": -a[:, :2]}, torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_objectives_by_hand():
    acts, logits = activations()
    a = acts["a"]
    assert torch.equal(objectives.neuron("a", 1)(acts, logits), a[:, 1, 2, 2])  # the centre
    assert torch.equal(objectives.neuron("a", 2, (1, 3))(acts, logits), a[:, 2, 1, 3])
    assert torch.equal(objectives.neuron("a", 2, (2, 4))(acts, logits, scale=0.5), a[:, 2, 1, 2])  # a smaller octave
    assert torch.equal(objectives.channel("a", 2)(acts, logits), a[:, 2].mean((1, 2)))
    assert torch.equal(objectives.layer("b")(acts, logits), acts["b"].pow(2).mean((1, 2, 3)))
    assert torch.equal(objectives.class_logit(1)(acts, logits), torch.tensor([2.0, 5.0]))
    assert torch.equal(
        objectives.neurons(("a", 0), ("b", 1, (0, 0)))(acts, logits), a[:, 0, 2, 2] + acts["b"][:, 1, 0, 0]
    )


def test_diversity_by_hand():
    # three pictures: 0 and 1 have the same style (proportional activations), 2 another one
    style = torch.tensor([[1.0, 0.0], [0.0, 2.0]]).view(1, 2, 1, 2)
    other = torch.tensor([[0.0, 1.0], [0.0, 0.0]]).view(1, 2, 1, 2)
    acts = {"a": torch.cat([style, 3 * style, other])}
    gram = lambda m: (m.flatten(1) @ m.flatten(1).T).flatten()  # noqa: E731
    g = [gram(acts["a"][i]) / gram(acts["a"][i]).norm() for i in range(3)]
    cos = [[float(g[i] @ g[j]) for j in range(3)] for i in range(3)]
    expected = [-(sum(cos[i]) - cos[i][i]) / 3 for i in range(3)]
    values = objectives.diversity("a")(acts, torch.zeros(3, 2))
    np.testing.assert_allclose(values.numpy(), expected, atol=1e-6)
    assert values[0] == pytest.approx(values[1]) and values[0] < values[2]  # the alike pair scores lower
    assert (
        objectives.diversity("a").compares_batch
        and (objectives.class_logit(0) - 2 * objectives.diversity("a")).compares_batch
    )
    assert not (objectives.class_logit(0) + objectives.layer("a")).compares_batch


def test_objective_algebra():
    acts, logits = activations()
    ch, ly, cl = objectives.channel("a", 1), objectives.layer("b"), objectives.class_logit(2)
    combo = 0.5 * ch + ly - cl * 2
    expected = 0.5 * ch(acts, logits) + ly(acts, logits) - 2 * cl(acts, logits)
    assert torch.allclose(combo(acts, logits), expected)
    assert torch.allclose((-ch)(acts, logits), -ch(acts, logits))
    assert torch.allclose(sum([ch, ly])(acts, logits), ch(acts, logits) + ly(acts, logits))
    assert combo.layers == ("a", "b")
    assert combo.name == "0.5 * a[1] + layer b - 2 * class 2"
    assert objectives.class_logit(254, xt.models.imagenet_labels()).name.startswith("class 254 (pug")
    with pytest.raises(TypeError, match="multiplied by a number"):
        ch * ly


def test_an_objective_divided_by_a_number_is_weighted_by_its_inverse():
    acts, logits = activations()
    ch, cl = objectives.channel("a", 1), objectives.class_logit(2)
    halved = ch - cl / 2
    assert torch.allclose(halved(acts, logits), ch(acts, logits) - cl(acts, logits) / 2)
    assert halved.name == "a[1] - class 2 / 2"
    with pytest.raises(TypeError, match="divided by a number"):
        ch / cl
    with pytest.raises(ZeroDivisionError, match="non-zero"):
        ch / 0


@pytest.mark.parametrize("param", PARAMS)
def test_the_objective_rises_on_a_tiny_model(param):
    clf = tiny()
    for objective in (
        objectives.channel("2", 1),
        objectives.class_logit(0),
        objectives.layer("1"),
        objectives.neuron("3", 0),
    ):
        vis = xt.visualize(clf, objective, param=param, **FAST)
        assert vis.history.shape == (12,)
        assert vis.history[-3:].mean() > vis.history[:3].mean(), objective.name
        assert vis.image.shape == (16, 16, 3) and 0 <= vis.image.min() and vis.image.max() <= 1
        assert torch.allclose(vis.tensor, xt.imaging.normalize(vis.pictures, clf.mean, clf.std))


@pytest.mark.parametrize("param", PARAMS)
def test_octaves_grow_to_the_final_size_and_count_every_step(param):
    seen = []
    vis = xt.visualize(
        tiny(),
        objectives.channel("1", 0),
        param=param,
        size=20,
        octaves=3,
        steps=4,
        progress=False,
        callback=lambda step, total, pixels: seen.append((step, total, tuple(pixels.shape[-2:]))),
    )
    assert vis.image.shape == (20, 20, 3) and vis.history.shape == (12,)
    assert (
        [s[2] for s in seen[::4]]
        == xt.methods.featurevis.octave_shapes((20, 20), 3, 1.4)
        == [(10, 10), (14, 14), (20, 20)]
    )
    assert seen[-1][:2] == (12, 12)


@pytest.mark.parametrize("seeds, batch_size, steps", [([0, 1, 2], 1, 36), ([0, 1, 2], 2, 24), ([0, 1], 2, 12)])
def test_the_step_count_reaches_its_total_however_the_pictures_are_batched(seeds, batch_size, steps):
    # a batch of n pictures takes one step for all n: the total counts batches, not pictures (the
    # gallery takes a run whose last step is not the total for an interrupted one)
    seen = []
    xt.visualize(
        tiny(),
        objectives.class_logit(0),
        seed=seeds,
        batch_size=batch_size,
        callback=lambda step, total, pixels: seen.append((step, total)),
        **FAST,
    )
    assert seen == [(step, steps) for step in range(1, steps + 1)]


@pytest.mark.parametrize("param", PARAMS)
def test_a_seed_gives_the_same_picture_and_another_seed_another(param):
    clf = tiny()
    one, again = (xt.visualize(clf, objectives.class_logit(1), param=param, seed=3, **FAST) for _ in range(2))
    other = xt.visualize(clf, objectives.class_logit(1), param=param, seed=4, **FAST)
    assert np.array_equal(one.image, again.image)
    assert not np.allclose(one.image, other.image)


@pytest.mark.parametrize("param", PARAMS)
def test_a_batch_is_the_same_as_its_images_one_by_one(param):
    clf = tiny()
    goals = [objectives.class_logit(0), objectives.channel("1", 2)]
    batch = xt.visualize(clf, goals, param=param, seed=[1, 2], batch_size=2, **FAST)
    assert batch.image.shape == (2, 16, 16, 3) and batch.history.shape == (2, 12)
    assert batch.names == ["class 0, seed 1", "1[2], seed 2"]
    for i, (objective, seed) in enumerate(zip(goals, [1, 2])):
        alone = xt.visualize(clf, objective, param=param, seed=seed, **FAST)
        assert np.allclose(batch.image[i], alone.image, atol=1e-5)
        assert np.allclose(batch.history[i], alone.history, atol=1e-4)
    seeds = xt.visualize(clf, objectives.class_logit(0), seed=[0, 1, 2], batch_size=2, **FAST)  # batches of 2 and 1
    assert seeds.image.shape == (3, 16, 16, 3) and seeds.history.shape == (3, 12)


def test_a_constant_or_zero_gradient_gives_no_nan_and_no_step():
    # logit = w * sum(pixels): the gradient is the same at every pixel, so its normalised
    # version (g - mean) / std is 0 / 0 in the essay's formula; here the step is zero.
    linear = nn.Sequential(nn.Flatten(), nn.Linear(3 * 16 * 16, 2))
    clf = xt.models.wrap(linear, mean=(0, 0, 0), std=(1, 1, 1), labels=["a", "b"], cam_layer="1")
    start = torch.rand(3, 16, 16)
    for weight in (0.01, 0.0):
        nn.init.constant_(linear[1].weight, weight)
        vis = xt.visualize(clf, objectives.class_logit(0), init=start, param="pixel", transforms=[], **FAST)
        assert np.isfinite(vis.image).all()
        assert np.allclose(vis.image, start.permute(1, 2, 0).numpy())


def test_deepdream_reinjects_the_photos_detail_at_every_octave():
    photo = xt.data.sample_image("chelsea")  # 300 x 451
    vis = xt.visualize(
        tiny(),
        objectives.layer("1"),
        init=photo,
        param="pixel",
        size=40,
        octaves=3,
        steps=2,
        transforms=[],
        progress=False,
    )
    assert vis.image.shape == (40, 60, 3)
    # with no step at all, the dream is the photo itself, sharp: the small octaves' pictures are
    # not carried up (that would blur it); only the detail the ascent adds is
    still = xt.visualize(
        tiny(),
        objectives.layer("1"),
        init=photo,
        param="pixel",
        size=40,
        octaves=3,
        steps=2,
        lr=0.0,
        transforms=[],
        progress=False,
    )
    full = xt.imaging.resize(xt.imaging.to_tensor(photo), 40)
    assert torch.allclose(still.pictures[0], full, atol=1e-5)
    assert not np.allclose(vis.image, still.image, atol=1e-3)


def test_ctrl_c_returns_the_partial_result():
    def stop_at(at):
        def stop(step, total, pixels):
            if step == at:
                raise KeyboardInterrupt

        return stop

    with pytest.warns(UserWarning, match="interrupted after 3 of 12 steps"):
        vis = xt.visualize(tiny(), objectives.class_logit(0), callback=stop_at(3), **FAST)
    assert vis.history.shape == (3,) and vis.image.shape == (16, 16, 3)
    # in the second of three batches: the first batch whole, the second so far, the third left out
    with pytest.warns(UserWarning, match="interrupted after 15 of 36 steps"):
        vis = xt.visualize(
            tiny(), objectives.class_logit(0), seed=[0, 1, 2], batch_size=1, callback=stop_at(15), **FAST
        )
    assert vis.image.shape == (2, 16, 16, 3) and vis.names == ["class 0, seed 0", "class 0, seed 1"]
    assert np.isfinite(vis.history[0]).all() and np.isnan(vis.history[1, 3:]).all()


@pytest.mark.parametrize(
    "objective, message",
    [
        (objectives.channel("l1", 0), "no layer named 'l1'. Did you mean '1'"),
        (objectives.channel("1", 4), "has 4 channels .0 to 3.; got channel 4"),
        (objectives.neuron("1", 0, (40, 0)), "outside the 28 x 28 feature map"),  # 16 + 24 padding - 12 jitter
        (objectives.class_logit(3), "3 is not a class index of this model"),
        (objectives.channel("6", 0), "not N x K x h x w feature maps"),
        (objectives.diversity("6"), "not N x K x h x w feature maps"),
    ],
)
def test_clear_errors(objective, message):
    with pytest.raises(ValueError, match=message):
        xt.visualize(tiny(), objective, **FAST)


def test_clear_errors_for_bad_arguments():
    clf = tiny()
    with pytest.raises(TypeError, match="xt.models.wrap"):
        xt.visualize(clf.model, objectives.class_logit(0), **FAST)
    with pytest.raises(TypeError, match="expected an objective"):
        xt.visualize(clf, 0, **FAST)
    with pytest.raises(ValueError, match="2 objectives and 3 seeds"):
        xt.visualize(clf, [objectives.class_logit(0)] * 2, seed=[0, 1, 2], **FAST)
    with pytest.raises(ValueError, match="blur_kernel must be odd"):
        xt.visualize(clf, objectives.class_logit(0), param="pixel", blur=0.9, blur_kernel=4, **FAST)
    with pytest.raises(ValueError, match="init must be 'random' or a picture"):
        xt.visualize(clf, objectives.class_logit(0), init="noise", **FAST)
    with pytest.raises(ValueError, match="param must be 'pixel' or 'fourier'"):
        xt.visualize(clf, objectives.class_logit(0), param="fft", **FAST)
    with pytest.raises(ValueError, match="leave blur=None"):
        xt.visualize(clf, objectives.class_logit(0), param="fourier", blur=0.9, **FAST)
    with pytest.raises(ValueError, match="must be optimised in one batch, not in batches of 2"):
        xt.visualize(clf, objectives.class_logit(0) + objectives.diversity("1"), seed=[0, 1, 2], batch_size=2, **FAST)


def test_a_picture_too_small_for_the_model_is_a_clear_error():
    clf = tiny(pool=True)  # needs 16 x 16 pixels
    xt.visualize(clf, objectives.class_logit(0), param="pixel", transforms=[], size=16, steps=1, progress=False)
    with pytest.raises(
        ValueError, match="a 11 x 11 picture .the first octave. is too small for Sequential: use fewer octaves"
    ):
        xt.visualize(
            clf, objectives.class_logit(0), param="pixel", transforms=[], size=16, octaves=2, steps=1, progress=False
        )
    assert hook_count(clf.model) == 0


def test_probabilities_judge_each_picture_at_the_classifiers_own_size(lite0):
    judge = xt.models.wrap(lite0.model, mean=lite0.mean, std=lite0.std, input_size=240)
    vis = xt.visualize(lite0, objectives.class_logit(1), size=32, steps=1, seed=[0, 1], progress=False)
    with torch.no_grad():
        expected = judge(xt.imaging.normalize(xt.imaging.resize(vis.pictures, (240, 240)), judge.mean, judge.std))
    assert vis.probabilities(judge, [1, 963]) == pytest.approx(
        [float(expected.softmax(-1)[0, 1]), float(expected.softmax(-1)[1, 963])], rel=1e-4
    )
    with pytest.raises(ValueError, match="one class per picture: 2 pictures, 1 classes"):
        vis.probabilities(judge, [1])


def test_probabilities_of_many_pictures_are_each_pictures_own(lite0):
    # they are computed a few at a time (a batch of 33 held 0.2 GB more in chapter 4's kernel)
    pictures = torch.rand(9, 3, 48, 48, generator=torch.Generator().manual_seed(0))
    classes = list(range(9))
    one_by_one = [probabilities(lite0, p, c)[0] for p, c in zip(pictures, classes)]
    assert probabilities(lite0, pictures, classes) == pytest.approx(one_by_one, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("target", [963])  # pizza; the pug: test_featurevis_gallery; all 11: bench/featurevis.py
def test_the_default_recipe_draws_a_class_both_models_recognise(lite0, target):
    vis = xt.visualize(lite0, objectives.class_logit(target), progress=False)
    assert vis.image.shape == (224, 224, 3)
    lite1 = xt.models.load("efficientnet_lite1")
    with torch.no_grad():
        judged = lite1(lite1.preprocess(vis.pictures)).softmax(-1)[0]
    assert vis.probabilities(lite0, [target])[0] >= 0.9
    assert target in judged.topk(5).indices.tolist(), lite1.labels[int(judged.argmax())]
    assert hook_count(lite0.model) == 0
    assert all(p.requires_grad for p in lite0.model.parameters()) and all(
        p.grad is None for p in lite0.model.parameters()
    )


def batch_norm_classifier():
    """A classifier with batch norm (and dropout), in train mode: a forward in train mode would
    update the running statistics of the user's model."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 3),
    )
    return xt.models.wrap(model.train(), labels=["a", "b", "c"])


def test_visualizing_a_model_in_train_mode_leaves_its_statistics_and_mode_alone():
    clf = batch_norm_classifier()
    clf.model.train()  # the user trains it again after wrapping
    before = {k: v.clone() for k, v in clf.model.state_dict().items()}
    vis = xt.visualize(clf, objectives.class_logit(1), **FAST)
    vis.probabilities(clf, [1])
    assert clf.model.training and all(m.training for m in clf.model.modules())
    for key, value in clf.model.state_dict().items():
        assert torch.equal(value, before[key]), key


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_visualize_works_under_no_grad_and_inference_mode(mode):
    clf = tiny()
    expected = xt.visualize(clf, objectives.class_logit(1), **FAST).history
    with mode():
        inside = xt.visualize(clf, objectives.class_logit(1), **FAST).history
    np.testing.assert_allclose(inside, expected, rtol=1e-5)


@pytest.mark.parametrize(
    "settings, message",
    [
        *[(dict(param=param, lr=-0.05), r"lr must be a number >= 0, got -0.05") for param in PARAMS],
        *[(dict(param=param, lr=float("nan")), r"lr must be a number >= 0, got nan") for param in PARAMS],
        *[(dict(param=param, lr="0.05"), r"lr must be a number >= 0, got '0.05'") for param in PARAMS],
        (dict(octave_scale="1.4"), r"octave_scale must be a number >= 1"),
        (dict(param="pixel", blur=-1.0), r"blur must be None or a positive sigma"),
    ],
)
def test_a_learning_rate_or_scale_that_is_no_number_or_negative_is_refused_for_both_pictures(settings, message):
    # a negative lr made the pixel picture descend (the objective fell) where Adam refused it
    with pytest.raises(ValueError, match=message):
        xt.visualize(tiny(), objectives.class_logit(0), **{**FAST, **settings})
