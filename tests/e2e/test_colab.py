"""The route Colab takes, minus Google. A fresh virtual environment gets only what Colab ships
that the course uses (ipykernel, torch, torchvision); a stand-in `google.colab` module makes each
chapter's first cell believe it runs on Colab, so that cell installs the package itself, from a
local clone of the repository, the way it does from GitHub: a plain `pip install`, no dev extras,
not editable. Every chapter then runs top to bottom (nbclient), each in a new kernel of that
environment, from a temporary folder that holds only the notebooks, so that nothing beside them
is found by accident. Times and peaks go to build/e2e/colab.txt.
"""
import json
import subprocess
import sys
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book"))
from links import repository  # noqa: E402

CHAPTERS = sorted((ROOT / "notebooks").glob("0*.ipynb"))  # 00 first: its cell installs the package
COLAB_SHIPS = ["ipykernel", f"torch=={version('torch')}", f"torchvision=={version('torchvision')}"]
STAND_IN = '''"""Stand-in for Colab's own module: only what the course's Colab cell calls."""
def enable_custom_widget_manager():
    pass
'''
PEAK = ("import resource\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10)")  # KiB on Linux


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A fresh environment as Colab starts one, its kernel registered under the name "colab"."""
    base = tmp_path_factory.mktemp("colab")
    venv = base / "venv"
    started = time.monotonic()
    subprocess.run([sys._base_executable, "-m", "venv", venv], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", *COLAB_SHIPS], check=True)
    seconds = time.monotonic() - started
    (base / "google" / "colab").mkdir(parents=True)  # a namespace package, as Colab's is
    (base / "google" / "colab" / "output.py").write_text(STAND_IN)
    (base / "google" / "colab" / "__init__.py").write_text("from . import output\n")
    spec = base / "jupyter" / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.exec_lines=['import google.colab']"],  # Colab's kernels start with it imported
        "display_name": "Colab stand-in", "language": "python",
        "env": {"PYTHONPATH": str(base), "PYTHONNOUSERSITE": "1"}}))
    return base, venv, seconds


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> str:
    """A local clone of the repository, as Colab's cell reaches the real one on GitHub."""
    clone = tmp_path_factory.mktemp("remote") / "xaitutor"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "-B", "main"], check=True)
    return clone.as_uri().replace("file://", "file://localhost", 1)  # pip's URLs need a host


def test_every_chapter_runs_on_the_colab_route(colab, clone, tmp_path, monkeypatch):
    base, venv, install_seconds = colab
    monkeypatch.setenv("JUPYTER_PATH", str(base / "jupyter"))
    folder = tmp_path / "content"  # where Colab opens a notebook: nothing of the repository beside it
    folder.mkdir()
    for path in CHAPTERS:
        notebook = nbformat.read(path, as_version=4)
        first = next(cell for cell in notebook.cells if cell.cell_type == "code")
        first.source = first.source.replace(f"https://github.com/{repository()}", clone)
        notebook.cells.append(nbformat.v4.new_code_cell(PEAK))
        nbformat.write(notebook, folder / path.name)

    rows = []
    for path in CHAPTERS:
        notebook = nbformat.read(folder / path.name, as_version=4)
        started = time.monotonic()
        client = NotebookClient(notebook, timeout=900, kernel_name="colab", resources={"metadata": {"path": str(folder)}})
        client.on_cell_executed = _stop_unless_installed
        client.execute()
        seconds = time.monotonic() - started
        install = next(cell for cell in notebook.cells if cell.cell_type == "code")
        timing = {k: datetime.fromisoformat(v) for k, v in install.metadata["execution"].items()}
        cell_seconds = (timing["shell.execute_reply"] - timing["iopub.execute_input"]).total_seconds()
        rows.append((path.stem, cell_seconds, seconds, float(notebook.cells[-1].outputs[0]["text"])))

    where = subprocess.run([venv / "bin" / "python", "-c", "import xaitutor, importlib.util; print(xaitutor.__file__);"
                            "print(importlib.util.find_spec('captum'))"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert Path(where[0]).is_relative_to(venv), f"xaitutor came from {where[0]}, not from the pip install"
    assert where[1] == "None", "a dev extra (captum) was installed"
    report = [f"fresh environment with {' '.join(COLAB_SHIPS)}: {install_seconds:.0f} s",
              "notebook                     Colab cell s  notebook s  kernel peak MB"]
    report += [f"{name:28s} {cell:12.1f} {total:11.1f} {peak:15.0f}" for name, cell, total, peak in rows]
    (ROOT / "build" / "e2e").mkdir(parents=True, exist_ok=True)
    (ROOT / "build" / "e2e" / "colab.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))



def _stop_unless_installed(cell, cell_index, execute_reply):
    """Fail at the Colab cell, with pip's words, when its install went wrong."""
    said = "".join(o.get("text", "") for o in cell.outputs)
    if cell.source.startswith("# On Colab only") and "ERROR" in said:
        pytest.fail(f"the Colab cell did not install the package: {said[-2000:]}")
