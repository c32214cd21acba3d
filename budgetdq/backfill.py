"""Backfill: a whole corpus processed in batches, parsing in parallel, one writer.

The sources are polled once (every document stored as a version), then the pending versions are
processed a batch at a time: read in a pool of processes, which also write their Parquet files,
then registered together, checked together (one GX run per batch) and their alerts planned. Only
this process writes the DuckDB catalogue, so writes never contend, and a document's files are read
only once it is registered. A batch is committed before the next starts; a backfill stopped halfway
resumes with the versions still pending.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from budgetdq.checks.engine import GxEngine
from budgetdq.lake import Lake, write_files
from budgetdq.parse.document import ParsedDocument, read_document
from budgetdq.parse.limits import Limits
from budgetdq.pipeline import Watched, process_versions, watch
from budgetdq.registry import Registry, Version
from budgetdq.settings import Settings
from budgetdq.sources.model import Source

__all__ = ["Backfilled", "backfill"]

DEFAULT_BATCH = 200


@dataclass
class Backfilled:
    """What a backfill did."""

    watched: Watched
    documents: int = 0
    checked: int = 0
    quarantined: int = 0
    findings: int = 0
    batches: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def backfill(
    lake: Lake,
    sources: list[Source],
    settings: Settings,
    *,
    workers: int | None = None,
    batch: int = DEFAULT_BATCH,
    engine: GxEngine | None = None,
    started: Callable[[int], None] = lambda total: None,
    advanced: Callable[[int], None] = lambda done: None,
) -> Backfilled:
    """Process every new document of `sources`; `started(total)` and `advanced(n)` report progress."""
    start = time.perf_counter()
    result = Backfilled(watch(lake, sources))
    pending = Registry(lake).pending()
    started(len(pending))
    engine = engine or GxEngine()
    with ProcessPoolExecutor(workers or os.cpu_count() or 1) as pool:

        def read(versions: list[Version]) -> list[Future[ParsedDocument]]:
            return [
                pool.submit(_read, v.raw_path, v.url, settings.limits, lake.root) for v in versions
            ]

        batches = list(_batches(pending, batch))
        reading = read(batches[0]) if batches else []
        for number, versions in enumerate(batches):
            documents = [future.result() for future in reading]
            # The next batch is read while this one is written and checked (two batches in memory).
            reading = read(batches[number + 1]) if number + 1 < len(batches) else []
            processed = process_versions(
                lake, versions, settings, engine=engine, documents=documents
            )
            result.batches += 1
            result.documents += len(versions)
            result.checked += len(processed.checked)
            result.quarantined += len(processed.quarantined)
            result.findings += len(processed.run.findings) if processed.run else 0
            advanced(len(versions))
    result.seconds = time.perf_counter() - start
    return result


def _batches(versions: list[Version], size: int) -> Iterator[list[Version]]:
    for first in range(0, len(versions), size):
        yield versions[first : first + size]


def _read(path: Path, url: str, limits: Limits, lake: Path) -> ParsedDocument:
    """Read a document and write its Parquet files (in a pool process; the parent registers it)."""
    document = read_document(path.read_bytes(), url, limits)
    write_files(lake, document)
    return document
