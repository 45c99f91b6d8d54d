"""The book's glossary (book/glossary.md): every link opens a section of a chapter that exists and
that uses the term, so that a renamed heading or a moved definition fails here, not in a reader's
browser. Anchors are the slugs MyST gives headings (its GitHub-style slugify, levels 1 to 3)."""

import re
from pathlib import Path

import nbformat
import pytest
from myst_parser.slugs import github_slugify

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| (?P<term>[^|]+?) \| .+ \| \[[^\]]+\]\((?P<notebook>notebooks/[^#)]+)#(?P<slug>[^)]+)\) \|$")
ROWS = [m.groupdict() for m in map(ROW.match, (ROOT / "book" / "glossary.md").read_text().splitlines()) if m]


def sections(path: Path) -> dict[str, str]:
    """Each heading's slug and the markdown under it, down to the next heading of its level or above."""
    lines = [
        line
        for c in nbformat.read(path, as_version=4).cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
    ]
    headings = [
        (i, len(m.group(1)), m.group(2)) for i, line in enumerate(lines) if (m := re.match(r"(#{1,3}) (.+)", line))
    ]
    found = {}
    for k, (start, level, title) in enumerate(headings):
        end = next((i for i, lv, _ in headings[k + 1 :] if lv <= level), len(lines))
        found[github_slugify(title)] = "\n".join(lines[start:end])
    return found


def test_the_glossary_has_its_terms():
    assert len(ROWS) >= 12 and {"softmax", "ReLU", "SSIM", "Spearman correlation"} <= {r["term"] for r in ROWS}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["term"])
def test_each_link_opens_a_section_that_uses_the_term(row):
    path = ROOT / row["notebook"]
    assert path.exists(), f"{row['notebook']} does not exist"
    found = sections(path)
    assert row["slug"] in found, f"no heading of {path.name} has the anchor #{row['slug']}"
    word = row["term"].split()[0].rstrip("²").lower()
    assert word in found[row["slug"]].lower(), f"the section #{row['slug']} does not say {row['term']!r}"
