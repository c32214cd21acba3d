"""The indicators suite: completeness and plausibility of the 年度项目支出绩效表's indicators."""

from __future__ import annotations

import hashlib

import pytest

from budgetdq.checks.catalog import load_suites
from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun
from budgetdq.findings import Finding
from tests.checks.conftest import check_bytes, mutate
from tests.conftest import SEEDS, seed_document

SUITE = "indicators"
SEVERITY = {
    check.id: check.severity
    for suite in load_suites()
    if suite.name == SUITE
    for check in suite.checks
}

# False alarms the reader would cause if it gave rows printed above a project's header at a page
# break (000: 517–519 of 培训费, 697–698 of 北京市居住区电动自行车充电设施建设项目) to the previous
# project: they must stay silent.
PAGE_BREAK_ALARMS = {
    ("000", "performance_level1_missing", 521),
    ("000", "performance_level1_missing", 700),
    ("000", "performance_output_level2_missing", 700),
    ("000", "cost_above_project_total", 697),
}

# What the suite finds on each seed: the lines by check (a number where only the count is pinned).
# A check not listed finds nothing on that seed.
SEED_FINDINGS: dict[str, dict[str, set[int] | int]] = {
    "000": {
        "performance_output_level2_missing": {423, 466, 563},
        "indicator_qualitative_numeric": 84,  # `定性⇥90⇥%` and the like
        "satisfaction_unit_not_percent": {479},  # 受灾群众满意度 = 100 元/人·次
        "cost_unit_percent": {490, 605},
        "cost_unit_not_money": {351},  # ≤ 1 套
        "cost_above_project_total": {357, 415, 484, 548, 624, 676},
        "time_target_past_year": {343, 360, 366, 374, 425, 701},  # 2022年12月31日前 in 2023
    },
    "001": {
        "performance_level1_missing": {498, 511, 527, 531, 551, 552, 563},
        "performance_output_level2_missing": {493, 507, 543, 550, 580},
        "indicator_qualitative_numeric": 77,
        "satisfaction_unit_not_percent": {628},
        "satisfaction_direction": {850, 856, 876},  # ≤ 90 %
        "satisfaction_exact_target": {612, 845},
        "cost_unit_percent": {749, 787, 965},
        "cost_direction": {758, 761},  # 成本不超过预算值 ≥ 200000 元
        "cost_above_project_total": {629, 651, 761, 780, 931},  # 78912 万元 for 7.8912 万元
        "time_target_past_year": {606},  # 2023年12月30日前 in 2024
    },
    "002": {
        "performance_level1_missing": {1055, 1079, 1114, 1120, 1135, 1147, 1153, 1160},
        "performance_output_level2_missing": {628, 634, 686, 916, 1068, 1141},
        "satisfaction_unit_not_percent": {800, 934, 1105},
        "satisfaction_direction": {888},
        "satisfaction_exact_target": {756, 808},
        "cost_unit_percent": 72,  # 总成本控制在预算范围内 ≤ 100 %
    },
    "003": {
        "performance_level1_missing": {562, 858, 895, 2975, 3150, 3173},
        "performance_output_level2_missing": {
            782,
            858,
            895,
            1091,
            1494,
            1676,
            2117,
            2329,
            2515,
            2619,
            2909,
            2975,
        },
        "satisfaction_unit_not_percent": {2509, 3202},  # ≥ 90 ‰, ≥ 90 次/年
        "satisfaction_exact_target": {1482},
        "time_target_past_year": {1455},  # 2021年全年… in 2022
    },
}


def findings_of(run: CheckRun, doc_id: str, check: str | None = None) -> list[Finding]:
    return [
        f
        for f in run.findings
        if f.suite == SUITE and f.doc_id == doc_id and (check is None or f.check == check)
    ]


def seed_findings(run: CheckRun, seed: str, check: str | None = None) -> list[Finding]:
    return findings_of(run, seed_document(seed).doc_id, check)


