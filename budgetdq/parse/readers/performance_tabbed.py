"""Read tab-separated project rows of the 年度项目支出绩效表 (000, 002 and 001's left block).

A row is read by what its cells say, not where they are: stray tabs shift cells by one or two
columns and some indicator rows start at column 0. A row holds, in this order, an optional unit
(`105001-…`), the project (`11010522T00000039 5378-公共事务协管经费`), category, owner and phone
(when the table has a 项目类别 column), 项目总额, 财政资金, 其他资金, the goal, and often an
indicator. Rows continued at a page break:

- goal text alone, right of the name column: the goal of the current project continues;
- a name without code at column 0 or 1 (`保障经费-社区应急救援员训练`, `0910-应急管理进社区…`),
  or a code prefix that begins the current code (`11010522T00000046 保障经费-…`): the rest of the
  current project's header (see `continue_project`);
- a bare code prefix (`11010524T00000276`) completed by the next row's full code: one project.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from budgetdq.parse.cells import (
    is_amount,
    join_wrapped,
    looks_broken_amount,
    reassemble_project_code,
)
from budgetdq.parse.normalize import Line
from budgetdq.parse.readers.indicators import find_level1, indicator_from_cells
from budgetdq.parse.readers.performance_projects import (
    Project,
    continue_project,
    is_column_header,
    read_amounts,
)
from budgetdq.parse.table import TableContext

__all__ = ["add_indicator", "has_category_column", "read_rows"]

_CATEGORY = re.compile(r"^\d{2}-\S*项目$")
_UNIT = re.compile(r"^(\d{6})-(\S.*)$")
_CODE_START = re.compile(r"^\d{6}\s?\d{2}\s?[A-Z]")
_NAME_COLUMNS = 2  # a continued name sits in the unit or the project column
MAX_CONTINUATIONS = 8
"""Lines a project header may wrap over; more are not read as its name (and reported)."""


def has_category_column(lines: Sequence[Line]) -> bool:
    """True when rows carry 项目类别, owner and phone (000, 001) rather than amounts next (002)."""
    return any(_CATEGORY.match(cell) or cell == "项目类别" for line in lines for cell in line.cells)


def content_lines(ctx: TableContext, lines: Sequence[Line]) -> Iterator[tuple[Line, int | None]]:
    """The lines holding projects or indicators, with the index of their 一级 cell (if any).

    Blank and unit lines are skipped; column header lines are consumed as headers.
    """
    for line in lines:
        if line.blank or ctx.is_unit_line(line):
            continue
        if is_column_header(line.filled):
            ctx.consume(line, "header")
            continue
        yield line, find_level1(line.cells)


def read_rows(ctx: TableContext, lines: Sequence[Line], *, has_category: bool) -> list[Project]:
    """Read project and indicator rows in order; every non-blank line is consumed or unread."""
    projects: list[Project] = []
    for line, at in content_lines(ctx, lines):
        prefix = line.cells if at is None else line.cells[:at]
        role = _read_prefix(ctx, projects, line, prefix, has_category)
        if at is not None and projects:
            add_indicator(ctx, projects[-1], line, at)
            role = role or "indicator"
        if role:
            ctx.consume(line, role)
        else:
            ctx.unread(line, "no project, goal or indicator cells")
    blank = {line.no for line in lines if line.blank}
    for before, after in zip(projects, projects[1:], strict=False):
        _reattach_rows_printed_above(before, after, blank)
    return projects


def _reattach_rows_printed_above(before: Project, after: Project, blank: set[int]) -> None:
    """Give back to `after` the indicator rows the PDF printed above its header at a page break.

    The converter prints a merged header cell at its vertical centre, so a project's first rows can
    land on the previous page, under the previous project. They are recognised, and moved, when
    all hold: they are the last rows before the page break (blank lines) preceding `after`'s
    header; each repeats a level the previous project already has; and each level is one `after`
    lacks. (000: lines 517–519 belong to 培训费 at 521, lines 697–698 to the project at 700.)
    """
    gap = range(before.indicators[-1].line + 1, after.line) if before.indicators else range(0)
    if not gap or not all(n in blank for n in gap):
        return  # no page break right before `after`'s header
    after_levels = {(i.level1, i.level2) for i in after.indicators}
    cut = len(before.indicators)
    while cut > 0:
        row = before.indicators[cut - 1]
        earlier = {(i.level1, i.level2) for i in before.indicators[: cut - 1]}
        contiguous = cut == len(before.indicators) or before.indicators[cut].line == row.line + 1
        level = (row.level1, row.level2)
        if not (contiguous and level in earlier and level not in after_levels):
            break
        cut -= 1
    run = before.indicators[cut:]
    if not run:
        return
    before.indicators, after.indicators = before.indicators[:cut], run + after.indicators


def add_indicator(ctx: TableContext, project: Project, line: Line, at: int) -> None:
    """Append the indicator starting at `line.cells[at]`; cells beyond its unit become a finding."""
    indicator = indicator_from_cells(line.cells, at, line.no, line.source)
    project.indicators.append(indicator)
    if indicator.extra:
        ctx.finding(
            "extra_cells",
            "warning",
            f"{ctx.section.title} 第{line.no}行 指标多出 {len(indicator.extra)} 个单元格："
            f"{' '.join(indicator.extra)}",
            line=line.no,
            observed=" ".join(indicator.extra),
        )


def _header_from_cells(
    ctx: TableContext, line: Line, cells: Sequence[str], at: int, has_category: bool
) -> Project:
    """Read the header fields of a row whose project (or continued name) cell is `cells[at]`."""
    project = Project(lines=[line])
    for cell in cells[:at]:
        unit = _UNIT.match(cell)
        if unit:
            project.unit_code, project.unit_name = unit.group(1), join_wrapped(unit.group(2))
    project.code, project.name, project.partial = reassemble_project_code(cells[at])
    rest = list(cells[at + 1 :])
    if has_category:
        category, owner, phone = (rest + ["", "", ""])[:3]
        project.category, project.owner, project.phone = (
            category or None,
            owner or None,
            phone or None,
        )
        rest = rest[3:]
    amounts: list[str] = []
    while rest and len(amounts) < 3 and _amount_like(rest[0]):
        amounts.append(rest.pop(0))
    read_amounts(ctx, project, amounts, line.no)
    project.goal_parts = [cell for cell in rest if cell]
    return project


def _read_prefix(
    ctx: TableContext,
    projects: list[Project],
    line: Line,
    prefix: Sequence[str],
    has_category: bool,
) -> str | None:
    """Read the cells left of the indicator; returns the line's role, None when there are none."""
    filled = [index for index, cell in enumerate(prefix) if cell]
    if not filled:
        return None
    current = projects[-1] if projects else None
    code_at = next((i for i in filled if _CODE_START.match(prefix[i])), None)
    if code_at is not None:
        new = _header_from_cells(ctx, line, prefix, code_at, has_category)
        if current and new.partial and _extends(current.code, new.code):
            continue_project(ctx, current, new, line)
            return "continuation"
        if current and current.is_fragment and _extends(new.code, current.code):
            for seen in current.lines:
                new.add_line(seen)
            new.lines.sort(key=lambda seen: seen.no)
            projects[-1] = new
            return "continuation"
        projects.append(new)
        return "project"
    if current is None:
        return None
    if filled[0] < _NAME_COLUMNS:
        if current.continued >= MAX_CONTINUATIONS:
            return None  # no header wraps over so many lines: these are not its name
        continue_project(
            ctx, current, _header_from_cells(ctx, line, prefix, filled[0], has_category), line
        )
        return "continuation"
    current.goal_parts += [prefix[i] for i in filled]
    current.add_line(line)
    return "goal"


def _extends(code: str | None, prefix: str | None) -> bool:
    """True when `code` begins with the code fragment `prefix`."""
    return bool(code and prefix and code.startswith(prefix))


def _amount_like(cell: str) -> bool:
    return not cell or is_amount(cell) or looks_broken_amount(cell)
