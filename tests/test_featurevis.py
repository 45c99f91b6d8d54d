"""Feature visualization: the objectives' algebra by hand, the ascent on tiny models, the user's
model given back unchanged, clear errors, and the real efficientnet_lite0 drawing a class."""
import numpy as np
import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.guard import hook_count

O = xt.objectives
FAST = dict(size=16, octaves=1, steps=20, progress=False)  # tiny: each test runs in milliseconds


def tiny(outputs=3):
    """A small CNN with ImageNet normalisation; layer "1" is a ReLU with 4 channels."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 6, 3, padding=1),
                          nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, outputs))
    return xt.models.wrap(model, labels=[f"c{i}" for i in range(outputs)])


def activations():
    a = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5)
    return {"a": a, "b": -a[:, :2]}, torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_objectives_by_hand():
    acts, logits = activations()
    a = acts["a"]
    assert torch.equal(O.neuron("a", 1)(acts, logits), a[:, 1, 2, 2])            # the centre
    assert torch.equal(O.neuron("a", 2, (1, 3))(acts, logits), a[:, 2, 1, 3])
    assert torch.equal(O.neuron("a", 2, (2, 4))(acts, logits, scale=0.5), a[:, 2, 1, 2])  # a smaller octave
    assert torch.equal(O.channel("a", 2)(acts, logits), a[:, 2].mean((1, 2)))
    assert torch.equal(O.layer("b")(acts, logits), acts["b"].pow(2).mean((1, 2, 3)))
    assert torch.equal(O.class_logit(1)(acts, logits), torch.tensor([2.0, 5.0]))
    assert torch.equal(O.neurons(("a", 0), ("b", 1, (0, 0)))(acts, logits),
                       a[:, 0, 2, 2] + acts["b"][:, 1, 0, 0])


def test_objective_algebra():
    acts, logits = activations()
    ch, ly, cl = O.channel("a", 1), O.layer("b"), O.class_logit(2)
    combo = 0.5 * ch + ly - cl * 2
    expected = 0.5 * ch(acts, logits) + ly(acts, logits) - 2 * cl(acts, logits)
    assert torch.allclose(combo(acts, logits), expected)
    assert torch.allclose((-ch)(acts, logits), -ch(acts, logits))
    assert torch.allclose(sum([ch, ly])(acts, logits), ch(acts, logits) + ly(acts, logits))
    assert combo.layers == ("a", "b")
    assert combo.name == "0.5 * a[1] + layer b - 2 * class 2"
    assert O.class_logit(254, xt.models.imagenet_labels()).name.startswith("class 254 (pug")
    with pytest.raises(TypeError, match="multiplied by a number"):
        ch * ly


def test_the_objective_rises_on_a_tiny_model():
    clf = tiny()
    for objective in (O.channel("2", 1), O.class_logit(0), O.layer("1"), O.neuron("3", 0)):
        vis = xt.visualize(clf, objective, **FAST)
        assert vis.history.shape == (20,)
        assert vis.history[-1] > vis.history[0], objective.name
        assert vis.image.shape == (16, 16, 3) and 0 <= vis.image.min() and vis.image.max() <= 1
        assert vis.tensor.shape == (1, 3, 16, 16)
        assert torch.allclose(vis.tensor, xt.imaging.normalize(torch.from_numpy(vis.image).permute(2, 0, 1)[None],
                                                               clf.mean, clf.std))


def test_octaves_grow_to_the_final_size_and_count_every_step():
    vis = xt.visualize(tiny(), O.channel("1", 0), size=20, octaves=3, steps=4, progress=False)
    assert vis.image.shape == (20, 20, 3) and vis.history.shape == (12,)


def test_a_seed_gives_the_same_picture_and_another_seed_another():
    clf = tiny()
    one, again = (xt.visualize(clf, O.class_logit(1), seed=3, **FAST) for _ in range(2))
    other = xt.visualize(clf, O.class_logit(1), seed=4, **FAST)
    assert np.array_equal(one.image, again.image)
    assert not np.allclose(one.image, other.image)


def test_a_batch_is_the_same_as_its_images_one_by_one():
    clf = tiny()
    objectives = [O.class_logit(0), O.channel("1", 2)]
    batch = xt.visualize(clf, objectives, seed=[1, 2], **FAST)
    assert batch.image.shape == (2, 16, 16, 3) and batch.history.shape == (2, 20)
    assert batch.names == ["class 0, seed 1", "1[2], seed 2"]
    for i, (objective, seed) in enumerate(zip(objectives, [1, 2])):
        alone = xt.visualize(clf, objective, seed=seed, **FAST)
        assert np.allclose(batch.image[i], alone.image, atol=1e-5)
        assert np.allclose(batch.history[i], alone.history, atol=1e-4)
    seeds = xt.visualize(clf, O.class_logit(0), seed=[0, 1, 2], **FAST)
    assert seeds.image.shape == (3, 16, 16, 3)


def test_a_constant_or_zero_gradient_gives_no_nan_and_no_step():
    # logit = w * sum(pixels): the gradient is the same at every pixel, so its normalised
    # version (g - mean) / std is 0 / 0 in the essay's formula; here the step is zero.
    linear = nn.Sequential(nn.Flatten(), nn.Linear(3 * 16 * 16, 2))
    nn.init.constant_(linear[1].weight, 0.01)
    clf = xt.models.wrap(linear, mean=(0, 0, 0), std=(1, 1, 1), labels=["a", "b"], cam_layer="1")
    start = torch.rand(3, 16, 16)
    for weight in (0.01, 0.0):
        nn.init.constant_(linear[1].weight, weight)
        vis = xt.visualize(clf, O.class_logit(0), init=start, blur=None, jitter=0, **FAST)
        assert np.isfinite(vis.image).all()
        assert np.allclose(vis.image, start.permute(1, 2, 0).numpy())


def test_the_model_comes_back_unchanged():
    clf = tiny()
    clf.model.train()
    clf.model[0].weight.requires_grad_(False)
    before = {k: v.clone() for k, v in clf.model.state_dict().items()}
    xt.visualize(clf, O.channel("1", 0) + O.class_logit(1), **FAST)
    assert all(m.training for m in clf.model.modules())
    assert not clf.model[0].weight.requires_grad and clf.model[2].weight.requires_grad
    assert all(p.grad is None for p in clf.model.parameters())
    assert all(torch.equal(v, clf.model.state_dict()[k]) for k, v in before.items())
    assert hook_count(clf.model) == 0


def test_deepdream_starts_from_the_photo_and_keeps_its_shape():
    photo = xt.data.sample_image("chelsea")  # 300 x 451
    vis = xt.visualize(tiny(), O.layer("1"), init=photo, size=20, octaves=2, steps=2, progress=False)
    assert vis.image.shape == (20, 30, 3)


def test_ctrl_c_returns_the_partial_result():
    def stop(step, total, pixels):
        if step == 3:
            raise KeyboardInterrupt

    vis = xt.visualize(tiny(), O.class_logit(0), callback=stop, **FAST)
    assert vis.history.shape == (3,) and vis.image.shape == (16, 16, 3)


@pytest.mark.parametrize("objective, message", [
    (O.channel("l1", 0), "no layer named 'l1'. Did you mean '1'"),
    (O.channel("1", 4), "has 4 channels .0 to 3.; got channel 4"),
    (O.neuron("1", 0, (16, 0)), "outside the 16 x 16 feature map"),
    (O.class_logit(3), "class 3 is not a class of this model"),
    (O.channel("6", 0), "not N x C x H x W"),
])
def test_clear_errors(objective, message):
    with pytest.raises(ValueError, match=message):
        xt.visualize(tiny(), objective, **FAST)


def test_clear_errors_for_bad_arguments():
    clf = tiny()
    with pytest.raises(TypeError, match="xt.models.wrap"):
        xt.visualize(clf.model, O.class_logit(0), **FAST)
    with pytest.raises(TypeError, match="expected an objective"):
        xt.visualize(clf, 0, **FAST)
    with pytest.raises(ValueError, match="2 objectives and 3 seeds"):
        xt.visualize(clf, [O.class_logit(0)] * 2, seed=[0, 1, 2], **FAST)
    with pytest.raises(ValueError, match="blur_kernel must be odd"):
        xt.visualize(clf, O.class_logit(0), blur_kernel=4, **FAST)
    with pytest.raises(ValueError, match="init must be 'random' or a picture"):
        xt.visualize(clf, O.class_logit(0), init="noise", **FAST)


def test_efficientnet_lite0_draws_a_class_it_recognises(lite0):
    # Small and short to stay fast; bench/featurevis.py --classes checks the full default recipe.
    start = xt.visualize(lite0, O.class_logit(963), size=128, octaves=1, steps=1, lr=0.0, progress=False)
    vis = xt.visualize(lite0, O.class_logit(963), size=128, octaves=2, steps=15, progress=False)
    with torch.no_grad():
        before = lite0(start.tensor).softmax(-1)[0, 963]
        probs = lite0(vis.tensor).softmax(-1)[0]
    assert before < 0.01 and probs[963] > 0.5, (float(before), lite0.labels[int(probs.argmax())])
    assert hook_count(lite0.model) == 0
    assert all(p.requires_grad for p in lite0.model.parameters()) and all(p.grad is None for p in lite0.model.parameters())


def test_the_exercises_explain_the_classic_mistakes():
    check = xt.exercises.check
    assert "whole batch" in check("featurevis.normalize", lambda g: (g - g.mean()) / g.std()).message
    per_image = lambda g: (g - g.mean((1, 2, 3), keepdim=True)) / g.std((1, 2, 3), keepdim=True)  # noqa: E731
    assert "NaN" in check("featurevis.normalize", per_image).message
    assert "starts small" in check("featurevis.pyramid", [224, 160, 114, 82]).message
    assert check("featurevis.pyramid", [82, 114, 160, 224])
    assert "subtract" in check("featurevis.contrast", O.class_logit(963) + O.class_logit(962)).message
    assert check("featurevis.contrast", -0.5 * O.class_logit(962) + O.class_logit(963))
