"""Read the 年度项目支出绩效表 from space-separated PDF text (003), every cell wrapped over lines.

A project header is a block of lines ending in its category line:

    042008-北京市应急管            unit (optional, printed where the merged cell is centred)
    理科学技术研究院
    11000022T0000004531           code prefix
    07-应急管理技术支撑             last code digits and name, wrapped
    31-部门项目 张鑫 55573127 36.850000 36.850000     category, owner, phone, 项目总额, 财政资金

then goal lines, then indicators, each from its 一级 name to its direction (`… ≥ 200 台（套） 正向指标`).
At a page break the header (and goal) is printed again, sometimes without the code prefix line
(` 33-危化品…`): a header whose code equals the current project's continues it; a header without a
prefix takes the last printed prefix (` 05-报刊媒体宣传` after …4532 81 is a new project …453205).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetdq.parse.cells import (
    is_amount,
    join_wrapped,
    looks_broken_amount,
    reassemble_project_code,
)
from budgetdq.parse.normalize import Line
from budgetdq.parse.readers.indicators import (
    indicator_from_text,
    level1_at_end,
    starts_indicator,
)
from budgetdq.parse.readers.performance_projects import (
    Project,
    continue_project,
    is_column_header,
    read_amounts,
)
from budgetdq.parse.table import TableContext

__all__ = ["read_spaced"]

_UNIT = re.compile(r"^(\d{6})-(\S.*)$")
_CODE_START = re.compile(r"^\d{6}\s?\d{2}\s?[A-Z]")
_NAME_START = re.compile(r"^(\d{1,4})-([^\d\s].*)$")
_CATEGORY = re.compile(r"^\d{2}-\S*项目\s.*\d\.\d+$")
_DIRECTION_END = re.compile(r"(?:正向指标|反向指标)$")
_PHONE = re.compile(r"^[\d-]{5,}$")
_MAX_HEADER_LINES = 10


def read_spaced(ctx: TableContext, lines: Sequence[Line]) -> list[Project]:
    """Read projects: header blocks, goal lines and indicators, after the column header."""
    text_lines = [line for line in lines if not line.blank and not ctx.is_unit_line(line)]
    return _SpacedReader(ctx).read(text_lines)


class _SpacedReader:
    def __init__(self, ctx: TableContext):
        self.ctx = ctx
        self.projects: list[Project] = []
        self.prefix: str | None = None  # the code prefix printed last
        self.pending: list[tuple[Line, str]] = []  # the indicator being read: lines and their text
        self.repeated: list[str] | None = None  # a goal printed again at a page break

    def read(self, lines: list[Line]) -> list[Project]:
        blocks = _header_blocks(lines)
        index = 0
        while index < len(lines):
            if index in blocks:
                self._close_indicator()
                self._header(lines[index : blocks[index] + 1])
                index = blocks[index] + 1
            else:
                self._line(lines[index])
                index += 1
        self._close_indicator()
        return self.projects

    def _line(self, line: Line) -> None:
        text = line.text
        if not self.projects:
            if is_column_header(text.split()):
                self.ctx.consume(line, "header")
            else:
                self.ctx.unread(line, "text before the first project")
        elif starts_indicator(text):
            self._close_indicator()
            self._open_indicator(line, text)
        elif self.pending:
            self.pending.append((line, text))
            if _DIRECTION_END.search(text):
                self._close_indicator()
        elif self.projects[-1].indicators and self.repeated is None:
            self.ctx.unread(line, "text after the indicators of a project")
        elif split := level1_at_end(text):
            self._goal(line, split[0])
            self._open_indicator(line, split[1])
        else:
            self._goal(line, text)

    def _goal(self, line: Line, text: str) -> None:
        project = self.projects[-1]
        if self.repeated is not None:
            self.repeated.append(text)
            self.ctx.consume(line, "continuation")
            return
        project.goal_parts.append(text)
        project.add_line(line)
        self.ctx.consume(line, "goal")

    def _open_indicator(self, line: Line, text: str) -> None:
        self._end_repeated_goal(line)
        self.pending = [(line, text)]
        if _DIRECTION_END.search(text):
            self._close_indicator()

    def _close_indicator(self) -> None:
        if not self.pending:
            return
        lines = [line for line, _ in self.pending]
        raw = "\n".join(line.source for line in lines)
        indicator = indicator_from_text(
            "\n".join(text for _, text in self.pending), lines[0].no, raw
        )
        self.pending = []
        if indicator is None:
            for line in lines:
                self.ctx.unread(line, "indicator without nature, value and direction")
            return
        self.projects[-1].indicators.append(indicator)
        for line in lines:
            self.ctx.consume(line, "indicator")

    def _end_repeated_goal(self, line: Line) -> None:
        """Compare a goal printed again at a page break with the first print; report a difference."""
        if self.repeated is None:
            return
        project, repeated = self.projects[-1], join_wrapped("".join(self.repeated))
        self.repeated = None
        if repeated and repeated != project.goal:
            self.ctx.finding(
                "continued_goal_differs",
                "info",
                f"{self.ctx.section.title} 第{line.no}行之前 续页重复打印的绩效目标与第{project.line}行"
                f"项目 {project.code} 的绩效目标不同，保留首次打印的文字",
                line=line.no,
                observed=repeated,
                expected=project.goal,
            )

    def _header(self, block: list[Line]) -> None:
        self._end_repeated_goal(block[0])
        project, prefix, tail = _block_project(self.ctx, block)
        if prefix is not None:
            self.prefix = prefix
        elif tail is not None and self.prefix is not None and project.code is None:
            self._report_inherited_prefix(block[0], tail)
        if project.code is None and tail is not None:
            project.code = (self.prefix or "") + tail
            project.partial = self.prefix is None
        current = self.projects[-1] if self.projects else None
        if current is not None and project.code is not None and project.code == current.code:
            continue_project(self.ctx, current, project, block[-1])
            self.repeated = []
            role = "continuation"
        else:
            self.projects.append(project)
            role = "project"
        for line in block:
            self.ctx.consume(line, role)

    def _report_inherited_prefix(self, line: Line, tail: str) -> None:
        current = self.projects[-1] if self.projects else None
        if current is not None and current.code == f"{self.prefix}{tail}":
            return  # the current project printed again: nothing was guessed
        self.ctx.finding(
            "project_code_prefix_missing",
            "info",
            f"{self.ctx.section.title} 第{line.no}行 项目编码只印出末尾 {tail}，按上一项目的编码前缀 "
            f"{self.prefix} 补全为 {self.prefix}{tail}",
            line=line.no,
            observed=line.text,
            expected=f"{self.prefix}{tail}",
        )


def _header_blocks(lines: Sequence[Line]) -> dict[int, int]:
    """Map the first line of each header block to its category line.

    A block reaches back from the category line over the name, code prefix and unit lines, never
    past the last indicator (a line ending in its direction) or another category line.
    """
    blocks: dict[int, int] = {}
    for end, line in enumerate(lines):
        if not _CATEGORY.match(line.text):
            continue
        start = end
        for index in range(end - 1, max(-1, end - _MAX_HEADER_LINES - 1), -1):
            text = lines[index].text
            if _DIRECTION_END.search(text) or _CATEGORY.match(text):
                break
            if _UNIT.match(text) or _CODE_START.match(text) or _NAME_START.match(text):
                start = index
        blocks[start] = end
    return blocks


def _block_project(ctx: TableContext, block: list[Line]) -> tuple[Project, str | None, str | None]:
    """Read a header block into a project, its code prefix line and the code digits before the name.

    The code is set only when a line prints it whole; otherwise the caller joins prefix and digits.
    """
    project = Project(lines=list(block))
    unit: list[str] = []
    name: list[str] = []
    prefix = tail = None
    part = None
    for line in block[:-1]:
        text = line.text
        if part is None and (match := _UNIT.match(text)):
            project.unit_code, part = match.group(1), "unit"
            unit.append(match.group(2))
        elif part in (None, "unit") and _CODE_START.match(text):
            code, first_name, partial = reassemble_project_code(text)
            if partial and not first_name:
                prefix, part = code, "code"
            else:
                project.code, project.partial, part = code, partial, "name"
                name.append(first_name)
        elif part in (None, "unit", "code") and (match := _NAME_START.match(text)):
            tail, part = match.group(1), "name"
            name.append(match.group(2))
        elif part == "unit":
            unit.append(text)
        else:
            name.append(text)
    project.unit_name = join_wrapped("".join(unit)) or None
    project.name = join_wrapped("".join(name))
    _read_category_line(ctx, project, block[-1])
    return project, prefix, tail


def _read_category_line(ctx: TableContext, project: Project, line: Line) -> None:
    """`31-部门项目 张鑫 55573127 36.850000 36.850000`: amounts are the tokens with decimals."""
    tokens = line.text.split()
    project.category = tokens.pop(0)
    amounts: list[str] = []
    while tokens and len(amounts) < 3 and "." in tokens[-1]:
        if not (is_amount(tokens[-1]) or looks_broken_amount(tokens[-1])):
            break
        amounts.insert(0, tokens.pop())
    project.phone = next((token for token in tokens if _PHONE.match(token)), None)
    project.owner = " ".join(token for token in tokens if token != project.phone) or None
    read_amounts(ctx, project, amounts, line.no)
