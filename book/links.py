"""Where the course lives, and every link built from it: one setting, `[project.urls] Repository`
in pyproject.toml.

The README's badges, the book's launch buttons, the Colab install cell of every chapter and the
instructors' guide all name the repository this setting gives. After changing it, run
`make links`: it rewrites the links in those files and adds the Colab cell to any chapter that
lacks it. `tests/test_links.py` fails while a file still names another repository.
"""

import re
import sys
from pathlib import Path

import nbformat
import tomllib

ROOT = Path(__file__).resolve().parents[1]
BRANCH = "main"
# Files that name the course's repository in a launch, clone or install link.
LINKED = ["README.md", "docs/instructors.md", "book/index.md"]
# The forms of link that point at the course (links to other projects on GitHub stay as they are).
LINK = re.compile(
    r"(mybinder\.org/v2/gh/|colab\.research\.google\.com/github/|repo=https://github\.com/"
    r"|git\+https://github\.com/|git clone https://github\.com/)([\w.-]+/[\w.-]+?)(?=[/@&\s)\"'`]|\.git|$)"
)
COLAB_MARK = "# On Colab only:"


def repository() -> str:
    """The course's GitHub repository, as ``owner/name``."""
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    return url.removeprefix("https://github.com/").strip("/")


def binder_url(notebook: str) -> str:
    """Binder's link that opens ``notebooks/<notebook>`` in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{repository()}/{BRANCH}?urlpath=lab/tree/notebooks/{notebook}"


def colab_url(notebook: str) -> str:
    """Colab's link that opens ``notebooks/<notebook>`` from GitHub."""
    return f"https://colab.research.google.com/github/{repository()}/blob/{BRANCH}/notebooks/{notebook}"


def colab_cell() -> str:
    """The first code cell of every chapter: on Colab (and only there) it installs the package once,
    keeping what Colab ships where it satisfies the package, and turns on the widget manager that
    renders ipywidgets 8; elsewhere it does nothing."""
    return f"""{COLAB_MARK} install the course's package once (a few seconds if already there)
import sys

if "google.colab" in sys.modules:
    import importlib.util
    if importlib.util.find_spec("xaitutor") is None:
        %pip install --quiet "xaitutor @ git+https://github.com/{repository()}@{BRANCH}"
    from google.colab import output
    output.enable_custom_widget_manager()  # the explorers are ipywidgets 8 widgets"""


def with_links(text: str) -> str:
    """``text`` with every link to the course naming the repository of the setting."""
    return LINK.sub(lambda m: m.group(1) + repository(), text)


def with_colab_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` with the Colab cell as its first code cell (replaced if there, else inserted)."""
    code = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    first = code[0] if code else len(notebook.cells)
    if code and notebook.cells[first].source.startswith(COLAB_MARK):
        notebook.cells[first].source = colab_cell()
    else:
        cell = nbformat.v4.new_code_cell(colab_cell())
        cell.id = "colab-install"
        cell.metadata = {"slideshow": {"slide_type": "skip"}}  # not part of a lecture deck
        notebook.cells.insert(first, cell)
    return notebook


def main() -> None:
    """Rewrite the links and the Colab cells from the setting; print what changed."""
    for name in LINKED:
        path = ROOT / name
        text = path.read_text()
        if with_links(text) != text:
            path.write_text(with_links(text))
            print(f"rewrote the links in {name}")
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        if nbformat.writes(with_colab_cell(notebook)) != before:
            nbformat.write(notebook, path)
            print(f"set the Colab cell of {path.name}")
    print(f"links name {repository()}", file=sys.stderr)


if __name__ == "__main__":
    main()
