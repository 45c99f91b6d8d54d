"""Driving JupyterLab in headless Chromium as a student does: open a notebook, run all cells, press
a button, move a slider and see its figure change. Shared by the browser test and the hub test.

Every wait is for a state of the page (a kernel that is idle, a cell that finished, a figure that
changed), never for a fixed time, so that a busy machine only makes the tests slower: PATIENCE_S
bounds how long one step (a cell, a redraw, a page load) may go without progress.
"""

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.needs import CHROMIUM
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

# On a quiet machine the slowest step takes about 6 s (a LIME cell); a hundred times that is the
# longest any one step may go without progress, however busy the machine.
PATIENCE_S = 600
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The status bar's "Python 3 (ipykernel) | Idle" appears only once a kernel is connected and idle
# (the toolbar's execution indicator reads data-status='idle' before any kernel has started).
KERNEL_IDLE = "#jp-main-statusbar .jp-StatusBar-TextItem[title^='Change kernel']:has-text('| Idle')"
CODE_CELLS = "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]"
PROMPTS = f"JSON.stringify({CODE_CELLS}.map(c => c.querySelector('.jp-InputPrompt').textContent.trim()))"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


def new_page(context):
    """A page of ``context`` (a browser or a browser context) whose every wait, clicks too, may
    take PATIENCE_S (Playwright's default: 30 s)."""
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_default_timeout(PATIENCE_S * 1000)
    return page


def open_notebook(page, lab_url: str, path: str) -> None:
    """Open the notebook at ``path`` alone, in a fresh workspace of the JupyterLab at ``lab_url``."""
    workspace = Path(path).stem.replace("_", "-")
    page.goto(f"{lab_url}/workspaces/{workspace}/tree/{path}?reset")


def finished(prompt: str) -> bool:
    return prompt.strip("[]:").isdigit()


def cells_report(page) -> str:
    """Where the notebook stands: the cell running, the last one finished, what went to stderr."""
    cells = page.evaluate(f"""() => {CODE_CELLS}.map((c, i) => ({{
        number: i + 1, prompt: c.querySelector('.jp-InputPrompt').textContent.trim(),
        source: c.querySelector('.cm-line')?.textContent ?? '',
        stderr: [...c.querySelectorAll("[data-mime-type='application/vnd.jupyter.stderr']")]
                .map(o => o.textContent).join('\\n').slice(-800)}}))""")
    running = [c for c in cells if c["prompt"] == "[*]:"][:1]
    done = [c for c in cells if finished(c["prompt"])]
    lines = [f"{len(done)} of {len(cells)} code cells finished"]
    lines += [
        f"{what}: code cell {c['number']} {c['prompt']} {c['source']!r}"
        for what, some in [("running", running), ("last finished", done[-1:])]
        for c in some
    ]
    lines += [f"stderr of code cell {c['number']}: {c['stderr']}" for c in cells if c["stderr"]]
    lines += [f"a dialog is open: {text!r}" for text in page.locator(".jp-Dialog").all_inner_texts()]
    return "\n".join(lines)


def start_all(page) -> str:
    """Run → Run All Cells once the kernel is idle (a click before the kernel is connected runs
    nothing); returns the prompts just after the click, for `wait_all_ran`."""
    page.wait_for_selector(KERNEL_IDLE)
    page.click("li.lm-MenuBar-item:has-text('Run')")
    page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
    return page.evaluate(PROMPTS)


def wait_all_ran(page, name: str, prompts: str) -> None:
    """Wait for as long as cells keep finishing: fail when none has finished for PATIENCE_S, when
    the run stopped half-way, or a dialog came up."""
    while not all(map(finished, json.loads(prompts))):
        if page.locator(".jp-Dialog").count() or ("[*]:" not in prompts and any(map(finished, json.loads(prompts)))):
            pytest.fail(f"{name}: Run All stopped before the last cell\n{cells_report(page)}")
        try:  # until a prompt changes ([ ] -> [*] -> [n]) or a dialog opens
            prompts = page.wait_for_function(
                f"before => ({PROMPTS} !== before || document.querySelector('.jp-Dialog')) && {PROMPTS}",
                arg=prompts,
                polling=500,
            ).json_value()
        except PlaywrightTimeout:
            pytest.fail(f"{name}: no cell finished in {PATIENCE_S} s\n{cells_report(page)}")
    page.wait_for_selector(KERNEL_IDLE)


def press_button(page, text: str) -> None:
    page.locator(f".jp-Notebook .jupyter-widgets button:has-text('{text}')").first.click()


@contextmanager
def figure_changes(page):
    """Fail unless a widget's figure (an <img>) is different after the block than before it."""
    images = "[...document.querySelectorAll('.jupyter-widgets img')].map(e => e.src).join()"
    before = page.evaluate(f"() => {images}")
    yield
    page.wait_for_function(f"before => {images} !== before", arg=before)


def move_slider(page, slider, key: str = "ArrowRight", presses: int = 3) -> None:
    """Press `key` on the slider's handle until its readout shows a new value. Key presses sent
    while the widget view is still settling are lost, so a press is only trusted once seen; each
    try waits twice as long as the one before."""
    readout = slider.locator(".widget-readout")
    start = readout.inner_text()
    handle = slider.locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    wait_ms, waited_ms = 1_000, 0
    while waited_ms < PATIENCE_S * 1000:
        handle.focus()
        for _ in range(presses):
            page.keyboard.press(key)
        try:
            page.wait_for_function(
                "([el, start]) => el.textContent.trim() !== start.trim()",
                arg=[readout.element_handle(), start],
                timeout=wait_ms,
            )
            return
        except PlaywrightTimeout:
            waited_ms, wait_ms = waited_ms + wait_ms, 2 * wait_ms
    pytest.fail(f"the slider stayed at {start} through {PATIENCE_S} s of pressing {key}")
