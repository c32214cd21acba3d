"""Cut a document into tables, recognised by their titles (never by their numbers).

A table printed over several pages with its title repeated is one `Section` with several pages. The
untitled left block of a column-split table, printed before the title (001's 项目支出表 and
年度项目支出绩效表), is moved from the end of the preceding section to the table it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetdq.parse.catalogue import (
    compact,
    glued_at,
    is_contents_line,
    is_note,
    is_page_furniture,
    kind_of_body,
    strip_title,
)
from budgetdq.parse.normalize import Line

__all__ = [
    "Page",
    "Section",
    "kind_of_title",
    "segment",
    "split_narrative",
    "title_text",
    "unit_in_text",
    "unit_of_line",
]

_NUMBER_PREFIX = re.compile(r"^(?:预算\s*\d+\s*表|预算表\s*\d+|表\s*\d+)\s*")
_GLUE_CELL = re.compile(r"^(?:(?:编制)?(?:部门|单位)(?:名称)?[:：].*|(?:金额)?单位[:：].*)$")
_UNIT_ANYWHERE = re.compile(r"(?:金额)?单位\s*[:：]\s*(?:人民币)?(万元|元)")
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


def kind_of_title(line: Line) -> str | None:
    """The table kind a title line names, or None when the line is not a title.

    A title is short and stands alone, or is the first cell of a grid with only the department and
    unit beside it: `预算03表 支出预算总表`, `预算表13 年度项目支出绩效表`, `2025年部门收入预算总表`,
    `收支预算总表部门：江苏省政协办公厅 单位：万元`, `公开05表 财政拨款支出预算表（功能科目）`.
    """
    cells = line.filled
    if not cells or "表" not in line.text and compact(cells[0]) != "收入":
        return None
    if any(not _GLUE_CELL.match(compact(cell)) for cell in cells[1:]):
        return None
    body = strip_title(cells[0])
    if len(body) > 40 or is_contents_line(line.text):
        return None
    return kind_of_body(body)


def title_text(line: Line) -> str:
    """A title as printed, without its number and glued department and unit."""
    text = _NUMBER_PREFIX.sub("", line.filled[0].strip()).strip()
    return text[: glued_at(text)].strip()


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


def unit_in_text(text: str) -> str | None:
    """A unit stated anywhere in a line: in a title cell or on the department line."""
    match = _UNIT_ANYWHERE.search(text)
    return match.group(1) if match else None


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
    contents = False
    for line in lines:
        if line.blank:
            contents = False
        elif compact(line.text) in ("目录", "目次"):
            contents = True
        kind = None if line.blank or contents else kind_of_title(line)
        if kind is not None:
            if sections and sections[-1].kind == kind:
                sections[-1].pages.append(Page(line))
            else:
                sections.append(Section(kind, title_text(line), [Page(line)]))
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


def split_narrative(section: Section) -> list[Line]:
    """Cut the narrative printed after a table (national layouts) off its section and return it.

    A grid's rows have several cells (some maybe blank). After the table has begun, a one-cell
    line that is neither a note (注：…), page furniture (公开02表, a page number) nor a unit line
    starts the narrative (其他相关情况说明, 第三部分 …), which runs to the next title.
    """
    started = False
    for page in section.pages:
        for index, line in enumerate(page.lines):
            if line.blank:
                continue
            if len(line.cells) > 1:
                started = True
                continue
            text = line.filled[0]
            if is_note(text) or is_page_furniture(text) or unit_in_text(text):
                continue
            if started or _is_prose(text):
                narrative = page.lines[index:]
                del page.lines[index:]
                later = section.pages[section.pages.index(page) + 1 :]
                for rest in later:
                    narrative.extend(rest.lines)
                    rest.lines.clear()
                return narrative
    return []


def _is_prose(text: str) -> bool:
    """A sentence or a section heading, not a one-cell table row."""
    return len(text) > 20 or bool(re.search(r"[，。；]|说明$|情况$", text))
