"""Train the course's shapes classifiers and save their weights in the package.

    python -m xaitutor.models.train              # every model, a few minutes each on a laptop CPU
    python -m xaitutor.models.train --only shapes_cnn_shortcut
    python -m xaitutor.models.train --only shapes_cnn --seed 1   # another seed: shapes_cnn_seed1.pt

``shapes_cnn`` learns from shapes on backgrounds whose colour says nothing about the class
(``shortcut=0``). ``shapes_cnn_shortcut`` learns from pictures where the background's hue always
matches the class (``shortcut=1``: every circle on red, every square on yellow, ...), like the
essay's dogs always photographed on grass (section 1.1.2). Both see the very same objects, only
the backgrounds' colours differ, and both are tested on held-out pictures twice:

* "the cue holds": test pictures drawn with ``shortcut=1``, as in the shortcut model's training;
* "randomised": the same pictures with ``shortcut=0``, every background hue drawn at random.

A model that reads the shape scores the same on both; a model that reads the background colour
is nearly perfect where the cue holds and falls towards chance (1/6) when it is randomised.

``shapes_cnn_tagged`` learns from pictures where every ring carries a corner tag
(``xt.data.shapes(..., tag=1.0)``, Lapuschkin et al.'s Clever Hans; with the tag on half or 80 % of the
rings the model learns the ring's shape anyway and ignores the tag), and
``shapes_cnn_tag_everywhere`` from pictures where half of every class's pictures carry it (the
repair: the tag then tells nothing about the class).

Every epoch draws fresh pictures (``xt.data.shapes`` with a new seed), so no picture is seen
twice and there is nothing to memorise. Everything is seeded: the same command gives the same
weights on the same machine (floating-point sums may differ in the last bits across CPUs).
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn
from tqdm.auto import tqdm

from .. import imaging
from ..data import shapes
from ..guard import evaluating
from .shapes_cnn import MEAN, STD, WEIGHTS, ShapesCNN

# name -> (the probability that a training picture's background carries its class's cue, epochs,
# the pictures' tag: None, or the share and classes of shapes(tag=, tag_classes=)). The background colour is
# learnt in a few hundred steps; the shapes need about 20 000 pictures.
MODELS = {
    "shapes_cnn": (0.0, 7, None),
    "shapes_cnn_shortcut": (1.0, 3, None),
    "shapes_cnn_tagged": (0.0, 7, (1.0, ("ring",))),
    "shapes_cnn_tag_everywhere": (0.0, 7, (0.5, "all")),
}
PER_EPOCH, BATCH, LEARNING_RATE = 3000, 32, 5e-3
TEST_SEED = 10_000  # far from the training seeds 0, 1, 2, ...


def train(shortcut: float, epochs: int, per_epoch: int = PER_EPOCH, seed: int = 0, tag=None) -> ShapesCNN:
    """Train a :class:`ShapesCNN` on fresh shapes every epoch and return it in eval mode.

    Args:
        shortcut: the probability that a picture's background hue is its class's cue.
        epochs, per_epoch: how many epochs, and how many new pictures each one draws.
        seed: seeds the initial weights, the batches and the pictures (epoch ``e`` draws
            ``shapes(per_epoch, seed=1000 * seed + e)``).
        tag: ``None``, or ``(share, classes)``: the share of those classes' pictures that carry the tag.
    """
    torch.manual_seed(seed)
    model = ShapesCNN()
    optimiser = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    per_step = per_epoch // BATCH
    steps = epochs * per_step
    # One cycle: warm up, then anneal the learning rate to almost zero, which settles the weights.
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LEARNING_RATE, total_steps=steps)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    with tqdm(total=steps, desc=f"shortcut={shortcut}") as bar:
        for epoch in range(epochs):
            x, y = _tensors(_draw(per_epoch, 1000 * seed + epoch, shortcut, tag))
            order = torch.randperm(per_epoch, generator=generator)[: per_step * BATCH]
            for batch in order.view(per_step, BATCH):
                loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
                optimiser.zero_grad()
                loss.backward()  # training the model is the one place parameter gradients are wanted
                optimiser.step()
                schedule.step()
                bar.update()
                bar.set_postfix(loss=f"{loss.item():.3f}")
    return model.eval()


def _draw(n, seed, shortcut, tag):
    share, classes = (None, None) if tag is None else tag
    return shapes(n, seed=seed, shortcut=shortcut, tag=share, tag_classes=classes)


def accuracy(model, dataset, batch_size: int = 500) -> float:
    """The share of ``dataset`` (an ``xt.data.shapes`` data set) that ``model`` classifies right.

    ``model`` is a ``Classifier`` (its own normalisation is used) or a bare :class:`ShapesCNN`.
    """
    module = getattr(model, "model", model)
    mean, std = getattr(model, "mean", MEAN), getattr(model, "std", STD)
    x, y = _tensors(dataset, mean, std)
    device = next(module.parameters()).device
    with evaluating(module), torch.no_grad():
        predictions = torch.cat([module(b.to(device)).argmax(1).cpu() for b in x.split(batch_size)])
    return (predictions == y).float().mean().item()


def _tensors(dataset, mean=MEAN, std=STD):
    """A shapes data set as a normalised ``N x 3 x H x W`` float batch and its labels."""
    x = torch.from_numpy(dataset.images).permute(0, 3, 1, 2).float() / 255
    return imaging.normalize(x, mean, std), torch.from_numpy(dataset.labels)


def test_sets(n: int = 1000, seed: int = TEST_SEED) -> dict:
    """Held-out pictures, the same objects twice: ``"cue holds"`` and ``"randomised"``."""
    return {"cue holds": shapes(n, seed=seed, shortcut=1.0), "randomised": shapes(n, seed=seed, shortcut=0.0)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(MODELS), help="train one model only")
    parser.add_argument("--seed", type=int, default=0, help="0: the shipped weights; k: NAME_seedK.pt")
    args = parser.parse_args(argv)
    tests = test_sets()
    WEIGHTS.mkdir(exist_ok=True)
    for name, (shortcut, epochs, tag) in MODELS.items():
        if args.only and name != args.only:
            continue
        start, cpu = time.perf_counter(), time.process_time()
        model = train(shortcut, epochs, seed=args.seed, tag=tag)
        path = WEIGHTS / f"{name}{f'_seed{args.seed}' if args.seed else ''}.pt"
        torch.save(model.state_dict(), path)
        scores = ", ".join(f"{k}: {accuracy(model, d):.1%}" for k, d in tests.items())
        print(
            f"{name} (shortcut={shortcut}, tag={tag}, seed={args.seed}): held-out accuracy {scores}; trained in "
            f"{time.perf_counter() - start:.0f} s ({time.process_time() - cpu:.0f} s of CPU time), "
            f"saved to {path} ({path.stat().st_size / 1e3:.0f} kB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
