"""The completeness suite: every table a departmental disclosure must publish is there."""

from __future__ import annotations

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun
from budgetdq.parse.document import read_document
from tests.checks.conftest import check_bytes, found, mutate, seed_id
from tests.conftest import SEEDS

SUITE = "completeness"


def blank(seed: str, first: int, last: int) -> list[tuple[int, str, str]]:
    """Edits that empty lines first..last of a seed (a table taken out of the document)."""
    lines = SEEDS[seed].read_text(encoding="utf-8").split("\n")
    return [(no, lines[no - 1], "") for no in range(first, last + 1)]


def missing(run: CheckRun, doc_id: str, check: str = "required_table_missing") -> list[str]:
    """The tables reported missing for a document, in the order of DOMAIN §2."""
    return [f.expected or "" for f in found(run, SUITE, check) if f.doc_id == doc_id]


def outcome(run: CheckRun, doc_id: str, check: str) -> tuple[str, str | None]:
    (item,) = [o for o in run.outcomes if o.doc_id == doc_id and o.check == check]
    return item.outcome, item.reason


@pytest.fixture(scope="module")
def defects(engine: GxEngine, tmp_path_factory: pytest.TempPathFactory):
    """One defective copy of each seed, checked together: the run and the copies' doc ids by seed."""
    copies = {
        # 000: the 收支总表 taken out (title, unit line and rows).
        "000": mutate("000", blank("000", 3, 38)),
        # 001: the 收入 table taken out; the unit line of the 政府采购预算明细表 deleted.
        "001": mutate("001", [*blank("001", 42, 48), (269, "金额单位：万元", "")]),
        # 002: two tables taken out, one empty (政府性基金) and one with data (“三公”).
        "002": mutate("002", [*blank("002", 320, 326), *blank("002", 336, 341)]),
        # 003: the 政府采购预算明细表 retitled so that it is no longer recognised.
        "003": mutate("003", [(290, "政府采购预算明细表", "采购预算明细表")]),
    }
    run = check_bytes(engine, tmp_path_factory.mktemp("lake"), *copies.values())
    return run, {seed: read_document(data).doc_id for seed, data in copies.items()}


def test_missing_tables_of_the_seeds_are_errors(seeds_run: CheckRun) -> None:
    assert missing(seeds_run, seed_id("000")) == ["收入总表"]
    assert missing(seeds_run, seed_id("002")) == ["收入总表", "项目支出表"]
    assert missing(seeds_run, seed_id("001")) == [] and missing(seeds_run, seed_id("003")) == []
    findings = found(seeds_run, SUITE, "required_table_missing")
    assert all(f.severity == "error" and f.line is None for f in findings)
    assert any("文档缺少项目支出表" in f.message for f in findings)
    assert {f.table for f in findings} == {"income", "projects"}  # under the missing table


def test_empty_published_tables_are_complete(seeds_run: CheckRun) -> None:
    # Every seed publishes 政府性基金 and 国有资本经营 tables without rows: that is allowed.
    reported = {title for seed in SEEDS for title in missing(seeds_run, seed_id(seed))}
    assert reported.isdisjoint({"政府性基金预算财政拨款支出表", "国有资本经营预算财政拨款支出表"})


def test_the_summary_scoped_check_is_not_applied_twice(seeds_run: CheckRun) -> None:
    for seed in SEEDS:
        state, reason = outcome(seeds_run, seed_id(seed), "required_table_missing_without_summary")
        assert state == "not_applicable" and reason and "收支总表" in reason


def test_a_table_taken_out_is_missing(defects) -> None:
    run, ids = defects
    assert missing(run, ids["001"]) == ["收入总表"]


def test_an_unrecognisable_title_makes_the_table_missing(defects) -> None:
    run, ids = defects
    assert missing(run, ids["003"]) == ["政府采购预算明细表"]


def test_each_missing_table_is_its_own_finding(defects) -> None:
    run, ids = defects
    assert missing(run, ids["002"]) == [
        "收入总表",
        "项目支出表",
        "政府性基金预算财政拨款支出表",
        "“三公”经费支出表",
    ]


def test_a_document_without_its_summary_is_still_checked(defects) -> None:
    run, ids = defects
    assert missing(run, ids["000"], "required_table_missing_without_summary") == [
        "收支总表",
        "收入总表",
    ]
    state, reason = outcome(run, ids["000"], "required_table_missing")
    assert state == "not_applicable" and reason and "收支总表" in reason


def test_a_missing_unit_is_reported_once_by_the_reader(defects) -> None:
    run, ids = defects
    doc_id = ids["001"]
    units = [
        (f.suite, f.table, f.line)
        for f in run.findings
        if f.doc_id == doc_id and f.check == "unit_not_stated" and f.table == "procurement"
    ]
    assert units == [("parse", "procurement", 267)]
    assert [f for f in run.findings if f.suite == SUITE and f.doc_id == doc_id] == [
        f for f in found(run, SUITE, "required_table_missing") if f.doc_id == doc_id
    ]
