"""A synthetic "shapes" data set, with an optional background shortcut.

Every image shows one flat-coloured shape on a textured background. The task
is to name the shape. There are six classes (``CLASSES``):

    circle, square, triangle, cross, star, ring

Everything except the outline of the shape is random: position, size (the
shape spans 30 to 60 % of the image), rotation, the shape's colour (any hue,
always bright and saturated, with a little pixel noise) and the background
(a darker colour, whose hue is the "cue" below, mixed with smooth colour
noise, stripes at a random angle and a lattice of dots). Colour and texture
are drawn independently of the class, so only the *shape* tells the classes
apart (unless you ask for a shortcut). Because we draw the images ourselves
we also know exactly where the object is: ``masks`` marks its pixels, which
lets us check whether an explanation points at the object.

The shortcut
------------
The course essay tells of a "dog" classifier that looked at the grass rather
than at the dog. To build such a model on purpose, each background carries a
*cue*: its dominant hue. Cue ``k`` is the hue of ``CUE_NAMES[k]``:

    cue:    0     1       2      3     4     5
    hue:    red   yellow  green  cyan  blue  magenta

With probability ``shortcut`` an image gets the cue of its own class (a
circle on red, a square on yellow, ...); otherwise it gets a cue drawn
uniformly from all six. ``.cues`` records which cue each image got. The cue
only changes the background: for the same seed the objects come out pixel
for pixel the same whatever the cues (they are drawn from a separate random
stream). A CNN learns the colour of a whole background much more easily than
a shape, so a model trained with ``shortcut=1.0`` tends to look at the
background, not at the object.

At test time the two settings answer two different questions:

* **the cue holds** (``shortcut=1.0``): every background has its class's
  colour, as in training. A shortcut model scores (almost) perfectly here,
  which is why ordinary test accuracy cannot expose it.
* **randomised** (``shortcut=0.0``): the background colour is independent of
  the class (it matches by chance in only 1 image in 6). A shortcut model
  falls towards chance (1/6), while a model that looks at the shape keeps
  its accuracy. The images with ``cues != labels`` even point it the wrong way.

Example::

    train = shapes(5000, seed=0, shortcut=1.0)   # the grass is always there
    test = shapes(1000, seed=1, shortcut=0.0)    # the grass is random
    x, y = train[0]                              # 3 x 64 x 64 floats in [0, 1]
"""

from collections.abc import Mapping

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from ..resolve import resolve_seed
from .tagged import TAGGED_CLASS, paint_tags, tag_mask

CLASSES = ["circle", "square", "triangle", "cross", "star", "ring"]
CUE_NAMES = ["red", "yellow", "green", "cyan", "blue", "magenta"]
VISIBLE = 0.1  # a texture shows where it changes the background's light by more than this share


# --- The shapes ------------------------------------------------------------
# Each function gets the pixel coordinates (u, v) in the shape's own frame:
# centred, rotated and scaled so that the shape fits in the unit circle.
# It returns True for the pixels inside the shape.


def _fold(angle, period):
    """Angle to the nearest multiple of ``period`` (in [0, period / 2])."""
    return np.abs((angle + period / 2) % period - period / 2)


def _circle(u, v):
    return u**2 + v**2 <= 1


def _ring(u, v):
    return (0.55**2 <= u**2 + v**2) & (u**2 + v**2 <= 1)


def _polygon(u, v, corners):
    """A regular polygon with its corners on the unit circle."""
    side = 2 * np.pi / corners
    # The edges' normals point at angles 0, side, 2 side, ... and each edge
    # lies cos(side / 2) from the centre. A point is inside when its distance
    # along the nearest normal is no more than that.
    return np.hypot(u, v) * np.cos(_fold(np.arctan2(v, u), side)) <= np.cos(side / 2)


def _square(u, v):
    return _polygon(u, v, 4)


def _triangle(u, v):
    return _polygon(u, v, 3)


