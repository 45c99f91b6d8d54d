"""The route Colab takes, minus Google. A fresh virtual environment gets only what Colab ships
that the course uses (pip, ipykernel, torch, torchvision, and what they require), linked from the
environment running the tests rather than unpacked again (5 GB of CUDA wheels: three minutes); a
stand-in `google.colab` module makes each chapter's first cell believe it runs on Colab, so that
cell installs the package itself, from a local clone of the repository, the way it does from
GitHub: a plain `pip install`, no dev extras, not editable. Every chapter then runs top to bottom
under nbval, each in a new kernel of that environment (00 first, then the others two at a time),
from a temporary folder that holds only the notebooks, so that nothing beside them is found by
accident. This is the notebooks' test of `make test` (lax mode: the outputs of cells
tagged `nbval-check-output` must match the committed ones), so each chapter runs once for both.
Times and peaks go to build/e2e/colab.txt.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from importlib.metadata import distribution
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book"))
from links import repository  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("0*.ipynb"))  # 00 first: its cell installs the package
COLAB_SHIPS = ["pip", "ipykernel", "torch", "torchvision"]
STAND_IN = '''"""Stand-in for Colab's own module: only what the course's Colab cell calls."""
def enable_custom_widget_manager():
    pass
'''
# Cells put around a chapter's own: the time its Colab cell takes, and the kernel's peak RSS
# (VmHWM: the kernel's own, where ru_maxrss would inherit the peak of the process that started it).
STARTED = "import time\n_colab_started = time.monotonic()"
INSTALLED = "_colab_seconds = time.monotonic() - _colab_started"
PEAK = """import re
_peak = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 2**10
with open("{report}", "a") as _report:
    print("{name}", _colab_seconds, time.monotonic() - _colab_started, _peak, file=_report)"""


def shipped(names: list[str]) -> list:
    """The installed distributions ``names`` and every one they require, with the extras asked for."""
    found, done, wanted = {}, {}, [(Requirement(name), "") for name in names]
    while wanted:
        requirement, extra = wanted.pop()  # extra: the one its requirer was asked for
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        key = canonicalize_name(requirement.name)
        dist = found.setdefault(key, distribution(requirement.name))
        for asked in {"", *requirement.extras} - done.get(key, set()):
            done.setdefault(key, set()).add(asked)
            wanted += [(Requirement(r), asked) for r in dist.requires or []]
    return list(found.values())


def place(dists: list, site: Path) -> None:
    """Every file of ``dists`` inside their site-packages, hard-linked into ``site`` (copied where
    the two are on different file systems); scripts outside site-packages are left out. A link is
    a file of its own in ``site``: pip may remove it there without touching the original."""
    for dist in dists:
        for name in dist.files:
            if name.parts[0] == "..":
                continue
            source, target = Path(dist.locate_file(name)), site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A fresh environment as Colab starts one, its kernel registered under the name "colab"."""
    base = tmp_path_factory.mktemp("colab")
    venv = base / "venv"
    started = time.monotonic()
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", venv], check=True)  # pip is linked in
    dists = shipped(COLAB_SHIPS)
    site = Path(
        subprocess.run(
            [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    place(dists, site)
    seconds = time.monotonic() - started
    (base / "google" / "colab").mkdir(parents=True)  # a namespace package, as Colab's is
    (base / "google" / "colab" / "output.py").write_text(STAND_IN)
    (base / "google" / "colab" / "__init__.py").write_text("from . import output\n")
    spec = base / "jupyter" / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(venv / "bin" / "python"),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--IPKernelApp.exec_lines=['import google.colab']",
                ],  # Colab's kernels start with it imported
                "display_name": "Colab stand-in",
                "language": "python",
                "env": {"PYTHONPATH": str(base), "PYTHONNOUSERSITE": "1"},
            }
        )
    )
    return base, venv, seconds


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> str:
    """A local clone of the repository as it is now, uncommitted changes included (what `make
    test` is asked to test), which Colab's cell installs from as it does from GitHub."""
    clone = tmp_path_factory.mktemp("remote") / "xaitutor"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    git = ["git", "-C", str(clone), "-c", "user.name=test", "-c", "user.email=test@localhost"]
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source, target = ROOT / name, clone / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():  # deleted in the working tree
            target.unlink()
    subprocess.run([*git, "checkout", "--quiet", "-B", "main"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run([*git, "commit", "--quiet", "--allow-empty", "-m", "the working tree under test"], check=True)
    return clone.as_uri().replace("file://", "file://localhost", 1)  # pip's URLs need a host


def test_every_chapter_runs_on_the_colab_route(colab, clone, tmp_path):
    """nbval over every chapter (the notebooks' test in `make test`), each in a new kernel of the
    Colab environment; around each chapter's Colab cell, cells that time it and read the kernel's peak."""
    base, venv, install_seconds = colab
    folder = tmp_path / "content"  # where Colab opens a notebook: nothing of the repository beside it
    folder.mkdir()
    report = tmp_path / "peaks.txt"
    for path in CHAPTERS:
        notebook = nbformat.read(path, as_version=4)
        first = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
        notebook.cells[first].source = notebook.cells[first].source.replace(f"https://github.com/{repository()}", clone)
        notebook.cells.insert(first + 1, nbformat.v4.new_code_cell(INSTALLED))
        notebook.cells.insert(first, nbformat.v4.new_code_cell(STARTED))
        notebook.cells.append(nbformat.v4.new_code_cell(PEAK.format(report=report, name=path.stem)))
        nbformat.write(notebook, folder / path.name)

    env = {**os.environ, "JUPYTER_PATH": str(base / "jupyter")}
    nbval = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(folder),
        "--nbval-lax",
        "--nbval-kernel-name",
        "colab",
        "--nbval-cell-timeout",
        "900",
    ]
    start, *rest = [folder / path.name for path in CHAPTERS]
    # The first chapter installs the package, as a student's first notebook would; then the others
    # run two at a time (each still in a kernel of its own).
    for run in ([start], ["--numprocesses=2", "--dist=loadfile", *rest]):
        ran = subprocess.run([*nbval, *map(str, run)], cwd=folder, env=env, capture_output=True, text=True)
        assert ran.returncode == 0, f"a chapter failed on the Colab route:\n{ran.stdout[-6000:]}"

    where = subprocess.run(
        [
            venv / "bin" / "python",
            "-c",
            "import xaitutor, importlib.util; print(xaitutor.__file__);print(importlib.util.find_spec('captum'))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert Path(where[0]).is_relative_to(venv), f"xaitutor came from {where[0]}, not from the pip install"
    assert where[1] == "None", "a dev extra (captum) was installed"
    rows = sorted(line.split() for line in report.read_text().splitlines())
    assert [row[0] for row in rows] == [path.stem for path in CHAPTERS], "a chapter did not reach its end"
    lines = [
        f"fresh environment with {' '.join(COLAB_SHIPS)} linked in: {install_seconds:.0f} s",
        "notebook                     Colab cell s  notebook s  kernel peak MB",
    ]
    lines += [
        f"{name:28s} {float(cell):12.1f} {float(total):11.1f} {float(peak):15.0f}" for name, cell, total, peak in rows
    ]
    (ROOT / "build" / "e2e").mkdir(parents=True, exist_ok=True)
    (ROOT / "build" / "e2e" / "colab.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
