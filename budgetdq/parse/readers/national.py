"""Which header-driven reader reads each table kind of the national layouts (not Beijing's)."""

from __future__ import annotations

from budgetdq.parse.catalogue import compact
from budgetdq.parse.readers.header_grid import GridSpec, read_header_grid
from budgetdq.parse.readers.sides import read_sides
from budgetdq.parse.readers.source_list import read_source_list
from budgetdq.parse.table import NotUnderstood, TableContext

__all__ = ["read_national"]

_FUNCTION = GridSpec("function_grid", code="function")
_ECONOMIC = GridSpec("function_grid", code="dept_econ")
GRIDS: dict[str, GridSpec] = {
    "income": GridSpec("income_grid", code="function"),
    "expenditure": _FUNCTION,
    "fund_budget": _FUNCTION,
    "state_capital": _FUNCTION,
    "fiscal_expenditure": _FUNCTION,
    "general_budget": GridSpec(
        "function_grid",
        code="function",
        rename={"basic": "basic_subtotal", "project": "project_total"},
    ),
    "basic_expenditure": _ECONOMIC,
    "fiscal_basic": _ECONOMIC,
    "operating_costs": _ECONOMIC,
    "three_public": GridSpec("three_public"),
}
SIDES = frozenset({"summary", "fiscal_summary"})


def read_national(ctx: TableContext, final: bool) -> None:
    """Read a table of the national family. One whose structure is unclear, or of a kind without
    a header-driven reader, is not understood: an `info` finding says why and nothing is kept."""
    kind = ctx.section.kind
    try:
        if kind in SIDES:
            read_sides(ctx)
        elif kind == "income" and _is_source_list(ctx):
            read_source_list(ctx)
        elif kind in GRIDS:
            read_header_grid(ctx, GRIDS[kind], final)
        else:
            raise NotUnderstood("此类表格的全国通用版式暂不支持逐行读取")
    except NotUnderstood as reason:
        for line in ctx.section.lines:
            if not line.blank:
                ctx.consume(line, "table not understood")
        ctx.findings.append(ctx.table.not_understood(str(reason)))


def _is_source_list(ctx: TableContext) -> bool:
    """An income table whose header is `项目名称 | 金额`: a list of sources, not a grid by code."""
    first = next((line for line in ctx.section.lines if len(line.filled) > 1), None)
    return first is not None and [compact(c) for c in first.filled] == ["项目名称", "金额"]