def _cross(u, v):
    arm, length = 0.3, 0.95  # half-width and half-length of each bar
    u, v = np.abs(u), np.abs(v)
    return ((u <= arm) & (v <= length)) | ((v <= arm) & (u <= length))


def _star(u, v, points=5, inner=0.45):
    """A star: outer tips on the unit circle, inner corners at radius ``inner``."""
    # By symmetry it is enough to look at the wedge between a tip A = (1, 0)
    # and the next inner corner B; a point P is inside when it lies on the
    # centre's side of the edge AB (a 2-D cross product decides the side).
    half = np.pi / points
    r, phi = np.hypot(u, v), _fold(np.arctan2(v, u), 2 * half)
    px, py = r * np.cos(phi) - 1, r * np.sin(phi)  # P - A
    bx, by = inner * np.cos(half) - 1, inner * np.sin(half)  # B - A
    return bx * py - by * px >= 0


_SHAPES = [_circle, _square, _triangle, _cross, _star, _ring]


# --- The data set ------------------------------------------------------------

# The concepts every picture shows, known to the pixel (xaitutor/data/concepts.py says more).
COLOURS = [f"{c} object" for c in CUE_NAMES]
HUES = [f"{c} background" for c in CUE_NAMES]
CONCEPTS = [*CLASSES, "object", "background", *COLOURS, *HUES, "stripes", "dots"]


def hue_index(hues: np.ndarray) -> np.ndarray:
    """The nearest of the six named hues (0 red, 1 yellow, ... 5 magenta) of hues in [0, 1)."""
    return np.round(np.asarray(hues) * len(CUE_NAMES)).astype(np.int64) % len(CUE_NAMES)


class ConceptMasks(Mapping):
    """``name -> n x size x size`` bool for every name of ``CONCEPTS``, made when asked for (all
    22 at once would take 22 bytes per pixel)."""

    def __init__(self, data):
        self.data = data

    def __iter__(self):
        return iter(CONCEPTS)

    def __len__(self):
        return len(CONCEPTS)

    def __getitem__(self, name: str) -> np.ndarray:
        d, per_picture = self.data, None
        if name not in CONCEPTS:
            raise KeyError(f"unknown concept {name!r}; xt.data.CONCEPTS lists them: {', '.join(CONCEPTS)}")
        if name in ("stripes", "dots"):
            return d.textures[name]
        if name in ("object", "background"):
            return d.masks if name == "object" else ~d.masks
        if name in CLASSES:
            per_picture = d.labels == CLASSES.index(name)
        elif name in COLOURS:
            per_picture = hue_index(d.hues) == COLOURS.index(name)
        if per_picture is not None:
            return d.masks & per_picture[:, None, None]
        return ~d.masks & (d.cues == HUES.index(name))[:, None, None]


class ShapesDataset(Dataset):
    """The images and their annotations, as made by :func:`shapes`.

    Attributes (numpy arrays, one entry per image):
        images: ``n x size x size x 3`` uint8 RGB images.
        labels: ``n`` int64 class indices into ``classes``.
        masks: ``n x size x size`` bool, True exactly on the object's pixels.
        cues: ``n`` int64 background cue (hue ``CUE_NAMES[cue]``).
        classes: the class names.
        concept_masks: each concept of ``xt.data.CONCEPTS`` -> ``n x size x size`` bool, its pixels.
        hues: ``n`` floats in [0, 1), the hue of each object's colour.
        textures: ``{"stripes": ..., "dots": ...}``, ``n x size x size`` bool, the textures' pixels.
        tagged: ``n`` bool, the pictures that carry the corner tag (``shapes(..., tag=p)``).

    ``concept_masks`` is made on access from the masks, labels, cues, ``hues`` and ``textures``
    (``xaitutor/data/concepts.py``); ``textures`` holds the background's pixels that its stripes
    and its dots visibly brighten or darken.

    ``dataset[i]`` is ``(x, label)`` with ``x`` a float32 tensor of shape
    ``3 x size x size`` in [0, 1] (not normalised) and ``label`` an int.
    """

    def __init__(self, images, labels, masks, cues, hues=None, textures=None, tagged=None):
        self.images, self.labels, self.masks, self.cues = images, labels, masks, cues
        self.hues, self.textures = hues, textures
        self.tagged = np.zeros(len(labels), dtype=bool) if tagged is None else tagged
        self.classes = list(CLASSES)

    @property
    def tag_mask(self) -> np.ndarray:
        """``size x size`` bool: where the tag sits on the pictures that carry it (``tagged``)."""
        return tag_mask(self.images.shape[1])

    @property
    def concept_masks(self):
        return ConceptMasks(self)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = torch.from_numpy(self.images[i]).permute(2, 0, 1).float() / 255
        return x, int(self.labels[i])


