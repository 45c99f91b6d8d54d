"""Receptive fields: VGG16's known values, and the matching of the essay's layers to
efficientnet_lite0's blocks that chapter 4's gallery draws."""

from torch import nn

from xaitutor.methods.featurevis import fields
from xaitutor.methods.featurevis.gallery import BLOCKS


def test_vgg16_receptive_fields_are_the_known_ones():
    vgg = fields.receptive_fields(fields.vgg16_layers())
    convs = [vgg[name] for name in vgg if name.startswith("features")]
    # 3 x 3 convolutions add 2 pixels times the stride so far; each pooling doubles the stride
    assert convs == [3, 5, 10, 14, 24, 32, 40, 60, 76, 92, 132, 164, 196]
    assert list(vgg)[-1] == "pool 4" and vgg["pool 4"] == 212


def test_a_tiny_network_by_hand():
    net = nn.Sequential(nn.Conv2d(3, 4, 5, stride=2), nn.ReLU(), nn.Conv2d(4, 4, 3, stride=2), nn.Conv2d(4, 1, 3))
    assert fields.receptive_fields(fields.conv_layers(net)) == {"0": 5, "2": 9, "3": 17}


def test_the_gallery_draws_the_block_matched_to_every_essay_layer(lite0):
    rows = fields.essay_matches(lite0.model)
    assert [row[0] for row in rows] == fields.ESSAY_LAYERS
    assert {row[3] for row in rows} <= set(BLOCKS)
    assert (rows[0][3], rows[2][3], rows[3][3]) == ("_blocks.0", "_blocks.2", "_blocks.3")  # figs. 4.4, 4.6, 4.7
    assert fields.block_fields(lite0.model)["_blocks.13"] > 224  # sees more than the picture
