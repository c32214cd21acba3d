"""What a reader builds: typed rows with provenance, the lines it consumed and its parse findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from budgetdq.findings import Finding, Severity
from budgetdq.parse.catalogue import is_note, is_page_furniture
from budgetdq.parse.cells import UnreadableAmount, parse_amount, storable
from budgetdq.parse.normalize import Line
from budgetdq.parse.segment import Section, header_unit, unit_in_text, unit_of_line
from budgetdq.schema import TableSchema, schema_of

__all__ = ["Layout", "NotUnderstood", "Table", "TableContext"]

Layout = Literal["tabbed", "spaced"]
DEFAULT_UNIT = "万元"


class NotUnderstood(Exception):
    """Why a table's structure could not be established (a header-driven reader gives up)."""


@dataclass
class Table:
    """One parsed table of a document."""

    kind: str
    title: str
    line: int
    unit: str
    unit_stated: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 1
    understood: bool = True
    """False when the reader could not establish the table's structure: no rule runs on it."""
    columns: tuple[str, ...] | None = None
    """The amount columns whose meaning the header established (None: the kind's positional
    columns, every one of which a Beijing reader fills)."""

    @property
    def established(self) -> tuple[str, ...]:
        if not self.understood:
            return ()
        return schema_of(self.kind).amounts if self.columns is None else self.columns

    @property
    def detail_rows(self) -> list[dict[str, Any]]:
        """Detail records: not total rows, and for performance tables the indicator rows."""
        return [
            row
            for row in self.rows
            if not row["is_total"] and row.get("row_type") in (None, "indicator", "item")
        ]

    def not_understood(self, reason: str) -> Finding:
        """Drop what was read of a table whose structure is unclear: an `info` finding says why."""
        self.understood = False
        self.rows.clear()
        return Finding(
            suite="parse",
            check="table_not_understood",
            severity="info",
            message=f"表格未能识别：{self.title}（{reason}），未读取数值，不对其作金额检查",
            table=self.kind,
            line=self.line,
            observed=reason,
            expected="表头各列含义可识别的表格",
        )

    @property
    def declared_total(self) -> Decimal | None:
        """The grand total the table publishes, in its unit (the 合计 / 总计 row).

        The “三公” table has no total row: its total is the current (latest) year's 总额.
        """
        if self.kind == "three_public" and self.rows:
            return max(self.rows, key=lambda row: row.get("year") or 0).get("total")
        for row in self.rows:
            if row["is_total"]:
                for column in ("total", "amount", "project_total"):
                    if row.get(column) is not None:
                        return row[column]
        return None

    @property
    def projects(self) -> int | None:
        if self.kind != "project_performance":
            return None
        return sum(1 for row in self.rows if row.get("row_type") == "project")


