"""One setting names the course's repository ([project.urls] Repository in pyproject.toml): the
README's badges, the instructors' guide, the book's front page and every chapter's Colab cell
follow it (`make links` rewrites them after the setting changes)."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))
import links  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


@pytest.mark.parametrize("name", links.LINKED)
def test_every_link_names_the_repository_of_the_setting(name):
    text = (ROOT / name).read_text()
    found = [m.group(2) for m in links.LINK.finditer(text)]
    assert found, f"{name} links to the course nowhere"
    assert set(found) == {links.repository()}, f"{name} names {set(found) - {links.repository()}}: run make links"


def test_the_readme_badges_open_the_start_page():
    readme = (ROOT / "README.md").read_text()
    for url in (links.binder_url("00_start_here.ipynb"), links.colab_url("00_start_here.ipynb")):
        assert f"({url})" in readme, f"README has no badge linking to {url}"


def test_the_link_pattern_rewrites_only_links_to_the_course():
    text = (
        "[b](https://mybinder.org/v2/gh/someone/fork/main?urlpath=lab) "
        "https://colab.research.google.com/github/someone/fork/blob/main/x.ipynb "
        "repo=https://github.com/someone/fork&branch=main `git+https://github.com/someone/fork@main` "
        "git clone https://github.com/someone/fork.git, and https://github.com/pytorch/captum"
    )
    rewritten = links.with_links(text)
    assert rewritten.count(links.repository()) == 5
    assert "someone/fork" not in rewritten and "github.com/pytorch/captum" in rewritten


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_chapter_starts_with_the_colab_cell(path):
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert first.source == links.colab_cell(), f"{path.name}: the first code cell is not the Colab cell (make links)"
    assert not any(o.get("output_type") == "error" for o in first.outputs)


def test_the_colab_cell_is_added_once_and_then_kept():
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A chapter"), nbformat.v4.new_code_cell("import xaitutor as xt")]
    )
    twice = links.with_colab_cell(links.with_colab_cell(notebook))
    assert [c.source for c in twice.cells] == ["# A chapter", links.colab_cell(), "import xaitutor as xt"]
    nbformat.validate(twice)
