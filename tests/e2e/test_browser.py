"""The course as students and instructors meet it: JupyterLab in a real browser, and the
lecture decks. Every chapter notebook is opened and run in headless Chromium, its widgets are
checked and one control is moved; one slide deck is opened offline and screenshotted.

Every wait is for a state, never for a fixed time (lab_driver.py), so that a busy machine only
makes the tests slower.

Needs Debian's Chromium (/usr/bin/chromium; `.ci/run` installs it); skipped, saying so, without it,
except under CI.
Screenshots and JupyterLab's log go to build/e2e/.
"""

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from helpers.needs import need_chromium

need_chromium()

from lab_driver import (  # noqa: E402 (after the skip: it imports playwright)
    PATIENCE_S,
    browser,  # noqa: F401 (the fixture: ruff's autofix took it away once)
    figure_changes,
    move_slider,
    new_page,
    press_button,
    start_all,
    wait_all_ran,
)

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
    # Own settings: no autosave, which on a slow machine can rewrite a notebook while the test reads it
    settings = tmp_path_factory.mktemp("settings")
    (settings / "@jupyterlab" / "docmanager-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    port = free_port()
    args = f"--no-browser --port {port} --IdentityProvider.token={TOKEN}"
    env = {
        **os.environ,
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("workspaces")),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    log = SHOTS / "jupyterlab.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            ["make", "-s", "lab", f"NOTEBOOKS={folder}", f"ARGS={args}"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PATIENCE_S
        while True:  # until the server answers (or has exited)
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=PATIENCE_S)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start (exit status {server.poll()}), see {log}")
                time.sleep(0.5)
        yield url, folder
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=PATIENCE_S)


@pytest.fixture(scope="module")
def started(lab, browser, request):
    """Chapters opened and Run All clicked, ahead of their tests: each test starts the next chapter
    before it waits for its own, so that two kernels share the CPU (one alone leaves about a third
    of it idle: Python between torch calls, the browser drawing). Returns ``start(name)`` ->
    ``(page, prompts)``, starting the chapter if it was not yet started."""
    url, _ = lab
    pages = {}

    def start(name: str):
        if name not in pages:
            page = new_page(browser)
            page.goto(f"{url}/lab/workspaces/{name.removesuffix('.ipynb')}/tree/{name}?reset&token={TOKEN}")
            pages[name] = page, start_all(page)
        return pages[name]

    start.upcoming = [
        item.callspec.params["name"]
        for item in request.session.items
        if item.originalname == "test_chapter_runs_in_jupyterlab"
    ]
    yield start
    for page, _ in pages.values():
        if not page.is_closed():
            page.close()


def shut_down_kernel(url: str, name: str) -> None:
    """A chapter's kernel can still be busy when its test ends (04's Run optimises on): stop it,
    so that no more than two chapters share the CPU."""
    for session in json.load(urllib.request.urlopen(f"{url}/api/sessions?token={TOKEN}")):
        if session["path"] == name:
            urllib.request.urlopen(
                urllib.request.Request(f"{url}/api/sessions/{session['id']}?token={TOKEN}", method="DELETE")
            )


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_in_jupyterlab(lab, started, name):
    url, folder = lab
    page, prompts = started(name)
    try:
        later = started.upcoming[started.upcoming.index(name) + 1 :]
        if later:
            started(later[0])
        wait_all_ran(page, name, prompts)
        page.wait_for_function(
            "() => !document.querySelector('.jp-Notebook').textContent.includes('Loading widget...')"
        )
        assert "Error displaying widget" not in page.locator(".jp-Notebook").text_content()

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

        page.click(".jp-NotebookPanel-toolbar [data-command='docmanager:save']")  # then read back what ran
        page.wait_for_selector(".lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)")
        code = [c for c in nbformat.read(folder / name, as_version=4).cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), f"{name}: the saved notebook has cells that did not run"
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    finally:  # a screenshot also when the test failed: it shows what the student would have seen
        page.screenshot(path=str(SHOTS / f"{name.removesuffix('.ipynb')}.png"))
        page.close()
        shut_down_kernel(url, name)


def test_a_lecture_deck_works_offline(browser):
    with_math = [name for name in CHAPTERS if "$$" in (ROOT / "notebooks" / name).read_text()]
    name = (with_math or CHAPTERS)[0].removesuffix(".ipynb")
    subprocess.run(["make", "-s", "slides", f"DECKS=notebooks/{name}.ipynb"], cwd=ROOT, check=True, capture_output=True)
    deck = ROOT / "build" / "slides" / f"{name}.slides.html"
    page = new_page(browser)
    requested = []
    page.route(
        "**/*",
        lambda route: (
            (requested.append(route.request.url), route.abort())
            if route.request.url.startswith("http")
            else route.continue_()
        ),
    )
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready")  # reveal.js initialised
    assert not requested, f"the deck asked the web for {requested[:3]}"
    assert page.evaluate("getComputedStyle(document.querySelector('.reveal')).position") == "relative", (
        "reveal.css not applied"
    )
    if with_math:  # MathJax typeset the equations
        page.wait_for_selector(".MathJax_Display, .MathJax", state="attached")
    # MathJax typesets the whole deck first (for seconds), then again each slide it comes to
    page.evaluate("""MathJax.Hub.Queue(() => window.typeset = true);
        MathJax.Hub.Register.MessageHook('End Rerender', message => window.rendered = [].concat(message?.[1]))""")
    page.wait_for_function("window.typeset")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        if i:  # the next slide (reveal.js, history: true, writes its index into the address), its maths shown
            before = page.evaluate("window.rendered = [], location.hash")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                """hash => location.hash !== hash &&
                window.rendered.includes([...document.querySelectorAll('.reveal section.present')].pop())""",
                arg=before,
            )
        page.screenshot(path=str(SHOTS / f"slides_{name}_{i}.png"), animations="disabled")  # the slide-in ended
