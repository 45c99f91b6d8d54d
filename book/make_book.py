"""`make book`: the course as a static HTML book in build/book/, read without running anything.

The chapters are the committed, executed notebooks (not re-run); the reference has one page per
public module of the package, found by walking it, so it follows the package's layout; the
instructors' guide is docs/instructors.md. MathJax, require.js and the widget manager come from
the npm packages of slides/package.json, so the book needs no network to build or to read.
"""

import importlib
import pkgutil
import shutil
import sys
from pathlib import Path

from sphinx.cmd.build import build_main

import xaitutor

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
SOURCES = ROOT / "build" / "book-src"
OUT = ROOT / "build" / "book"
NPM = ROOT / "slides" / "node_modules"
# Local copies of the web assets, into the book's _static/ (what MathJax 2 and the widget manager
# load at view time; MathJax's unpacked sources and other fonts stay out).
ASSETS = [
    "mathjax/MathJax.js",
    "mathjax/config",
    "mathjax/extensions",
    "mathjax/jax",
    "mathjax/fonts/HTML-CSS/TeX/woff",
    "requirejs/require.js",
    "@jupyter-widgets/html-manager/dist",
]
WIDGET_FONTS = "@jupyter-widgets/html-manager/dist/*.woff*"  # also wanted beside @jupyter-widgets/base


def public_modules(package=xaitutor) -> list[str]:
    """The dotted names of the package and of each of its modules with no private part."""
    names = [package.__name__] + [m.name for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
    return [n for n in names if not any(part.startswith("_") for part in n.split("."))]


def reference_page(module: str) -> str:
    """One reference page: the module's docstring, then its public members' docstrings. A package
    re-exports its modules' names: its page shows them too, indexed where they are defined."""
    is_package = hasattr(importlib.import_module(module), "__path__")
    options = "   :members:\n" + ("   :no-index:\n" if is_package else "")
    return f"# {module}\n\n```{{eval-rst}}\n.. automodule:: {module}\n{options}```\n"


def write_sources(dest: Path = SOURCES) -> None:
    """Lay out the book's sources in ``dest``: pages, notebooks, reference, web assets."""
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "notebooks").mkdir(parents=True)
    for page in ("index.md", "glossary.md"):
        shutil.copy(BOOK / page, dest)
    shutil.copy(ROOT / "docs" / "instructors.md", dest)
    for notebook in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        shutil.copy(notebook, dest / "notebooks")
    modules = public_modules()
    (dest / "reference").mkdir()
    for module in modules:
        (dest / "reference" / f"{module}.md").write_text(reference_page(module))
    toc = "\n".join(modules)
    (dest / "reference" / "index.md").write_text(
        "# Reference\n\nThe package's public modules, from their docstrings.\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n"
    )
    for asset in ASSETS:
        source, target = NPM / asset, dest / "_static" / asset
        if not source.exists():
            sys.exit(f"{source} is missing: run `npm ci --prefix slides` (make book does)")
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    for font in NPM.glob(WIDGET_FONTS):
        shutil.copy(font, dest / "_static" / "@jupyter-widgets")


def main() -> int:
    write_sources()
    shutil.rmtree(OUT, ignore_errors=True)
    # -c: conf.py stays in book/; -W: a warning (a docstring docutils misreads, a skipped heading
    # level) fails the build, after listing them all; tests/e2e/test_book.py checks the pages
    return build_main(["-b", "html", "-q", "-W", "--keep-going", "-c", str(BOOK), str(SOURCES), str(OUT)])


if __name__ == "__main__":
    sys.exit(main())
