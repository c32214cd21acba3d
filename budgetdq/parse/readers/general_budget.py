"""一般公共预算财政拨款支出表: unit × function code; 基本支出 (人员经费, 公用经费) and 项目支出.

001 prints it as two column blocks: the left block (unit, code, name, 合计, 基本小计, 人员经费) and,
after a second header, the right block (公用经费, 项目支出总数, 扣除基建项目后预算数). The right block
omits rows whose cells are all empty, so each left row expects a right row only when its own figures
leave something for the right columns (合计 ≠ 基本小计 or 基本小计 ≠ 人员经费).
"""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.cells import is_amount
from budgetdq.parse.grid import add_rows, iter_rows, match_labels
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_LABEL = re.compile(
    r"^(?P<unit_code>\d{3,6})\s*-\s*(?P<unit_name>.+?)[\t ]+"
    r"(?P<function_code>[0-9A-Za-z]{3,9})[\t ]+(?P<function_name>\S.*)$"
)
_RIGHT_COLUMNS = ("public_use", "project_total", "project_excl_capital")


def _parse_label(label: str) -> dict[str, Any] | None:
    return match_labels(_LABEL, label)


def read(ctx: TableContext) -> None:
    for page in ctx.section.pages:
        left, right = _split_blocks(page.lines)
        rows = add_rows(ctx, iter_rows(ctx, left, _parse_label, n_labels=3))
        if right:
            _join_right_block(ctx, rows, right)


def _split_blocks(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Lines up to the left block's 合计 row, and the untitled right block after it (if any)."""
    for index, line in enumerate(lines):
        if re.sub(r"\s", "", "".join(line.cells[:3])) == "合计":
            rest = lines[index + 1 :]
            if any(line.filled and all(is_amount(c) for c in line.filled) for line in rest):
                return lines[: index + 1], rest
            return lines, []
    return lines, []


def _join_right_block(ctx: TableContext, rows: list[dict[str, Any]], lines: list[Line]) -> None:
    right: list[Line] = []
    for line in lines:
        if line.blank or ctx.is_unit_line(line):
            continue
        if line.filled and all(is_amount(c) for c in line.filled):
            right.append(line)
            ctx.consume(line, "row")
        else:
            ctx.consume(line, "header")
    expecting = [row for row in rows if row["is_total"] or _expects_right_cells(row)]
    if len(expecting) != len(right):
        ctx.finding(
            "column_blocks_misaligned",
            "error",
            f"{ctx.section.title} 右半部分有 {len(right)} 行，左半部分有 {len(expecting)} 行需要对应，"
            "无法可靠拼接，右半部分数值未读取",
            line=right[0].no if right else None,
            observed=str(len(right)),
            expected=str(len(expecting)),
        )
        return
    for row, line in zip(expecting, right, strict=True):
        cells = list(line.cells) + [""] * len(_RIGHT_COLUMNS)
        for column, text in zip(_RIGHT_COLUMNS, cells, strict=False):
            row[column] = ctx.amount(text, line.no, column)
        row["raw"] += "\n" + line.source


def _expects_right_cells(row: dict[str, Any]) -> bool:
    total, basic, personnel = row["total"], row["basic_subtotal"], row["personnel"]
    return total != basic or (basic or 0) != (personnel or 0)
