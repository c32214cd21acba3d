"""Hostile input: the reader never crashes or hangs, and every input yields tables or findings.

Over 1,000 generated inputs in all: random bytes, seeds cut short or spliced together, seeds in
the wrong encoding, bytes that claim to be a PDF. Big inputs (a 10 MB line, thousands of tables)
are tried once each. A run of the checks over a batch of mangled seeds ends with findings too.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetdq.checks.engine import GxEngine
from budgetdq.parse.document import UNREADABLE, ParsedDocument, read_document
from tests.checks.conftest import check_bytes
from tests.conftest import SEEDS

SEED_BYTES = [path.read_bytes() for path in SEEDS.values()]
SEED_TEXTS = [data.decode("utf-8") for data in SEED_BYTES]
SECONDS_PER_INPUT = 5.0
# Deterministic (the same inputs on every run, so CI cannot be flaky), nothing stored on disk.
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def read(data: bytes) -> ParsedDocument:
    """Read within the time limit; the result must say what it made of the input."""
    start = time.perf_counter()
    document = read_document(data, "fuzz")
    assert time.perf_counter() - start < SECONDS_PER_INPUT
    assert document.tables or document.findings
    if not document.tables:
        assert {f.check for f in document.findings} & UNREADABLE
    assert all(f.severity in ("error", "warning", "info") and f.message for f in document.findings)
    return document


@settings(FUZZ, max_examples=400)
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    read(data)


@settings(FUZZ, max_examples=250)
@given(st.sampled_from(SEED_BYTES), st.floats(0, 1))
def test_a_seed_cut_anywhere(seed: bytes, share: float) -> None:
    read(seed[: int(len(seed) * share)])


@settings(FUZZ, max_examples=200)
@given(st.sampled_from(SEED_TEXTS), st.sampled_from(SEED_TEXTS), st.floats(0, 1), st.floats(0, 1))
def test_two_seeds_spliced(first: str, second: str, cut: float, resume: float) -> None:
    a, b = first.split("\n"), second.split("\n")
    spliced = a[: int(len(a) * cut)] + b[int(len(b) * resume) :]
    read("\n".join(spliced).encode("utf-8"))


@settings(FUZZ, max_examples=100)
@given(st.sampled_from(SEED_TEXTS), st.sampled_from(["utf-16", "big5", "shift_jis", "latin-1"]))
def test_a_seed_in_the_wrong_encoding(text: str, encoding: str) -> None:
    read(text[:20_000].encode(encoding, errors="replace"))


@settings(FUZZ, max_examples=100)
@given(st.binary(max_size=2048))
def test_bytes_claiming_to_be_a_pdf(tail: bytes) -> None:
    document = read(b"%PDF-1.7\n" + tail)
    assert not document.tables


@settings(FUZZ, max_examples=60)
@given(st.sampled_from(SEED_TEXTS), st.lists(st.integers(0, 5000), max_size=20))
def test_a_seed_with_lines_lost(text: str, dropped: list[int]) -> None:
    lines = text.split("\n")
    kept = [line for no, line in enumerate(lines) if no not in set(dropped)]
    read("\n".join(kept).encode("utf-8"))


def test_a_ten_megabyte_line() -> None:
    findings = read(("1,234.56\t项目" * 1_000_000)[:10_000_000].encode("utf-8")).findings
    assert all(len(f.message) < 500 for f in findings)


def test_thousands_of_repeated_tables() -> None:
    lines = SEED_TEXTS[2].split("\n")
    title = next(i for i, line in enumerate(lines) if "三公" in line and "表" in line)
    block = "\n".join(lines[title : title + 12])
    document = read("\n".join([block] * 3000).encode("utf-8"))
    assert len(document.tables) >= 1000


@pytest.mark.parametrize("size", [0, 1, 3])
def test_empty_and_tiny_inputs(size: int) -> None:
    read(b"\n" * size)


def test_the_checks_take_a_batch_of_mangled_documents(engine: GxEngine, tmp_path: Path) -> None:
    mangled = [seed[: len(seed) * k // 7] for k in range(2, 7) for seed in SEED_BYTES[:2]]
    mangled += [SEED_BYTES[2].replace(b"\t", b" ", 500), SEED_BYTES[3].replace(b".", b",")]
    run = check_bytes(engine, tmp_path, *mangled)
    assert run.findings and {o.outcome for o in run.outcomes} <= {
        "pass",
        "fail",
        "not_applicable",
        "not_evaluated",
    }
