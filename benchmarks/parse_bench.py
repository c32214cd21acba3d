"""Parse the four seed documents repeatedly on one core and print documents/s and MB/s.

uv run python benchmarks/parse_bench.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from budgetdq.parse.document import read_document

SITE = Path(__file__).resolve().parent.parent / "examples" / "site"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to run")
    args = parser.parse_args()
    documents = [path.read_bytes() for path in sorted(SITE.glob("*.txt"))]
    for data in documents:  # warm up imports and caches
        read_document(data)
    count = size = 0
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for data in documents:
            read_document(data)
            count += 1
            size += len(data)
    elapsed = time.perf_counter() - start
    print(f"parsed {count} documents ({size / 1e6:.1f} MB) in {elapsed:.2f} s on one core")
    print(f"{count / elapsed:.1f} documents/s, {size / 1e6 / elapsed:.2f} MB/s")
    for path in sorted(SITE.glob("*.txt")):
        data = path.read_bytes()
        runs = 20
        start = time.perf_counter()
        for _ in range(runs):
            read_document(data)
        per_doc = (time.perf_counter() - start) / runs
        print(f"  {path.name}: {len(data) / 1e3:.0f} kB, {per_doc * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
