"""A class on a real JupyterHub, on localhost: the set-up docs/instructors.md describes, tested.

The hub (the `jupyterhub` package with npm's configurable-http-proxy from tests/e2e/hub/) logs
three students in with the dummy authenticator and starts each one's JupyterLab with
SimpleLocalProcessSpawner, each home a temporary folder. Each student follows an nbgitpuller link
to a local clone of this repository in headless Chromium: the course is cloned into their home
and opens at the start page. Then all three run chapter 3 at once and move one of its controls,
and each kernel's peak memory (the kernel's own high-water mark, as bench/notebook_memory.py reads
it) must stay within the 1.5 GB a chapter may use. The hub is stopped at the end, servers and all.

Needs Chromium and npm (`.ci/run` installs both); skipped, saying so, without them, except under
CI. The measured memory and CPU per student go to build/e2e/hub.txt; screenshots to build/e2e/.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers.needs import CHROMIUM, need_chromium, need_npm

need_chromium()
need_npm()

from lab_driver import BROWSER_ARGS, figure_changes, move_slider, new_page, open_notebook, start_all, wait_all_ran  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HUB_NPM = Path(__file__).parent / "hub"
PROXY = HUB_NPM / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
SHOTS = ROOT / "build" / "e2e"
STUDENTS = ["ada", "grace", "alan"]
CHAPTER = "03_gradcam.ipynb"
BUDGET_MB = 1536
CONFIG = """
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.pid_file = "{state}/proxy.pid"
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{state}/home/{{username}}"
c.Spawner.cmd = ["{bin}/jupyterhub-singleuser"]
c.Spawner.args = {args}
c.Spawner.default_url = "/lab"
c.Spawner.environment = {{"OMP_NUM_THREADS": "1"}}  # one torch thread per kernel, as docs/instructors.md advises
c.Spawner.start_timeout = 600  # a busy machine starts servers slowly
c.Spawner.http_timeout = 600
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout_s:.0f} s")
        time.sleep(0.5)


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5)
        return True
    except OSError:
        return False


def processes(marker: str) -> list[int]:
    """The ids of the processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                found.append(int(entry.name))
        except OSError:  # the process ended meanwhile
            pass
    return found


def inside(folder: Path) -> list[int]:
    """The ids of the processes started in ``folder`` or below it (the hub, servers, kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cwd").resolve().is_relative_to(folder.resolve()):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def usage(pid: int) -> tuple[float, float, float]:
    """A process's peak and current resident memory in MB (VmHWM, VmRSS: the high-water mark that
    getrusage's ru_maxrss reports to the process itself) and the CPU seconds it used."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    ticks = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13]  # utime, stime
    cpu = sum(int(t) for t in ticks) / os.sysconf("SC_CLK_TCK")
    return int(status["VmHWM"].split()[0]) / 1024, int(status["VmRSS"].split()[0]) / 1024, cpu


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A local clone of the repository (its committed state), with the branch nbgitpuller asks for."""
    clone = tmp_path_factory.mktemp("remote") / "xaitutor"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "-B", "main"], check=True)
    return clone


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A running JupyterHub: its URL and its state folder (homes under home/)."""
    if not PROXY.exists():  # the proxy comes from the project's lock file
        subprocess.run(
            ["npm", "ci", "--prefix", str(HUB_NPM), "--no-audit", "--no-fund", "--loglevel=error"], check=True
        )
    state = tmp_path_factory.mktemp("hub")
    port = free_port()
    args = ["--allow-root"] if os.geteuid() == 0 else []
    (state / "jupyterhub_config.py").write_text(
        CONFIG.format(
            port=port, hub_port=free_port(), api_port=free_port(), proxy=PROXY, state=state, bin=BIN, args=args
        )
    )
    log = open(state / "hub.log", "w")
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    server = subprocess.Popen(
        [BIN / "jupyterhub", "-f", state / "jupyterhub_config.py"],
        cwd=state,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{url}/hub/api/") or server.poll() is not None, "the hub did not answer", 180)
        assert server.poll() is None, f"the hub exited: {(state / 'hub.log').read_text()[-3000:]}"
        yield url, state
    finally:
        server.send_signal(signal.SIGTERM)  # the hub stops every student's server and the proxy
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    left = inside(state)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "processes outlived the hub"
    assert not answers(f"{url}/hub/api/"), "the hub still answers after it was stopped"


def pull_link(hub_url: str, course: Path) -> str:
    """The nbgitpuller link an instructor hands out (docs/instructors.md), to the local clone."""
    return (
        f"{hub_url}/hub/user-redirect/git-pull?repo={quote(course.as_uri(), safe='')}&branch=main"
        f"&urlpath={quote('lab/tree/xaitutor/notebooks/00_start_here.ipynb', safe='')}"
    )


def log_in_and_pull(context, hub_url: str, course: Path, student: str):
    page = new_page(context)
    page.goto(pull_link(hub_url, course))
    page.wait_for_selector("input#username_input")
    page.fill("input#username_input", student)
    page.fill("input#password_input", "any")
    page.click("#login_submit")
    page.wait_for_url("**/lab/tree/xaitutor/notebooks/00_start_here.ipynb*")
    title = page.wait_for_selector(".jp-Notebook .jp-MarkdownCell h1", state="visible")
    assert "start here" in title.inner_text(), f"{student} landed on {title.inner_text()!r}"
    return page


def kernels(page, student: str) -> dict[str, int]:
    """The student's running kernels: notebook path -> kernel process id (from the server's
    sessions API, asked from the student's page with its own cookie and XSRF token)."""
    sessions = page.evaluate(
        """async base => {
        const xsrf = decodeURIComponent((document.cookie.match(/_xsrf=([^;]+)/) || ['', ''])[1]);
        return (await fetch(base + 'api/sessions', {headers: {'X-XSRFToken': xsrf}})).json();
    }""",
        f"/user/{student}/",
    )
    assert isinstance(sessions, list), f"{student}: the sessions API answered {sessions}"
    found = {}
    for session in sessions:
        pids = processes(f"kernel-{session['kernel']['id']}.json")
        assert len(pids) == 1, f"{student}: {len(pids)} processes for the kernel of {session['path']}"
        found[session["path"]] = pids[0]
    return found


