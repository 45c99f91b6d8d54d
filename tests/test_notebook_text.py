"""The chapters' text keeps two promises (issue 14, item 3).

The start page says that equation numbers refer to the essay: so every number written beside an
equation, or cited as ``eq. N.M``, is one of the essay's, or a lettered part of one of them
(``2.1a``, the course's own breakdown). And no exercise's answer appears in the text before the
exercise asks for it.
"""
import re
from pathlib import Path

import nbformat
import pytest

import xaitutor as xt

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))

# The essay's numbered equations (../shared/seed): six in chapter 1, one (LIME's) in chapter 2,
# two (Grad-CAM's) in chapter 3, three (feature visualization's) in chapter 4.
ESSAY_EQUATIONS = {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "3.1", "3.2", "4.1", "4.2", "4.3"}
TAG = re.compile(r"\\q?quad\s*\((\d+\.\d+[a-z]?)\)")                   # written beside an equation
CITATION = re.compile(r"\beq\.\s*(\d+\.\d+[a-z]?(?:\s*[–-]\s*\d+\.\d+[a-z]?)?)")  # eq. 2.1, eq. 1.3–1.6
NUMBER = re.compile(r"(\d+\.\d+)([a-z]?)")


def equation_numbers(markdown: str) -> list[str]:
    """Every equation number a markdown cell writes as a tag or cites, letters kept."""
    found = TAG.findall(markdown)
    for cited in CITATION.findall(markdown):
        found += ["".join(n) for n in NUMBER.findall(cited)]
    return found


def test_equation_numbers_are_found_in_tags_and_citations():
    text = r"$$x \qquad (2.1)$$ and $g \quad (2.1b)$; see eq. 1.3–1.6 and eq. 2.1a."
    assert equation_numbers(text) == ["2.1", "2.1b", "1.3", "1.6", "2.1a"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_equation_number_is_the_essays(path):
    cells = nbformat.read(path, as_version=4).cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        for number in equation_numbers(cell.source):
            base = NUMBER.fullmatch(number).group(1)
            assert base in ESSAY_EQUATIONS, (
                f"{path.name} cell {index}: equation {number} is not the essay's; number the course's own "
                f"parts of an essay equation with a letter (2.1a), as the start page says")


def test_no_text_names_the_shortcut_colour_before_the_exercise_asks_for_it():
    path = next(p for p in NOTEBOOKS if p.stem == "05_evaluation")
    cells = nbformat.read(path, as_version=4).cells
    exercise = next(i for i, c in enumerate(cells)
                    if c.cell_type == "code" and 'exercises.check("evaluation.shortcut"' in c.source)
    colour = xt.exercises.solution("evaluation.shortcut", show=False)
    before = [i for i, c in enumerate(cells[:exercise])
              if c.cell_type == "markdown" and re.search(rf"\b{colour}\b", c.source, re.IGNORECASE)]
    assert not before, f"markdown cells {before} name {colour!r}, the answer of the exercise in cell {exercise}"
