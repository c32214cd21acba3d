"""The reader on the four real disclosures: tables by kind, facts, totals and coverage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetdq.parse.document import read_document
from tests.conftest import SEEDS, seed_document

ALL_KINDS = {
    "summary",
    "income",
    "expenditure",
    "projects",
    "procurement",
    "fiscal_summary",
    "general_budget",
    "basic_expenditure",
    "fund_budget",
    "state_capital",
    "three_public",
    "purchased_services",
    "project_performance",
}


@pytest.mark.parametrize(
    ("seed", "kinds"),
    [
        ("000", ALL_KINDS - {"income"}),
        ("001", ALL_KINDS),
        ("002", ALL_KINDS - {"income", "projects"} | {"department_performance"}),
        ("003", ALL_KINDS),
    ],
)
def test_each_seed_yields_its_tables_by_kind(seed: str, kinds: set[str]) -> None:
    document = seed_document(seed)
    found = [table.kind for table in document.tables]
    assert sorted(found) == sorted(kinds)


@pytest.mark.parametrize(
    ("seed", "code", "name", "year"),
    [
        ("000", "105", "北京市朝阳区应急管理局", 2023),
        ("001", "105", "北京市朝阳区应急管理局", 2024),
        ("002", "100", "北京市朝阳区人民政府", 2026),
        ("003", "042", "北京市应急管理局", 2022),
    ],
)
def test_document_facts_with_evidence(seed: str, code: str, name: str, year: int) -> None:
    facts = seed_document(seed).facts
    assert (facts.department_code, facts.department_name, facts.year) == (code, name, year)
    assert facts.evidence["department"] and facts.evidence["year"]


def test_units_of_each_document() -> None:
    assert set(seed_document("002").facts.units) == {"100001", "100002"}
    assert seed_document("003").facts.units == {"042008": "北京市应急管理科学技术研究院"}


def test_000_expenditure_total_is_basic_plus_project() -> None:
    table = seed_document("000").table("expenditure")
    total = next(row for row in table.rows if row["is_total"])
    assert total["total"] == Decimal("8827.585913")
    assert total["basic"] == Decimal("3207.001313")
    assert total["project"] == Decimal("5620.584600")
    assert total["line"] == 88


def test_002_expenditure_over_four_pages_is_one_table() -> None:
    document = seed_document("002")
    tables = [t for t in document.tables if t.kind == "expenditure"]
    assert len(tables) == 1 and tables[0].pages == 4
    detail = sum(row["total"] for row in tables[0].detail_rows)
    assert detail == Decimal("171816.170164")
    assert tables[0].declared_total == Decimal("171816.170164")


def test_000_projects_has_34_rows() -> None:
    table = seed_document("000").table("projects")
    assert len(table.detail_rows) == 34
    assert sum(row["total"] for row in table.detail_rows) == Decimal("4799.898200")
    first = table.detail_rows[0]
    assert (first["unit_code"], first["unit_type"], first["function_code"]) == (
        "105001",
        "行政单位",
        "2089999",
    )


def test_001_basic_expenditure_total() -> None:
    table = seed_document("001").table("basic_expenditure")
    total = next(row for row in table.rows if row["is_total"])
    assert (total["total"], total["personnel"], total["public_use"]) == (
        Decimal("5253.823050"),
        Decimal("4817.883895"),
        Decimal("435.939155"),
    )


def test_001_column_split_tables_are_joined() -> None:
    document = seed_document("001")
    projects = document.table("projects")
    assert len(projects.detail_rows) == 68
    first = projects.detail_rows[0]
    assert first["project_name"] == "公共事务协管经费" and first["line"] == 107
    assert first["dept_econ_code"] == "30199" and first["total"] == Decimal("2525.614600")
    assert projects.declared_total == Decimal("4497.564820")
    general = document.table("general_budget")
    row = next(r for r in general.rows if r["function_code"] == "2240101")
    assert row["public_use"] == Decimal("362.711155") and row["project_total"] == Decimal("110.1")
    misaligned = [f for f in document.findings if f.check == "column_blocks_misaligned"]
    assert {f.table for f in misaligned} == {"project_performance"}


def test_000_three_public_is_in_yuan() -> None:
    table = seed_document("000").table("three_public")
    assert table.unit == "元" and table.unit_stated
    row_2023 = next(row for row in table.rows if row["year"] == 2023)
    assert row_2023["total"] == Decimal("79625.00")
    assert row_2023["reception"] == Decimal("9025.00")


def test_003_empty_purchased_services_is_present_with_no_rows() -> None:
    table = seed_document("003").table("purchased_services")
    assert table is not None and table.detail_rows == []


def test_summary_sides_and_roles() -> None:
    table = seed_document("003").table("summary")
    by_label = {row["label"]: row for row in table.rows}
    assert by_label["五、事业收入"]["side"] == "income"
    assert by_label["五、事业收入"]["amount"] == Decimal("1144.000000")
    assert by_label["六、科学技术支出"]["side"] == "expenditure"
    assert by_label["六、科学技术支出"]["function_class"] == "206"
    assert by_label["本年支出合计"]["role"] == "subtotal"
    assert by_label["收入总计"]["role"] == "total"


def test_spaced_rows_are_marked_left_filled() -> None:
    table = seed_document("003").table("expenditure")
    row = next(r for r in table.detail_rows if r["function_code"] == "2060602")
    assert row["total"] == Decimal("437.400000") and row["left_filled"]
    assert row["dept_econ_name"] == "其他商品和服务支出"


def test_tables_without_unit_line_get_the_default_and_a_finding() -> None:
    document = seed_document("001")
    assert document.table("income").unit == "万元"
    unstated = {f.table for f in document.findings if f.check == "unit_not_stated"}
    assert {"income", "expenditure", "projects"} <= unstated


def test_every_row_carries_provenance(any_seed: str) -> None:
    document = seed_document(any_seed)
    lines = {line.no: line for line in document.lines}
    for table in document.tables:
        for row in table.rows:
            assert row["doc_id"] == document.doc_id and row["kind"] == table.kind
            assert row["line"] in lines and row["raw"]


@pytest.mark.parametrize(
    ("seed", "minimum"), [("000", 0.99), ("001", 0.99), ("002", 0.99), ("003", 0.97)]
)
def test_coverage(seed: str, minimum: float) -> None:
    coverage = seed_document(seed).coverage
    assert coverage.consumed / coverage.lines >= minimum, coverage.unparsed[:10]
    accounted = coverage.consumed + len(coverage.unparsed)
    assert accounted == coverage.lines
    assert all(item["reason"] for item in coverage.unparsed)


def test_unreadable_amount_is_a_finding_and_a_null() -> None:
    text = SEEDS["000"].read_text(encoding="utf-8")
    damaged = text.replace("8.955000\t8.955000", "#####\t8.955000", 1)
    document = read_document(damaged.encode("utf-8"))
    row = next(r for r in document.table("expenditure").rows if r["line"] == 63)
    assert row["total"] is None and row["basic"] == Decimal("8.955000")
    finding = next(f for f in document.findings if f.check == "unreadable_amount")
    assert (finding.table, finding.line, finding.observed) == ("expenditure", 63, "#####")
    assert finding.severity == "error" and finding.doc_id == document.doc_id
