"""项目支出表: one row per project × codes, with the unit, its type and the amounts by source.

001 prints it as two column blocks: the left block (unit, type, project, function code) before the
title, the right block (economic codes and amounts) after it; rows are joined in order.
"""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.grid import GridRow, add_rows, iter_rows, match_labels
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_UNIT_AND_PROJECT = (
    r"^(?P<unit_code>\d{3,6})\s*-\s*(?P<unit_name>\S+)[\t ]+"
    r"(?P<unit_type_code>\d{1,2})\s*-\s*(?P<unit_type>\S+)[\t ]+"
    r"(?P<project_name>.+?)[\t ]+"
    r"(?P<function_code>[0-9A-Za-z]{3,9})\s*-\s*(?P<function_name>.+?)"
)
_ECONOMIC = (
    r"(?P<gov_econ_code>[0-9A-Za-z]{3,7})\s*-\s*(?P<gov_econ_name>.+?)[\t ]+"
    r"(?P<dept_econ_code>[0-9A-Za-z]{3,9})\s*-\s*(?P<dept_econ_name>.+)$"
)
_FULL = re.compile(_UNIT_AND_PROJECT + r"[\t ]+" + _ECONOMIC)
_LEFT = re.compile(_UNIT_AND_PROJECT + r"$")
_RIGHT = re.compile(r"^" + _ECONOMIC)


def _parse_full(label: str) -> dict[str, Any] | None:
    return match_labels(_FULL, label)


def _parse_left(label: str) -> dict[str, Any] | None:
    return match_labels(_LEFT, label)


def _parse_right(label: str) -> dict[str, Any] | None:
    """Economic codes; the right block's total row has no label at all (the left block says 合计)."""
    return match_labels(_RIGHT, label) if label.strip() else {}


def read(ctx: TableContext) -> None:
    if not ctx.section.left_block:
        for page in ctx.section.pages:
            add_rows(ctx, iter_rows(ctx, page.lines, _parse_full, n_labels=6))
        return
    left = list(iter_rows(ctx, ctx.section.left_block, _parse_left, n_labels=4))
    right = [
        pair
        for page in ctx.section.pages
        for pair in iter_rows(ctx, page.lines, _parse_right, n_labels=2)
    ]
    if len(left) != len(right):
        ctx.finding(
            "column_blocks_misaligned",
            "error",
            f"{ctx.section.title} 左半部分 {len(left)} 行与右半部分 {len(right)} 行数量不一致，"
            "按顺序拼接到较短一侧为止",
            line=ctx.section.line,
            observed=str(len(right)),
            expected=str(len(left)),
        )
    joined = []
    for (left_row, left_labels), (right_row, right_labels) in zip(left, right, strict=False):
        is_total = left_row.is_total or right_row.is_total
        labels = None if is_total else {**(left_labels or {}), **(right_labels or {})}
        row = GridRow(
            left_row.line,
            left_row.raw + "\n" + right_row.raw,
            "合计" if is_total else right_row.label,
            right_row.amounts,
            right_row.left_filled,
        )
        joined.append((row, labels))
    add_rows(ctx, iter(joined))
