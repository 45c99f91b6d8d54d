"""The book as a reader meets it: `make book`, then every page opened in headless Chromium with
every request to another host refused. Each page's figures load, its math is typeset and its
widgets render, every chapter has its Binder and Colab links, and search finds "Grad-CAM".

Needs Chromium and npm (`.ci/run` installs both); skipped, saying so, without them, except under
CI. Screenshots go to build/e2e/book_*.png.
"""

import functools
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers.needs import need_chromium, need_npm

need_chromium()
need_npm()

from lab_driver import browser  # noqa: E402,F401 (the fixture)
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book"))
from links import binder_url, colab_url  # noqa: E402

BOOK = ROOT / "build" / "book"
SHOTS = ROOT / "build" / "e2e"
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("0*.ipynb"))
# What a page shows once it is ready: every figure decoded, every math node typeset by MathJax
# (no error), every stored widget view rendered. (An Image widget's picture, a blob: URL, shows
# only what the stored widget state kept, which may be nothing.)
STATE = """() => ({
    images: document.images.length,
    broken: [...document.images].filter(i => !i.src.startsWith('blob:') && (!i.complete || i.naturalWidth === 0))
                                 .map(i => i.src),
    math: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('.math .MathJax_CHTML').length,
    mathErrors: document.querySelectorAll('.mjx-merror').length,
    views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
    rendered: [...document.querySelectorAll('.jupyter-widgets')]
        .filter(e => !e.parentElement.closest('.jupyter-widgets')).length,
    widgetErrors: document.body.innerText.includes('Error displaying widget'),
})"""
READY = f"""() => {{ const s = ({STATE})(); return s.broken.length === 0 && s.typeset === s.math &&
                    s.rendered >= s.views; }}"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def book():
    """`make book`, then the book served on localhost as a reader's web server would serve it."""
    made = subprocess.run(["make", "-s", "book"], cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0, f"make book failed (a warning fails it):\n{made.stderr[-4000:]}"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(BOOK)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def open_offline(browser, url: str, base: str):
    """A page at ``url`` that may load nothing from outside ``base``; returns it with the list of
    what it asked the web for and the script errors it raised."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    elsewhere, errors = [], []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(base)
            else (elsewhere.append(route.request.url), route.abort())
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, elsewhere, errors


def pages() -> list[str]:
    return sorted(str(p.relative_to(BOOK)) for p in BOOK.rglob("*.html") if "_static" not in p.parts)


def test_every_page_works_offline(book, browser):
    names = pages()
    assert {f"notebooks/{c}.html" for c in CHAPTERS} <= set(names), "a chapter has no page"
    assert any(n.startswith("reference/") for n in names), "the book has no reference"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in names:
        page, elsewhere, errors = open_offline(browser, book + name, book)
        try:
            try:
                page.wait_for_function(READY, timeout=120_000, polling=100)
            except PlaywrightTimeout:
                pytest.fail(f"{name} did not finish rendering: {page.evaluate(STATE)}")
            state = page.evaluate(STATE)
            assert not elsewhere, f"{name} asked the web for {elsewhere[:3]}"
            assert not errors, f"{name}: {errors[:3]}"
            assert not state["mathErrors"] and not state["widgetErrors"], f"{name}: {state}"
            if name.startswith("notebooks/"):
                chapter = Path(name).stem
                for link in (binder_url(f"{chapter}.ipynb"), colab_url(f"{chapter}.ipynb")):
                    assert page.locator(f'a[href="{link}"]').count(), f"{name} has no link to {link}"
                assert state["images"], f"{name} shows no figure"
                page.screenshot(path=str(SHOTS / f"book_{chapter}.png"))
                shown = page.locator(".jupyter-widgets" if state["views"] else "div.math, .cell_output img").first
                shown.scroll_into_view_if_needed()  # a widget view, else an equation or a figure
                page.screenshot(path=str(SHOTS / f"book_{chapter}_inside.png"))
            elif name in ("index.html", "reference/xaitutor.html"):
                page.screenshot(path=str(SHOTS / f"book_{name.replace('/', '_').removesuffix('.html')}.png"))
        finally:
            page.close()


def test_search_finds_grad_cam(book, browser):
    page, elsewhere, errors = open_offline(browser, book + "search.html?q=Grad-CAM", book)
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=60_000)
        # Sphinx adds the hits one by one, best first, and the API reference ranks its modules named
        # for Grad-CAM above the chapter: wait for the search to finish before reading them.
        page.wait_for_function(
            "() => /found/i.test(document.querySelector('#search-results .search-summary')?.innerText || '')",
            timeout=60_000,
        )
        hits = page.locator("#search-results ul.search li a").evaluate_all("links => links.map(a => a.href)")
        assert any("notebooks/03_gradcam.html" in hit for hit in hits), f"Grad-CAM's chapter not found: {hits[:5]}"
        assert not elsewhere and not errors
        page.screenshot(path=str(SHOTS / "book_search.png"))
    finally:
        page.close()