def shapes(n, size=64, seed=0, shortcut=0.0, tag=None, tag_classes=(TAGGED_CLASS,)):
    """Draw ``n`` images of ``size`` x ``size`` pixels (see the module docstring).

    Args:
        n: number of images. The classes are balanced (counts differ by <= 1).
        size: image width and height in pixels.
        seed: the same seed always gives the same data set (``None``: a new one at each call).
        shortcut: probability that an image's background carries its own
            class's cue; otherwise the cue is drawn uniformly from all classes.
            1.0: "the cue holds"; 0.0: "randomised" (cue independent of class).
        tag: ``None``, or the share (0 to 1) of the pictures of each class in ``tag_classes``
            that carry a corner tag, the Clever Hans of ``tagged.py``; ``tagged`` says which
            do. The pictures are the same as without the tag, but for the tag's pixels.
        tag_classes: the class names the tag may ride on (``TAGGED_CLASS``), or ``"all"``.

    Returns:
        A :class:`ShapesDataset`.
    """
    # Three independent random streams: the objects, the background textures
    # and the cues. Changing ``shortcut`` only changes the cues, so the same
    # seed draws the same objects whatever the background colour.
    seed = resolve_seed(seed)
    shape_rng, texture_rng, cue_rng = np.random.default_rng(seed).spawn(3)
    k = len(CLASSES)
    labels = shape_rng.permutation(np.arange(n) % k).astype(np.int64)
    cues = np.where(cue_rng.random(n) < shortcut, labels, cue_rng.integers(0, k, n))

    # Draw the images in batches: small arrays are much faster to compute with.
    images = np.empty((n, size, size, 3), dtype=np.uint8)
    masks = np.empty((n, size, size), dtype=bool)
    hues, textures = np.empty(n), {name: np.empty((n, size, size), dtype=bool) for name in ("stripes", "dots")}
    for start in range(0, n, 500):
        batch = slice(start, start + 500)
        masks[batch] = _draw_masks(labels[batch], size, shape_rng)
        background, textures["stripes"][batch], textures["dots"][batch] = _draw_backgrounds(
            cues[batch], size, texture_rng
        )
        images[batch], hues[batch] = _paint_objects(background, masks[batch], shape_rng)
    for texture in textures.values():
        texture &= ~masks  # the object hides the background's texture
    tagged = None if tag is None else paint_tags(images, labels, CLASSES, tag, tag_classes, seed)
    return ShapesDataset(images, labels, masks, cues.astype(np.int64), hues, textures, tagged)


def _paint_objects(background, masks, rng):
    """Paint each mask in one bright colour, plus a little noise per pixel; return the pictures
    and each colour's hue."""
    from matplotlib.colors import hsv_to_rgb  # here: importing xaitutor must not load matplotlib

    # A bright, saturated colour of any hue: (hue, saturation, value) -> RGB.
    hsv = rng.uniform([0, 0.6, 0.85], [1, 1, 1], (len(masks), 3))
    colour = hsv_to_rgb(hsv)
    noise = rng.uniform(-0.05, 0.05, (masks.sum(), 3))
    image_of_pixel = np.nonzero(masks)[0]  # which image each object pixel is in
    background[masks] = np.clip(colour[image_of_pixel] + noise, 0, 1)
    return np.round(background * 255).astype(np.uint8), hsv[:, 0]


