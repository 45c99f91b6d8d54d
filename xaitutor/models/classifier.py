"""The ``Classifier``: a model together with everything needed to feed it pictures and read its
answers (input size, normalisation, class names) and to explain it (the default Grad-CAM layer and
the ordered list of its convolutional layers)."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from .. import imaging
from ..guard import evaluating
from ..resolve import resolve_count, resolve_dtype, resolve_labels, resolve_layer, resolve_normalization
from ..scores import class_probabilities, model_scores, resolve_kind, run_model


@dataclass(eq=False)
class Classifier:
    """An image classifier ready to be explained.

    Attributes:
        model: the ``nn.Module``. Wrapping leaves it as it is (its ``training`` flag too): every
            call of the package runs it in eval mode and gives it back as it came.
        labels: one name per class (two for a binary classifier with one output).
        mean, std: per-channel normalisation: the model eats ``(x - mean) / std`` for pictures
            ``x`` in [0, 1] (one number each, or three; a mean in [0, 1], a positive std).
        input_size: the short side pictures are resized to (``None``: they keep their size).
        cam_layer: the dotted name of the default Grad-CAM layer.
        name: a name for titles.
        outputs: what the model's last layer gives, ``"logits"`` (the default) or
            ``"probabilities"`` (it ends with a softmax or, for one output, a sigmoid); see
            :mod:`xaitutor.scores`.
        conv_layers: the names of the ``nn.Conv2d`` modules, in the order they were registered
            (for a plain CNN, the order of the forward pass).
    """

    model: nn.Module
    labels: list[str]
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    input_size: int | None = 224
    cam_layer: str | None = None
    name: str = "model"
    outputs: str = "logits"
    conv_layers: list[str] = field(init=False)

    def __post_init__(self):
        self.labels = resolve_labels(self.labels)
        self.outputs = resolve_kind(self.outputs)
        self.mean, self.std = resolve_normalization(self.mean, self.std)
        if self.input_size is not None:
            resolve_count(self.input_size, "input_size", alternatives=" or None (pictures keep their size)")
        self.conv_layers = [n for n, m in self.model.named_modules() if isinstance(m, nn.Conv2d)]
        if self.cam_layer is not None:
            resolve_layer(self.model, self.cam_layer)  # fail now on a wrong name, not at first use

    @property
    def device(self) -> torch.device:
        """The device the model's parameters live on."""
        return next(self.model.parameters(), torch.empty(0)).device

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """The class scores (:func:`~xaitutor.scores.class_scores`: the logits, two columns for a
        one-output binary classifier) of an already preprocessed batch, the model in eval mode."""
        with evaluating(self.model):
            return model_scores(self, x)

    def probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """The class probabilities (:func:`~xaitutor.scores.class_probabilities`), ``N x classes``,
        of an already preprocessed batch, the model in eval mode."""
        with evaluating(self.model):
            return class_probabilities(run_model(self.model, x), self.outputs)

    def preprocess(self, images, size=None, crop: bool = False) -> torch.Tensor:
        """Pictures -> the normalised ``N x 3 x H x W`` batch the model eats, on its device, in its
        float type (float32, or half for a half model).

        Args:
            images: one picture (PIL, array or tensor, see :func:`xaitutor.imaging.to_tensor`),
                a batch tensor, or a list of pictures.
            size: the short side to resize to (an int) or an exact ``(height, width)``. By
                default one picture keeps its aspect ratio with its short side at
                ``input_size``, so an explanation covers the whole picture; a list becomes one
                batch of ``input_size`` squares, since a batch has one shape.
            crop: resize and centre-crop to a square instead, as torchvision's evaluation
                transform does (short side ``input_size * 256 / 224``, then the central
                ``input_size`` square).
        """
        if isinstance(images, (list, tuple)):
            if not images:
                raise ValueError("got an empty list of images")
            pictures = [self._fit(imaging.to_tensor(im), size, crop, square=True) for im in images]
            shapes = {p.shape for p in pictures}
            if len(shapes) > 1:
                raise ValueError(
                    f"the images have different sizes {sorted(s[-2:] for s in shapes)} "
                    "and this model has no input_size: pass size=(height, width)"
                )
            x = torch.stack(pictures)
        else:
            x = self._fit(imaging.to_tensor(images), size, crop, square=False)
            x = x if x.dim() == 4 else x[None]
        return imaging.normalize(x, self.mean, self.std).to(self.device, resolve_dtype(self.model))

    def _fit(self, x: torch.Tensor, size, crop: bool, square: bool) -> torch.Tensor:
        side = self.input_size if size is None else size
        if side is None:
            return x
        if crop:
            short = side if isinstance(side, int) else min(side)
            return imaging.center_crop(imaging.resize(x, round(short * 256 / 224)), short)
        if square and isinstance(side, int):
            side = (side, side)
        return imaging.resize(x, side)

    def top_classes(self, images, k: int = 5):
        """The top-``k`` class indices of pictures (not preprocessed) with their probabilities
        (:meth:`probabilities`): ``[(index, probability), ...]`` for one picture, one such list
        per picture for a list or a batch. (Indices, not names: some ImageNet names repeat.)"""
        rows, single = self._top(images, k)
        return rows[0] if single else rows

    def predict(self, images, k: int = 5):
        """The top-``k`` classes of pictures (not preprocessed) with their probabilities: the
        softmax of the logits, the sigmoid of a binary classifier's one logit, or the model's own
        probabilities (``outputs="probabilities"``). ``k`` is a positive int; at most every class
        is listed.

        Returns ``[(label, probability), ...]`` for one picture, or one such list per picture
        for a list or a batch.
        """
        rows, single = self._top(images, k)
        named = [[(self.labels[i], p) for i, p in row] for row in rows]
        return named[0] if single else named

    def _top(self, images, k: int):
        k = resolve_count(k, "k")
        x = self.preprocess(images)
        with torch.no_grad():
            probs = self.probabilities(x)
        resolve_labels(self.labels, probs.shape[1])
        top = probs.topk(min(k, probs.shape[-1]), dim=-1)
        rows = [list(zip(idx, ps)) for ps, idx in zip(top.values.tolist(), top.indices.tolist())]
        single = not isinstance(images, (list, tuple)) and not (
            isinstance(images, torch.Tensor) and images.dim() == 4 and len(images) > 1
        )
        return rows, single


def require_classifier(model, method: str, alternative: str = "") -> Classifier:
    """``model`` checked to be a :class:`Classifier`: a method that starts from the picture itself
    (``method``, named in the message) needs the preprocessing only a ``Classifier`` knows;
    ``alternative`` says what else the method accepts."""
    if not isinstance(model, Classifier):
        raise TypeError(
            f"{method} needs an xaitutor Classifier, which knows the model's preprocessing, got "
            f"{type(model).__name__}: wrap a bare module with xt.models.wrap(model, mean=..., std=...){alternative}"
        )
    return model
