"""Chapter 6's table: the shipped one covers every method with every measure, and one of its rows
is made again here by the command's own code."""

import pytest

from xaitutor.evaluation import comparison
from xaitutor.evaluation.contenders import CONTENDERS, contender


def test_the_shipped_table_has_every_method_of_the_course_with_every_measure():
    table = comparison.load_table()
    assert [row["method"] for row in table] == [c.name for c in CONTENDERS]
    for row in table:
        assert set(comparison.FIELDS) <= set(row), row["method"]
        assert 0 <= row["pointing"] <= 1 and 0 <= row["energy"] <= 1 and -1 <= row["sanity"] <= 1
        assert row["reveals_shortcut"] == (row["share_shortcut"] <= 0.5 * row["share_clean"])
        assert row["pictures"] >= 1 and row["seconds"] > 0
    text = comparison.show(table)
    assert len(text.splitlines()) == len(table) + 1 and "Kernel SHAP" in text


def test_a_row_of_the_shipped_table_is_made_again():
    shipped = {row["method"]: row for row in comparison.load_table()}["Grad-CAM"]
    again = comparison.measure(contender("Grad-CAM"))
    for field in comparison.FIELDS:
        if field != "seconds":  # the CPU's
            assert again[field] == pytest.approx(shipped[field], abs=0.01), field
    assert again["pictures"] == 1, "Grad-CAM is one forward pass"


def test_an_unknown_method_is_named_with_the_known_ones():
    with pytest.raises(KeyError, match="Grad-CAM"):
        contender("Grad-CAM+++")
