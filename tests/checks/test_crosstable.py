"""The crosstable suite: identities between tables of one document, on the seeds and on defects."""

from __future__ import annotations

import hashlib

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun
from budgetdq.findings import Finding
from tests.checks.conftest import check_bytes, found, mutate
from tests.conftest import SEEDS, seed_document

SUITE = "crosstable"


WARNINGS = {
    "projects_performance_name",
    "cross_table_code_name",
    "purchased_services_area_vs_function",
}

# What the suite finds on the real seeds, as {(seed, check): lines}; each one is in the document.
SEED_FINDINGS = {
    # 000's 项目支出表 is cut short (34 rows, no 合计 row): 4,799.8982 ≠ 项目支出 5,620.5846
    ("000", "projects_total_vs_expenditure"): {129},
    ("000", "projects_fiscal_vs_budget_tables"): {129},
    # 002's 财政拨款收支预算总表 is shifted: 一般公共服务 171,816.17 (the total), 外交 67,513.41
    # (一般公共服务's figure), 政府性基金预算资金 171,816.17 (should be empty)
    ("002", "fiscal_summary_category_vs_budget_tables"): {197, 198},
    ("002", "fiscal_summary_sources_vs_budget_tables"): {198},
    # 002's 三公 公务用车运行维护费 455.265 ≠ 基本支出表 30231 671.265 (its 小计, purchase included)
    ("002", "three_public_vs_basic_expenditure"): {342},
    # the same project named differently in 项目支出表 and 年度项目支出绩效表 (救援/救灾, 检查/核查 …)
    ("000", "projects_performance_name"): {106, 107, 112, 113, 116, 117, 119, 128, 129},
    ("001", "projects_performance_name"): {113, 115},
    # the same project code named differently in 政府购买服务表 and 年度项目支出绩效表
    ("000", "cross_table_code_name"): {290, 308},
    ("001", "cross_table_code_name"): {435},
    # 001 gives 201 一般公共服务 as 服务领域 of 14 projects classed 224 in 项目支出表
    ("001", "purchased_services_area_vs_function"): {
        *(436, 438, 439, 467, 468, 472, 474, 475, 477, 478, 479, 480, 482, 483)
    },
}


def suite_findings(run: CheckRun) -> list[Finding]:
    return [f for f in run.findings if f.suite == SUITE]


def test_what_the_seeds_hold_is_found_and_nothing_else(seeds_run: CheckRun) -> None:
    seeds = {seed_document(seed).doc_id: seed for seed in SEEDS}
    lines: dict[tuple[str, str], set[int | None]] = {}
    for finding in suite_findings(seeds_run):
        lines.setdefault((seeds[finding.doc_id], finding.check), set()).add(finding.line)
        assert finding.severity == ("warning" if finding.check in WARNINGS else "error")
    assert lines == SEED_FINDINGS


def test_real_errors_say_what_and_where(seeds_run: CheckRun) -> None:
    (projects,) = found(seeds_run, SUITE, "projects_total_vs_expenditure")
    for figure in ("第129行", "4,799.898200", "无合计行", "第88行", "5,620.584600", "-820.686400"):
        assert figure in projects.message
    (vehicle,) = found(seeds_run, SUITE, "three_public_vs_basic_expenditure")
    for figure in ("455.265000", "30231", "671.265000", "第301行"):
        assert figure in vehicle.message


def test_identities_that_hold_stay_silent(seeds_run: CheckRun) -> None:
    quiet = {
        ("000", "expenditure"),
        ("000", "general_budget"),
        ("000", "basic_expenditure"),
        ("001", "basic_expenditure"),
    }
    seeds = {seed_document(seed).doc_id: seed for seed in SEEDS}
    assert [f for f in suite_findings(seeds_run) if (seeds[f.doc_id], f.table) in quiet] == []
    outcomes = {(seeds[o.doc_id], o.check): o.outcome for o in seeds_run.outcomes}
    for seed in SEEDS:  # 合计 is the first amount, placed right even in the spaced layout (003)
        assert outcomes[seed, "summary_total_vs_expenditure"] == "pass"
        assert outcomes[seed, "summary_category_vs_expenditure"] == "pass"
        assert outcomes[seed, "fiscal_summary_total_vs_budget_tables"] == "pass"
    for seed in ("000", "001", "002"):
        assert outcomes[seed, "basic_expenditure_vs_general_budget"] == "pass"


