"""Join the two column blocks of a split 年度项目支出绩效表 (001).

The PDF printed the table in two blocks: the left one (project, category, owner, phone, 项目总额,
财政资金) before the title, handed over as `section.left_block`; the right one (绩效目标 and the
indicators) after it, a project starting where its goal cell is filled. The blocks do not pair up
one to one: the left block lacks some projects (001 starts with 专项行动, the right block with two
projects before it), and at page breaks the right block prints a goal cut short and then whole, or a
goal's last words as a row of their own.

Alignment is a sequence alignment (as for two strings) that never reorders. Pairing left project i
with right project j scores high when one of j's 成本指标 values equals i's 项目总额 (in 万元 or 元:
`≤ 920000 元` pairs with 92.000000), neutral without a cost value and low when the values differ.
Two right projects separated by a page break, one of them lacking 产出, 效益 or 满意度, may also pair
as one: a goal whose last words (`达标和1240家…`) or whole text (`制定森防队伍训练方案…` cut short,
then printed again) start the next page. Both goal texts are kept, in print order. A project left
unpaired on either side is kept, with empty fields where the other block would have filled them, and
reported as `column_blocks_misaligned`; no figure is ever taken from a neighbour.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from budgetdq.parse.normalize import Line
from budgetdq.parse.readers.indicators import target_value
from budgetdq.parse.readers.performance_projects import Project
from budgetdq.parse.readers.performance_tabbed import (
    add_indicator,
    content_lines,
    has_category_column,
    read_rows,
)
from budgetdq.parse.table import TableContext

__all__ = ["read_blocks"]

_GAP = -1.0
_EVIDENCE = 3.0  # a cost indicator equals the 项目总额
_NEUTRAL = 1.0  # no cost value to compare
_CONFLICT = 0.5  # cost values that all differ from the 项目总额: weak, units are often wrong
_REQUIRED_LEVEL1 = frozenset({"产出指标", "效益指标", "满意度指标"})
_WAN = Decimal(10000)

Pair = tuple[Project | None, list[Project]]


def read_blocks(ctx: TableContext) -> list[Project]:
    section = ctx.section
    left = read_rows(ctx, section.left_block, has_category=has_category_column(section.left_block))
    right = _read_right(ctx, section.lines)
    breaks = {line.no for line in [*section.left_block, *section.lines] if line.blank}
    return _join(ctx, _align(left, right, breaks))


def _read_right(ctx: TableContext, lines: Sequence[Line]) -> list[Project]:
    """Right-block rows: a filled goal cell starts a project, indicator cells follow."""
    projects: list[Project] = []
    for line, at in content_lines(ctx, lines):
        goal = [cell for cell in (line.cells if at is None else line.cells[:at]) if cell]
        if goal:
            projects.append(Project(lines=[line], goal_parts=goal))
        if at is not None and projects:
            add_indicator(ctx, projects[-1], line, at)
        if projects and (goal or at is not None):
            ctx.consume(line, "goal" if goal else "indicator")
        else:
            ctx.unread(line, "right block line before any goal")
    return projects


def _align(left: list[Project], right: list[Project], breaks: set[int]) -> list[Pair]:
    """Best order-keeping pairing of left projects with one or two (split) right projects."""
    n, m = len(left), len(right)
    split = [_split_at_break(right[j], right[j + 1], breaks) for j in range(m - 1)]
    costs = [_cost_values(project) for project in right]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[(0, 0)] * (m + 1) for _ in range(n + 1)]  # left and right items used to reach (i, j)
    for i in range(n + 1):
        row, above = best[i], best[i - 1] if i else None
        total = left[i - 1].total if i else None
        for j in range(m + 1):
            if not (i or j):
                continue
            value, used = -1e18, (0, 0)
            if above is not None and j:
                candidate = above[j - 1] + _score(total, costs[j - 1])
                if candidate > value:
                    value, used = candidate, (1, 1)
                if j >= 2 and split[j - 2]:
                    candidate = above[j - 2] + _score(total, costs[j - 2] | costs[j - 1])
                    if candidate > value:
                        value, used = candidate, (1, 2)
            if j and row[j - 1] + _GAP > value:
                value, used = row[j - 1] + _GAP, (0, 1)
            if above is not None and above[j] + _GAP > value:
                value, used = above[j] + _GAP, (1, 0)
            row[j], step[i][j] = value, used
    pairs: list[Pair] = []
    i, j = n, m
    while i or j:
        used_left, used_right = step[i][j]
        pairs.append((left[i - 1] if used_left else None, right[j - used_right : j]))
        i, j = i - used_left, j - used_right
    return pairs[::-1]


def _split_at_break(first: Project, second: Project, breaks: set[int]) -> bool:
    """True when a page break separates the two and one of them lacks an indicator level."""
    incomplete = not (_complete(first) and _complete(second))
    return incomplete and _span(first)[1] + 1 in breaks and _span(second)[0] - 1 in breaks


def _complete(project: Project) -> bool:
    return {indicator.level1 for indicator in project.indicators} >= _REQUIRED_LEVEL1


def _score(total: Decimal | None, costs: set[Decimal]) -> float:
    """Evidence that a left project of 项目总额 `total` pairs with right projects of these costs."""
    if not costs:
        return _NEUTRAL
    return _EVIDENCE if total in costs else _CONFLICT


def _cost_values(project: Project) -> set[Decimal]:
    """The 成本指标 values read as 万元 and as 元 converted to 万元 (units are often misstated)."""
    values = set()
    for indicator in project.indicators:
        value = target_value(indicator.target) if indicator.level1 == "成本指标" else None
        if value is not None:
            values |= {value, value / _WAN}
    return values


def _span(project: Project) -> tuple[int, int]:
    numbers = [line.no for line in project.lines] + [i.line for i in project.indicators]
    return min(numbers), max(numbers)


def _join(ctx: TableContext, pairs: list[Pair]) -> list[Project]:
    projects: list[Project] = []
    for left, right in pairs:
        project = left or right[0]
        for part in right if left else right[1:]:
            project.goal_parts += part.goal_parts
            project.indicators += part.indicators
            for line in part.lines:
                project.add_line(line)
        projects.append(project)
        if not right:
            _report(
                ctx,
                project,
                f"左栏的项目 {project.code} {project.name} 在右栏没有对应的绩效目标和指标",
            )
        elif left is None:
            _report(
                ctx,
                project,
                f"右栏的项目（绩效目标：{project.goal[:30]}）在左栏没有对应的项目行，项目编码、名称和金额为空",
            )
    return projects


def _report(ctx: TableContext, project: Project, what: str) -> None:
    ctx.finding(
        "column_blocks_misaligned",
        "warning",
        f"{ctx.section.title} 第{project.line}行 {what}",
        line=project.line,
        observed=project.goal[:80] or f"{project.code} {project.name}",
        expected="左栏项目行与右栏绩效目标一一对应",
    )