def lines(run: CheckRun, doc_id: str, check: str) -> set[int | None]:
    return {f.line for f in findings_of(run, doc_id, check)}


def seed_lines(run: CheckRun, seed: str, check: str) -> set[int | None]:
    return lines(run, seed_document(seed).doc_id, check)


def blank(seed: str, line: int) -> tuple[int, str, str]:
    """An edit that empties a line of a seed (deletes an indicator row, keeping line numbers)."""
    return line, SEEDS[seed].read_text(encoding="utf-8").split("\n")[line - 1], ""


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_what_the_suite_finds_on_each_seed(seeds_run: CheckRun, seed: str) -> None:
    expected = SEED_FINDINGS[seed]
    for check in SEVERITY:
        found = seed_lines(seeds_run, seed, check)
        pinned = expected.get(check, set())
        if isinstance(pinned, int):
            assert len(found) == pinned, check
        else:
            assert found == pinned, (check, sorted(found))
    assert all(f.severity == SEVERITY[f.check] for f in seed_findings(seeds_run, seed))


def test_checks_that_hold_on_every_seed_stay_silent(seeds_run: CheckRun) -> None:
    for check in (
        "performance_project_without_indicators",
        "performance_project_duplicate",
        "indicator_nature_invalid",
        "indicator_quantitative_value_missing",
        "indicator_quantitative_unit_missing",
        "satisfaction_out_of_range",
    ):
        outcomes = {o.outcome for o in seeds_run.outcomes if o.check == check}
        assert outcomes == {"pass"}, check


def test_plausible_figures_are_not_flagged(seeds_run: CheckRun) -> None:
    above = seed_lines(seeds_run, "000", "cost_above_project_total")
    assert 339 not in above  # 2976 万元 for 2,975.9882 万元: rounded to the published digits
    assert 377 not in above  # 9250 元/人*月 is a rate, not compared with the total
    # 2412883.2 元 equals 总额 241.28832 万元
    assert 874 not in seed_lines(seeds_run, "001", "cost_above_project_total")
    # 2023年5月1日至2024年4月30日 ends in the budget year; 2023年底 is the budget year
    assert not {629, 350} & seed_lines(seeds_run, "000", "time_target_past_year")
    # 001's two right-block projects without a left block are parse findings, not ours
    assert not {588, 594} & {f.line for f in seed_findings(seeds_run, "001")}


def test_old_template_cost_under_output_counts_as_the_cost_level(seeds_run: CheckRun) -> None:
    missing = seed_findings(seeds_run, "003", "performance_level1_missing")
    assert missing and all("缺少一级指标 成本指标" not in f.message for f in missing)
    message = next(f.message for f in missing if f.line == 858)
    assert "效益指标、满意度指标" in message and "二级成本指标，旧模板" in message


def test_messages_carry_the_project_the_indicator_and_the_figures(seeds_run: CheckRun) -> None:
    (cost,) = [
        f for f in seed_findings(seeds_run, "000", "cost_above_project_total") if f.line == 415
    ]
    assert "11010522T000000460412" in cost.message and "3462460 元" in cost.message
    assert "282.406000 万元" in cost.message and "2824060.00 元" in cost.message
    (year,) = [f for f in seed_findings(seeds_run, "000", "time_target_past_year") if f.line == 343]
    assert "2022年12月31日前" in year.message and "2023 年" in year.message
    (unit,) = seed_findings(seeds_run, "001", "satisfaction_unit_not_percent")
    assert "受灾群众满意度" in unit.message and "元/人·次" in unit.message


def test_rows_printed_above_their_project_belong_to_it(seeds_run: CheckRun) -> None:
    flagged = {
        (seed, check, line)
        for seed, check, line in PAGE_BREAK_ALARMS
        if line in seed_lines(seeds_run, seed, check)
    }
    assert flagged == set()


