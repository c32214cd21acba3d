"""Backfill a synthetic corpus and print throughput, peak memory, the floor and detection recall.

    uv run python benchmarks/backfill_bench.py [--docs 1000] [--batch 200] [--workers 2]
                                               [--corpus DIR] [--no-floor]

1. `synth.py` writes `--docs` disclosures with defects injected at 5 % (or `--corpus DIR` names
   one written before: `python benchmarks/synth.py DIR --docs N --defect-rate 0.05 --seed 7`).
2. The floor (unless `--no-floor`): the same documents parsed in the same process pool, ingested
   a batch at a time and checked with every rule as plain DuckDB SQL (as `check_bench.py`
   translates them): no GX, no alerts, no Prefect.
3. The backfill as `budgetdq backfill` runs it (`budgetdq.backfill`): GX, fingerprints, alerts.
4. Detection recall: the injected defects (manifest) with a finding of the expected check at
   their line.

Documents/s count from the first document read to the last batch committed; the GX import (a few
seconds, once per process) is timed apart. Peak memory is the largest resident set of this process
and of any one parsing process.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from check_bench import row_rule_sql
from synth import generate

from budgetdq.checks.catalog import load_suites
from budgetdq.lake import Lake
from budgetdq.parse.document import ParsedDocument, read_document
from budgetdq.settings import Settings
from budgetdq.sources import FolderSource


def _read(path: Path) -> ParsedDocument:
    return read_document(path.read_bytes(), str(path))


def floor(corpus: Path, lake_root: Path, batch: int, workers: int) -> float:
    """Seconds to parse, ingest and check (plain SQL) the corpus: the work without the tools."""
    queries = []  # `{batch}` is the kind's rows, as in the GX runner
    for suite in load_suites():
        for check in suite.checks:
            if check.is_query:
                sql = check.expectation["kwargs"]["unexpected_rows_query"]
            else:
                sql = row_rule_sql(check.expectation, "{batch}")
            if sql is not None:
                queries.append(sql.replace("{batch}", f'"{check.table}"'))
    paths = sorted(corpus.glob("*.txt"))
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool, Lake(lake_root) as lake:
        for first in range(0, len(paths), batch):
            documents = list(pool.map(_read, paths[first : first + batch], chunksize=8))
            lake.ingest_many(documents)
            doc_ids = [d.doc_id for d in documents]
            with lake.scoped(doc_ids):
                for sql in queries:
                    lake.db.execute(sql).fetchall()
    return time.perf_counter() - start


def full(corpus: Path, lake_root: Path, batch: int, workers: int) -> tuple[float, float, int]:
    """(seconds, GX import seconds, findings) of the backfill."""
    from budgetdq.backfill import backfill

    mark = time.perf_counter()
    from budgetdq.checks.engine import GxEngine

    engine = GxEngine()
    imported = time.perf_counter() - mark
    with Lake(lake_root) as lake:
        done = backfill(
            lake,
            [FolderSource(name="corpus", path=corpus)],
            Settings(),
            workers=workers,
            batch=batch,
            engine=engine,
        )
    return done.seconds, imported, done.findings


def recall(corpus: Path, lake_root: Path) -> tuple[int, int]:
    defects = json.loads((corpus / "manifest.json").read_text())["defects"]
    with Lake(lake_root, read_only=True) as lake:
        found = set(
            lake.query(
                'SELECT d.url, f.line, f."check" FROM findings f '
                "JOIN disclosures d ON d.sha256 = f.doc_id"
            )
        )
    hits = sum((str(corpus / d["file"]), d["line"], d["check"]) in found for d in defects)
    return hits, len(defects)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, help="a corpus synth.py wrote (default: a new one)")
    parser.add_argument("--no-floor", dest="floor", action="store_false")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backfill-bench-") as scratch:
        corpus = args.corpus or Path(scratch) / "corpus"
        if args.corpus is None:
            generate(corpus, args.docs, 0.05, seed=7)
        n = json.loads((corpus / "manifest.json").read_text())["documents"]
        floor_seconds = (
            floor(corpus, Path(scratch) / "floor", args.batch, args.workers) if args.floor else None
        )
        seconds, imported, findings = full(corpus, Path(scratch) / "lake", args.batch, args.workers)
        hits, injected = recall(corpus, Path(scratch) / "lake")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{n} documents, batches of {args.batch}, {args.workers} parsing processes")
    if floor_seconds is not None:
        print(
            f"  floor (parse + plain SQL):  {floor_seconds:7.1f} s  {n / floor_seconds:6.1f} docs/s"
        )
    print(f"  backfill (GX, alerts):      {seconds:7.1f} s  {n / seconds:6.1f} docs/s")
    if floor_seconds is not None:
        print(f"  ratio to the floor:         {seconds / floor_seconds:7.1f} x")
    print(f"  GX import (not counted):    {imported:7.1f} s")
    print(f"  findings {findings}; recall {hits}/{injected} injected defects found")
    print(f"  peak memory: {peak:.0f} MB (main), {children:.0f} MB (largest parsing process)")


if __name__ == "__main__":
    main()