def test_unjudgeable_documents_are_not_passed(seeds_run: CheckRun) -> None:
    seeds = {seed_document(seed).doc_id: seed for seed in SEEDS}
    outcomes = {(seeds[o.doc_id], o.check): o for o in seeds_run.outcomes if o.suite == SUITE}
    for check in (
        "projects_total_vs_expenditure",
        "projects_fiscal_vs_budget_tables",
        "basic_expenditure_vs_general_budget",
        "three_public_vs_basic_expenditure",
    ):  # component columns of the spaced layout's left-filled rows
        assert outcomes["003", check].outcome == "not_evaluated"
    # 001's performance table lost the project column of its first page: two targets have no name
    missing = outcomes["001", "projects_performance_target"]
    assert missing.outcome == "not_applicable" and "读不出名称" in missing.reason
    area = outcomes["002", "purchased_services_area_vs_function"]
    assert area.outcome == "not_applicable" and "没有列出项目" in area.reason
    assert outcomes["002", "projects_total_vs_expenditure"].outcome == "not_applicable"


# Per seed: edits (line, old, new) made together, and the line each check must then report.
# 000 is tab-separated (三公 in 元), 001 tabs + <b> with amounts of 项目支出表 on other lines,
# 002 multi-unit, 003 the spaced layout (only checks on 合计 columns or labels run there).
DEFECTS = {
    "000": (
        [
            (14, "六、科学技术支出\t818.513600", "六、科学技术支出\t818.513700"),
            (96, "2,975.988200\t2,975.988200", "2,975.988300\t2,975.988300"),
            (101, "值守应急系统短信费", "短信平台租用费"),
            (244, "3,207.001313\t2,915.594084", "3,207.001313\t2,915.594085"),
            (267, "9,025.00", "9,125.00"),  # in 元: 0.9125 万元 ≠ 30217 0.9025 万元
            (277, "区应急指挥中心显示大屏运维费", "区应急指挥中心大屏幕运维费"),
            (279, "206-科学技术支出\t30.548000", "224-灾害防治及应急管理支出\t30.548000"),
        ],
        {
            "summary_category_vs_expenditure": 14,
            "projects_performance_total": 96,
            "projects_performance_target": 101,
            "basic_expenditure_vs_general_budget": 244,
            "three_public_vs_basic_expenditure": 267,
            "cross_table_code_name": 277,
            "purchased_services_area_vs_function": 279,
        },
    ),
    "001": (
        [
            (
                38,
                "<b>本年支出合计</b>\t<b>9,751.387870</b>",
                "<b>本年支出合计</b>\t<b>9,751.387970</b>",
            ),
            (
                255,
                "<b>4,497.564820</b>\t<b>4,497.564820</b>",
                "<b>4,497.564920</b>\t<b>4,497.564920</b>",
            ),
            (282, "一、本年支出\t9,751.387870", "一、本年支出\t9,751.387970"),
            (283, "（一）一般公共预算资金\t9,751.387870", "（一）一般公共预算资金\t9,751.387970"),
            (288, "六、科学技术支出\t675.170220", "六、科学技术支出\t675.170320"),
            (440, "11010523T0000002096733-风险评估经费", "11010523T0000002096799-风险评估复核经费"),
        ],
        {
            "summary_total_vs_expenditure": 38,
            "projects_total_vs_expenditure": 178,  # the 合计 row's line (its figures are on 255)
            "projects_fiscal_vs_budget_tables": 178,
            "fiscal_summary_total_vs_budget_tables": 282,
            "fiscal_summary_sources_vs_budget_tables": 283,
            "fiscal_summary_category_vs_budget_tables": 288,
            "purchased_services_project_known": 440,
        },
    ),
    "002": (
        [
            (12, "四、公共安全支出\t42,066.367441", "四、公共安全支出\t42,066.367442"),
            (35, "本年支出合计\t171,816.170164", "本年支出合计\t171,816.170165"),
            (200, "四、公共安全支出\t42,066.367441", "四、公共安全支出\t42,066.367442"),
            (318, "6,729.073853", "6,729.073854"),
            (342, "8.124700", "8.124800"),
        ],
        {
            "summary_category_vs_expenditure": 12,
            "summary_total_vs_expenditure": 35,
            "fiscal_summary_category_vs_budget_tables": 200,
            "basic_expenditure_vs_general_budget": 318,
            "three_public_vs_basic_expenditure": 342,
        },
    ),
    "003": (
        [
            (20, "六、科学技术支出 437.400000", "六、科学技术支出 437.400100"),
            (64, "本年支出合计 9,595.025570", "本年支出合计 9,595.025670"),
            (238, "45.193600 45.193600", "45.293600 45.293600"),
            (266, "报刊媒体宣传 2240109", "报刊媒体宣传费 2240109"),
        ],
        {
            "summary_category_vs_expenditure": 20,
            "summary_total_vs_expenditure": 64,
            "projects_performance_total": 238,
            "projects_performance_name": 266,
        },
    ),
}


