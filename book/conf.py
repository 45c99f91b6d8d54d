"""Sphinx configuration of the course book (built by book/make_book.py, `make book`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from links import BRANCH, repository  # noqa: E402  (the one setting that names the repository)
from make_book import SOURCES  # noqa: E402

import xaitutor  # noqa: E402

project = "xaitutor: explainable AI for convolutional networks"
author = "the xaitutor authors"
release = xaitutor.__version__
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
exclude_patterns = ["_static", "**/.ipynb_checkpoints"]

# The notebooks are committed executed: the book shows their outputs and runs nothing.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # links between notebooks' sections
suppress_warnings = ["mystnb.unknown_mime_type"]

# Everything a page loads is in _static/ (book/make_book.py copies it from slides/node_modules).
html_static_path = [str(SOURCES / "_static"), "static"]
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS_CHTML"
# MathJax 2 (the version the slides use); myst-nb marks a notebook's text as ignored by MathJax
# except its math nodes and outputs, which is MathJax 3's option: the same classes for MathJax 2.
mathjax2_config = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
    }
}
nb_ipywidgets_js = {
    "requirejs/require.js": {},
    "require-base.js": {},
    "@jupyter-widgets/html-manager/dist/embed-amd.js": {},
}

html_theme = "sphinx_book_theme"
html_title = "xaitutor"
html_theme_options = {
    "repository_url": f"https://github.com/{repository()}",
    "repository_branch": BRANCH,
    "path_to_docs": "",  # a chapter's page name is its path in the repository: notebooks/NAME
    "use_repository_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
