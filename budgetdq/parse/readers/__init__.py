"""One reader per table kind. A reader reads a `TableContext` and fills its table.

Every reader has the same shape: `read(ctx)` walks the section's lines, calls `ctx.consume` for
every line it reads, `ctx.add_row` for every record and `ctx.unread` / `ctx.finding` for what it
cannot read.
"""

from __future__ import annotations

from collections.abc import Callable

from budgetdq.parse.readers import (
    basic_expenditure,
    department_performance,
    expenditure,
    general_budget,
    income,
    procurement,
    project_performance,
    projects,
    purchased_services,
    summary,
    three_public,
)
from budgetdq.parse.table import TableContext

__all__ = ["READERS"]

READERS: dict[str, Callable[[TableContext], None]] = {
    "summary": summary.read,
    "income": income.read,
    "expenditure": expenditure.read,
    "projects": projects.read,
    "procurement": procurement.read,
    "fiscal_summary": summary.read,
    "general_budget": general_budget.read,
    "basic_expenditure": basic_expenditure.read,
    "fund_budget": expenditure.read,
    "state_capital": expenditure.read,
    "three_public": three_public.read,
    "purchased_services": purchased_services.read,
    "project_performance": project_performance.read,
    "department_performance": department_performance.read,
}
