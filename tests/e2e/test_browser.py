"""The course as students and instructors meet it: JupyterLab in a real browser, and the
lecture decks. Every chapter notebook is opened and run in headless Chromium, its widgets are
checked and one control is moved; one slide deck is opened offline and screenshotted.

Needs Debian's Chromium (/usr/bin/chromium; `.ci/run` installs it); skipped, saying so, without it.
Screenshots go to build/e2e/.
"""
import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped",
                allow_module_level=True)

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "e2e"
CHAPTERS = sorted(p.name for p in (ROOT / "notebooks").glob("0*.ipynb"))
TOKEN = "xaitutor-e2e"
# The controls each chapter's test works: a button to press first, a slider (its label) and the key
# pressed on it, and a button to press after. Each step must change a figure. Chapters not named
# here move their first slider to the right.
CONTROLS = {
    # LIME runs only when asked; then the number of superpixels shown only redraws. (Moving Samples
    # before Explain races: ipywidgets may deliver the click before the slider's last value.)
    "02_lime.ipynb": ("Explain", "Superpixels", "ArrowRight", None),
    "04_feature_visualization.ipynb": (None, "Steps/octave", "ArrowLeft", "Run"),  # optimising waits for Run
}
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab started as `make lab` starts it, serving copies of the notebooks without their
    outputs (running them in the browser must not rewrite the committed ones, and what the test
    reads back must be what the browser ran and saved)."""
    folder = tmp_path_factory.mktemp("notebooks")
    for name in CHAPTERS:
        notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, folder / name)
    port = free_port()
    args = f"--no-browser --port {port} --IdentityProvider.token={TOKEN}"
    env = {**os.environ, "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("workspaces"))}
    server = subprocess.Popen(["make", "-s", "lab", f"NOTEBOOKS={folder}", f"ARGS={args}"], cwd=ROOT, env=env,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 120 s")
        yield url, folder
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def run_all(page, tries: int = 3) -> None:
    """Run → Run All Cells, again if no cell started within 30 s (a click that comes before the
    kernel is connected runs nothing)."""
    for _ in range(tries):
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))", timeout=30_000)
            return
        except PlaywrightTimeout:
            pass
    pytest.fail(f"Run All started no cell in {tries} tries")


def press_button(page, text: str) -> None:
    page.locator(f".jp-Notebook .jupyter-widgets button:has-text('{text}')").first.click()


@contextmanager
def figure_changes(page, timeout_ms: int = 120_000):
    """Fail unless a widget's figure (an <img>) is different after the block than before it."""
    images = "[...document.querySelectorAll('.jupyter-widgets img')].map(e => e.src).join()"
    before = page.evaluate(f"() => {images}")
    yield
    page.wait_for_function(f"before => {images} !== before", arg=before, timeout=timeout_ms)


def move_slider(page, slider, key: str, presses: int = 3, tries: int = 10) -> None:
    """Press `key` on the slider's handle until its readout shows a new value. Key presses sent
    while the widget view is still settling are lost, so a press is only trusted once seen."""
    readout = slider.locator(".widget-readout")
    start = readout.inner_text()
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    for _ in range(tries):
        handle.focus()
        for _ in range(presses):
            page.keyboard.press(key)
        try:
            page.wait_for_function("([el, start]) => el.textContent.trim() !== start.trim()",
                                   arg=[readout.element_handle(), start], timeout=2_000)
            return
        except PlaywrightTimeout:
            pass
    pytest.fail(f"the slider stayed at {start} after {tries} tries of {presses} x {key}")


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_in_jupyterlab(lab, browser, name):
    url, folder = lab
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{url}/lab/workspaces/{name.removesuffix('.ipynb')}/tree/{name}?reset&token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        run_all(page)
        page.wait_for_function(
            """() => {
                 const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                 return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)) &&
                        document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
               }""",
            timeout=300_000, polling=1000)
        body = page.locator(".jp-Notebook").inner_text()
        assert "Error displaying widget" not in body
        assert "Loading widget..." not in body

        first, label, key, after = CONTROLS.get(name, (None, None, "ArrowRight", None))
        if first:
            with figure_changes(page):
                press_button(page, first)
        slider = ".jp-Notebook .widget-slider" + (f":has(.widget-label:text-is('{label}'))" if label else "")
        if page.locator(slider).count():  # move one control and check that a figure changed
            with figure_changes(page):
                move_slider(page, page.locator(slider).first, key)
                if after:
                    press_button(page, after)

        page.keyboard.press("Control+s")  # then read back what ran: no cell may show an error
        page.wait_for_selector(".lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)", timeout=30_000)
        code = [c for c in nbformat.read(folder / name, as_version=4).cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), f"{name}: the saved notebook has cells that did not run"
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    finally:  # a screenshot also when the test failed: it shows what the student would have seen
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name.removesuffix('.ipynb')}.png"))
        page.close()


def test_a_lecture_deck_works_offline(browser):
    subprocess.run(["make", "-s", "slides"], cwd=ROOT, check=True, capture_output=True)
    with_math = [name for name in CHAPTERS if "$$" in (ROOT / "notebooks" / name).read_text()]
    name = (with_math or CHAPTERS)[0].removesuffix(".ipynb")
    deck = ROOT / "build" / "slides" / f"{name}.slides.html"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requested = []
    page.route("**/*", lambda route: (requested.append(route.request.url), route.abort())
               if route.request.url.startswith("http") else route.continue_())
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)  # reveal.js initialised
    assert not requested, f"the deck asked the web for {requested[:3]}"
    assert page.evaluate("getComputedStyle(document.querySelector('.reveal')).position") == "relative", "reveal.css not applied"
    if with_math:  # MathJax typeset the equations
        page.wait_for_selector(".MathJax_Display, .MathJax", state="attached", timeout=30_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        page.screenshot(path=str(SHOTS / f"slides_{deck.name.split('.')[0]}_{i}.png"))
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(500)