class TableContext:
    """The working state of one reader over one section.

    Readers call `consume` for every line they read, `add_row` for every record and `finding` /
    `unparsed` for what they cannot read. Nothing a reader sees may go unaccounted for.
    """

    def __init__(self, section: Section, layout: Layout):
        self.section = section
        self.layout = layout
        self.schema: TableSchema = schema_of(section.kind)
        self.consumed: dict[int, str] = {}
        self.unparsed: dict[int, str] = {}
        self.findings: list[Finding] = []
        self.headers: set[str] = set()
        """Header lines read so far: the same line again is a header repeated by a page break."""
        self.unit, self.unit_stated = self._find_unit()
        self.table = Table(
            kind=section.kind,
            title=section.title,
            line=section.line,
            unit=self.unit,
            unit_stated=self.unit_stated,
            pages=len(section.pages),
        )
        for page in section.pages:
            if page.title_line is not None:
                self.consume(page.title_line, "title")
        if not self.unit_stated:
            self.finding(
                "unit_not_stated",
                "warning",
                f"{section.title} 未注明金额单位，按默认单位{DEFAULT_UNIT}读取",
                line=section.line,
                expected="金额单位：万元 或 元",
            )

    # -- lines -----------------------------------------------------------------------------

    def consume(self, line: Line, role: str) -> None:
        self.consumed.setdefault(line.no, role)
        self.unparsed.pop(line.no, None)

    def unread(self, line: Line, reason: str) -> None:
        """Record a line this reader could not read, with the reason (reported, never dropped)."""
        if line.no not in self.consumed:
            self.unparsed[line.no] = reason

    def is_unit_line(self, line: Line) -> bool:
        return line.no in self._unit_lines

    def table_lines(self, lines: Iterable[Line] | None = None) -> Iterator[Line]:
        """The section's lines (or these of it) but blanks, unit lines, notes under the table and
        page furniture (`公开02表`, a page number), which are consumed here."""
        for line in self.section.lines if lines is None else lines:
            if line.blank or self.is_unit_line(line):
                continue
            if len(line.filled) == 1 and is_note(line.text):
                self.consume(line, "note")
            elif len(line.filled) == 1 and is_page_furniture(line.text):
                self.consume(line, "page furniture")
            else:
                yield line

    # -- rows ------------------------------------------------------------------------------

    def add_row(
        self,
        line: Line | int,
        raw: str,
        values: dict[str, Any],
        *,
        is_total: bool = False,
        left_filled: bool = False,
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "kind": self.section.kind,
            "seq": len(self.table.rows) + 1,
            "line": line if isinstance(line, int) else line.no,
            "raw": raw,
            "is_total": is_total,
            "is_subtotal": False,
            "left_filled": left_filled,
            "unit": self.unit,
        }
        row.update(values)
        self.table.rows.append(row)
        return row

    def amount(self, text: str, line: int, column: str) -> Decimal | None:
        """Parse an amount cell; an unreadable one becomes a finding and a null, never a guess."""
        try:
            value = parse_amount(text)
        except UnreadableAmount:
            self.finding(
                "unreadable_amount",
                "error",
                f"{self.section.title} 第{line}行 {column} 的金额无法识别：{text}",
                line=line,
                observed=text,
                expected="数字金额",
            )
            return None
        if value is not None and not storable(value):
            self.finding(
                "amount_not_storable",
                "warning",
                f"{self.section.title} 第{line}行 {column} 的金额 {text} 超出可精确保存的范围"
                "（最多 6 位小数、12 位整数）：原样保留在原文中，不参与金额检查",
                line=line,
                observed=text,
                expected="最多 6 位小数、12 位整数的金额",
            )
            return None
        return value

    def amounts(self, cells: list[str], line: int) -> dict[str, Decimal | None]:
        """Map amount cells to the schema's amount columns in published order."""
        names = self.schema.amounts
        values: dict[str, Decimal | None] = {name: None for name in names}
        for name, text in zip(names, cells, strict=False):
            values[name] = self.amount(text, line, name)
        extra = [c for c in cells[len(names) :] if c]
        if extra:
            self.finding(
                "extra_cells",
                "warning",
                f"{self.section.title} 第{line}行 比表头多出 {len(extra)} 个数值：{' '.join(extra)}",
                line=line,
                observed=" ".join(extra),
            )
        return values

    def finding(
        self,
        check: str,
        severity: Severity,
        message: str,
        *,
        line: int | None = None,
        observed: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                suite="parse",
                check=check,
                severity=severity,
                message=message,
                table=self.section.kind,
                line=line,
                observed=observed,
                expected=expected,
            )
        )

    # -- unit ------------------------------------------------------------------------------

    def _find_unit(self) -> tuple[str, bool]:
        self._unit_lines: set[int] = set()
        lines = [*self.section.left_block, *self.section.lines]
        found: str | None = None
        for index, line in enumerate(lines):
            if "单位" not in line.text:
                continue
            following = next((n for n in lines[index + 1 :] if not n.blank), None)
            unit = unit_of_line(line, following)
            if unit is not None or line.text.startswith("金额单位"):
                self._unit_lines.add(line.no)
                if unit is not None and following is not None and following.text == unit:
                    self._unit_lines.add(following.no)
                found = found or unit
        if found is None:
            found = self._unit_anywhere(lines[:8])
        if found is None:
            for line in lines[:12]:
                found = header_unit(line)
                if found:
                    break
        for no in self._unit_lines:
            self.consumed[no] = "unit"
        return (found, True) if found else (DEFAULT_UNIT, False)

    def _unit_anywhere(self, lines: list[Line]) -> str | None:
        """A unit stated inside the title cell or on the department line (`编制部门：… 单位：元`)."""
        titles = [page.title_line for page in self.section.pages[:1] if page.title_line]
        for line in [*titles, *lines]:
            unit = unit_in_text(line.text)
            if unit:
                if line not in titles:
                    self._unit_lines.add(line.no)
                return unit
        return None
