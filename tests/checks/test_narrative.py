"""The narrative suite on copies of a real budget (S02, Shanghai 2025) with one planted defect each.

The copies are S02's extracted text with one sentence changed; S01, the same department's 2024
budget, is in the lake too, so that “比2024年预算增加…” can be checked against what 2024 stated.
Each planted defect is reported at its line by its rule, and by nothing else of the suite; the
unmodified copy gets no narrative finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import check_documents
from budgetdq.findings import Finding
from budgetdq.lake import Lake
from budgetdq.parse.document import read_document
from budgetdq.parse.pdf import extract_pdf

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"

PLANTED: dict[str, tuple[int, str, str]] = {
    # check: (line, printed, planted)
    "narrative_statement_vs_table": (68, "收入预算18,976.76万元", "收入预算18,967.76万元"),
    "narrative_change_consistent": (
        69,
        "3,355.65万元；事业收入",
        "3,355.65万元，增长30.00%；事业收入",
    ),
    "narrative_change_vs_last_year": (69, "3,355.65万元；事业收入", "3,255.65万元；事业收入"),
    "narrative_empty_note_has_figures": (
        455,
        "",
        "注：本部门2025年无“三公”经费和机关运行经费预算，故本表为空表。",
    ),
    "narrative_empty_note_wrong_fund": (408, "无国有资本经营预算", "无政府性基金预算"),
    "narrative_placeholder": (
        465,
        "上海市普陀区人民政府万里街道办事处（部门）",
        "上海市XX局（部门）",
    ),
    "narrative_year": (67, "2025年部门预算编制说明", "2024年部门预算编制说明"),
    "narrative_publisher": (
        68,
        "上海市普陀区人民政府万里街道办事处收入预算",
        "上海市普陀区人民政府长征镇收入预算",
    ),
}
# Where the planted figure's statement is, when it is not the line changed (a sentence wraps).
STATED_AT = {"narrative_change_consistent": 68, "narrative_change_vs_last_year": 68}


def copy_of_s02(line: int | None = None, printed: str = "", planted: str = "") -> bytes:
    lines = extract_pdf((REAL / "S02.pdf").read_bytes()).text.split("\n")
    if line is not None:
        assert printed in lines[line - 1] if printed else lines[line - 1].strip() == ""
        lines[line - 1] = lines[line - 1].replace(printed, planted, 1) if printed else planted
    return "\n".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def narrative_findings(engine: GxEngine, tmp_path_factory) -> dict[str, list[Finding]]:
    """The narrative findings of each copy (by planted check; `None`: unmodified), checked together
    with S01 in one lake."""
    copies = {None: copy_of_s02(), **{check: copy_of_s02(*edit) for check, edit in PLANTED.items()}}
    with Lake(tmp_path_factory.mktemp("lake")) as lake:
        s01 = read_document((REAL / "S01.pdf").read_bytes(), "S01.pdf")
        documents = {
            check: read_document(data, f"S02-{check}.txt") for check, data in copies.items()
        }
        lake.ingest_many([s01, *documents.values()])
        run = check_documents(lake, [s01.doc_id, *(d.doc_id for d in documents.values())], engine)
    return {
        check: [f for f in run.findings if f.doc_id == document.doc_id and f.suite == "narrative"]
        for check, document in documents.items()
    }


def test_the_unmodified_copy_gets_no_narrative_finding(narrative_findings) -> None:
    assert narrative_findings[None] == []


@pytest.mark.parametrize("check", sorted(PLANTED))
def test_a_planted_defect_is_reported_at_its_line_by_its_rule(narrative_findings, check) -> None:
    line = STATED_AT.get(check, PLANTED[check][0])
    found = [(f.check, f.line, f.severity) for f in narrative_findings[check]]
    assert found == [(check, line, "error")], [f.message for f in narrative_findings[check]]


def test_the_message_quotes_the_sentence_and_the_table_figure_with_both_places(
    narrative_findings,
) -> None:
    (finding,) = narrative_findings["narrative_statement_vs_table"]
    assert "情况说明 第68行写收入预算 18,967.76万元" in finding.message
    assert "收入预算总表第211行为 189,767,551元" in finding.message
    assert (
        "原文：“2025年，上海市普陀区人民政府万里街道办事处收入预算18,967.76万元" in finding.message
    )
