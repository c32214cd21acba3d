"""A project of the 年度项目支出绩效表 while it is assembled, and how it becomes rows.

The layouts (tabbed rows, split column blocks, spaced text) all build `Project`s; `emit` turns them
into one `project` row followed by its `indicator` rows. A project printed again at a page break is
merged into one with `continue_project`, which keeps the first figures and reports differing ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from budgetdq.parse.cells import join_wrapped
from budgetdq.parse.normalize import Line
from budgetdq.parse.readers.indicators import Indicator, target_value
from budgetdq.parse.table import TableContext

__all__ = [
    "Project",
    "is_column_header",
    "continue_project",
    "emit",
    "fill_single_unit",
    "read_amounts",
]

_COLUMN_LABELS = frozenset(
    {
        "单位名称",
        "项目名称",
        "项目类别",
        "项目责任人",
        "项目责任人电话",
        "项目总额",
        "其中：",
        "财政资金",
        "其他资金",
        "绩效目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "绩效指标性质",
        "本年绩效指标值",
        "绩效度量单位",
        "指标方向性",
    }
)
# The header fields compared when a project is printed twice; amounts first.
_HEADER_FIELDS = ("total", "fiscal", "other", "category", "owner", "phone")
_AMOUNT_FIELDS = {"total": "项目总额", "fiscal": "财政资金", "other": "其他资金"}
_AMOUNT_COLUMNS = (("total", "project_total"), ("fiscal", "fiscal_funds"), ("other", "other_funds"))
_CODE_FRAGMENT = re.compile(r"^(\d{1,4})-(?=\S)")


@dataclass
class Project:
    """One project: its header fields, goal text parts and indicators, with the lines read."""

    lines: list[Line] = field(default_factory=list)
    code: str | None = None
    partial: bool = False
    name: str = ""
    unit_code: str | None = None
    unit_name: str | None = None
    category: str | None = None
    owner: str | None = None
    phone: str | None = None
    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    goal_parts: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    continued: int = 0
    """How many continuation lines (a header wrapped or carried over a page) were merged in."""
    _numbers: set[int] = field(default_factory=set, repr=False)
    """The numbers of `lines`: adding a line is constant time, however many the project has."""

    @property
    def line(self) -> int:
        return min(line.no for line in self.lines)

    @property
    def goal(self) -> str:
        """The goal with wrapped parts joined: `以三个社区为标` + `杆，进一步…` read as one text."""
        return join_wrapped("".join(self.goal_parts))

    @property
    def is_fragment(self) -> bool:
        """A header cut at a page break before its name: a code prefix and nothing else."""
        return self.partial and not self.name and self.total is None and not self.indicators

    def __post_init__(self) -> None:
        self._numbers.update(seen.no for seen in self.lines)

    def add_line(self, line: Line) -> None:
        if line.no not in self._numbers:
            self._numbers.add(line.no)
            self.lines.append(line)


def continue_project(ctx: TableContext, project: Project, more: Project, line: Line) -> None:
    """Merge `more`, the rest of `project` printed on the next page, into `project`.

    The name continues (`安全应急救援` + `保障经费-朝阳区风险管理工作`) unless the new page prints it
    whole (`网络安全等级` then `5501-网络安全等级保护全流程服务方案`): then the whole name is kept and
    the stray digits before it are reported. Missing fields are filled; a field printed twice with
    different values keeps the first value and becomes a `continued_header_conflict` finding.
    """
    project.continued += 1
    name, stray = _strip_code_fragment(more.name) if more.code is None else (more.name, None)
    if name.startswith(project.name) and project.name:
        project.name = name
    else:
        project.name += name
    conflicts = []
    for attr in _HEADER_FIELDS:
        first, second = getattr(project, attr), getattr(more, attr)
        if first is None:
            setattr(project, attr, second)
        elif second is not None and second != first:
            conflicts.append((attr, first, second))
    for attr in ("unit_code", "unit_name"):
        if getattr(project, attr) is None:
            setattr(project, attr, getattr(more, attr))
    project.goal_parts += more.goal_parts
    project.indicators += more.indicators
    for seen in more.lines:
        project.add_line(seen)
    if conflicts or stray:
        _report_conflict(ctx, project, line, conflicts, stray)


def is_column_header(texts: Sequence[str]) -> bool:
    """True when every text is a column label or a piece of one (`项目责任人电` then `话`)."""
    texts = [text for text in texts if text]
    return bool(texts) and all(any(text in label for label in _COLUMN_LABELS) for text in texts)


def read_amounts(ctx: TableContext, project: Project, cells: Sequence[str], line: int) -> None:
    """Set 项目总额, 财政资金 and 其他资金 from their cells, in published order; empty is None."""
    for (attr, column), text in zip(_AMOUNT_COLUMNS, cells, strict=False):
        setattr(project, attr, ctx.amount(text, line, column))


def fill_single_unit(projects: list[Project]) -> None:
    """Give every project the unit when the table prints exactly one.

    The 单位名称 cell is merged over all rows of a one-unit table, so the PDF prints it once, half way
    down (000 line 521). With several units, a unit stays on the rows that print it.
    """
    units = {(p.unit_code, p.unit_name) for p in projects if p.unit_code or p.unit_name}
    if len(units) != 1:
        return
    unit_code, unit_name = units.pop()
    for project in projects:
        project.unit_code, project.unit_name = unit_code, unit_name


def emit(ctx: TableContext, projects: list[Project]) -> None:
    """Add one `project` row per project, each followed by its `indicator` rows."""
    for seq, project in enumerate(projects, start=1):
        ctx.add_row(
            project.line,
            "\n".join(line.source for line in sorted(project.lines, key=lambda line: line.no)),
            {
                "row_type": "project",
                "project_seq": seq,
                "project_code": project.code,
                "project_name": project.name or None,
                "unit_code": project.unit_code,
                "unit_name": project.unit_name,
                "category": project.category,
                "owner": project.owner,
                "phone": project.phone,
                "goal": project.goal or None,
                "project_total": project.total,
                "fiscal_funds": project.fiscal,
                "other_funds": project.other,
            },
        )
        for indicator in project.indicators:
            ctx.add_row(
                indicator.line,
                indicator.raw,
                {
                    "row_type": "indicator",
                    "project_seq": seq,
                    "project_code": project.code,
                    "level1": indicator.level1,
                    "level2": indicator.level2,
                    "level3": indicator.level3,
                    "nature": indicator.nature,
                    "target": indicator.target,
                    "target_value": target_value(indicator.target),
                    "measure_unit": indicator.measure_unit,
                    "direction": indicator.direction,
                },
            )


def _strip_code_fragment(name: str) -> tuple[str, str | None]:
    """`0910-应急管理进社区试点运维（尾款）` → the name and the stray digits `0910`."""
    match = _CODE_FRAGMENT.match(name)
    if not match:
        return name, None
    return name[match.end() :], match.group(1)


def _report_conflict(
    ctx: TableContext,
    project: Project,
    line: Line,
    conflicts: list[tuple[str, object, object]],
    stray: str | None,
) -> None:
    labels = [f"{_AMOUNT_FIELDS.get(attr, attr)} {a}→{b}" for attr, a, b in conflicts]
    if stray:
        labels.append(f"名称前多出编码片段 {stray}")
    ctx.finding(
        "continued_header_conflict",
        "warning",
        f"{ctx.section.title} 第{line.no}行 续页重复打印的项目行与第{project.line}行的项目 "
        f"{project.code or project.name} 不一致（{'；'.join(labels)}），保留第{project.line}行的内容",
        line=line.no,
        observed=line.text,
        expected="；".join(f"{_AMOUNT_FIELDS.get(attr, attr)} {a}" for attr, a, _ in conflicts)
        or None,
    )
