"""The checks of chapters 0, 1, 2, 3, 5 and 6 refuse the mistakes students make, each with a message
saying what is wrong (a phrase of it is asserted), and accept a right answer written another way
than the solution: a tuple, array or tensor for a list, a rounded number where the task asks for
a precision, a formula of one's own."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers.exercise_cases import assert_names_slips_and_accepts
from helpers.student_answers import (
    convolve_by_slices,
    convolve_full,
    d,
    off_by_one,
    perturb_comprehension,
    perturb_double_loop,
    perturb_lerp,
    weights_torch,
)
from sklearn.metrics import r2_score

import xaitutor as xt
from xaitutor.methods.lime_image import cosine_distance, kernel, perturb

CHAPTERS = ("start.", "background.", "lime.", "gradcam.", "evaluation.", "toolbox.")
P, X = [0.9, 0.5, 0.2, 0.1, 0.1], [0.0, 0.25, 0.5, 0.75, 1.0]  # the deletion curve of evaluation.auc
# toolbox.occlusion: the right map (mean drop of the windows covering each pixel), and the slips
OCC = np.array([[3, 3.5, 4], [3.5, 4.25, 5], [4, 5, 6]])
OCC_SUM, OCC_MAX = np.array([[3, 7, 4], [7, 17, 10], [4, 10, 6]]), np.array([[3, 4, 4], [4, 6, 6], [4, 6, 6]])


def lime_kernel(distances, width):  # lime's kernel, as a student writes it
    return np.sqrt(np.exp(-(distances**2) / width**2))


OCC_PIXELS = np.array([[1, 0, -1], [0, 2, 3], [2, 0, 1]])


CASES = {
    "start.preprocessed_shape": dict(
        wrong=[
            ((1, 299, 224, 3), "channels first"),
            (("1", "3", "299", "224"), "is text"),
            ((1, 3, 224, 224), "whole picture"),
            ((1, 3, 224, 299), "height comes before width"),
            ((1, 3, 298.67, 224), "round"),
        ],
        right=[[1, 3, 299, 224], torch.Size([1, 3, 299, 224]), np.array([1, 3, 299, 224]), (1.0, 3.0, 299.0, 224.0)],
    ),
    "start.softmax": dict(
        wrong=[
            ([65.9, 24.2, 9.9], "not percentages"),
            ([0.645, 0.323, 0.032], "exponentiates first"),
            ([7.389, 2.718, 1.105], "divide each by the sum"),
            ([0.099, 0.242, 0.659], "logits' order"),
            ([0.5, 0.3, 0.2], "exp(2.0) + exp(1.0)"),
            ([0.66, 0.34], "3 probabilities"),
            ("0.66, 0.24, 0.1", "is text"),
        ],
        right=[[0.66, 0.24, 0.1], torch.tensor([2.0, 1.0, 0.1]).softmax(0), np.array([0.659, 0.242, 0.099])],
    ),
    "start.normalised_red": dict(
        wrong=[
            (397.4, "divide by 255"),
            (1.307, "not ImageNet's"),
            (0.892, "the way back"),
            (0.286, "divide by the std"),
            (1.064, "before dividing"),
            ("0.57", "is text"),
        ],
        right=[0.570, 73 / 128, np.float32(0.5703), torch.tensor(0.5703)],
    ),
    "start.tabby_probability": dict(
        wrong=[
            (281, "the index of 'tabby'"),
            (6.912, "the logit of 'tabby'"),
            (1.0, "over the classes (dim=1)"),
            (14.4, "not a percentage"),
            (0.14, "3 decimals"),
            (-0.5, "lies in [0, 1]"),
            (0.156, "probability of 'tiger cat'"),
        ],
        right=[0.144, 0.1439, torch.tensor(0.14393)],
    ),
    "background.perceptron_update": dict(
        wrong=[
            ([0.5, -1.5, 0.5], "bias w0 is updated too"),
            ([1.0, -0.5, 1.5], "wrong way"),
            ([-0.5, -2.0, 0.0], "twice"),
            ([0.189, -1.311, 0.689], "step function"),
            ([-1.5, 0.5, 0.0], "bias first"),
            (["0", "-1.5", "0.5"], "is text"),
            ([0.5, -1, 1], "did not move"),
        ],
        right=[(0, -1.5, 0.5), np.array([0.0, -1.5, 0.5]), torch.tensor([0.0, -1.5, 0.5])],
    ),
    "background.and_perceptron": dict(
        wrong=[
            ([-0.5, 1, 1], "(0, 1), (1, 0)"),
            ([1, 1, -1.5], "bias last"),
            ([1.5, -1, -1], "NOT AND"),
            ([-1, 1, 1], "sigma(0) = 1"),
            ("-1.5, 1, 1", "is text"),
        ],
        right=[torch.tensor([-2.0, 1.5, 1.0]), (-3, 2, 2), np.array([-1, 0.6, 0.5])],
    ),
    "background.convolve": dict(
        wrong=[
            (
                lambda f, g: [sum(f[n + i] * g[i] for i in range(len(g))) for n in range(len(f) - len(g) + 1)],
                "cross-corr",
            ),
            (lambda f, g: np.correlate(f, g[::-1], "valid"), "calls correlate"),
            (convolve_full, "'full'"),
            (lambda f, g: convolve_full(f, g)[len(g) // 2 : len(g) // 2 + len(f)], "'same'"),
            (off_by_one, "one value short"),
            (lambda f, g: np.convolve(f, g, "valid"), "calls convolve"),
            (lambda f, g: F.conv1d(torch.tensor(f)[None, None], torch.tensor(g).flip(0)[None, None])[0, 0], "conv1d"),
            (lambda f, g: xt.background.convolve(torch.tensor(f), torch.tensor(g)), "calls convolve"),
        ],
        right=[
            convolve_by_slices,
            lambda f, g: [sum(f[n - i] * g[i] for i in range(len(g))) for n in range(len(g) - 1, len(f))],
        ],
    ),
    "background.output_size": dict(
        wrong=[
            (128, "padding"),
            (125, "+ 1 times"),
            (130, "'full'"),
            (42, "stride of 3"),
            ("126", "is text"),
            (126 * 126, "every pixel"),
        ],
        right=[126.0, np.int64(126), torch.tensor(126)],
    ),
    "background.strided_output_size": dict(
        wrong=[
            (109, "forgot the padding"),
            (113, "rounded down"),
            (112.5, "whole pixels"),
            (56, "max-pool"),
            ("112", "is text"),
            (115, "subtract k"),
            (111, "add 1"),
        ],
        right=[112.0, np.float32(112)],
    ),
    "background.conv_parameters": dict(
        wrong=[
            (73728, "bias"),
            (73792, "one bias per output channel"),
            (24704, "9 weights per input channel"),
            ("73856", "is text"),
            (1280, "all 64 input channels"),
        ],
        right=[128 * (64 * 9 + 1), np.int64(73856), 73856.0],
    ),
    "background.receptive_field": dict(
        wrong=[
            (5, "three"),
            (9, "kernel_size - 1"),
            (6, "start from the output pixel"),
            (27, "do not multiply"),
            ("7", "is text"),
            (3, "one layer"),
        ],
        right=[7.0, np.int32(7)],
    ),
    "lime.sample_weights": dict(
        wrong=[
            (
                lambda rows, kernel_width=0.25: np.sqrt(np.exp(-(d(rows) ** 2) / 0.25**2)),
                "do not change with kernel_width",
            ),
            (lambda rows, kernel_width=0.25: np.sqrt(np.exp(-(d(rows) ** 2) / kernel_width)), "kernel_width squared"),
            (lambda rows, kernel_width=0.25: lime_kernel(1 - np.sqrt(rows.mean(axis=0)), kernel_width), "axis=1"),
            (lambda rows, kernel_width=0.25: np.exp(-(d(rows) ** 2) / kernel_width**2), "square root"),
            (lambda rows, kernel_width=0.25: d(rows), "distances"),
            (
                lambda rows, kernel_width=0.25: lime_kernel(np.sqrt(rows.mean(axis=1)), kernel_width),
                "cosine similarity",
            ),
            (
                lambda rows, kernel_width=0.25: lime_kernel(1 - rows.mean(axis=1), kernel_width),
                "fraction of superpixels",
            ),
            (lambda rows, kernel_width=0.5: np.sqrt(np.exp(-(d(rows) ** 2) / kernel_width**2)), "the default kernel"),
            (lambda rows, kernel_width=0.25: kernel(cosine_distance(rows), kernel_width), "cosine_distance and kernel"),
            (lambda rows, kernel_width=0.25: kernel(d(rows), kernel_width), "calls the package's kernel"),
            (
                lambda rows, kernel_width=0.25: np.exp(-(cosine_distance(rows) ** 2) / kernel_width**2) ** 0.5,
                "cosine_dist",
            ),
        ],
        right=[weights_torch, lambda rows, kernel_width=0.25: list(np.exp(-(d(rows) ** 2) / kernel_width**2) ** 0.5)],
    ),
    "lime.weighted_r2": dict(
        wrong=[
            (lambda f, g, pi: 1 - np.sum((f - g) ** 2) / np.sum((f - f.mean()) ** 2), "unweighted"),
            (lambda f, g, pi: 1 - np.sum(pi * (f - g) ** 2) / np.sum(pi * (f - f.mean()) ** 2), "weighted mean"),
            (lambda f, g, pi: r2_score(f, g, sample_weight=pi), "from the formula"),
            (
                lambda f, g, pi: (
                    1 - np.sum(pi**2 * (f - g) ** 2) / np.sum(pi**2 * (f - np.average(f, weights=pi)) ** 2)
                ),
                "pi squared",
            ),
            (lambda f, g, pi: np.sum(pi * (f - g) ** 2) / np.sum(pi * (f - np.average(f, weights=pi)) ** 2), "1 minus"),
            (lambda f, g, pi: [1.0], "one number"),
        ],
        right=[
            lambda f, g, pi: (
                1 - np.average((f - g) ** 2, weights=pi) / np.average((f - np.average(f, weights=pi)) ** 2, weights=pi)
            ),
            lambda f, g, pi: torch.tensor(
                1 - (pi * (f - g) ** 2).sum() / (pi * (f - (pi * f).sum() / pi.sum()) ** 2).sum()
            ),
        ],
    ),
    "lime.perturb": dict(
        wrong=[
            (perturb_double_loop, "a for loop"),
            (perturb_comprehension, "a list comprehension"),
            (lambda p, h, s, r: torch.where(torch.as_tensor(r)[s], p, torch.zeros_like(p)), "black (0)"),
            (lambda p, h, s, r: torch.where(torch.as_tensor(r)[s], h, p), "swapped"),
            (lambda p, h, s, r: torch.as_tensor(r)[s], "one 3 x H x W picture"),
            (lambda p, h, s, r: perturb(p, h, s, r[None])[0], "calls the package's perturb"),
        ],
        right=[perturb_lerp, lambda p, h, s, r: p * torch.as_tensor(r)[s] + h * ~torch.as_tensor(r)[s]],
    ),
    "lime.mean_colour": dict(
        wrong=[
            (0.2, "mean colour change"),
            (1.0, "mean colour change"),
            (-0.5, "against the class"),
            ("0", "is text"),
            (0.0004, "6 decimals"),
            (False, "not a bool"),
        ],
        right=[0, -0.0, np.float32(0), torch.tensor(0.0), 1e-9],
    ),
    "gradcam.cam_scale": dict(
        wrong=[
            (1, "alpha = w / Z"),
            (7, "rows and columns"),
            (18, "not h plus w"),
            (1280, "channels are summed"),
            (75264, "not the picture's pixels"),
            (1 / 77, "multiplies CAM"),
            ("77", "is text"),
            (76, "differentiate"),
        ],
        right=[77, 77.0, np.int64(77), torch.tensor(77)],
    ),
    "gradcam.alpha": dict(
        wrong=[
            (lambda g: F.adaptive_avg_pool2d(g, 1).squeeze(), "squeeze"),
            (lambda g: g.sum(dim=(2, 3)), "summed"),
            (lambda g: g.sum(dim=(2, 3)) / 12, "eq. 3.2"),
            (lambda g: g.amax(dim=(2, 3)), "largest gradient"),
            (lambda g: g.mean(dim=(2, 3), keepdim=True), "shape"),
            (lambda g: g.mean(dim=(0, 2, 3)), "batch"),
            (lambda g: g.clamp(min=0).mean(dim=(2, 3)), "signed"),
            (lambda g: g.mean(dim=1), "spatial dimensions"),
            (3.0, "give a function"),
        ],
        right=[
            lambda g: g.mean(3).mean(2),
            lambda g: F.adaptive_avg_pool2d(g, 1).flatten(1),
            lambda g: g.flatten(2).mean(-1),
        ],
    ),
    "gradcam.heatmap": dict(
        wrong=[
            (lambda a, w: (w[:, :, None, None] * a).sum(1, keepdim=True), "negative values"),
            (
                lambda a, w: (lambda s: (s / s.flatten(1).amax(1)[:, None, None, None]).relu())(
                    (w[:, :, None, None] * a).sum(1, keepdim=True)
                ),
                "normalise",
            ),  # the essay's order
            (lambda a, w: (w.clamp(min=0)[:, :, None, None] * a).sum(1, keepdim=True), "negative weights"),
            (lambda a, w: (w[:, :, None, None] * a).mean(1, keepdim=True).relu(), "averaged the weighted maps"),
            (lambda a, w: (w[:, :, None, None] * a).sum(1).squeeze().relu().unsqueeze(1), "shape"),
            (lambda a, w: (w.view(2, 5, 1, 1) * a).sum(1, keepdim=True).relu(), "RuntimeError"),
        ],
        right=[
            lambda a, w: torch.einsum("nk,nkhw->nhw", w, a).relu()[:, None],
            lambda a, w: F.relu((a * w.view(*w.shape, 1, 1)).sum(1)).unsqueeze(1),
        ],
    ),
    "gradcam.guided_relu": dict(
        wrong=[
            (lambda x, g: g * (x > 0), "plain ReLU backward"),
            (lambda x, g: g.clamp(min=0), "deconvnet"),
            (lambda x, g: ((x > 0) & (g > 0)).float(), "mask only"),
            (lambda x, g: g.clamp(min=0) * x.clamp(min=0), "multiplied by x itself"),
            (lambda x, g: (x * g).clamp(min=0), "both negative"),
            (lambda x, g: g.clamp(min=0) * (x > 0).view(4, 6), "RuntimeError"),
            (lambda x, g: x.tolist(), "return a torch tensor"),
            (lambda x, g: None, "returns None"),
        ],
        right=[
            lambda x, g: torch.where((x > 0) & (g > 0), g, torch.zeros_like(g)),
            lambda x, g: F.relu(g) * (x > 0).float(),
            lambda x, g: g * (g >= 0) * (x > 0),
        ],
    ),
    "evaluation.uniform_share": dict(
        wrong=[
            (0.13, "3 decimals"),
            (0.866, "outside"),
            (13.35, "percentage"),
            (0.1233, "all 8 pictures"),
            ("0.134", "is text"),
            (0.0445, "64 x 64 x 3"),
        ],
        right=[0.134, 0.1335, torch.tensor(547 / 4096), np.float32(round(547 / 4096, 4))],
    ),
    "evaluation.auc": dict(
        wrong=[
            (0.36, "plain mean"),
            (0.425, "left Riemann"),
            (0.225, "right Riemann"),
            (-0.225, "cannot be negative"),
            (0.675, "area above"),
            (1.3, "width"),
            (0.33, "3 decimals"),
            ("0.325", "is text"),
        ],
        right=[0.325, np.trapezoid(P, X), torch.trapezoid(torch.tensor(P), torch.tensor(X)), 0.3249],
    ),
    "evaluation.shortcut": dict(
        wrong=[
            ("blue", "a count"),
            (16, "star-shaped objects"),
            (4, "whatever its shape"),
            (100, "every picture"),
            (0.19, "not a share"),
            (18, "run the model"),
            (19.5, "whole number"),
        ],
        right=[19, 19.0, np.int64(19), torch.tensor(19)],
    ),
    "evaluation.spearman": dict(
        wrong=[
            (0.52, "Pearson"),
            (0.6, "square the rank differences"),
            (0.44, "n (n² - 1)"),
            (6, "put it into"),
            ("0.4", "is text"),
            (0.8, "rank each map"),
        ],
        right=[0.4, 0.40, np.float32(0.4), torch.tensor(0.4), 2 / 5],
    ),
    "toolbox.display_zero": dict(
        wrong=[
            (0, "minimum, -2, goes to 0"),
            (0.5, "not centred"),
            (1 / 3, "whole range"),
            (0.75, "from the top"),
            ("0.25", "is text"),
            (0.3, "min-max scaling sends v"),
        ],
        right=[0.25, 1 / 4, np.float32(0.25), torch.tensor(0.25)],
    ),
    "toolbox.ig_completeness": dict(
        wrong=[
            ([8, 6], "input x gradient"),
            ([4, 2], "gradient at x"),
            ([2.5, 1], "distance travelled"),
            ([3, 3], "+ x1 term"),
            ([3, 5], "wrong order"),
            ([4, 4], "add up to f(x) - f(x') = 8"),
            ("5, 3", "is text"),
            ([5.01, 3], "3 decimals"),
        ],
        right=[(5, 3), np.array([5.0, 3.0]), torch.tensor([5.0, 3.0]), [5.0004, 2.9996]],
    ),
    "toolbox.occlusion": dict(
        wrong=[
            (OCC_SUM, "average them"),
            (-OCC, "sign is flipped"),
            (OCC_PIXELS, "1 x 1 window"),
            (OCC_MAX, "largest drop"),
            (OCC[:2], "nine numbers"),
            (OCC.T * 0 + 4, "four window positions"),
        ],
        right=[OCC.tolist(), torch.tensor(OCC), OCC.reshape(-1), np.round(OCC, 3)],
    ),
    "toolbox.shapley": dict(
        wrong=[
            (2.25, "Banzhaf"),
            (4, "leave one out"),
            (1, "v({A}) alone"),
            (2, "equally"),
            (17 / 6, "B's"),
            (5 / 6, "C's"),
            ("2.333", "is text"),
            (2.33, "3 decimals"),
        ],
        right=[7 / 3, 2.333, np.float32(7 / 3), torch.tensor(7 / 3), [2.3333]],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_check_refuses_the_usual_mistakes_and_accepts_other_right_forms(name):
    assert_names_slips_and_accepts(name, CASES[name]["wrong"], CASES[name]["right"])


@pytest.mark.parametrize("name", [n for n in CASES if n.startswith("background.")])
def test_a_chapter_1_check_says_what_form_of_answer_it_wants(name):
    result = xt.exercises.check(name, "banana")
    assert not result and result.message.startswith("give"), result.message


def test_every_exercise_of_these_chapters_is_tested_here():
    assert {n for n in xt.exercises.names() if n.startswith(CHAPTERS)} == set(CASES)
