"""Exercises of chapter 2 (LIME): the proximity weights pi_x of eq. 2.1, the vectorised
perturbation of a picture, and what hiding a superpixel with its own mean colour hides. Function
answers are run on a fixed random example and compared with :mod:`xaitutor.methods.lime_image`."""
from __future__ import annotations

import numpy as np
import torch

from ..methods.lime_image import cosine_distance, kernel, perturb
from . import Exercise, as_number, call, register


def _rows(seed: int = 0, n: int = 8, f: int = 10) -> np.ndarray:
    rows = np.random.RandomState(seed).randint(0, 2, (n, f)).astype(bool)
    rows[0] = True
    return rows


# --- the proximity weights pi_x (eq. 2.1) ----------------------------------------------------

def _weights_solver():
    def sample_weights(rows, kernel_width=0.25):
        # the cosine distance to the all-on row: with k of F superpixels on, 1 - sqrt(k / F)
        distances = 1 - np.sqrt(rows.sum(axis=1) / rows.shape[1])
        # lime's kernel: the square root of exp(-d^2 / width^2)
        return np.sqrt(np.exp(-distances ** 2 / kernel_width ** 2))

    return sample_weights


def _weights_checker(answer):
    rows = _rows()
    result, problem = call(answer, rows, 0.25, usage="def sample_weights(rows, kernel_width=0.25): ...")
    if problem:
        return problem
    result = np.asarray(result, dtype=float)
    distances = cosine_distance(rows)
    right = kernel(distances, 0.25)
    if result.shape != right.shape:
        return f"return one weight per sample, shape ({len(rows)},), got {result.shape}."
    if np.allclose(result, right, atol=1e-6):
        return None
    if np.allclose(result, distances, atol=1e-6):
        return "these are the distances: turn them into weights with the kernel sqrt(exp(-d^2 / width^2))."
    if np.allclose(result, right ** 2, atol=1e-6):
        return "almost: lime takes the square root of exp(-d^2 / width^2)."
    if np.allclose(result, kernel(1 - rows.mean(axis=1), 0.25), atol=1e-6):
        return ("you used the fraction of superpixels switched off as the distance; LIME uses the "
                "cosine distance between the row and the all-on row, 1 - k / (sqrt(k) sqrt(F)).")
    if not np.isclose(result[0], 1):
        return "the original picture (row 0, all on) is at distance 0, so its weight must be 1."
    return "not these values: compute the cosine distance of each row to the all-on row, then the kernel."


register(Exercise(
    name="lime.sample_weights",
    task=("Write sample_weights(rows, kernel_width=0.25): rows is an N x F boolean array (True: the "
          "superpixel is shown). Return each sample's weight pi_x: its cosine distance d to the all-on "
          "row (the original picture), through lime's kernel sqrt(exp(-d^2 / kernel_width^2))."),
    checker=_weights_checker, solver=_weights_solver))


# --- perturbing a picture without a loop -----------------------------------------------------

def _perturb_solver():
    def perturb_one(picture, hidden, segments, row):
        # row[segments] looks up every pixel's on/off bit at once: an H x W boolean mask
        keep = torch.as_tensor(row)[segments]
        return torch.where(keep, picture, hidden)  # the mask broadcasts over the 3 colours

    return perturb_one


def _perturb_example():
    generator = torch.Generator().manual_seed(0)
    picture, hidden = torch.rand(3, 12, 16, generator=generator), torch.rand(3, 12, 16, generator=generator)
    segments = torch.arange(12)[:, None] // 4 * 4 + torch.arange(16)[None] // 4  # 12 squares of 4 x 4
    return picture, hidden, segments, np.random.RandomState(3).rand(12) > 0.5


def _perturb_checker(answer):
    picture, hidden, segments, row = _perturb_example()
    result, problem = call(answer, picture, hidden, segments, row,
                           usage="def perturb_one(picture, hidden, segments, row): ...")
    if problem:
        return problem
    if not isinstance(result, torch.Tensor):
        return f"return a torch tensor, got a {type(result).__name__}."
    right = perturb(picture, hidden, segments, row[None])[0]
    if result.shape != right.shape:
        return f"return one 3 x H x W picture, shape {tuple(right.shape)}, got {tuple(result.shape)}."
    if torch.equal(result.float(), right):
        return None
    if torch.equal(result.float(), perturb(picture, hidden, segments, ~row[None])[0]):
        return "swapped: a superpixel that is on (True) shows the picture, one that is off shows the hidden picture."
    return "not these pixels: each pixel comes from picture if row[segments[pixel]] is True, else from hidden."


register(Exercise(
    name="lime.perturb",
    task=("Write perturb_one(picture, hidden, segments, row) without a Python loop: picture and "
          "hidden are 3 x H x W tensors, segments an H x W tensor of superpixel indices, row a boolean "
          "array with one entry per superpixel. Return the picture with the switched-off superpixels "
          "taken from hidden."),
    checker=_perturb_checker, solver=_perturb_solver))


# --- what the own mean colour hides ----------------------------------------------------------

def _mean_solver():
    # Hiding a superpixel with its own mean colour leaves its mean colour exactly as it was, so a
    # classifier that only sees the mean colour of a region never notices a thing: every sample
    # gets the same prediction and the ridge fit puts a weight of 0 on every superpixel.
    return 0.0


def _mean_checker(answer):
    value = as_number(answer)
    if value is None:
        return f"give a number, not a {type(answer).__name__}."
    if abs(value) < 1e-6:
        return None
    if value > 0:
        return ("the classifier looks at the region, but what does it see there when a superpixel "
                "shows its own mean colour instead of its pixels? Does the region's mean colour change?")
    return "hiding cannot work against the class here: think about what the region's mean colour becomes."


register(Exercise(
    name="lime.mean_colour",
    task=("A classifier's score is the mean brightness of a region made of a few whole superpixels, and "
          "nothing else. LIME hides superpixels with their own mean colour (hide='mean'). What weight "
          "does the surrogate give to a superpixel of that region (to 6 decimals)?"),
    checker=_mean_checker, solver=_mean_solver))
