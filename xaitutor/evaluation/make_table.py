"""``make table``: measure every method of chapter 6's table and write it into the package
(``which_method.json``); ``python -m xaitutor.evaluation.make_table [METHOD ...]`` measures the
methods named again and keeps the other rows.

The cost of a photo is measured first, one method at a time on one thread, with nothing else
running (the fastest of three measurements for a method under a second). Then two worker processes
of one thread each share the rest, one seed of the shapes models (or the grid of photos) of one
method at a time, the slowest methods first, so that both CPU cores stay busy where one process
would leave one idle (the imputations, superpixels and small batches run on one thread). Ctrl-C
writes the rows whose every part is done."""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import torch
from tqdm.auto import tqdm

from .comparison import MEASURES, SEEDS, TABLE, load_table, measure_grid, per_picture, row_of
from .contenders import CONTENDERS, contender
from .photo_scores import photo_cost

WORKERS = 2


def main(names, path: Path | None = None) -> None:
    """Measure ``names`` (all by default) and write them into the shipped table (or ``path``)."""
    entries = [contender(n) for n in (names or [c.name for c in CONTENDERS])]
    rows = {r["method"]: r for r in (load_table() if names else [])}
    start = time.perf_counter()
    torch.set_num_threads(1)  # the seconds are one thread's, as on a small laptop
    photo_cost(contender("LIME"), num_samples=8)  # warm up: the first call pays for imports, not work
    costs = {e.name: _cost(e) for e in tqdm(entries, desc="cost of a photo", unit="method")}
    entries.sort(key=lambda e: -costs[e.name]["pictures"])  # the slowest first: no long tail
    jobs = [(e.name, seed) for e in entries for seed in (*SEEDS, "grid")]
    parts = {}
    spawn = multiprocessing.get_context("spawn")  # a fork would copy the parent's thread pools
    with ProcessPoolExecutor(WORKERS, mp_context=spawn, initializer=torch.set_num_threads, initargs=(1,)) as pool:
        futures = {pool.submit(_part, *job): job for job in jobs}
        try:
            for future in tqdm(as_completed(futures), total=len(jobs), desc="table", unit="part"):
                parts[futures[future]] = future.result()
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            print("interrupted: the table keeps the rows whose every part is done", flush=True)
    done = [e for e in entries if all((e.name, part) in parts for part in (*SEEDS, "grid"))]
    for e in done:
        scores = [parts[e.name, seed] for seed in SEEDS]
        rows[e.name] = {**row_of(e, scores, SEEDS), "grid": parts[e.name, "grid"], **costs[e.name]}
    write_table(rows.values(), path)
    for e in done:  # a measure not taken for a method (None) is left out
        print(f"{e.name}: " + ", ".join(f"{f} {rows[e.name][f]['mean']:.2f}" for f in MEASURES if rows[e.name][f]))
    print(f"{time.perf_counter() - start:.0f} s", flush=True)


def _cost(entry) -> dict:
    """The cost of a photo: one measurement, or the fastest of three under a second (where a
    first call's set-up would count as much as the work)."""
    cost = photo_cost(entry)
    if cost["seconds"] < 1:
        cost = min((cost, photo_cost(entry), photo_cost(entry)), key=lambda c: c["seconds"])
    return cost


def _part(name: str, seed):
    """One job of a worker: the shapes measures under one seed, or the grid on the photos."""
    return measure_grid(contender(name)) if seed == "grid" else per_picture(contender(name), seed)


def write_table(rows, path: Path | None = None) -> None:
    """Write ``rows`` into the shipped table (or ``path``), in the order of :data:`CONTENDERS`."""
    order = [c.name for c in CONTENDERS]
    path = path or Path(__file__).with_name(TABLE)
    path.write_text(json.dumps(sorted(rows, key=lambda r: order.index(r["method"])), indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
