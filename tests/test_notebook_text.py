"""The chapters' text keeps its promises to the student.

The start page says that equation numbers refer to the essay: so every number written beside an
equation, or cited as ``eq. N.M``, is one of the essay's, or a lettered part of one of them
(``2.1a``, the course's own breakdown). No exercise's answer appears in the text before the
exercise asks for it. And the code a student reads holds no instruction meant for the tests: what
nbval checks is said in a cell's tags (``nbval-check-output``), never in a comment that opens it.
"""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import xaitutor as xt
from xaitutor.data.shapes import CUE_NAMES

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))

# The essay's numbered equations (../shared/seed): six in chapter 1, one (LIME's) in chapter 2,
# two (Grad-CAM's) in chapter 3, three (feature visualization's) in chapter 4.
ESSAY_EQUATIONS = {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "3.1", "3.2", "4.1", "4.2", "4.3"}
TAG = re.compile(r"\\q?quad\s*\((\d+\.\d+[a-z]?)\)")  # written beside an equation
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
                f"parts of an essay equation with a letter (2.1a), as the start page says"
            )


def test_no_text_gives_away_the_shortcut_exercise_before_it_asks():
    # the exercise asks how many pictures the shortcut model calls "star": neither that count nor
    # star's background colour (from which it follows) may be written above it
    path = next(p for p in NOTEBOOKS if p.stem == "05_evaluation")
    cells = nbformat.read(path, as_version=4).cells
    exercise = next(
        i for i, c in enumerate(cells) if c.cell_type == "code" and 'exercises.check("evaluation.shortcut"' in c.source
    )
    count = xt.exercises.solution("evaluation.shortcut", show=False)
    colour = CUE_NAMES[xt.data.shapes(1).classes.index("star")]
    answers = re.compile(rf"(?<![\d.]){count}(?![\d.])|\b{colour}\b", re.IGNORECASE)
    before = [i for i, c in enumerate(cells[:exercise]) if c.cell_type == "markdown" and answers.search(c.source)]
    assert not before, f"markdown cells {before} give away {count} or {colour!r}, the exercise in cell {exercise}"


NBVAL_COMMENT = re.compile(r"^\s*#\s*NBVAL_\w+", re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_code_cell_holds_an_nbval_marker_comment(path):
    cells = nbformat.read(path, as_version=4).cells
    marked = [i for i, c in enumerate(cells) if c.cell_type == "code" and NBVAL_COMMENT.search(c.source)]
    assert not marked, (
        f"{path.name} cells {marked} hold an # NBVAL_ comment: put it in the cell's tags "
        "instead (nbval-check-output, nbval-ignore-output, nbval-skip)"
    )


def test_every_chapter_checks_some_output_by_tag():
    tagged = {
        p.stem: sum(
            bool({"nbval-check-output", "check-numbers"} & set(c.metadata.get("tags", [])))
            for c in nbformat.read(p, as_version=4).cells
        )
        for p in NOTEBOOKS
    }
    assert all(tagged.values()), f"chapters without a checked output: {[k for k, v in tagged.items() if not v]}"


def test_nbval_compares_a_cell_tagged_to_be_checked(tmp_path):
    """The tags do what the comments did, with the nbval installed: a tagged cell whose committed
    output differs from what it prints fails, an untagged one does not."""
    cell = nbformat.v4.new_code_cell(
        "print(6 * 7)", execution_count=1, outputs=[nbformat.v4.new_output("stream", text="41\n")]
    )
    for name, tags, fails in [("tagged", ["nbval-check-output"], True), ("untagged", [], False)]:
        cell.metadata["tags"] = tags
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / f"{name}.ipynb")
        ran = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", f"{name}.ipynb"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert (ran.returncode != 0) == fails, ran.stdout[-2000:]
        assert ("41" in ran.stdout and "42" in ran.stdout) == fails, ran.stdout[-2000:]  # the diff shown


LONGEST_CELL = 15  # lines: a code cell a student reads at a glance; longer helpers go into the package


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_is_short(path):
    cells = nbformat.read(path, as_version=4).cells
    long = {i: len(c.source.splitlines()) for i, c in enumerate(cells) if c.cell_type == "code"}
    long = {i: n for i, n in long.items() if n > LONGEST_CELL}
    assert not long, f"{path.name}: cells {long} (cell: lines) are longer than {LONGEST_CELL} lines: split them"
