"""Exercise of chapter 3: CAM (Zhou et al. 2016) and Grad-CAM on a global-average-pooling head.
With y^c = sum_k w_k^c mean_ij A^k_ij + b^c, the gradient of y^c by each cell of A^k is w_k^c / Z,
so Grad-CAM's weights are CAM's divided by Z = h x w, the number of cells of the map."""

from __future__ import annotations

from . import Exercise, register
from .answers import as_number, judge_whole

GRID = (7, 11)  # the cat's map at efficientnet_lite0's last layer, 224 x 336 pixels


def _cam_scale() -> int:
    # d y^c / d A^k_ij = w_k^c / Z for every cell, so alpha_k^c = w_k^c / Z: divide CAM by Z = h * w
    h, w = GRID
    return h * w


def _check_cam_scale(answer) -> str | None:
    h, w = GRID
    value = as_number(answer)
    if value is not None and 0 < value < 1 and abs(value - 1 / (h * w)) < 1e-3:
        return "that is the factor that multiplies CAM; the question asks the number that divides it"
    return judge_whole(
        answer,
        _cam_scale(),
        "the number CAM is divided by",
        {
            1: "they differ: alpha_k^c is the mean of the gradient w_k^c / Z over the cells, so alpha = w / Z",
            h: "the average pooling divides by every cell of the map, rows and columns: h times w",
            w: "the average pooling divides by every cell of the map, rows and columns: h times w",
            h + w: "the map has h times w cells, not h plus w",
            1280: "the channels are summed, not averaged: the division comes from the average over the cells",
            224 * 336: "the pooling averages the map's cells, not the picture's pixels",
        },
        "differentiate y^c = sum_k w_k^c (1/Z) sum_ij A^k_ij + b^c by one cell A^k_ij, then average over the cells",
    )


register(
    Exercise(
        "gradcam.cam_scale",
        f"On a global-average-pooling head, Grad-CAM's weighted sum equals CAM divided by what number, "
        f"for a {GRID[0]} x {GRID[1]} map?",
        _check_cam_scale,
        _cam_scale,
    )
)