def server_pid(home: Path) -> int:
    pids = [pid for pid in processes("jupyterhub-singleuser") if Path(f"/proc/{pid}/cwd").resolve() == home.resolve()]
    assert len(pids) == 1, f"expected one server started in {home}, found {pids}"
    return pids[0]


def test_a_class_on_jupyterhub(hub, course):
    hub_url, state = hub
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        pages, timings = {}, {}
        try:
            started = time.monotonic()
            for student in STUDENTS:  # each in their own browser context: their own login cookie
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                pages[student] = page = log_in_and_pull(context, hub_url, course, student)
                home = state / "home" / student
                assert (home / "xaitutor" / "notebooks" / CHAPTER).exists(), f"{student}: the course was not cloned"
                page.screenshot(path=str(SHOTS / f"hub_{student}_start.png"))
            timings["log in, start, clone, open"] = time.monotonic() - started

            started = time.monotonic()
            prompts = {}
            for student, page in pages.items():  # the three kernels then run chapter 3 at once
                open_notebook(page, f"{hub_url}/user/{student}/lab", f"xaitutor/notebooks/{CHAPTER}")
                prompts[student] = start_all(page)
            for student, page in pages.items():
                wait_all_ran(page, f"{student}'s {CHAPTER}", prompts[student])
            timings[f"run {CHAPTER}"] = time.monotonic() - started

            rows, over = [], []
            for student, page in pages.items():
                body = page.locator(".jp-Notebook").inner_text()
                assert "Traceback" not in body and "Error displaying widget" not in body, f"{student}: {CHAPTER} failed"
                with figure_changes(page):  # one control moved, its figure redrawn
                    move_slider(page, page.locator(".jp-Notebook .widget-slider").first)
                page.screenshot(path=str(SHOTS / f"hub_{student}_{CHAPTER.removesuffix('.ipynb')}.png"))
                running = {path: usage(pid) for path, pid in kernels(page, student).items()}
                chapter = running[f"xaitutor/notebooks/{CHAPTER}"]
                server = usage(server_pid(state / "home" / student))
                total = server[1] + sum(now for _, now, _ in running.values())
                rows.append((student, *chapter, *server, len(running), total))
                over += [(student, path, round(peak)) for path, (peak, _, _) in running.items() if peak > BUDGET_MB]
        except BaseException:  # what each student saw when it failed
            for student, page in pages.items():
                page.screenshot(path=str(SHOTS / f"hub_{student}_failed.png"))
            raise
        finally:
            browser.close()

    steps = ", ".join(f"{step} {s:.0f} s" for step, s in timings.items())
    report = [
        f"{len(STUDENTS)} students at once on {os.cpu_count()} CPUs (load {os.getloadavg()[0]:.1f}): {steps}; "
        f"budget {BUDGET_MB} MB per kernel",
        f"student  {CHAPTER} kernel: peak MB  now MB  CPU s | server: peak MB  now MB  CPU s "
        "| kernels  student's total now MB",
    ]
    report += [
        f"{s:8s} {kp:22.0f} {kn:7.0f} {kc:6.1f} | {sp:15.0f} {sn:7.0f} {sc:6.1f} | {k:7d} {t:20.0f}"
        for s, kp, kn, kc, sp, sn, sc, k, t in rows
    ]
    (SHOTS / "hub.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    assert not over, f"kernels over {BUDGET_MB} MB: {over}"
