"""The 年度项目支出绩效表 and 部门整体支出绩效目标表 readers on the four real disclosures."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from budgetdq.parse.normalize import decode, normalize_lines
from budgetdq.parse.readers import department_performance, project_performance
from budgetdq.parse.readers.indicators import LEVEL1, indicator_from_text, split_levels
from budgetdq.parse.segment import segment
from budgetdq.parse.table import TableContext

SITE = Path(__file__).parents[2] / "examples" / "site"
SEEDS = ("000", "001", "002", "003")
READERS = {
    "project_performance": project_performance,
    "department_performance": department_performance,
}
CODE = re.compile(r"^\d{6}\d{2}[A-Z]\d+$")


def read_text(text: str, kind: str) -> TableContext:
    """Decode-free path for small cases: normalise, segment, read the section of `kind`."""
    _, sections = segment(normalize_lines(text))
    section = next(s for s in sections if s.kind == kind)
    ctx = TableContext(section, "tabbed" if "\t" in text else "spaced")
    READERS[kind].read(ctx)
    return ctx


@cache
def read_seed(seed: str, kind: str = "project_performance") -> TableContext:
    (path,) = SITE.glob(f"{seed}_*.txt")
    return read_text(decode(path.read_bytes()).text, kind)


def projects(seed: str) -> list[dict[str, Any]]:
    return [r for r in read_seed(seed).table.rows if r["row_type"] == "project"]


def indicators(seed: str) -> list[dict[str, Any]]:
    return [r for r in read_seed(seed).table.rows if r["row_type"] == "indicator"]


def project(seed: str, code: str) -> dict[str, Any]:
    (row,) = [r for r in projects(seed) if r["project_code"] == code]
    return row


def findings(seed: str, check: str) -> list[Any]:
    return [f for f in read_seed(seed).findings if f.check == check]


# -- every seed ----------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "count"), [("000", 53), ("001", 61), ("002", 83), ("003", 22)])
def test_project_count(seed: str, count: int) -> None:
    assert len(projects(seed)) == count


@pytest.mark.parametrize(
    ("seed", "minimum"), [("000", 0.99), ("001", 0.99), ("002", 0.99), ("003", 0.97)]
)
def test_every_line_is_consumed_or_reported(seed: str, minimum: float) -> None:
    ctx = read_seed(seed)
    section = ctx.section
    lines = {line.no for line in [*section.left_block, *section.lines] if not line.blank}
    assert lines <= set(ctx.consumed) | set(ctx.unparsed)
    assert len(lines & set(ctx.consumed)) / len(lines) >= minimum


@pytest.mark.parametrize("seed", SEEDS)
def test_every_project_has_indicators(seed: str) -> None:
    counts = {row["project_seq"]: 0 for row in projects(seed)}
    for row in indicators(seed):
        counts[row["project_seq"]] += 1
    assert all(counts.values()), [seq for seq, n in counts.items() if not n]


@pytest.mark.parametrize("seed", SEEDS)
def test_indicator_levels_are_recognised(seed: str) -> None:
    rows = indicators(seed)
    assert {row["level1"] for row in rows} <= set(LEVEL1)
    assert all(row["level2"] and row["level2"].endswith("指标") for row in rows)
    assert all(" " not in row["level2"] for row in rows)


@pytest.mark.parametrize("seed", SEEDS)
def test_project_codes_are_reassembled(seed: str) -> None:
    codes = [row["project_code"] for row in projects(seed) if row["project_code"]]
    assert all(CODE.match(code) for code in codes), [c for c in codes if not CODE.match(c)]


# -- 000: tabbed, cells shifted by stray tabs, headers split at page breaks ----------------------


def test_000_codes_broken_by_spaces_are_whole() -> None:
    codes = {row["project_code"] for row in projects("000")}
    assert {"11010522T000000395378", "11010523T000002096525", "11010523T000002174026"} <= codes
    assert all(len(code) == 21 for code in codes)


def test_000_header_continued_on_the_next_page_is_one_project() -> None:
    row = project("000", "11010522T000000460615")
    assert row["project_name"] == "安全应急救援保障经费-朝阳区风险管理工作"
    assert row["project_total"] == row["fiscal_funds"] == Decimal("20.000000")
    assert row["goal"] == "开展2023年度朝阳区全面风险评估,每季度完成一次风险动态更新"
    assert row["raw"].count("\n") == 1 and row["line"] == 449


def test_000_name_and_goal_continued_at_column_0() -> None:
    row = project("000", "11010523T000002096873")
    assert row["project_name"] == "安全应急救援队伍能力建设保障经费-社区应急救援员训练"
    assert row["goal"].endswith("确保2025年之前，所有城乡社区应急救援员均训练一次。")


def test_000_reprinted_header_with_other_figures_keeps_the_first_and_reports() -> None:
    row = project("000", "11010523T000002096075")
    assert row["project_name"] == "应急管理进社区试点运维（尾款）"
    assert row["project_total"] == Decimal("5.087600")
    network = project("000", "11010523T000002155861")
    assert network["project_name"] == "网络安全等级保护全流程服务方案"
    assert network["project_total"] == Decimal("5.000000")
    conflicts = {f.line: f for f in findings("000", "continued_header_conflict")}
    assert set(conflicts) == {623, 680}
    assert "0.501000" in conflicts[623].message and "0910" in conflicts[623].message
    assert "5.025000" in conflicts[680].message


def test_000_indicator_rows_at_column_0_belong_to_the_current_project() -> None:
    seq = project("000", "11010523T000002096656")["project_seq"]
    rows = [r for r in indicators("000") if r["project_seq"] == seq]
    assert [r["line"] for r in rows] == [530, 531, 532, 533, 534, 535]
    last = rows[-1]
    assert (last["level1"], last["level2"], last["level3"]) == (
        "成本指标",
        "经济成本指标",
        "500000元",
    )
    assert (last["nature"], last["target"], last["target_value"], last["measure_unit"]) == (
        "=",
        "500000",
        Decimal("500000"),
        "元",
    )


def test_000_wrapped_level_names_and_unit_column_are_read() -> None:
    row = next(r for r in indicators("000") if r["line"] == 434)
    assert row["level2"] == "服务对象满意度指标"
    assert row["level3"].startswith("隐患排查清单编制工作在全区重点企业中得到普及")
    assert all(r["unit_code"] == "105001" for r in projects("000"))


# -- 001: two column blocks ------------------------------------------------------------------


def test_001_left_headers_are_joined_with_right_goals() -> None:
    row = project("001", "11010522T000000460493")
    assert row["project_total"] == Decimal("92.000000")
    assert row["goal"].startswith("认真贯彻落实市委市政府")
    joined = [r for r in projects("001") if r["project_code"]]
    assert len(joined) == 59
    assert all(r["goal"] and r["project_total"] is not None for r in joined)


def test_001_right_projects_without_left_header_are_kept_and_reported() -> None:
    first, second = projects("001")[:2]
    assert first["goal"] == "编外人员工资" and first["project_code"] is None
    assert first["project_total"] is None and second["project_name"] is None
    assert [f.line for f in findings("001", "column_blocks_misaligned")] == [588, 594]


def test_001_right_project_split_at_a_page_break_is_one_project() -> None:
    row = project(
        "001", "11010524T000002728104"
    )  # 森防队伍培训: goal cut at 723, printed again at 726
    lines = [r["line"] for r in indicators("001") if r["project_seq"] == row["project_seq"]]
    assert lines == [723, 724, 726, 727, 728, 729]
    assert row["goal"].startswith("制定森防队伍训练方案") and "制定森林队伍训练方案" in row["goal"]
    standard = project("001", "11010524T000002788577")  # goal continued at 882 after the page break
    assert standard["project_name"] == "推进安全生产标准化创建服务"
    assert standard["goal"].endswith("达标和1240家小微达标任务。2、完成到期复评企业的评审工作。")


def test_001_indicators_without_goal_cell_and_tags_are_read() -> None:
    last = projects("001")[-1]
    rows = [r for r in indicators("001") if r["project_seq"] == last["project_seq"]]
    assert last["project_total"] == Decimal("5.000000") and [r["line"] for r in rows] == [
        991,
        992,
        993,
        994,
        995,
    ]
    tagged = next(r for r in indicators("001") if r["line"] == 936)
    assert (tagged["level1"], tagged["nature"], tagged["target"]) == ("产出指标", "≥", "900")


# -- 002: codes broken inside, no category column -------------------------------------------


def test_002_codes_broken_inside_are_reassembled_and_short_ones_stay() -> None:
    codes = {row["project_code"] for row in projects("002")}
    assert {"11010524T000003210182", "11010522T000000420561", "11010525T000003296246"} <= codes
    assert "11010522T00000418336" in codes  # published with 20 characters: left for the checks


def test_002_unreadable_amount_is_null_and_reported() -> None:
    row = project("002", "11010522T00000415634")
    assert row["project_total"] == Decimal("173.440000") and row["fiscal_funds"] is None
    assert [f.line for f in findings("002", "unreadable_amount")] == [1010]


def test_002_rows_without_category_read_amounts_and_goal() -> None:
    row = project("002", "11010524T000003210254")
    assert row["category"] is None and row["project_total"] == Decimal("18.000000")
    assert row["goal"].startswith("实现朝阳智慧人才系统")


# -- 003: spaced PDF text ----------------------------------------------------------------------


def test_003_projects_repeated_at_page_breaks_are_collapsed() -> None:
    rows = projects("003")
    assert sum(row["project_total"] for row in rows) == Decimal("5914.619100")
    codes = [row["project_code"] for row in rows]
    assert len(set(codes)) == len(codes) == 22
    resilience = project("003", "11000022T000000453172")
    count = sum(1 for r in indicators("003") if r["project_seq"] == resilience["project_seq"])
    assert count == 8


def test_003_missing_code_prefix_is_inherited_and_reported() -> None:
    row = project("003", "11000022T000000453205")
    assert row["project_name"] == "报刊媒体宣传" and row["project_total"] == Decimal("258.000000")
    assert [f.line for f in findings("003", "project_code_prefix_missing")] == [2023]


def test_003_header_block_and_goal_are_unwrapped() -> None:
    row = project("003", "11000022T000000453107")
    assert (row["project_name"], row["owner"], row["phone"]) == (
        "应急管理技术支撑",
        "张鑫",
        "55573127",
    )
    assert (row["unit_code"], row["unit_name"]) == ("042008", "北京市应急管理科学技术研究院")
    assert row["goal"] == (
        "优化整合各类科技资源，推进应急管理科技自主创新，提高应急管理的科学化、专业化，"
        "持续推进科技研发工作水平。"
    )


def test_003_wrapped_indicator() -> None:
    row = next(r for r in indicators("003") if r["line"] == 801)
    assert (row["level1"], row["level2"], row["level3"]) == (
        "产出指标",
        "数量指标",
        "电气检测设备耗材采购",
    )
    assert (row["nature"], row["target"], row["measure_unit"], row["direction"]) == (
        "≥",
        "200",
        "台（套）",
        "正向指标",
    )
    satisfaction = next(r for r in indicators("003") if r["line"] == 1867)
    assert satisfaction["level2"] == "服务对象满意度指标" and satisfaction["target_value"] == 90


# -- small cases -------------------------------------------------------------------------------


def test_bare_code_prefix_is_completed_by_the_next_row() -> None:
    text = (
        "预算表13 年度项目支出绩效表\n金额单位：万元\n"
        "\t11010524T00000277\t\t\t\t\t\n\n"
        "11010524T00000277 1321-事故专业部门 鉴定服务\t31-部门项目\t平康悦\t17761717401\t30.000000"
        "\t30.000000\t鉴定\t产出指标\t数量指标\t事故数量\t≤\t50\t个\n"
    )
    (row, indicator) = read_text(text, "project_performance").table.rows
    assert (row["project_code"], row["project_name"], row["line"]) == (
        "11010524T000002771321",
        "事故专业部门鉴定服务",
        3,
    )
    assert indicator["target_value"] == 50


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("产出指标数量指标支出部门数", ("产出指标", "数量指标", "支出部门数")),
        (
            "满意度指标服务对象满意度指标服务对象满意度",
            ("满意度指标", "服务对象满意度指标", "服务对象满意度"),
        ),
        (
            "效益指标可持续影响指标保障机构持续正常运转",
            ("效益指标", "可持续影响指标", "保障机构持续正常运转"),
        ),
        (
            "成本指标经济成本指标总成本控制在预算范围内",
            ("成本指标", "经济成本指标", "总成本控制在预算范围内"),
        ),
        ("其他", (None, None, "其他")),
    ],
)
def test_split_levels(text: str, levels: tuple[str | None, str | None, str]) -> None:
    assert split_levels(text) == levels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "产出指标 数量指标 培训会次数 = 3 期 正向指标",
            ("数量指标", "培训会次数", "=", "3", "期"),
        ),
        (
            "满意度指标\n服务对象满意度\n指标\n公众满意度 ≥ 90 % 正向指标",
            ("服务对象满意度指标", "公众满意度", "≥", "90", "%"),
        ),
        (
            "产出指标 质量指标\n刊物资质 定性 优良中低差 正向指标",
            ("质量指标", "刊物资质", "定性", "优良中低差", None),
        ),
    ],
)
def test_spaced_indicator(text: str, expected: tuple[str | None, ...]) -> None:
    indicator = indicator_from_text(text, 1, text)
    assert indicator is not None
    got = (
        indicator.level2,
        indicator.level3,
        indicator.nature,
        indicator.target,
        indicator.measure_unit,
    )
    assert got == expected


def test_spaced_indicator_without_tail_is_not_read() -> None:
    assert indicator_from_text("产出指标 数量指标\n编制分析报告", 1, "") is None


# -- 部门整体支出绩效目标表 ---------------------------------------------------------------------


def test_002_department_performance() -> None:
    ctx = read_seed("002", "department_performance")
    rows = ctx.table.rows
    (funds,) = [r for r in rows if r["row_type"] == "funds"]
    assert funds["total"] == funds["fiscal_total"] == Decimal("171816.170164")
    assert (funds["fiscal_basic"], funds["fiscal_project"]) == (
        Decimal("30838.814638"),
        Decimal("140977.355526"),
    )
    assert funds["other_total"] is None and funds["department_name"] == "北京市朝阳区人民政府"
    (goal,) = [r for r in rows if r["row_type"] == "goal"]
    assert goal["target"].startswith("北京市朝阳区机关事务管理服务中心代管")
    found = [r for r in rows if r["row_type"] == "indicator"]
    assert len(found) == 18
    assert {r["activity"] for r in found} == {"综合事务", "人才发展", "精神文明建设"}
    first = found[0]
    assert (first["level1"], first["level2"], first["level3"]) == (
        "产出指标",
        "数量指标",
        "支出部门数",
    )
    assert (first["nature"], first["target_value"], first["measure_unit"]) == ("=", 26, "家")
    assert all(r["level1"] in LEVEL1 and r["level2"] for r in found)
    assert not ctx.unparsed and ctx.unit == "万元"
