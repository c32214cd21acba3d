"""Limits: what goes beyond them is refused and reported, set in the config file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from budgetdq.findings import MAX_PER_CHECK
from budgetdq.parse.document import read_document
from budgetdq.parse.limits import Limits
from budgetdq.settings import ConfigError, load_settings
from tests.conftest import SEEDS
from tests.pdfs import seed_pdf


def test_a_document_over_the_size_limit_is_refused_unread() -> None:
    data = SEEDS["002"].read_bytes()
    document = read_document(data, "big.txt", Limits(max_document_bytes=len(data) - 1))
    (finding,) = document.findings
    assert finding.check == "too_large" and "超过上限" in finding.message
    assert document.tables == []


def test_a_pdf_over_the_page_limit_is_refused_unread() -> None:
    (finding,) = read_document(seed_pdf("002"), "long.pdf", Limits(max_pdf_pages=10)).findings
    assert finding.check == "pdf_too_long" and "上限 10 页" in finding.message


def test_rows_beyond_the_limit_are_refused_and_said_so() -> None:
    document = read_document(SEEDS["002"].read_bytes(), "rows.txt", Limits(max_rows_per_table=20))
    expenditure = document.table("expenditure")
    assert expenditure is not None and len(expenditure.rows) == 20
    refused = [f for f in document.findings if f.check == "too_many_rows"]
    assert {f.table for f in refused} >= {"expenditure", "purchased_services"}
    (finding,) = [f for f in refused if f.table == "expenditure"]
    assert finding.severity == "error" and "未读取" in finding.message and finding.line


def test_limits_come_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "budgetdq.toml"
    config.write_text("[limits]\nmax_rows_per_table = 500\n", encoding="utf-8")
    assert load_settings(config).limits.max_rows_per_table == 500
    config.write_text("[limits]\nmax_rows = 500\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="limits.max_rows"):
        load_settings(config)


def test_a_disclosure_followed_by_noise_is_read_in_linear_time_with_capped_findings() -> None:
    """100,000 unreadable lines after the last table: read in seconds (not the quadratic minutes
    it took), 200 of them reported one by one and one finding counting the rest."""
    noise = "\n".join(f"无法识别的行 {i} ？？" for i in range(100_000))
    data = (SEEDS["000"].read_text(encoding="utf-8") + "\n" + noise).encode("utf-8")
    started = time.perf_counter()
    document = read_document(data)
    assert time.perf_counter() - started < 30
    rows = [f for f in document.findings if f.check == "unreadable_row"]
    assert len(rows) == MAX_PER_CHECK + 1
    assert rows[-1].line is None and rows[-1].message.startswith("另有 99,")
    performance = document.table("project_performance")
    assert performance is not None
    assert max(len(row.get("project_name") or "") for row in performance.rows) < 200
