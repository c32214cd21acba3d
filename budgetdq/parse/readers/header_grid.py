"""The national layouts' grids, read by their headers: each column is what its header text says.

A row is its code (one cell `2240101`, `2240101-行政运行`, or 类 | 款 | 项 parts, `204 | 06 | 01`),
its name, then amounts. Amount cells are placed under the header column they sit in; when a PDF grid
shifted them (a merged label cell, a misaligned row) and the row has exactly one cell per amount
column, they are taken in order; otherwise the table is not understood. A row followed by a deeper
one (by the code parts printed, or by the code's length) adds up the rows below it (`is_subtotal`):
类 and 款 rows above their 项 rows.

The table is not understood, and nothing of it is kept, when a column's header names nothing the
catalogue knows, when there is no amount column, or when a row's cells cannot be placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from budgetdq.parse.catalogue import catalogue, column_of, compact, is_note, is_page_furniture
from budgetdq.parse.cells import is_amount, looks_broken_amount, split_code_name
from budgetdq.parse.header import HeaderColumn, header_columns
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import TableContext

__all__ = ["GridSpec", "read_header_grid"]

_TOTAL = re.compile(r"^(?:合计|总计)$")
_CODE_PART = re.compile(r"^\d{1,7}$")
_VARIANT = re.compile(r"^(?:预算数|决算数|年初预算数|全年预算数)$")


@dataclass(frozen=True)
class GridSpec:
    """How a kind's grid is read: its column vocabulary, its code columns and column renames."""

    columns: str
    code: str | None = None  # "function" | "dept_econ" | None (no code column)
    rename: dict[str, str] = field(default_factory=dict)


class NotUnderstood(Exception):
    """The reason a table's structure could not be established."""


@dataclass
class _Layout:
    codes: list[tuple[int, str]]  # (cell index, role: class|section|item|code)
    name: int | None
    amounts: list[tuple[int, str | None]]  # (cell index, column; None = understood, not stored)


def read_header_grid(ctx: TableContext, spec: GridSpec, final: bool) -> None:
    """Read a grid table by its header; an unclear structure leaves the table not understood."""
    try:
        _read(ctx, spec, final)
    except NotUnderstood as reason:
        for page in ctx.section.pages:
            for line in page.lines:
                if not line.blank:
                    ctx.consume(line, "table not understood")
        ctx.findings.append(ctx.table.not_understood(str(reason)))


def _read(ctx: TableContext, spec: GridSpec, final: bool) -> None:
    layout: _Layout | None = None
    headers: list[Line] = []
    data: list[Line] = []
    for page in ctx.section.pages:
        seen_data = False
        for line in page.lines:
            if line.blank or ctx.is_unit_line(line):
                continue
            if len(line.filled) == 1 and is_note(line.filled[0]):
                ctx.consume(line, "note")
                continue
            if len(line.filled) == 1 and is_page_furniture(line.filled[0]):
                ctx.consume(line, "page furniture")
                continue
            if _is_data(line, layout):
                seen_data = True
                data.append(line)
                continue
            if seen_data and line.text not in ctx.headers:
                raise NotUnderstood(f"第{line.no}行既不是表头也不是数据行")
            ctx.consume(line, "header")
            if line.text not in ctx.headers:
                ctx.headers.add(line.text)
                if layout is None:
                    headers.append(line)
        if layout is None and headers:
            layout = _layout(headers, spec, final, set(ctx.schema.all_amounts))
    if layout is None:
        raise NotUnderstood("没有表头")
    if spec.code and not layout.codes and layout.name is None and len(data) > 1:
        raise NotUnderstood("表头中没有科目编码或名称列")
    rows = [_row(ctx, line, layout, spec) for line in data]
    levels = [row.pop("_level") for row in rows]
    for index, row in enumerate(rows):
        deeper = index + 1 < len(rows) and levels[index + 1] > levels[index] > 0
        row["is_subtotal"] = bool(deeper and not row["is_total"])
    ctx.table.columns = tuple(dict.fromkeys(c for _, c in layout.amounts if c is not None))


def _is_data(line: Line, layout: _Layout | None) -> bool:
    """A row of figures: an amount with separators or decimals, a total label, or a leading code."""
    cells = [compact(cell) for cell in line.filled]
    figures = [cell for cell in cells if not _TOTAL.match(cell)]
    if len(figures) < len(cells) and all(is_amount(c) or looks_broken_amount(c) for c in figures):
        return True
    if any(is_amount(cell) and ("," in cell or "." in cell) for cell in cells):
        return True
    if layout is not None and cells and _CODE_PART.match(cells[0]) and len(cells[0]) >= 3:
        return True
    return bool(cells) and all(is_amount(cell) for cell in cells) and layout is not None


