"""Reader for the 部门整体支出绩效目标表: the department's funds, overall goal and indicators.

Layout (002): `部门名称` row, a two-line column header over the funds (预算支出总额, 财政拨款 合计/
基本支出/项目支出, 其他资金 合计/基本支出), the funds row, `整体绩效目标` with the goal text,
`其他说明`, the indicator header `整体绩效目标 活动 绩效指标 指标性质 指标值 度量单位`, then one row
per indicator: activity, the three levels printed as one text (`产出指标数量指标支出部门数`), nature,
value, unit. Rows: `funds`, `goal`, `note` (其他说明 when filled) and `indicator`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetdq.parse.cells import is_amount, join_wrapped, looks_broken_amount
from budgetdq.parse.normalize import Line
from budgetdq.parse.readers.indicators import NATURES, split_levels, target_value
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_YEAR_NOTE = re.compile(r"^[(（]\d{4}年度[)）]$")
_HEADER_WORDS = frozenset(
    {"总体资金情况", "预算支出总额", "财政拨款", "其他资金", "合计", "基本支出", "项目支出", "活动"}
)


def read(ctx: TableContext) -> None:
    department: str | None = None
    for line in ctx.section.lines:
        if line.blank or ctx.is_unit_line(line):
            continue
        cells = line.filled
        first = cells[0]
        if first == "部门名称":
            department = cells[1] if len(cells) > 1 else None
            ctx.consume(line, "department")
        elif _is_funds_row(cells):
            _add_funds(ctx, line, department)
            ctx.consume(line, "funds")
        elif first == "整体绩效目标" and "活动" in cells:
            ctx.consume(line, "header")
        elif first == "整体绩效目标":
            _add_text(ctx, line, "goal", [c for c in cells if c != "整体绩效目标"], department)
            ctx.consume(line, "goal")
        elif first == "其他说明":
            if len(cells) > 1:
                _add_text(ctx, line, "note", list(cells[1:]), department)
            ctx.consume(line, "note")
        elif _HEADER_WORDS & {c.split("（")[0] for c in cells}:
            ctx.consume(line, "header")
        elif (at := _indicator_at(line.cells)) is not None:
            _add_indicator(ctx, line, at, department)
            ctx.consume(line, "indicator")
        elif _YEAR_NOTE.match(first):
            ctx.consume(line, "subtitle")
        else:
            ctx.unread(line, "not a funds, goal or indicator row")


def _is_funds_row(cells: Sequence[str]) -> bool:
    return bool(cells) and all(is_amount(c) or looks_broken_amount(c) for c in cells)


def _add_funds(ctx: TableContext, line: Line, department: str | None) -> None:
    """The funds row keeps its columns: the amounts start under 预算支出总额, empty cells included."""
    start = next(i for i, cell in enumerate(line.cells) if cell)
    values = ctx.amounts(list(line.cells[start:]), line.no)
    ctx.add_row(line, line.source, {"row_type": "funds", "department_name": department, **values})


def _add_text(
    ctx: TableContext, line: Line, row_type: str, parts: list[str], department: str | None
) -> None:
    ctx.add_row(
        line,
        line.source,
        {
            "row_type": row_type,
            "department_name": department,
            "target": join_wrapped(" ".join(parts)),
        },
    )


def _indicator_at(cells: Sequence[str]) -> int | None:
    """Index of the `产出指标数量指标…` cell: the cell before a nature (= ≥ ≤ > < 定性)."""
    for index, cell in enumerate(cells[1:], start=1):
        if cell in NATURES and cells[index - 1]:
            return index - 1
    return None


def _add_indicator(ctx: TableContext, line: Line, at: int, department: str | None) -> None:
    cells = line.cells
    activity = next((c for c in reversed(cells[:at]) if c), None)
    level1, level2, level3 = split_levels(cells[at])
    values = [c for c in cells[at + 2 :] if c]
    target = values[0] if values else None
    ctx.add_row(
        line,
        line.source,
        {
            "row_type": "indicator",
            "department_name": department,
            "activity": activity,
            "level1": level1,
            "level2": level2,
            "level3": level3 or None,
            "nature": cells[at + 1],
            "target": target,
            "target_value": target_value(target),
            "measure_unit": values[1] if len(values) > 1 else None,
        },
    )
