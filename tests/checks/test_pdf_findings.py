"""`check` on the seeds printed as PDFs finds what it finds in the text seeds, lines aside."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun
from budgetdq.findings import Finding
from budgetdq.lake import Lake
from tests.checks.conftest import check_bytes, seed_id
from tests.conftest import SEEDS
from tests.pdfs import seed_pdf, seed_pdf_document

LINE = re.compile(r"第\d+行")


@pytest.fixture(scope="module")
def pdf_run(engine: GxEngine, tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    return check_bytes(engine, tmp_path_factory.mktemp("pdfs"), *map(seed_pdf, SEEDS))


def same(finding: Finding) -> tuple[str | None, ...]:
    """A finding without its line and without the spaces wrapping puts in or takes out."""

    def text(value: str | None) -> str | None:
        return None if value is None else re.sub(r"\s+", "", LINE.sub("第行", value))

    return (
        finding.suite,
        finding.check,
        finding.severity,
        finding.table,
        text(finding.message),
        text(finding.observed),
        text(finding.expected),
    )


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_a_pdf_has_the_findings_of_its_text(
    seed: str, seeds_run: CheckRun, pdf_run: CheckRun
) -> None:
    text_findings = Counter(same(f) for f in seeds_run.findings if f.doc_id == seed_id(seed))
    pdf_id = seed_pdf_document(seed).doc_id
    pdf_findings = Counter(same(f) for f in pdf_run.findings if f.doc_id == pdf_id)
    assert pdf_findings - text_findings == Counter()
    assert text_findings - pdf_findings == Counter()


def test_pdf_findings_carry_their_page(pdf_run: CheckRun) -> None:
    located = [f for f in pdf_run.findings if f.line is not None]
    assert located and all(f.page is not None for f in located)


def test_the_lake_keeps_a_pdfs_text_with_pages(tmp_path: Path, engine: GxEngine) -> None:
    with Lake(tmp_path) as lake:
        lake.ingest(seed_pdf_document("002"))
        rows = lake.query("SELECT line, page, bbox FROM doc_text WHERE text LIKE '895.389700%'")
        assert len(rows) == 1 and rows[0][1] >= 1 and len(rows[0][2]) == 4
        (page,) = lake.query("SELECT DISTINCT page FROM three_public")[0]
        assert page == rows[0][1]
