"""Checking real disclosures, and copies of them with defects injected at known lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun, check_documents
from budgetdq.findings import Finding
from budgetdq.lake import Lake
from budgetdq.parse.document import read_document
from tests.conftest import SEEDS, seed_document


@pytest.fixture(scope="session")
def seeds_run(engine: GxEngine, tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    """The four real seeds checked together once, shared by every suite's tests."""
    return check_bytes(
        engine, tmp_path_factory.mktemp("seeds"), *(p.read_bytes() for p in SEEDS.values())
    )


def seed_id(seed: str) -> str:
    """The doc_id of a seed (`000` … `003`)."""
    return seed_document(seed).doc_id


def mutate(seed: str, edits: list[tuple[int, str, str]]) -> bytes:
    """A copy of a seed with `old` replaced by `new` once on each given line (1-based)."""
    lines = SEEDS[seed].read_text(encoding="utf-8").split("\n")
    for line, old, new in edits:
        assert old in lines[line - 1], f"{old!r} not on line {line}: {lines[line - 1]!r}"
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines).encode("utf-8")


def check_bytes(engine: GxEngine, root: Path, *documents: bytes) -> CheckRun:
    """Read, ingest and check documents together in a fresh lake under `root`."""
    with Lake(root) as lake:
        parsed = [read_document(data) for data in documents]
        for document in parsed:
            lake.ingest(document)
        return check_documents(lake, [d.doc_id for d in parsed], engine)


def found(run: CheckRun, suite: str, check: str) -> list[Finding]:
    return [f for f in run.findings if f.suite == suite and f.check == check]


def lines_of(run: CheckRun, suite: str, check: str) -> set[int | None]:
    return {f.line for f in found(run, suite, check)}
