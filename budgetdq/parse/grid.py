"""Rows of label cells followed by amount cells: the shape of most budget tables.

In a tabbed document every cell keeps its position, so the n-th amount cell is the n-th amount
column. In a spaced document (PDF text without tabs) empty cells vanish: the amounts are read left to
right and the row is marked `left_filled` when it has fewer amounts than the table has columns, so
the checks know its column placement was inferred.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from budgetdq.parse.cells import is_amount, join_wrapped, looks_broken_amount
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import TableContext

__all__ = [
    "GridRow",
    "LabelParser",
    "add_rows",
    "iter_rows",
    "match_labels",
    "read_grid",
    "split_row",
]

LabelParser = Callable[[str], dict[str, Any] | None]
TOTAL_LABEL = re.compile(r"^(?:合计|总计)$")
_MAX_PENDING = 8


def match_labels(pattern: re.Pattern[str], label: str) -> dict[str, Any] | None:
    """The named groups of `pattern` on a row label, with wrapped names (`*_name`, `*_type`) joined."""
    match = pattern.match(label.strip())
    if not match:
        return None
    return {
        key: join_wrapped(value) if key.endswith(("_name", "_type")) else value
        for key, value in match.groupdict().items()
    }


@dataclass
class GridRow:
    """A data line split into its label text and its amount cells."""

    line: int
    raw: str
    label: str
    amounts: list[str]
    left_filled: bool

    @property
    def is_total(self) -> bool:
        return bool(TOTAL_LABEL.match("".join(self.label.split())))

    @property
    def has_text_in_amounts(self) -> bool:
        """True when an amount cell holds words (a header line), not a number or a broken one."""
        return any(
            cell and not is_amount(cell) and not looks_broken_amount(cell) for cell in self.amounts
        )


def split_row(lines: list[Line], n_labels: int, n_amounts: int, spaced: bool) -> GridRow:
    """Split one (possibly multi-line) record into its first `n_labels` cells and its amounts.

    In a spaced document the label keeps at least one token when the table has label columns, so
    a year such as `2021` stays a label although it reads as a number.
    """
    raw = "\n".join(line.source for line in lines)
    if not spaced:
        cells = list(lines[0].cells)
        while cells and not cells[-1]:
            cells.pop()
        label = "\t".join(cells[:n_labels])
        return GridRow(lines[0].no, raw, label, cells[n_labels:], False)
    tokens = " ".join(line.text for line in lines).split()
    amounts: list[str] = []
    keep = 1 if n_labels else 0
    while len(tokens) > keep and (is_amount(tokens[-1]) or looks_broken_amount(tokens[-1])):
        amounts.insert(0, tokens.pop())
    return GridRow(lines[0].no, raw, " ".join(tokens), amounts, len(amounts) < n_amounts)


def iter_rows(
    ctx: TableContext,
    lines: list[Line],
    parse_label: LabelParser,
    n_labels: int,
) -> Iterator[tuple[GridRow, dict[str, Any] | None]]:
    """Yield each record of `lines` with its parsed labels (None for a total row).

    Lines before the first record of a page are its header, and so is a line that repeats a header
    (a PDF page break repeats the header rows without the title). In a spaced document a record wrapped
    over several lines is joined until its label parses. What cannot be read is `ctx.unread`.
    """
    spaced = ctx.layout == "spaced"
    n_amounts = len(ctx.schema.amounts)
    pending: list[Line] = []
    seen_row = after_total = False
    for line in lines:
        if line.blank or ctx.is_unit_line(line):
            continue
        if line.rule:
            ctx.consume(line, "rule")
            continue
        if line.text in ctx.headers:
            ctx.consume(line, "repeated header")
            continue
        candidate = [*pending, line]
        row = split_row(candidate, n_labels, n_amounts, spaced)
        labels = None if row.is_total or row.has_text_in_amounts else parse_label(row.label)
        if (row.is_total and not row.has_text_in_amounts) or labels is not None:
            for part in candidate:
                ctx.consume(part, "row")
            pending = []
            seen_row = True
            after_total = after_total or row.is_total
            yield row, labels
            continue
        if not seen_row or (after_total and not row.amounts):
            ctx.consume(line, "header")
            ctx.headers.add(line.text)
        elif spaced and len(candidate) < _MAX_PENDING and not row.amounts:
            pending = candidate
        else:
            for part in candidate:
                ctx.unread(part, f"not a row of {ctx.section.kind}")
            pending = []
    for part in pending:
        ctx.unread(part, f"incomplete row of {ctx.section.kind}")


def read_grid(ctx: TableContext, parse_label: LabelParser, n_labels: int) -> None:
    """Read every page of a grid table into rows."""
    for page in ctx.section.pages:
        add_rows(ctx, iter_rows(ctx, page.lines, parse_label, n_labels))


def add_rows(
    ctx: TableContext, rows: Iterator[tuple[GridRow, dict[str, Any] | None]]
) -> list[dict[str, Any]]:
    """Add grid records to the table with their amounts."""
    added = []
    for row, labels in rows:
        values = dict(labels or {})
        values.update(ctx.amounts(row.amounts, row.line))
        added.append(
            ctx.add_row(
                row.line, row.raw, values, is_total=row.is_total, left_filled=row.left_filled
            )
        )
    return added
