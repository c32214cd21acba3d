"""The codes suite: classification, unit and project codes and phone numbers, on seeds and defects."""

from __future__ import annotations

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun
from budgetdq.parse.document import read_document
from tests.checks.conftest import check_bytes, found, mutate, seed_id
from tests.conftest import SEEDS

SUITE = "codes"


def doc_lines(run: CheckRun, check: str, doc_id: str) -> set[int | None]:
    return {f.line for f in found(run, SUITE, check) if f.doc_id == doc_id}


def test_real_code_defects_of_the_seeds_are_found(seeds_run: CheckRun) -> None:
    # 003 writes two department economic codes with 7 digits, in both tables that carry them.
    assert doc_lines(seeds_run, "expenditure_dept_econ_code", seed_id("003")) == {181, 185}
    assert doc_lines(seeds_run, "basic_expenditure_dept_econ_code", seed_id("003")) == {454, 458}
    message = next(
        f.message for f in found(seeds_run, SUITE, "expenditure_dept_econ_code") if f.line == 181
    )
    assert "3021101-差旅费" in message and "有 7 位" in message
    # Project codes of 22 characters (000, 001 政府购买服务) and of 20 characters (002 绩效表).
    purchased = "purchased_services_project_code"
    assert doc_lines(seeds_run, purchased, seed_id("000")) == set(range(293, 306))
    assert doc_lines(seeds_run, purchased, seed_id("001")) == set(range(438, 445))
    assert doc_lines(seeds_run, "project_performance_project_code", seed_id("002")) == {
        *(628, 634, 640, 764, 770, 776, 782, 992, 998, 1004, 1010, 1135, 1141, 1147, 1153)
    }
    # Phone numbers: 12 digits in 001, 7 digits in 003.
    assert doc_lines(seeds_run, "project_performance_phone", seed_id("001")) == {531}
    assert doc_lines(seeds_run, "project_performance_phone", seed_id("003")) == {3150}
    phone = found(seeds_run, SUITE, "project_performance_phone")
    assert any("187519067000（12 位数字）" in f.message for f in phone)
    assert all(f.severity == "error" for f in seeds_run.findings if f.suite == SUITE)


def test_valid_codes_stay_silent(seeds_run: CheckRun) -> None:
    # Function, government, unit and catalogue codes, the economic code mapping, the unit type and
    # the code names all hold in the four seeds.
    assert {f.check for f in seeds_run.findings if f.suite == SUITE} == {
        "expenditure_dept_econ_code",
        "basic_expenditure_dept_econ_code",
        "purchased_services_project_code",
        "project_performance_project_code",
        "project_performance_phone",
    }


def test_a_code_on_an_unreadable_amount_line_is_still_reported(seeds_run: CheckRun) -> None:
    # 002 line 1010 has a 20-character code and an amount read as `#####`: only amount rules
    # skip such a line, the code is still judged.
    assert 1010 in doc_lines(seeds_run, "project_performance_project_code", seed_id("002"))


def _admin_types_unstated() -> list[tuple[int, str, str]]:
    """000 with the unit type of every project row made unknown: the unit type is then inferred."""
    lines = SEEDS["000"].read_text(encoding="utf-8").split("\n")
    unit_type = "\t1-行政单位\t"
    return [(no, unit_type, "\t9-其他\t") for no, text in enumerate(lines, 1) if unit_type in text]


