"""Chapter 6's table: the shipped one covers every method with every measure, each a mean inside
its interval, and one of its rows is made again here by the command's own code."""

import json

import pytest

from xaitutor.evaluation import comparison, make_table, table_view
from xaitutor.evaluation.contenders import CONTENDERS, contender

FIELDS = comparison.MEASURES + comparison.VARIANTS


def test_the_shipped_table_has_every_method_with_every_measure_and_its_interval():
    table = comparison.load_table()
    assert [row["method"] for row in table] == [c.name for c in CONTENDERS]
    for row in table:
        assert row["seeds"] == list(comparison.SEEDS), row["method"]
        for field in FIELDS:
            value = row[field]
            if value is None:  # SmoothMPRT only smooths maps made by one backward pass
                assert field == "smooth_mprt" and not comparison.one_gradient(contender(row["method"]))
                continue
            assert value["low"] <= value["mean"] <= value["high"], (row["method"], field)
            widest = 1.0 if field == "efficient_mprt" else 0.5  # a relative rise of entropy, not a share
            assert value["high"] - value["low"] < widest, (row["method"], field)
        assert 0 <= row["pointing"]["mean"] <= 1 and 0 <= row["energy"]["mean"] <= 1
        assert row["shortcut"]["mean"] == pytest.approx(row["energy"]["mean"] - row["share_shortcut"]["mean"], abs=2e-3)
        assert all(len(row["by_seed"][f]) == len(comparison.SEEDS) for f in comparison.SHAPES_MEASURES if row[f])
        assert row["pictures"] >= 1 and row["seconds"] > 0
    text = table_view.show(table)
    assert len(text.splitlines()) == len(table) + 1 and "Kernel SHAP" in text
    smoothed = {row["method"] for row in table if row["smooth_mprt"] is not None}
    assert {"Grad-CAM", "saliency", "input x gradient", "LRP", "DeepLIFT"} <= smoothed
    assert not smoothed & {"LIME", "Kernel SHAP", "occlusion", "RISE", "Score-CAM"}  # forwards only
    assert not smoothed & {"SmoothGrad", "integrated gradients"}  # 32 gradients averaged already


def test_make_table_makes_a_row_of_the_shipped_table_again_and_keeps_the_others(tmp_path):
    table = comparison.load_table()
    make_table.main(["Grad-CAM"], path=tmp_path / "table.json")
    made = json.loads((tmp_path / "table.json").read_text())
    assert [row for row in made if row["method"] != "Grad-CAM"] == [r for r in table if r["method"] != "Grad-CAM"]
    shipped, again = (next(row for row in rows if row["method"] == "Grad-CAM") for rows in (table, made))
    for field in FIELDS:
        for part in ("mean", "low", "high"):  # 600 picture-seeds: one pointing hit more is 0.002
            assert again[field][part] == pytest.approx(shipped[field][part], abs=0.01), (field, part)
    for field, means in shipped["by_seed"].items():
        assert again["by_seed"][field] == pytest.approx(means, abs=0.01), field
    assert again["pictures"] == shipped["pictures"] == 1 and again["seconds"] > 0


def test_the_plot_draws_every_method_under_each_measure():
    table = comparison.load_table()
    fig = table_view.plot(table, ["pointing", "sanity"])
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [r["method"] for r in table]
    assert "lower is better" in fig.axes[1].get_title()


def test_an_unknown_method_is_named_with_the_known_ones():
    with pytest.raises(KeyError, match="Grad-CAM"):
        contender("Grad-CAM+++")
