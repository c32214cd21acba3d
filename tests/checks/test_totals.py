"""The totals suite: identities inside one table, on the real seeds and on injected defects."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from tests.checks.conftest import check_bytes, found, lines_of, mutate, seed_id
from tests.conftest import SEEDS


def test_identities_that_hold_stay_silent(seeds_run) -> None:
    quiet = {
        ("000", "expenditure"),
        ("000", "general_budget"),
        ("000", "basic_expenditure"),
        ("001", "basic_expenditure"),
    }
    from tests.conftest import seed_document

    doc_ids = {seed_document(seed).doc_id: seed for seed in SEEDS}
    noisy = [
        f
        for f in seeds_run.findings
        if f.suite in ("totals", "crosstable") and (doc_ids[f.doc_id], f.table) in quiet
    ]
    assert noisy == []


def test_real_errors_of_the_seeds_are_found(seeds_run) -> None:
    assert lines_of(seeds_run, "totals", "summary_income_items") == {
        38
    }  # 001: 9,751.39 ≠ 9,751.387870
    assert lines_of(seeds_run, "totals", "three_public_total") == {342}  # 002: 895.3897 ≠ 679.3897
    message = found(seeds_run, "totals", "three_public_total")[0].message
    assert "895.389700" in message and "679.389700" in message


def test_unreadable_figures_are_not_judged(seeds_run) -> None:
    assert 1010 not in lines_of(seeds_run, "totals", "performance_project_funds")  # 002: `#####`


def test_spaced_layout_identities_are_not_evaluated(seeds_run) -> None:
    from tests.conftest import seed_document

    doc_id = seed_document("003").doc_id
    outcome = {(o.doc_id, o.check): o for o in seeds_run.outcomes}[doc_id, "expenditure_column_sum"]
    assert outcome.outcome == "not_evaluated" and outcome.reason


def test_absent_tables_are_not_applicable(seeds_run) -> None:
    from tests.conftest import seed_document

    outcomes = {(o.doc_id, o.check): o for o in seeds_run.outcomes}
    outcome = outcomes[seed_document("002").doc_id, "projects_row_sum"]
    assert outcome.outcome == "not_applicable" and "项目支出表" in outcome.reason


@pytest.mark.parametrize(
    ("seed", "edits", "expected"),
    [
        (
            "000",
            [(63, "8.955000\t8.955000", "8.955001\t8.955000")],
            {"expenditure_row_sum": {63}, "expenditure_column_sum": {88}},
        ),
        ("000", [(137, "2,832.613486", "2,832.613487")], {"procurement_sum": {138}}),
        ("000", [(267, "79,625.00", "79,626.00")], {"three_public_total": {267}}),
        (
            "001",
            [(364, "613.993200\t613.993200", "613.993201\t613.993200")],
            {"basic_expenditure_row_sum": {364}, "basic_expenditure_column_sum": {392}},
        ),
        (
            "002",
            [(244, "18,305.298784", "18,305.298785")],
            {"general_budget_basic_sum": {244}, "general_budget_column_sum": {272}},
        ),
        (
            "002",
            [(35, "本年收入合计\t171,816.170164", "本年收入合计\t171,816.170165")],
            {"summary_income_items": {35}, "summary_income_grand_total": {37}},
        ),
        (
            "002",
            [(628, "86.000000\t86.000000", "86.000000\t85.000000")],
            {"performance_project_funds": {628}},
        ),
        (
            "001",
            [
                (
                    46,
                    "105\t北京市朝阳区应急管理局\t9,751.387870\t9,751.387870",
                    "105\t北京市朝阳区应急管理局\t9,751.387871\t9,751.387870",
                )
            ],
            {"income_row_sum": {46}},
        ),
    ],
)
def test_injected_defect_is_found_at_its_line(
    engine: GxEngine, tmp_path: Path, seed: str, edits, expected
) -> None:
    run = check_bytes(engine, tmp_path, mutate(seed, edits))
    for check, lines in expected.items():
        assert lines <= lines_of(run, "totals", check), (
            check,
            [f.message for f in found(run, "totals", check)],
        )
        assert all(f.severity == "error" for f in found(run, "totals", check))


def test_a_figure_with_more_decimals_than_the_lake_holds_is_a_finding_not_a_crash(
    engine: GxEngine, tmp_path: Path, seeds_run
) -> None:
    """`8,827.5859134` (7 decimals) in 支出预算总表's 合计 row: reported as printed, never rounded;
    the rules that would add it up are not evaluated, and no other finding appears."""
    edits = [(88, "8,827.585913", "8,827.5859134")]
    run = check_bytes(engine, tmp_path, mutate("000", edits))
    (finding,) = [f for f in run.findings if f.check == "amount_not_storable"]
    assert (finding.line, finding.observed, finding.severity) == (88, "8,827.5859134", "warning")
    outcomes = {o.check: o for o in run.outcomes}
    assert outcomes["expenditure_column_sum"].outcome == "not_evaluated"
    assert outcomes["summary_total_vs_expenditure"].outcome == "not_evaluated"
    original = {(f.check, f.line) for f in seeds_run.findings if f.doc_id == seed_id("000")}
    assert {(f.check, f.line) for f in run.findings} - original == {("amount_not_storable", 88)}
