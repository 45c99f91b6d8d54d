"""``python -m xaitutor.attacks.results [NAME ...]``: make chapter 9's measured results (all, or the
named entries) and store them in the package (what ``make attacks`` runs)."""

import argparse
import time

from . import ENTRIES, write

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("names", nargs="*", help=f"entries to make (default: all {len(ENTRIES)}): {', '.join(ENTRIES)}")
names = parser.parse_args().names
start = time.perf_counter()
for name in names or ENTRIES:
    paths = write([name])
    print(f"{name}: {', '.join(p.name for p in paths)} in {time.perf_counter() - start:.0f} s", flush=True)
