"""The shortcut lab as a test: on the same pictures, the explanations of the shortcut model put less
of their mass on the object than those of the model that reads the shapes, for Grad-CAM and LIME."""

import pytest

import xaitutor as xt
from xaitutor import evaluation as ev


@pytest.fixture(scope="module")
def pictures():
    # The cue holds, so both models are right and both explain the true class.
    return xt.data.shapes(12, seed=30_000, shortcut=1.0)


@pytest.fixture(scope="module")
def models():
    return {name: xt.models.load(name) for name in ("shapes_cnn", "shapes_cnn_shortcut")}


@pytest.mark.parametrize(
    "method, options",
    [
        (xt.gradcam, {}),
        # Hidden superpixels turn black: hidden by their mean colour (lime's default), the background
        # would keep its hue, and LIME could not see the cue the shortcut model reads.
        (xt.lime, dict(num_samples=100, hide=0.0, batch_size=100, seed=0, progress=False)),
    ],
    ids=["gradcam", "lime"],
)
def test_the_shortcut_model_looks_less_at_the_object(models, pictures, method, options):
    share = {
        name: ev.energy_share(
            ev.explain(method, clf, pictures.images, target=pictures.labels, **options), pictures.masks
        )
        .nanmean()
        .item()
        for name, clf in models.items()
    }
    assert share["shapes_cnn_shortcut"] < share["shapes_cnn"] - 0.1, share
