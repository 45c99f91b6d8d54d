"""Run each chapter notebook top to bottom in a fresh kernel and print its kernel's peak memory.

Binder gives a student 2 GB for everything they run, so each chapter's kernel must peak at 1.5 GB
or less. The peak is the kernel process's own high-water mark (Linux's ``VmHWM``), read by one extra
cell after the last one: exact, not sampled. The notebooks run from temporary
copies; the committed ones are not touched.

    .venv/bin/python bench/notebook_memory.py                 # every chapter, the committed route
    .venv/bin/python bench/notebook_memory.py --essay         # 03 on resnet18, 04 on vgg16
    .venv/bin/python bench/notebook_memory.py 03_gradcam      # some chapters only
    .venv/bin/python bench/notebook_memory.py --by-cell 03_gradcam   # which cells raise the peak

``--essay`` runs the essay's models one variable away: ``MODEL = "efficientnet_lite0"`` becomes
``resnet18`` (chapter 3) or ``vgg16`` (chapter 4), with weights files of random values in a
temporary ``TORCH_HOME`` (the same size and memory as the real ones; nothing is downloaded).

With torch's default Linux wheel (a CUDA build) a kernel holds about 0.45 GB more than with the
CPU build that Binder's conda environment installs; the table says which build ran.
"""

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

import nbformat
import torch
import torchvision
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MB = 1536
ESSAY = {"03_gradcam": "resnet18", "04_feature_visualization": "vgg16"}
# The kernel's own high-water mark: Linux's VmHWM. (getrusage's ru_maxrss would also count the
# memory of the process that started the kernel, which it inherits across fork and exec.)
PEAK = (
    "import re, resource, sys\n"
    "if sys.platform == 'linux':\n"
    "    print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 2**10)\n"
    "else:  # macOS: bytes\n"
    "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)"
)


def essay_weights(torch_home: Path) -> None:
    """Random-valued weights files where torch's cache keeps the essay's models."""
    from xaitutor.models.torchvision_models import weights_path

    os.environ["TORCH_HOME"] = str(torch_home)
    for name in ("resnet18", "vgg16"):
        path = Path(weights_path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(getattr(torchvision.models, name)(weights=None).state_dict(), path)


def peak_of(path: Path, model: str | None, by_cell: bool = False) -> tuple[float, float]:
    """The kernel's peak RSS in MB and the wall time in s of running ``path`` top to bottom;
    with ``by_cell``, also print each code cell that raised the peak by more than 20 MB."""
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell in code if model else []:
        cell.source = re.sub(r'^MODEL = "efficientnet_lite0"', f'MODEL = "{model}"', cell.source, flags=re.M)
    watched = code if by_cell else code[-1:]
    probes = {id(cell): nbformat.v4.new_code_cell(PEAK) for cell in watched}
    notebook.cells = [
        c for cell in notebook.cells for c in ([cell, probes[id(cell)]] if id(cell) in probes else [cell])
    ]
    start = time.perf_counter()
    NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    seconds = time.perf_counter() - start
    peaks = [float(probes[id(cell)].outputs[0]["text"]) for cell in watched]
    for cell, before, after in zip(watched[1:], peaks, peaks[1:]) if by_cell else ():
        if after - before > 20:
            print(
                f"    +{after - before:4.0f} MB -> {after:5.0f}  cell {code.index(cell)}: "
                f"{cell.source.splitlines()[0][:60]}"
            )
    return peaks[-1], seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", help="notebook names without .ipynb (default: all)")
    parser.add_argument("--essay", action="store_true", help="chapters 3 and 4 on the essay's models")
    parser.add_argument("--by-cell", action="store_true", help="print the cells that raise the peak")
    args = parser.parse_args()
    chapters = args.chapters or sorted(p.stem for p in (ROOT / "notebooks").glob("0*.ipynb"))
    if args.essay:
        chapters = [c for c in chapters if c in ESSAY]
    build = "CUDA" if torch.version.cuda else "CPU"
    print(f"torch {torch.__version__} ({build} build); budget {BUDGET_MB} MB per kernel")
    print(f"{'notebook':28s} {'model':18s} {'peak MB':>8s} {'time s':>7s}")
    with tempfile.TemporaryDirectory() as home:
        if args.essay:
            essay_weights(Path(home))
        for chapter in chapters:
            model = ESSAY.get(chapter) if args.essay else None
            with tempfile.TemporaryDirectory() as folder:  # a copy: outputs are not written back
                copy = Path(folder) / f"{chapter}.ipynb"
                copy.write_bytes((ROOT / "notebooks" / f"{chapter}.ipynb").read_bytes())
                peak, seconds = peak_of(copy, model, args.by_cell)
            flag = "" if peak <= BUDGET_MB else "  over budget"
            print(f"{chapter:28s} {model or 'as committed':18s} {peak:8.0f} {seconds:7.1f}{flag}", flush=True)


if __name__ == "__main__":
    main()
