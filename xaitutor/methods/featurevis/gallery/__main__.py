"""``python -m xaitutor.methods.featurevis.gallery [NAME ...]``: make the gallery's pictures (all,
or the named entries) and store them as PNG files in the package (what ``make gallery`` runs)."""

import argparse
import time

from . import ENTRIES, write

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("names", nargs="*", help=f"entries to make (default: all {len(ENTRIES)})")
names = parser.parse_args().names
start = time.perf_counter()
paths = write(names or None)
print(f"{len(paths)} pictures written to {paths[0].parent} in {time.perf_counter() - start:.0f} s")
