"""The notebooks' checked outputs hold on another machine.

Machines of one kind still differ in what changes a float's last bits: the CPU's vector
instructions (numpy, PyTorch, MKL and oneDNN each pick their kernels for the CPU at hand: a sort
that orders ties differently, a sum taken in another order), the number of threads, and how many
pictures go through a network at once. So every chapter runs again here as it would on a machine
one tier of vector instructions below this one (AVX2 where this one has AVX-512, SSE where it has
AVX2), on one thread where ``make notebooks`` uses two, and with every batch of pictures split
differently; then

* a cell tagged ``nbval-check-output`` (what nbval compares as text on the Colab route) must print
  exactly what was committed: it holds only what is exact (integers, shapes, labels, booleans);
* a cell tagged ``check-numbers`` prints floats: the same text around them, and each number within
  one unit of its last printed digit of the committed one (0.79 may come back as 0.78, not 0.70;
  47% as 48%), an integer that is not a percentage exactly.

Times go to build/e2e/another_machine.txt.
"""

import difflib
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy
import torch
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
EXACT, NUMBERS = "nbval-check-output", "check-numbers"

# Run in every kernel before the chapter: each batch a method sends through the network is about
# half the size it would be (the default budget and a batch_size given explicitly alike).
SPLIT_BATCHES = """
import sys
import xaitutor.resolve

_resolve_batch_size = xaitutor.resolve.resolve_batch_size

def _split(*args, **kwargs):
    return max(1, (_resolve_batch_size(*args, **kwargs) + 1) // 2)

for _module in [m for name, m in sys.modules.items() if name.startswith("xaitutor")]:
    if getattr(_module, "resolve_batch_size", None) is _resolve_batch_size:
        _module.resolve_batch_size = _split
"""

# PyTorch's own kernels, MKL's and oneDNN's: the setting one tier below each capability.
TORCH_BELOW = {"AVX512": ("avx2", "AVX2", "AVX2"), "AVX2": ("default", "SSE4_2", "SSE41")}
NUMBER = re.compile(r"-?\d[\d,]*(?:\.(\d+))?(?:e([-+]?\d+))?(%?)")


def one_tier_down() -> dict[str, str]:
    """Environment variables that make numpy, PyTorch, MKL and oneDNN run the kernels of a CPU one
    tier of vector instructions below this one (none of them OpenBLAS's own settings)."""
    env = {}
    cpu = getattr(numpy, "_core", None) or numpy.core
    dispatched = [t for t in cpu._multiarray_umath.__cpu_dispatch__ if cpu._multiarray_umath.__cpu_features__.get(t)]
    if dispatched:  # numpy: drop its highest targets, or its only one
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(dispatched[1:] or dispatched)
    capability = torch.backends.cpu.get_cpu_capability()
    if capability in TORCH_BELOW:
        aten, mkl, onednn = TORCH_BELOW[capability]
        env.update(ATEN_CPU_CAPABILITY=aten, MKL_ENABLE_INSTRUCTIONS=mkl, ONEDNN_MAX_CPU_ISA=onednn)
    return env


def printed(cell) -> str:
    """What a code cell printed: its standard output and the text of its results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type == "execute_result":
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def numbers_agree(committed: str, now: str) -> bool:
    """The same text around the numbers, and each number within one unit of its last printed digit."""
    if NUMBER.sub("#", committed) != NUMBER.sub("#", now):
        return False
    for old, new in zip(NUMBER.finditer(committed), NUMBER.finditer(now)):
        decimals, exponent, percent = old.group(1), int(old.group(2) or 0), old.group(3)
        unit = 10.0 ** (exponent - len(decimals or "")) if decimals or exponent or percent else 0.0
        if abs(_value(old) - _value(new)) > unit * (1 + 1e-9):
            return False
    return True


def _value(number: re.Match) -> float:
    return float(number.group(0).rstrip("%").replace(",", ""))


def test_numbers_agree_within_one_unit_of_their_last_digit():
    assert numbers_agree(
        "R² = 0.79, 12 superpixels, 47%, |x| = 2.5e-05", "R² = 0.78, 12 superpixels, 48%, |x| = 2.6e-05"
    )
    assert not numbers_agree("R² = 0.79", "R² = 0.70")
    assert not numbers_agree("12 superpixels", "13 superpixels")  # a count is exact
    assert not numbers_agree("P = 0.9 -> 1", "P = 0.9 -> 0")
    assert not numbers_agree("tabby 14%", "tiger cat 14%")  # the text around them too
    assert numbers_agree("4,652,008 numbers", "4,652,008 numbers") and not numbers_agree("4,652,008", "4,652,009")


def differences(path: Path, env: dict) -> tuple[list[str], float]:
    """Run one chapter under ``env`` up to its last checked cell (what follows cannot change a checked
    output); the checked cells whose output differs, as diffs."""
    committed = nbformat.read(path, as_version=4)
    run = nbformat.read(path, as_version=4)
    checked = [i for i, cell in enumerate(run.cells) if {EXACT, NUMBERS} & set(cell.metadata.get("tags", []))]
    run.cells = run.cells[: max(checked, default=-1) + 1]
    started = time.monotonic()
    NotebookClient(run, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute(
        env=env
    )
    found = []
    for index, (old, new) in enumerate(zip(committed.cells, run.cells)):
        tags = old.metadata.get("tags", [])
        before, after = printed(old), printed(new)
        if (EXACT in tags and before != after) or (NUMBERS in tags and not numbers_agree(before, after)):
            diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "committed", "now", lineterm="")
            found.append(f"{path.name} cell {index} ({' '.join(tags)}):\n" + "\n".join(diff))
    return found, time.monotonic() - started


def test_checked_outputs_hold_on_another_machine(tmp_path):
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-split-batches.py").write_text(SPLIT_BATCHES)
    changed = {**one_tier_down(), "OMP_NUM_THREADS": "1"}
    env = {**os.environ, **changed, "IPYTHONDIR": str(tmp_path / "ipython")}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:  # two chapters at a time, each in its own kernel
        results = list(pool.map(lambda path: differences(path, env), CHAPTERS))
    conditions = " ".join(f"{k}={v!r}" for k, v in changed.items())
    lines = [f"every batch split in two, {conditions}: {time.monotonic() - started:.0f} s in all"]
    lines += [f"{path.stem:28s} {seconds:6.1f} s" for path, (_, seconds) in zip(CHAPTERS, results)]
    (ROOT / "build" / "e2e").mkdir(parents=True, exist_ok=True)
    (ROOT / "build" / "e2e" / "another_machine.txt").write_text("\n".join(lines) + "\n")
    found = [diff for diffs, _ in results for diff in diffs]
    assert not found, f"{len(found)} checked outputs differ on another machine ({lines[0]}):\n\n" + "\n\n".join(found)