# Defects injected into copies of the seeds (all checked together in one run): the edits and the
# lines where each check must now find something it did not find on the seed.
MUTATIONS: dict[str, tuple[list[tuple[int, str, str]], dict[str, set[int]]]] = {
    "000": (
        [
            blank("000", 345),  # 满意度 of 区应急指挥中心显示大屏运维费 deleted
            (344, "≤\t11.2\t万元", "≤\t11.2\t个"),
            (349, "≥\t1\t套", "约\t1\t套"),
            (356, "≥\t1\t处", "≥\t1\t"),
            (335, "=\t1588\t人", "=\t若干\t人"),
            (353, "11010522T00000045 9775", "11010522T00000045 9597"),
            (521, "\t成本指标\t经济成本指标\t100万元\t=\t600000\t元", ""),
            blank("000", 522),
            blank("000", 523),
            # and its 产出 rows, printed above its header at the page break (lines 517–519)
            blank("000", 517),
            blank("000", 518),
            blank("000", 519),
        ],
        {
            "performance_level1_missing": {341},
            "cost_unit_not_money": {344},
            "indicator_nature_invalid": {349},
            "indicator_quantitative_unit_missing": {356},
            "indicator_quantitative_value_missing": {335},
            "performance_project_duplicate": {353},
            "performance_project_without_indicators": {521},
        },
    ),
    "001": (
        [(593, "≥\t90\t%", "≤\t90\t%"), (590, "\t年度\t", "\t2023年度\t")],
        {"satisfaction_direction": {593}, "time_target_past_year": {590}},
    ),
    "002": (
        [
            (633, "≥\t90\t%", "≥\t120\t%"),
            (635, "≤\t20\t万元", "≤\t200\t万元"),
            (632, "全年支出进度", "2025年12月31日前"),
            (639, "≥\t90\t%", "≤\t90\t%"),
            blank("002", 641),  # 数量指标 of 人才地图智能决策系统运维 deleted
            (649, "≤\t2\t万元", "≥\t2\t万元"),
        ],
        {
            "satisfaction_out_of_range": {633},
            "cost_above_project_total": {635},
            "time_target_past_year": {632},
            "satisfaction_direction": {639},
            "performance_output_level2_missing": {640},
            "cost_direction": {649},
        },
    ),
    "003": (
        [
            (663, "≥ 80 % 正向指标", "≥ 80 个 正向指标"),
            (644, "≤ 24 万元", "≤ 240 万元"),
            (652, "招聘服务费 ≤ 2 万元", "招聘服务费 ≤ 2 台"),
            (626, "定性 好坏 正向指标", "定性 95 正向指标"),
        ],
        {
            "satisfaction_unit_not_percent": {654},
            "cost_above_project_total": {640},
            "cost_unit_not_money": {652},
            "indicator_qualitative_numeric": {621},
        },
    ),
}


@pytest.fixture(scope="module")
def mutated_run(
    engine: GxEngine, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CheckRun, dict[str, str]]:
    """One run over the defective copies, with the doc_id (sha256 of the bytes) of each."""
    documents = {seed: mutate(seed, edits) for seed, (edits, _) in MUTATIONS.items()}
    run = check_bytes(engine, tmp_path_factory.mktemp("mutated"), *documents.values())
    return run, {seed: hashlib.sha256(data).hexdigest() for seed, data in documents.items()}


@pytest.mark.parametrize("seed", sorted(MUTATIONS))
def test_injected_defect_is_found_at_its_line(
    seeds_run: CheckRun, mutated_run: tuple[CheckRun, dict[str, str]], seed: str
) -> None:
    run, doc_ids = mutated_run
    for check, injected in MUTATIONS[seed][1].items():
        before = seed_lines(seeds_run, seed, check)
        after = findings_of(run, doc_ids[seed], check)
        assert not injected & before, (check, "already found on the seed")
        assert injected <= {f.line for f in after}, (check, [f.message for f in after])
        assert all(f.severity == SEVERITY[check] for f in after)