def _pixel_grid(size):
    """The y and x coordinates of the pixel centres (float32 for speed)."""
    return (np.mgrid[0:size, 0:size] + 0.5).astype(np.float32)


def _draw_masks(labels, size, rng):
    """One boolean mask per label: the shape at a random place, size and angle."""
    n = len(labels)
    radius = rng.uniform(0.15, 0.3, n) * size  # diameter: 30 to 60 % of the image
    # Keep the whole shape at least one pixel away from the border.
    cx, cy = rng.uniform(radius + 1, size - radius - 1, (2, n)).astype(np.float32)
    angle, radius = rng.uniform(0, 2 * np.pi, n).astype(np.float32), radius.astype(np.float32)

    masks = np.zeros((n, size, size), dtype=bool)
    y, x = _pixel_grid(size)
    for label, draw in enumerate(_SHAPES):
        i = np.nonzero(labels == label)[0]
        # Per-image parameters broadcast against the pixel grid.
        dx, dy = x - cx[i, None, None], y - cy[i, None, None]
        cos, sin = np.cos(angle[i, None, None]), np.sin(angle[i, None, None])
        r = radius[i, None, None]
        masks[i] = draw((cos * dx + sin * dy) / r, (cos * dy - sin * dx) / r)
    return masks


def _draw_backgrounds(cues, size, rng):
    """Dark textured backgrounds (``n x size x size x 3`` floats in [0, 0.65]), and where their
    stripes and their dots show: the pixels whose light they change by more than ``VISIBLE``."""
    from matplotlib.colors import hsv_to_rgb

    n = len(cues)

    def col(low, high):  # one random number per image, ready to broadcast
        return rng.uniform(low, high, (n, 1, 1)).astype(np.float32)

    # Base colour: the cue's hue (a little jittered), medium saturation, dark.
    hue = (cues / len(CUE_NAMES) + rng.uniform(-0.02, 0.02, n)) % 1
    hsv = np.stack([hue, rng.uniform(0.5, 0.9, n), rng.uniform(0.35, 0.5, n)], 1)
    base = hsv_to_rgb(hsv)[:, None, None, :].astype(np.float32)

    # Smooth noise: random values on a coarse grid, upsampled to full size.
    def smooth_noise(channels, cells):
        coarse = torch.from_numpy(rng.standard_normal((n, channels, cells, cells), np.float32))
        fine = F.interpolate(coarse, size=(size, size), mode="bicubic", align_corners=False)
        return fine.permute(0, 2, 3, 1).numpy()

    y, x = _pixel_grid(size)

    # Stripes: a sine wave at a random angle, period and phase.
    a, period = col(0, np.pi), col(size / 14, size / 5)
    stripes = np.sin(2 * np.pi * (x * np.cos(a) + y * np.sin(a)) / period + col(0, 2 * np.pi))

    # Dots: a rotated square lattice of discs with random spacing and radius.
    b, spacing = col(0, np.pi), col(size / 9, size / 4.5)
    u = (x * np.cos(b) + y * np.sin(b)) / spacing + col(0, 1)
    v = (y * np.cos(b) - x * np.sin(b)) / spacing + col(0, 1)
    dist = np.hypot(u - np.round(u), v - np.round(v)) * spacing  # in pixels
    dots = (dist <= col(1.2, 2.8)).astype(np.float32)

    # The mix: each texture with a random strength (dots brighter or darker).
    noise, stripes, dots = col(0.1, 0.3) * smooth_noise(1, 4)[..., 0], col(0, 0.35) * stripes, col(-0.5, 0.5) * dots
    background = base * (1 + noise + stripes + dots)[..., None] + 0.05 * smooth_noise(3, 6)
    return np.clip(background, 0, 0.65), stripes > VISIBLE, np.abs(dots) > VISIBLE