def _layout(headers: list[Line], spec: GridSpec, final: bool, known_amounts: set[str]) -> _Layout:
    codes: list[tuple[int, str]] = []
    name: int | None = None
    amounts: list[tuple[int, str | None]] = []
    for column in header_columns(headers):
        role = _code_role(column) if spec.code else None
        if role == "name":
            name = column.index if name is None else name
            continue
        if role is not None:
            codes.append((column.index, role))
            continue
        amount = _amount_column(column, spec, final)
        if amount is _UNKNOWN or (amount is not None and amount not in known_amounts):
            raise NotUnderstood(f"不认识的列“{column.path}”")
        if amounts and amount is not None and amount in [c for _, c in amounts]:
            raise NotUnderstood(f"列“{column.path}”重复")
        amounts.append((column.index, amount))
    if not amounts:
        raise NotUnderstood("表头中没有金额列")
    return _Layout(codes, name, amounts)


_UNKNOWN = "?"


def _code_role(column: HeaderColumn) -> str | None:
    for role, pattern in catalogue().codes.items():
        if pattern.search(column.path):
            return role
    return None


def _amount_column(column: HeaderColumn, spec: GridSpec, final: bool) -> str | None:
    """The stored column a header names; None for a column understood but not kept."""
    path = column.path
    if _VARIANT.match(column.leaf) and "/" in path:
        wanted = "决算数" if final else "预算数"
        if column.leaf != wanted:
            return None
        path = path.rsplit("/", 1)[0]
    name = column_of(spec.columns, path)
    if name is None:
        return _UNKNOWN
    return spec.rename.get(name, name)


def _row(ctx: TableContext, line: Line, layout: _Layout, spec: GridSpec) -> dict[str, Any]:
    cells = [(index, cell) for index, cell in enumerate(line.cells) if cell]
    first_amount = min(index for index, _ in layout.amounts)
    parts: list[str] = []
    name: str | None = None
    total = False
    rest: list[tuple[int, str]] = []
    for index, cell in cells:
        if rest or name is not None or total:
            rest.append((index, cell))
        elif _TOTAL.match(compact(cell)):
            total = True
        elif spec.code and _CODE_PART.match(cell) and index < first_amount and layout.codes:
            parts.append(cell)
        elif spec.code and not is_amount(cell) and not looks_broken_amount(cell):
            code, name = split_code_name(cell)
            if code and not parts:
                parts.append(code)
        else:
            rest.append((index, cell))
    # A grid without label columns prints one row: the figures its header names (合计, 基本支出 …).
    total = total or (spec.code is not None and not layout.codes and layout.name is None)
    values: dict[str, Any] = {"_level": _level(parts)}
    if spec.code:
        values[f"{spec.code}_code"] = "".join(parts) or None
        values[f"{spec.code}_name"] = name
    for column, text in _place(rest, layout, line).items():
        values[column] = ctx.amount(text, line.no, column)
    ctx.consume(line, "row")
    return ctx.add_row(line, line.source, values, is_total=total)


def _level(parts: list[str]) -> int:
    """A code's depth: the parts printed (类 | 款 | 项), or by length (201, 20131, 2013101)."""
    if len(parts) > 1:
        return len(parts)
    if not parts:
        return 0
    return {3: 1, 5: 2, 7: 3}.get(len(parts[0]), 0)


def _place(cells: list[tuple[int, str]], layout: _Layout, line: Line) -> dict[str, str]:
    """Amount cells by column: under their header column, or in order when the row has one per column."""
    if any(not is_amount(text) and not looks_broken_amount(text) for _, text in cells):
        raise NotUnderstood(f"第{line.no}行的数值列中有文字")
    starts = [index for index, _ in layout.amounts]
    labels = [i for i, _ in layout.codes] + ([] if layout.name is None else [layout.name])
    boundaries = sorted({*starts, *labels})
    placed: dict[int, str] = {}
    positional = True
    for index, text in cells:
        column = _column_at(index, starts, boundaries)
        if column is None or column in placed:
            positional = False
            break
        placed[column] = text
    if not positional:
        if len(cells) != len(starts):
            raise NotUnderstood(f"第{line.no}行的数值无法对应到表头的列")
        placed = {start: text for start, (_, text) in zip(starts, cells, strict=True)}
    names = dict(layout.amounts)
    return {kept: text for start, text in placed.items() if (kept := names[start]) is not None}


def _column_at(index: int, starts: list[int], boundaries: list[int]) -> int | None:
    """The amount column whose span (its start up to the next header column) holds `index`."""
    for start in starts:
        later = [b for b in boundaries if b > start]
        end = later[0] if later else 10**6
        if start <= index < end:
            return start
    return None
