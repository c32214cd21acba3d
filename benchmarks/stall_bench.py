"""Seconds per MB to read and check a real disclosure followed by N unreadable lines.

    uv run python benchmarks/stall_bench.py [--lines 10000 100000 1000000]

Every stage must be linear in the size of a document: the figures per MB stay flat as N grows.
The document is seed 000 (Beijing) with N lines of noise appended after its last table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from budgetdq.checks.runner import check_documents
from budgetdq.lake import Lake
from budgetdq.parse.document import read_document

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "000_586d32f094f53e44.txt"


def noisy(lines: int) -> bytes:
    noise = "\n".join(f"无法识别的行 {i} ？？" for i in range(lines))
    return (SEED.read_text(encoding="utf-8") + "\n" + noise).encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    print(f"{'lines':>9} {'MB':>6} {'read s':>7} {'check s':>8} {'s/MB':>6} {'findings':>9}")
    for lines in args.lines:
        data = noisy(lines)
        started = time.perf_counter()
        document = read_document(data)
        read = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as scratch, Lake(scratch) as lake:
            lake.ingest(document)
            run = check_documents(lake, [document.doc_id])
        total = time.perf_counter() - started
        megabytes = len(data) / 1e6
        print(
            f"{lines:9,} {megabytes:6.1f} {read:7.1f} {total - read:8.1f} "
            f"{total / megabytes:6.2f} {len(run.findings):9,}",
            flush=True,
        )


if __name__ == "__main__":
    main()
