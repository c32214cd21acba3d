"""Eleven real disclosures of the national family (Shanghai, Jiangsu), against a hand check.

`tests/fixtures/real/truth.json` lists each document's standard tables (kind, page, unit) and the
real defects found by hand; `tables.json` the detail-row count and grand total of every table read;
`statements.json` every figure the narrative states (line, subject, as printed) and the table row it
restates, where it restates one.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from budgetdq.checks.runner import check_documents
from budgetdq.findings import Finding
from budgetdq.lake import Lake
from budgetdq.parse.document import ParsedDocument, read_document

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
TRUTH: dict[str, dict] = json.loads((REAL / "truth.json").read_text(encoding="utf-8"))
TABLES: dict[str, dict] = json.loads((REAL / "tables.json").read_text(encoding="utf-8"))
STATEMENTS: dict[str, list] = json.loads((REAL / "statements.json").read_text(encoding="utf-8"))
_PAGE = re.compile(r"p(\d+)")


@pytest.fixture(scope="module")
def documents() -> dict[str, ParsedDocument]:
    return {name: read_document((REAL / name).read_bytes(), name) for name in TRUTH}


@pytest.fixture(scope="module")
def checked(documents: dict[str, ParsedDocument], tmp_path_factory) -> dict[str, list[Finding]]:
    with Lake(tmp_path_factory.mktemp("lake")) as lake:
        lake.ingest_many(list(documents.values()))
        run = check_documents(lake, [d.doc_id for d in documents.values()])
    return {
        name: [f for f in run.findings if f.doc_id == document.doc_id]
        for name, document in documents.items()
    }


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_every_standard_table_is_found_at_its_page_with_its_unit(documents, name):
    document = documents[name]
    found = {(t.kind, document.page_of(t.line)): t for t in document.tables}
    for wanted in TRUTH[name]["tables_present"]:
        key = (wanted["kind"].removeprefix("other:"), wanted["page"])
        assert key in found, f"{name}: {wanted['title']} (p{wanted['page']}) not found"
        if wanted["unit"]:
            assert found[key].unit == wanted["unit"], f"{name}: {wanted['title']}"


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_rows_and_grand_totals_as_hand_checked(documents, name):
    document = documents[name]
    read = {
        f"{t.kind} p{document.page_of(t.line)}": {
            "understood": t.understood,
            "rows": len(t.detail_rows),
            "total": None if t.declared_total is None else str(t.declared_total),
        }
        for t in document.tables
    }
    for key, expected in TABLES[name].items():
        assert read.get(key) == expected | {"total": _decimal(expected["total"])}, f"{name} {key}"


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_narrative_statement_is_found_and_bound_to_the_figure_it_restates(documents, name):
    narrative = documents[name].table("narrative")
    rows = narrative.rows if narrative else []
    found = sorted(
        [
            row["line"],
            row["subject"],
            row["printed"],
            f"{row['table_kind']}:{row['table_line']}" if row.get("table_kind") else None,
        ]
        for row in rows
        if row["role"] == "statement"
    )
    assert found == sorted(STATEMENTS[name])


def test_the_narrative_is_kept_line_by_line_with_its_sections(documents):
    document = documents["S05.pdf"]
    lines = [r for r in document.table("narrative").rows if r["role"] == "line"]
    statement = next(r for r in lines if "机关运行经费预算为171.01万元" in r["sentence"])
    assert (
        statement["section"] == "二、机关运行经费预算" and document.page_of(statement["line"]) == 22
    )
    assert any(r["section"] == "名词解释" for r in lines)


def _decimal(text: str | None) -> str | None:
    return None if text is None else str(Decimal(text))


def test_a_text_only_publication_is_narrative_not_quarantined(documents):
    document = documents["J05.pdf"]
    assert [table.kind for table in document.tables] == ["narrative"]  # its text, kept
    assert [f.check for f in document.findings] == ["narrative_only"]
    assert document.findings[0].severity == "info"


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_no_error_where_the_hand_check_found_no_defect(checked, name):
    pages = _defect_pages(name)
    false = [f for f in checked[name] if f.severity == "error" and f.page not in pages]
    assert not false, "\n".join(f"p{f.page} {f.check}: {f.message}" for f in false)


@pytest.mark.parametrize(
    ("name", "defect"),
    [
        (name, defect["id"])
        for name, entry in sorted(TRUTH.items())
        for defect in entry["verified_true_defects"]
    ],
)
def test_each_real_defect_is_reported_on_its_page(checked, name, defect):
    pages = _defect_pages(name, defect)
    assert any(f.page in pages and f.suite != "parse" for f in checked[name]), defect


def _defect_pages(name: str, only: str | None = None) -> set[int]:
    return {
        int(page)
        for defect in TRUTH[name]["verified_true_defects"]
        if only is None or defect["id"] == only
        for ref in defect["tables"]
        for page in _PAGE.findall(ref)
    }


@pytest.mark.parametrize(
    ("name", "department", "year"),
    [
        ("F3.pdf", "中共上海市普陀区委社会工作部", 2024),  # the cover, over three lines
        ("J03.pdf", "江苏省人民检察院", 2019),  # 部门： … 单位：万元
        ("J04.pdf", "中共江苏省委办公厅", 2018),  # 部 门:… on the cover
        ("J05.pdf", "江苏省委办公厅", 2019),  # narrative only: the cover
        ("J06.pdf", "中共江苏省委办公厅", 2019),  # glued to the first title; year of a title
        ("S02.pdf", "上海市普陀区人民政府万里街道办事处", 2025),  # 预算主管部门：…
        ("S09.pdf", "上海市普陀区社会福利院", 2024),  # 预算单位：…
    ],
)
def test_the_publisher_and_year_are_read_where_the_national_layouts_print_them(
    documents, name, department, year
):
    facts = documents[name].facts
    assert (facts.department_name, facts.year) == (department, year)
    assert facts.evidence["department"] and facts.evidence["year"]
