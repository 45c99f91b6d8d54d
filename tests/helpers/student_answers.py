"""Answers a student might write, for tests/test_exercise_checks.py: functions whose code must be
read (loops, with ast) or that take more than a line. Some are right, some are the usual slips."""

import numpy as np
import torch


def off_by_one(f, g):  # the range stops one position early
    return [sum(f[n + i] * g[len(g) - 1 - i] for i in range(len(g))) for n in range(len(f) - len(g))]


def convolve_by_slices(f, g):  # the definition, vectorised: each kernel cell times a slice of f
    f, g, k = np.asarray(f), np.asarray(g), len(g)
    return sum(g[k - 1 - i] * f[i : len(f) - k + 1 + i] for i in range(k))


def convolve_full(f, g):  # every n where f and g overlap at all: g sticks out at both ends
    return [sum(f[i] * g[n - i] for i in range(len(f)) if 0 <= n - i < len(g)) for n in range(len(f) + len(g) - 1)]


def perturb_double_loop(picture, hidden, segments, row):  # right values, but loops over the pixels
    out = hidden.clone()
    for i in range(segments.shape[0]):
        for j in range(segments.shape[1]):
            if row[segments[i, j]]:
                out[:, i, j] = picture[:, i, j]
    return out


def perturb_comprehension(picture, hidden, segments, row):  # a loop over the superpixels
    keep = torch.stack([segments == s for s in np.flatnonzero(row)]).any(0)
    return torch.where(keep, picture, hidden)


def perturb_lerp(picture, hidden, segments, row):  # no loop: read from its source with ast
    keep = torch.as_tensor(row, dtype=picture.dtype).index_select(0, segments.flatten()).view_as(segments)
    return torch.lerp(hidden, picture, keep)


def weights_torch(rows, kernel_width=0.25):  # exp(-d^2 / (2 w^2)) is sqrt(exp(-d^2 / w^2))
    on = torch.as_tensor(rows).float()
    return torch.exp(-((1 - on.sum(1) / (on.sum(1).sqrt() * on.shape[1] ** 0.5)) ** 2) / (2 * kernel_width**2))


def d(rows):  # the cosine distance to the all-on row
    return 1 - np.sqrt(rows.mean(axis=1))
