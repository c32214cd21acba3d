"""The rules on the national layouts: a real Shanghai budget (S02) with defects planted at known lines.

The text is what budgetdq extracts from the PDF, so the lines are those of the published document;
each planted copy is reported at its line, and the unmodified copy is not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun
from budgetdq.parse.pdf import extract_pdf
from tests.checks.conftest import check_bytes, found

S02 = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "S02.pdf"


@pytest.fixture(scope="module")
def s02_text() -> str:
    return extract_pdf(S02.read_bytes()).text


def _planted(text: str, line: int, old: str, new: str) -> bytes:
    lines = text.split("\n")
    assert old in lines[line - 1], f"{old!r} not on line {line}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines).encode("utf-8")


def _errors(run: CheckRun) -> set[tuple[str, int | None]]:
    return {(f.check, f.line) for f in run.findings if f.severity == "error"}


def test_the_published_copy_has_no_error_and_its_rounding_difference_is_a_warning(
    engine: GxEngine, tmp_path: Path, s02_text: str
) -> None:
    run = check_bytes(engine, tmp_path, s02_text.encode("utf-8"))
    assert _errors(run) == set()
    # 212 01 城乡社区管理事务 prints 94,995,790, its 项 rows add up to 94,995,789, and so 212
    # 城乡社区支出 differs from its 款 by the same 元 (truth D1)
    rounding = found(run, "hierarchy", "expenditure_hierarchy_rounding")
    assert {f.line for f in rounding} == {269, 270}
    assert {f.severity for f in rounding} == {"warning"}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # a 项 row of 支出预算总表: its 合计 no longer equals 基本 + 项目, nor its 款 their sum
        (
            (272, "17,464,243\t0\t17,464,243", "17,464,843\t0\t17,464,243"),
            {("expenditure_row_sum", 272), ("expenditure_hierarchy_sum", 270)},
        ),
        # the department economic code 30102 printed as 301 | 2 (as S01 published it)
        (
            (417, "301\t02\t津贴补贴", "301\t2\t津贴补贴"),
            {("basic_expenditure_dept_econ_code", 417)},
        ),
        # 收支总表: an expenditure category that no longer adds up to 支出总计
        ((133, "154,369,326", "154,369,926"), {("summary_expenditure_grand_total", 135)}),
        # “三公”经费: 合计 ≠ 因公出国 + 公务接待 + 公务用车
        ((454, "37.91\t0\t1.35", "38.91\t0\t1.35"), {("three_public_total", 454)}),
        # 收入预算总表: 合计 ≠ 财政拨款收入 + 事业收入 + …
        ((207, "3,846,732\t3,846,732", "3,846,732\t3,846,932"), {("income_fiscal_sum", 207)}),
    ],
)
def test_a_planted_defect_is_an_error_at_its_line(
    engine: GxEngine, tmp_path: Path, s02_text: str, edit, expected
) -> None:
    run = check_bytes(engine, tmp_path, _planted(s02_text, *edit))
    assert expected <= _errors(run), sorted(_errors(run))


def test_a_difference_within_the_rounding_of_the_parts_is_a_warning_that_says_so(
    engine: GxEngine, tmp_path: Path, s02_text: str
) -> None:
    run = check_bytes(engine, tmp_path, _planted(s02_text, 272, "17,464,243\t0", "17,464,244\t0"))
    (finding,) = found(run, "totals", "expenditure_row_sum")
    assert finding.severity == "warning" and finding.message.startswith("舍入差")
    assert ("expenditure_row_sum", 272) not in _errors(run)
