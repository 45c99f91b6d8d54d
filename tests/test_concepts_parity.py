"""The concept methods against their peers on the same work: TCAV against captum's
``captum.concept.TCAV`` (the same activations' vectors, the same random sets: identical scores),
Deep Feature Factorization against pytorch-grad-cam's ``DeepFeatureFactorization`` (the same NMF
settings: maps correlated above 0.99)."""

import numpy as np
import pytest
import torch
import torchvision
from helpers.concept_peers import captum_tcav

import xaitutor as xt

pytestmark = pytest.mark.usefixtures("same_layout_as_the_peers")


def shapes_batches(clf, n=24, seed=3):
    data = xt.data.shapes(3 * n, seed=seed)
    x = clf.preprocess(torch.from_numpy(data.images).permute(0, 3, 1, 2).float() / 255)
    return x[:n], x[n:], data


@pytest.mark.parametrize("layer", ["features.relu2", "features.relu3"])
def test_tcav_scores_are_captums(layer, tmp_path):
    clf = xt.models.load("shapes_cnn_shortcut")
    pool, pictures, _ = shapes_batches(clf)
    concept = clf.preprocess(xt.data.concept_pictures("red background", 12, seed=2))
    ours = xt.concepts.tcav(clf, layer, concept, pool, pictures, 0, runs=4, seed=5)
    scores, random_scores = captum_tcav(clf.model, layer, concept, pool, pictures, 0, 4, 5, tmp_path)
    torch.testing.assert_close(ours.scores, scores, rtol=0, atol=0)
    torch.testing.assert_close(ours.random_scores, random_scores, rtol=0, atol=0)


def test_tcav_scores_are_captums_on_resnet18_with_random_weights(tmp_path):
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=5).eval()
    g = torch.Generator().manual_seed(1)
    concept, pool, pictures = (torch.randn(n, 3, 64, 64, generator=g) for n in (10, 30, 12))
    concept = concept + 1  # a concept that differs from the pool
    ours = xt.concepts.tcav(net, "layer3", concept, pool, pictures, 2, runs=3, seed=0)
    scores, random_scores = captum_tcav(net, "layer3", concept, pool, pictures, 2, 3, 0, tmp_path)
    torch.testing.assert_close(ours.scores, scores, rtol=0, atol=0)
    torch.testing.assert_close(ours.random_scores, random_scores, rtol=0, atol=0)


def peer_factorization(module, layer, x, parts):
    from pytorch_grad_cam import DeepFeatureFactorization

    dff = DeepFeatureFactorization(module, dict(module.named_modules())[layer])
    concepts, maps = dff(x, n_components=parts)
    dff.activations_and_grads.release()
    return torch.from_numpy(concepts.T), torch.from_numpy(np.stack(maps))


def correlations(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    a, b = a.flatten(2).double(), b.flatten(2).double()
    a, b = a - a.mean(-1, keepdim=True), b - b.mean(-1, keepdim=True)
    return (a * b).sum(-1) / (a.norm(dim=-1) * b.norm(dim=-1)).clamp_min(1e-12)


@pytest.mark.parametrize(
    "model, layer, parts", [("shapes_cnn", "features.relu3", 3), ("efficientnet_lite0", "_blocks.13", 4)]
)
def test_factorization_maps_are_pytorch_grad_cams(model, layer, parts, request):
    clf = request.getfixturevalue("lite0") if model == "efficientnet_lite0" else xt.models.load(model)
    if model == "shapes_cnn":
        x = shapes_batches(clf, n=6)[0]
    else:
        x = clf.preprocess(xt.data.sample_image("cat_and_coffee"))
    ours = xt.concepts.factorize(clf, x, layer, parts=parts)
    vectors, maps = peer_factorization(clf.model, layer, x, parts)
    assert correlations(ours.maps, maps).min() > 0.99
    scale = float(vectors.abs().max())
    torch.testing.assert_close(ours.vectors + ours.offset, vectors.float(), rtol=1e-3, atol=1e-3 * scale)
