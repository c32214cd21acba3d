"""Cut a document into tables, recognised by their titles (never by their numbers).

A table printed over several pages with its title repeated is one `Section` with several pages. The
untitled left block of a column-split table, printed before the title (001's 项目支出表 and
年度项目支出绩效表), is moved from the end of the preceding section to the table it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetdq.parse.normalize import Line

__all__ = ["KIND_TITLES", "Page", "Section", "kind_of_title", "segment", "unit_of_line"]

# Most specific first: 年度项目支出绩效表 also contains 项目支出, 财政拨款收支预算总表 contains 收支总表 …
KIND_TITLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("project_performance", re.compile(r"项目支出绩效")),
    ("department_performance", re.compile(r"整体支出绩效")),
    ("fiscal_summary", re.compile(r"财政拨款收支(?:预算)?总表")),
    ("summary", re.compile(r"收支(?:预算)?总表")),
    ("basic_expenditure", re.compile(r"一般公共预算财政拨款基本支出")),
    ("general_budget", re.compile(r"一般公共预算财政拨款支出")),
    ("fund_budget", re.compile(r"政府性基金预算财政拨款支出")),
    ("state_capital", re.compile(r"国有资本经营预算财政拨款支出")),
    ("three_public", re.compile(r"三公")),
    ("purchased_services", re.compile(r"政府购买服务")),
    ("procurement", re.compile(r"政府采购")),
    ("projects", re.compile(r"项目支出表")),
    ("expenditure", re.compile(r"支出(?:预算)?总表")),
    ("income", re.compile(r"收入总表|^收入$")),
)
_NUMBER_PREFIX = re.compile(r"^(?:预算\s*\d+\s*表|预算表\s*\d+|表\s*\d+)\s*")
_UNIT_LINE = re.compile(r"^(?:金额)?单位\s*[:：]\s*(万元|元)?\s*$")
_UNIT_ALONE = re.compile(r"^(万元|元)$")
_HEADER_UNIT = re.compile(r"[（(]\s*(万元|元)\s*[）)]")
_PERFORMANCE_LEFT_ROW = re.compile(r"^\d{2}-\S*项目$")


@dataclass
class Page:
    """The lines of one printed page of a table, after its (possibly repeated) title."""

    title_line: Line | None
    lines: list[Line] = field(default_factory=list)


@dataclass
class Section:
    """One table: its kind, title, pages and the lines that state its unit."""

    kind: str
    title: str
    pages: list[Page]
    left_block: list[Line] = field(default_factory=list)

    @property
    def line(self) -> int:
        first = self.pages[0].title_line
        return first.no if first else (self.left_block[0].no if self.left_block else 0)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]


def kind_of_title(text: str) -> str | None:
    """The table kind a title line names, or None when the line is not a title.

    A title is a short single-cell line: `预算03表 支出预算总表`, `预算表13 年度项目支出绩效表`,
    `年度项目支出绩效表`, `预算02表 收入`.
    """
    text = text.strip()
    if "表" not in text or "\t" in text or len(text) > 60:
        return None
    numbered = bool(_NUMBER_PREFIX.match(text))
    body = _NUMBER_PREFIX.sub("", text).strip()
    if not numbered and not body.endswith("表"):
        return None
    for kind, pattern in KIND_TITLES:
        if pattern.search(body):
            return kind
    return None


def unit_of_line(line: Line, next_line: Line | None = None) -> str | None:
    """The amount unit a line states: `金额单位：万元`, `金额单位：` + `万元` on the next line."""
    match = _UNIT_LINE.match(line.text)
    if match:
        if match.group(1):
            return match.group(1)
        if next_line is not None and _UNIT_ALONE.match(next_line.text.strip()):
            return next_line.text.strip()
        return None
    return None


def header_unit(line: Line) -> str | None:
    """The unit stated inside a column header such as `总额 (元)`."""
    match = _HEADER_UNIT.search(line.text)
    return match.group(1) if match else None


def segment(lines: list[Line]) -> tuple[list[Line], list[Section]]:
    """Split lines into the preamble before the first title and the sections.

    Consecutive sections of one kind (a table continued over pages) are merged into one section.
    """
    preamble: list[Line] = []
    sections: list[Section] = []
    for line in lines:
        kind = None if line.blank else kind_of_title(line.text)
        if kind is not None:
            if sections and sections[-1].kind == kind:
                sections[-1].pages.append(Page(line))
            else:
                title = _NUMBER_PREFIX.sub("", line.text).strip()
                sections.append(Section(kind, title, [Page(line)]))
        elif sections:
            sections[-1].pages[-1].lines.append(line)
        else:
            preamble.append(line)
    _move_left_blocks(sections)
    return preamble, sections


def _move_left_blocks(sections: list[Section]) -> None:
    """Hand the untitled left block at the end of a section to the next section it belongs to."""
    for before, after in zip(sections, sections[1:], strict=False):
        page = before.pages[-1]
        start = _left_block_start(page.lines, after.kind)
        if start is not None:
            after.left_block = page.lines[start:]
            del page.lines[start:]


def _left_block_start(lines: list[Line], kind: str) -> int | None:
    for index, line in enumerate(lines):
        cells = line.filled
        if kind == "projects" and "项目单位" in cells and "项目名称" in cells:
            return index
        if kind == "project_performance" and any(_PERFORMANCE_LEFT_ROW.match(c) for c in cells):
            return index
    return None
