"""The random transformations of feature visualization: exact geometry, seeded, per image,
differentiable."""

import pytest
import torch

from xaitutor.methods.featurevis import transforms as T


def batch(n=2, side=10):
    return torch.rand(n, 3, side, side, generator=torch.Generator().manual_seed(0))


def generators(*seeds):
    return [torch.Generator().manual_seed(s) for s in seeds]


def test_pad_adds_a_grey_border():
    out = T.pad(3)(batch(), generators(0, 1))
    assert out.shape == (2, 3, 16, 16)
    assert torch.equal(out[..., 3:13, 3:13], batch()) and (out[..., :3, :] == 0.5).all()


def test_jitter_crops_at_a_random_offset_per_image():
    x = batch()
    out = T.jitter(4)(x, generators(0, 1))
    assert out.shape == (2, 3, 6, 6)
    for image, picture, g in zip(out, x, generators(0, 1)):
        top, left = torch.randint(5, (2,), generator=g).tolist()
        assert torch.equal(image, picture[:, top : top + 6, left : left + 6])


def test_rotate_by_90_degrees_is_rot90_and_scale_1_is_the_identity():
    x = batch()
    turned = T.rotate([90])(x, generators(0, 1))
    assert torch.allclose(turned, torch.rot90(x, k=1, dims=(-2, -1)), atol=1e-5)  # anticlockwise
    assert torch.allclose(T.rotate([0])(x, generators(0, 1)), x, atol=1e-6)
    assert torch.allclose(T.scale([1.0])(x, generators(0, 1)), x, atol=1e-6)


def test_consecutive_zooms_and_rotations_resample_once():
    x = batch()
    two_halves = T.compose(T.rotate([45]), T.scale([1.0]), T.rotate([45]))  # one resampling by 90 degrees
    assert torch.allclose(two_halves(x, generators(0, 1)), torch.rot90(x, k=1, dims=(-2, -1)), atol=1e-5)
    zoom = T.compose(T.scale([2.0]), T.scale([0.5]))  # one resampling by 1
    assert torch.allclose(zoom(x, generators(0, 1)), x, atol=1e-6)


def test_zooming_out_fills_the_uncovered_border_grey():
    x = torch.zeros(1, 3, 20, 20)
    out = T.scale([0.5])(x, generators(0))
    assert torch.allclose(out[..., 5:15, 5:15], x[..., 5:15, 5:15])  # the black picture, smaller
    assert (out[..., :4, :] == 0.5).all() and (out[..., :, -4:] == 0.5).all()  # around it: grey


def test_seeded_each_image_its_own_draw_and_a_batch_is_its_images_one_by_one():
    x = batch(3)
    chain = T.compose(*T.STANDARD)
    one = chain(x, generators(0, 1, 2))
    assert torch.equal(one, chain(x, generators(0, 1, 2)))
    assert not torch.equal(one, chain(x, generators(3, 4, 5)))
    alone = torch.cat([chain(x[i : i + 1], generators(s)) for i, s in enumerate((0, 1, 2))])
    torch.testing.assert_close(one, alone)
    assert one.shape == (3, 3, 10 + 24 - 8 - 4, 10 + 24 - 8 - 4)
    assert repr(chain) == "pad(12) -> jitter(8) -> scale(0.9 to 1.1) -> rotate(-10 to 10 degrees) -> jitter(4)"


@pytest.mark.parametrize("transform", T.STANDARD, ids=repr)
def test_every_transform_is_differentiable(transform):
    x = batch(1).double().requires_grad_(True)
    weights = torch.rand_like(transform(x.detach(), generators(7)))

    def f(pixels):  # the same random draw at every evaluation
        return (transform(pixels, generators(7)) * weights).sum()

    assert torch.autograd.gradcheck(f, (x,), eps=1e-6, atol=1e-4)
    (grad,) = torch.autograd.grad(f(x), x)
    assert grad.abs().sum() > 0
