"""Reader for the 年度项目支出绩效表: one `project` row per project, then its `indicator` rows.

Three layouts occur, each in its own module:
- tab-separated rows, the project header on the row of its first indicator (000, 002):
  `performance_tabbed`;
- the same table split into two column blocks, the headers printed before the title (001):
  `performance_blocks`;
- space-separated PDF text with every cell wrapped over several lines (003): `performance_spaced`.
"""

from __future__ import annotations

from budgetdq.parse.readers.performance_blocks import read_blocks
from budgetdq.parse.readers.performance_projects import emit, fill_single_unit
from budgetdq.parse.readers.performance_spaced import read_spaced
from budgetdq.parse.readers.performance_tabbed import has_category_column, read_rows
from budgetdq.parse.table import TableContext

__all__ = ["read"]


def read(ctx: TableContext) -> None:
    section = ctx.section
    if ctx.layout == "spaced":
        projects = read_spaced(ctx, section.lines)
    elif section.left_block:
        projects = read_blocks(ctx)
    else:
        projects = read_rows(ctx, section.lines, has_category=has_category_column(section.lines))
    fill_single_unit(projects)
    emit(ctx, projects)
