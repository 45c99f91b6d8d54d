"""Chapter 9's exercises: each accepts a right answer written another way than the solution and
names each usual slip; the fragility exercise reads the shipped table."""

import numpy as np
import pytest
import torch

import xaitutor as xt
from xaitutor.attacks import results
from xaitutor.exercises import attacks as ex

RIGHT = {
    "attacks.fgsm_linear": [(0.1, 0.5, 0.5, 0.8), np.array([0.1, 0.5, 0.5, 0.8]), torch.tensor([0.1, 0.5, 0.5, 0.8])],
    "attacks.softplus_hessian": [[0, 0.197], (0.0, 0.19661), np.array([0.0, 0.1966])],
}
SLIPS = {
    "attacks.fgsm_linear": [
        ([0.3, 0.3, 0.7, 0.8], "raises z"),
        ([0.15, 0.5, 0.4, 0.8], "eps times the gradient"),
        ([0.25, 0.3, 0.8, 0.8], "the wrong way"),
        ([0.1, 0.5, 0.5, 0.7], "sign(0) is 0"),
        ([0.1, 0.3, 0.5, 0.7], "the sign of the picture"),
        ([0.5, 0.5, 0.5, 0.5], "find the sign of dL/dx"),
        ("x - eps", "four numbers"),
    ],
    "attacks.softplus_hessian": [
        ([2, 1.193], "the first derivatives"),
        ([0, 1.193], "softplus's slope"),
        ([2, 0.197], "ReLU's slope"),
        ([0, 0.393], "left out the - ReLU"),
        ([0, 0.590], "minus sign"),
        ([1, 1], "ReLU'' is 0"),
    ],
}


@pytest.mark.parametrize(("name", "answer"), [(n, a) for n, answers in RIGHT.items() for a in answers])
def test_right_answers_in_any_form_pass(name, answer):
    assert xt.exercises.check(name, answer)


@pytest.mark.parametrize(("name", "answer", "hint"), [(n, a, h) for n, slips in SLIPS.items() for a, h in slips])
def test_each_slip_is_named(name, answer, hint):
    result = xt.exercises.check(name, answer)
    assert not result and hint in str(result)


def test_the_fragility_exercise_reads_the_shipped_table_and_names_its_slips():
    rows = {(r["method"], r["change"], r["eps"]): r for r in results.load("fragility")}
    right = [rows[(m, "random", 8)]["top-k"] for m in ("saliency", "Grad-CAM")]
    assert xt.exercises.check("attacks.topk_survival", [round(v, 2) for v in right])
    slips = {
        "top-k attack's rows": [rows[(m, "top-k attack", 8)]["top-k"] for m in ("saliency", "Grad-CAM")],
        "rank correlations": [rows[(m, "random", 8)]["spearman"] for m in ("saliency", "Grad-CAM")],
        "wrong order": right[::-1],
    }
    for hint, answer in slips.items():
        result = xt.exercises.check("attacks.topk_survival", answer)
        assert not result and hint in str(result)


class ExerciseModel(torch.nn.Module):
    """The exercise's classifier: z = w . x + b on the first channel's four pixels, as two logits
    (-z/2, z/2), whose softmax gives class 1 the probability sigmoid(z)."""

    def forward(self, x):
        z = x[:, 0, 0] @ torch.tensor(ex.W, dtype=x.dtype) + ex.B
        return torch.stack([-z / 2, z / 2], dim=1)


def test_the_fgsm_step_by_hand_is_the_packages():
    clf = xt.models.wrap(ExerciseModel(), mean=0.0, std=1.0, labels=["0", "1"], input_size=None)
    x = torch.zeros(1, 3, 1, 4)
    x[0, 0, 0] = torch.tensor(ex.X)
    attacked = xt.attacks.fgsm(clf, x, eps=ex.EPS, progress=False)
    np.testing.assert_allclose(attacked[0, 0, 0].numpy(), ex._fgsm_solver(), atol=1e-6)
