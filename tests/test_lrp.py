"""LRP by hand on a two-layer network, conservation on bias-free ReLU networks, the canonizers, the
composites and the errors."""

import pytest
import torch
from torch import nn

import xaitutor as xt
from xaitutor.methods.relevance import rules


def two_layers(bias: float = 0.0) -> nn.Module:
    """x = (1, 2) -> h = relu(W1 x + b) -> y = W2 h: the chapter's network by hand."""
    net = nn.Sequential(nn.Conv2d(2, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(2, 2, bias=False))
    with torch.no_grad():  # a 1 x 1 convolution on a 1 x 1 picture: a linear layer of two inputs
        net[0].weight.copy_(torch.tensor([[1.0, -1.0], [2.0, -0.5]])[:, :, None, None])  # z = (-1, 1): h = (0, 1)
        net[0].bias.fill_(bias)
        net[3].weight.copy_(torch.tensor([[1.0, 3.0], [1.0, -1.0]]))  # y_0 = 3 h_2 = 3
    return net.eval()


X = torch.tensor([[1.0, 2.0]])[:, :, None, None]


@pytest.mark.parametrize(
    "composite, by_hand",
    [
        # the top layer (ε) gives h_2 all of y_0 = 3; its inputs contribute 1 * 2 = 2 and 2 * (-0.5) = -1 to z_2 = 1
        ("epsilon", [2 * 3 / 1, -1 * 3 / 1]),
        # z+: the positive contribution alone shares R: 2 / 2 * 3 to x_1
        ("zplus", [3.0, 0.0]),
        # α = 2, β = 1: 2 * (3 from the positive part) - 1 * (3 from the negative part)
        ("alpha2_beta1", [6.0, -3.0]),
        # γ = 0.25: weights (2, -0.5) become (2.5, -0.5) for a positive z_2 = 2.5 - 1 = 1.5
        ("gamma", [2.5 * 3 / 1.5, -1 * 3 / 1.5]),
    ],
)
def test_each_rule_by_hand_on_a_two_layer_network(composite, by_hand):
    relevance = xt.lrp(two_layers(), X, target=0, composite={"conv": composite, "linear": "epsilon"})
    torch.testing.assert_close(relevance.flatten(1), torch.tensor([by_hand]), rtol=1e-5, atol=1e-5)
    assert relevance.sum().item() == pytest.approx(3.0, rel=1e-5)


def test_a_bias_takes_its_share_under_epsilon():
    """With a bias of 1 in the first layer, z_2 = 2 of which the bias is 1: half of R stays there."""
    parts = xt.lrp(two_layers(bias=1.0), X, target=0, composite="epsilon", return_parts=True)
    h = torch.relu(torch.tensor([-1.0, 1.0]) + 1)  # (0, 2): y_0 = 6
    assert parts.scores.item() == pytest.approx(3 * h[1].item())
    torch.testing.assert_close(parts.relevance.flatten(1), torch.tensor([[2 * 6 / 2, -1 * 6 / 2]]))
    assert [name for name, _ in parts.totals] == ["3", "0"]
    assert parts.totals[0][1].item() == pytest.approx(6.0) and parts.totals[1][1].item() == pytest.approx(3.0)


def relu_cnn(residual: bool = False, functional: bool = False) -> nn.Module:
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
            self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
            self.pool, self.avg = nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(2)
            self.fc, self.relu = nn.Linear(32, 5, bias=False), nn.ReLU(inplace=True)

        def forward(self, x):
            h = self.pool(self.relu(self.conv1(x)))
            out = self.conv2(h)
            out = out + h if residual else out
            out = torch.relu(out) if functional else self.relu(out)
            return self.fc(self.avg(out).flatten(1))

    return Net().eval()


@pytest.mark.parametrize("composite", ["epsilon", "zplus", "alpha2_beta1", "epsilon_plus", "epsilon_plus_flat"])
@pytest.mark.parametrize("kind", ["plain", "residual", "functional"])
def test_relevance_is_conserved_on_bias_free_relu_networks(composite, kind):
    net = relu_cnn(residual=kind != "plain", functional=kind == "functional")
    # logits of about 1 (the network is positively homogeneous): ε = 1e-6 then leaks about 1e-6
    x = 100 * torch.randn(3, 3, 12, 12, generator=torch.Generator().manual_seed(1))
    parts = xt.lrp(net, x, target=[0, 1, 2], composite=composite, return_parts=True)
    torch.testing.assert_close(parts.relevance.flatten(1).sum(1), parts.scores, rtol=1e-5, atol=1e-6)


def test_without_the_canonizer_a_residual_addition_doubles_the_relevance():
    net, x = relu_cnn(residual=True), torch.rand(1, 3, 12, 12)
    parts = xt.lrp(net, x, target=0, composite="epsilon", canonize=False, return_parts=True)
    assert parts.relevance.sum() > 1.2 * parts.scores.sum()


def test_lrp_0_is_gradient_times_input_on_a_bias_free_relu_network():
    net, x = relu_cnn(), torch.randn(2, 3, 12, 12)
    relevance = xt.lrp(net, x, target=1, composite={"conv": rules.epsilon(0.0), "linear": rules.epsilon(0.0)})
    torch.testing.assert_close(relevance, x * xt.saliency(net, x, target=1), rtol=1e-4, atol=1e-6)


def test_batch_norm_is_merged_as_if_folded_by_hand():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3))
    net[1].running_mean.normal_(), net[1].running_var.uniform_(0.5, 2), net[1].weight.data.normal_()
    net.eval()
    folded = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3)).eval()
    scale = net[1].weight / (net[1].running_var + net[1].eps).sqrt()
    with torch.no_grad():
        folded[0].weight.copy_(net[0].weight * scale[:, None, None, None])
        folded[0].bias.copy_((net[0].bias - net[1].running_mean) * scale + net[1].bias)
        folded[3].load_state_dict(net[4].state_dict())
    x = torch.randn(2, 3, 8, 8)
    for composite in ("epsilon_plus", "epsilon_gamma_box"):
        clf, flat = (xt.models.wrap(m, mean=0.5, std=0.25, input_size=None) for m in (net, folded))
        torch.testing.assert_close(xt.lrp(clf, x, composite=composite), xt.lrp(flat, x, composite=composite))
        # the convolution's output captured (a clone goes on to the batch norm): still merged
        torch.testing.assert_close(
            xt.lrp(clf, x, composite=composite, layers=["0"]), xt.lrp(flat, x, composite=composite)
        )


