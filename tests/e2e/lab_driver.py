"""Driving JupyterLab in headless Chromium as a student does: run all cells, wait until every one
ran, move a slider and see its figure change. Each step waits for a state of the page, never for
a fixed time, with time-outs long enough for a busy machine."""
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
ALL_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)) &&
           document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
}"""


def open_notebook(page, lab_url: str, path: str) -> None:
    """Open the notebook at ``path`` alone, in a fresh workspace of the JupyterLab at ``lab_url``,
    and wait until its kernel is idle."""
    workspace = Path(path).stem.replace("_", "-")
    page.goto(f"{lab_url}/workspaces/{workspace}/tree/{path}?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)


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


def wait_all_ran(page, timeout_ms: int = 600_000) -> None:
    """Wait until every code cell shows an execution count and the kernel is idle."""
    page.wait_for_function(ALL_RAN, timeout=timeout_ms, polling=1000)


@contextmanager
def figure_changes(page, timeout_ms: int = 180_000):
    """Fail unless a widget's figure (an <img>) is different after the block than before it."""
    images = "[...document.querySelectorAll('.jupyter-widgets img')].map(e => e.src).join()"
    before = page.evaluate(f"() => {images}")
    yield
    page.wait_for_function(f"before => {images} !== before", arg=before, timeout=timeout_ms)


def move_slider(page, slider, key: str = "ArrowRight", presses: int = 3, tries: int = 10) -> None:
    """Press ``key`` on the slider's handle until its readout shows a new value. Key presses sent
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
                                   arg=[readout.element_handle(), start], timeout=5_000)
            return
        except PlaywrightTimeout:
            pass
    pytest.fail(f"the slider stayed at {start} after {tries} tries of {presses} x {key}")