# Defects injected into each seed: the edits, and the findings (check → lines) they must add.
DEFECTS: dict[str, tuple[list[tuple[int, str, str]], dict[str, set[int]]]] = {
    "000": (
        [
            (57, "2240101-行政运行\t50101", "2250101-行政运行\t50101"),
            (58, "50101-工资奖金津补贴\t30102", "50201-办公经费\t30102"),
            (60, "50101-工资奖金津补贴\t30107", "50501-工资福利支出\t30107"),
            (96, "105001-", "10500-"),
            (335, "65090037", "6509003"),
            (31, "二十三、灾害防治及应急管理支出", "二十三、灾害防治与应急支出"),
            *_admin_types_unstated(),
        ],
        {
            "expenditure_function_code": {57},
            "expenditure_econ_code_mapping": {58},
            "expenditure_econ_code_unit_type": {60},
            "projects_unit_code": {96},
            "project_performance_phone": {335},
            "summary_category_class": {31},
        },
    ),
    "001": (
        [
            (364, "50101-工资奖金津补贴", "5010-工资奖金津补贴"),
            (499, "11010523T00000209 6729-", "11010523T00000209 672-"),
            (438, "0114-", "0214-"),
            (439, "201-一般公共服务支出", "251-一般公共服务支出"),
            (108, "\t1-行政单位\t", "\t22-公益一类\t"),
        ],
        {
            "basic_expenditure_gov_econ_code": {364},
            "project_performance_project_code": {499},
            "purchased_services_catalog_code": {438},
            "purchased_services_service_area": {439},
            "projects_econ_code_unit_type": {108},
        },
    ),
    "002": (
        [
            (47, "30103-奖金", "30403-奖金"),
            (46, "2010301-行政运行", "2010301-行政运行费"),
            (244, "100001-", "101001-"),
        ],
        {
            "expenditure_dept_econ_code": {47},
            "expenditure_code_names": {46},
            "general_budget_unit_code": {244},
        },
    ),
    # 003 is a 事业单位 (spaced layout): 基本工资 booked under the 机关 class 501 in two tables,
    # with 50101 written under two names.
    "003": (
        [
            (155, "50501-工资福利支出 30101-基本工资", "50101-工资奖金津补贴 30101-基本工资"),
            (428, "50501-工资福利支出 30101-基本工资", "50101-工资福利支出 30101-基本工资"),
        ],
        {
            "expenditure_econ_code_unit_type": {155},
            "basic_expenditure_econ_code_unit_type": {428},
            "basic_expenditure_code_names": {428},
        },
    ),
}


@pytest.fixture(scope="module")
def defects(engine: GxEngine, tmp_path_factory: pytest.TempPathFactory):
    """The defective copies, checked together: the run and the copies' doc ids by seed."""
    copies = {seed: mutate(seed, edits) for seed, (edits, _) in DEFECTS.items()}
    run = check_bytes(engine, tmp_path_factory.mktemp("lake"), *copies.values())
    return run, {seed: read_document(data).doc_id for seed, data in copies.items()}


def _findings(run: CheckRun, doc_id: str) -> set[tuple[str, int | None]]:
    return {(f.check, f.line) for f in run.findings if f.suite == SUITE and f.doc_id == doc_id}


@pytest.mark.parametrize("seed", sorted(DEFECTS))
def test_injected_defects_are_found_at_their_lines_and_nothing_else(
    seeds_run: CheckRun, defects, seed: str
) -> None:
    run, ids = defects
    added = _findings(run, ids[seed]) - _findings(seeds_run, seed_id(seed))
    expected = {(check, line) for check, lines in DEFECTS[seed][1].items() for line in lines}
    assert added == expected, [f.message for f in run.findings if f.doc_id == ids[seed]]


def test_a_government_code_of_the_wrong_unit_type_names_the_unit_type(defects) -> None:
    run, ids = defects
    (finding,) = [
        f for f in found(run, SUITE, "expenditure_econ_code_unit_type") if f.doc_id == ids["003"]
    ]
    assert finding.severity == "error"
    assert "公益一类" in finding.message and "按事业单位" in finding.message
    assert "505 对事业单位经常性补助" in finding.message
    assert "50101-工资奖金津补贴" in finding.message


def test_an_inferred_unit_type_says_so(defects) -> None:
    run, ids = defects
    (finding,) = [
        f for f in found(run, SUITE, "expenditure_econ_code_unit_type") if f.doc_id == ids["000"]
    ]
    assert "本文档只有一个单位" in finding.message and "按行政单位" in finding.message
    assert "501 机关工资福利支出" in finding.message


def test_a_code_with_a_second_name_is_a_warning(defects) -> None:
    # 50101 is written 工资奖金津补贴 on line 155 and 工资福利支出 on line 428: the later one is
    # reported, with the name used first.
    run, ids = defects
    (finding,) = [
        f for f in found(run, SUITE, "basic_expenditure_code_names") if f.doc_id == ids["003"]
    ]
    assert finding.severity == "warning"
    assert "「工资福利支出」" in finding.message and "「工资奖金津补贴」" in finding.message
    assert "首见于支出预算总表 第155行" in finding.message