def test_rules_by_layer_name_cover_the_layers_inside():
    net, x = relu_cnn(), torch.randn(1, 3, 12, 12)
    by_name = xt.lrp(net, x, target=0, composite={"conv1": "flat", "conv": "zplus", "linear": "epsilon"})
    torch.testing.assert_close(by_name, xt.lrp(net, x, target=0, composite="epsilon_plus_flat"))


def test_bad_composites_are_explained():
    net, x = relu_cnn(), torch.randn(1, 3, 12, 12)
    with pytest.raises(ValueError, match="unknown composite 'espilon'.*epsilon_plus_flat"):
        xt.lrp(net, x, composite="espilon")
    with pytest.raises(ValueError, match="unknown LRP rule 'zplsu'"):
        xt.lrp(net, x, composite={"conv": "zplsu", "linear": "epsilon"})
    with pytest.raises(ValueError, match="box rule .* needs the input's bounds.*Classifier"):
        xt.lrp(net, x, composite="epsilon_gamma_box")
    with pytest.raises(ValueError, match="no rule for the linear layer 'fc'"):
        xt.lrp(net, x, composite={"conv": "zplus"})
    with pytest.raises(ValueError, match="α - β = 1"):
        rules.alpha_beta(2, 2)


def test_the_relevance_of_efficientnet_lite0_is_conserved_up_to_its_biases(lite0):
    """A real network (batch norm, ReLU6, residual blocks, "same" padding): under z+ with flat at
    the input the relevance never goes negative and what reaches the pixels is what the biases left."""
    x = lite0.preprocess(xt.data.sample_image("chelsea"), size=96)
    parts = xt.lrp(lite0, x, composite="epsilon_plus_flat", return_parts=True, layers=["_blocks.15", "_blocks.3"])
    assert (parts.relevance >= 0).all()
    top, low = (parts.layers[n].sum().item() for n in ("_blocks.15", "_blocks.3"))
    assert parts.scores.item() > 0 and 0 < parts.relevance.sum().item() <= low <= top * 1.001