@pytest.fixture(scope="module")
def defects_run(engine: GxEngine, tmp_path_factory: pytest.TempPathFactory):
    """All seeds with their defects injected, checked together in one run (doc_id = sha256)."""
    documents = {seed: mutate(seed, edits) for seed, (edits, _) in DEFECTS.items()}
    run = check_bytes(engine, tmp_path_factory.mktemp("defects"), *documents.values())
    return run, {seed: hashlib.sha256(data).hexdigest() for seed, data in documents.items()}


@pytest.mark.parametrize(
    ("seed", "check"),
    [(seed, check) for seed, (_, expected) in DEFECTS.items() for check in expected],
)
def test_injected_defect_is_found_at_its_line(
    defects_run, seeds_run: CheckRun, seed: str, check: str
) -> None:
    run, doc_ids = defects_run
    line = DEFECTS[seed][1][check]
    before = {
        f.message
        for f in found(seeds_run, SUITE, check)
        if f.doc_id == seed_document(seed).doc_id and f.line == line
    }
    new = [
        f
        for f in found(run, SUITE, check)
        if f.doc_id == doc_ids[seed] and f.line == line and f.message not in before
    ]
    assert new, [f.message for f in found(run, SUITE, check) if f.doc_id == doc_ids[seed]]


def test_injected_defects_say_what_and_where(defects_run) -> None:
    run, doc_ids = defects_run

    def message(seed: str, check: str, line: int) -> str:
        texts = [
            f.message
            for f in found(run, SUITE, check)
            if f.doc_id == doc_ids[seed] and f.line == line
        ]
        assert len(texts) == 1, texts
        return texts[0]

    assert "0.912500" in message("000", "three_public_vs_basic_expenditure", 267)  # 元 → 万元
    assert "0.902500" in message("000", "three_public_vs_basic_expenditure", 267)
    assert "短信平台租用费" in message("000", "projects_performance_target", 101)
    text = message("002", "summary_category_vs_expenditure", 12)
    assert "42,066.367442" in text and "42,066.367441" in text and "204" in text
    text = message("003", "projects_performance_name", 266)
    assert "报刊媒体宣传费" in text and "报刊媒体宣传" in text
    for finding in suite_findings(run):
        assert finding.severity == ("warning" if finding.check in WARNINGS else "error")
