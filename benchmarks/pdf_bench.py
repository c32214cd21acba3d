"""Read the four seeds printed as PDFs (as the tests print them) and print pages/s and documents/s.

    uv run python benchmarks/pdf_bench.py [--rounds 3]

For each seed: its pages, the time to extract its text (pdfplumber: words and ruling lines) and the
time for the whole of `read_document` (extraction, then the table readers), best of `--rounds`, on
one core; then the totals, and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

from check_bench import best_of

from budgetdq.parse.document import read_document
from budgetdq.parse.pdf import extract_pdf

ROOT = Path(__file__).resolve().parent.parent


def seed_pdfs() -> dict[str, bytes]:
    """The seeds printed as PDFs by the tests' printer."""
    sys.path.insert(0, str(ROOT))
    from tests.conftest import SEEDS
    from tests.pdfs import seed_pdf

    return {seed: seed_pdf(seed) for seed in SEEDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="runs per document (best kept)")
    args = parser.parse_args()
    print(f"{'seed':<6}{'pages':>6}{'KB':>7}{'extract s':>11}{'read s':>9}{'pages/s':>9}")
    pages = documents = 0
    extract_total = read_total = 0.0
    for seed, data in seed_pdfs().items():
        extracted = extract_pdf(data)
        extract = best_of(args.rounds, lambda data=data: extract_pdf(data))
        read = best_of(args.rounds, lambda data=data: read_document(data))
        pages += extracted.pages
        documents += 1
        extract_total += extract
        read_total += read
        print(
            f"{seed:<6}{extracted.pages:>6}{len(data) / 1e3:>7.0f}{extract:>11.2f}{read:>9.2f}"
            f"{extracted.pages / read:>9.1f}"
        )
    print(
        f"\n{pages} pages in {documents} documents: {pages / read_total:.1f} pages/s, "
        f"{documents / read_total:.2f} documents/s ({read_total / documents:.2f} s per document); "
        f"extraction is {extract_total / read_total:.0%} of the time"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
