"""The national layouts' grids, read by their headers: each column is what its header text says.

A row is its code (one cell `2240101`, `2240101-行政运行`, or 类 | 款 | 项 parts, `204 | 06 | 01`),
its name, then amounts. Amount cells are placed under the header column they sit in, or one cell off
it (a misaligned PDF grid); when a merged label cell shifted them and the row has exactly one cell
per amount column, they are taken in order. A row followed by a deeper one (by the code parts
printed, or by the code's length) adds up the rows below it (`is_subtotal`): 类 and 款 rows above
their 项 rows. A table printed as blocks side by side (code, name, amount | code, name, amount: the
基本支出 决算表) is read block by block; a total row whose figures were wrapped onto the next line is
joined to them.

The table is not understood, and nothing of it is kept, when a column's header names nothing the
catalogue knows, when there is no amount column, when a row's cells cannot be placed, or when a row
names a 科目 without its code (what adds up to what is then unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from budgetdq.parse.catalogue import catalogue, column_of, compact
from budgetdq.parse.cells import is_amount, is_blank_mark, looks_broken_amount, split_code_name
from budgetdq.parse.header import HeaderColumn, header_columns
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import NotUnderstood, TableContext

__all__ = ["GridSpec", "read_header_grid"]

# 合计, 总计, and a block's own total in a table printed as blocks side by side (人员经费合计).
_TOTAL = re.compile(r"^[\u4e00-\u9fff]{0,6}(?:合计|总计)$")
_CODE_PART = re.compile(r"^\d{1,7}$")
_CODE_SPACE_NAME = re.compile(r"^(\d{3,7})\s+(\D.*)$")

_VARIANT = re.compile(r"^(?:预算数|决算数|年初预算数|全年预算数)$")


@dataclass(frozen=True)
class GridSpec:
    """How a kind's grid is read: its column vocabulary, its code columns and column renames."""

    columns: str
    code: str | None = None  # "function" | "dept_econ" | None (no code column)
    rename: dict[str, str] = field(default_factory=dict)


@dataclass
class _Layout:
    codes: list[tuple[int, str]]  # (cell index, role: class|section|item|code)
    name: int | None
    amounts: list[tuple[int, str | None]]  # (cell index, column; None = understood, not stored)


def read_header_grid(ctx: TableContext, spec: GridSpec, final: bool) -> None:
    """Read a grid table by its header; raises `NotUnderstood` when its structure is unclear."""
    layouts: list[_Layout] | None = None
    headers: list[Line] = []
    data: list[Line] = []
    for page in ctx.section.pages:
        seen_data = False
        for line in ctx.table_lines(page.lines):
            if _is_data(line, layouts is not None):
                seen_data = True
                data.append(line)
                continue
            if seen_data and line.text not in ctx.headers:
                raise NotUnderstood(f"第{line.no}行既不是表头也不是数据行")
            ctx.consume(line, "header")
            if line.text not in ctx.headers:
                ctx.headers.add(line.text)
                if layouts is None:
                    headers.append(line)
        if layouts is None and headers:
            layouts = _layouts(headers, spec, final, set(ctx.schema.all_amounts))
    if layouts is None:
        raise NotUnderstood("没有表头")
    first = layouts[0]
    if spec.code and not first.codes and first.name is None and len(data) > 1:
        raise NotUnderstood("表头中没有科目编码或名称列")
    starts = [min(_columns_of(block)) for block in layouts]
    for number, layout in enumerate(layouts):
        low = starts[number] if number else 0
        high = starts[number + 1] if number + 1 < len(layouts) else 10**6
        rows = []
        for line, cells, joined in _records(data, low, high):
            if cells or len(layouts) == 1:
                rows.append(_row(ctx, line, cells, layout, spec, joined))
        if spec.code and any(not row["is_total"] and not row[f"{spec.code}_code"] for row in rows):
            raise NotUnderstood("有科目没有编码，无法确定科目层级")
        levels = [row.pop("_level") for row in rows]
        for index, row in enumerate(rows):
            deeper = index + 1 < len(rows) and levels[index + 1] > levels[index] > 0
            row["is_subtotal"] = bool(deeper and not row["is_total"])
    ctx.table.columns = tuple(dict.fromkeys(c for _, c in first.amounts if c is not None))


def _records(
    data: list[Line], low: int, high: int
) -> list[tuple[Line, list[tuple[int, str]], list[Line]]]:
    """Each data line's cells within [low, high), with a total row whose figures the PDF wrapped
    onto the next line (`合计` alone, then the figures alone) joined to them."""
    records: list[tuple[Line, list[tuple[int, str]], list[Line]]] = []
    for line in data:
        cells = [(i, cell) for i, cell in enumerate(line.cells) if cell and low <= i < high]
        if records and cells and all(is_amount(text) for _, text in cells):
            before, earlier, joined = records[-1]
            if not joined and earlier and all(_TOTAL.match(compact(t)) for _, t in earlier):
                records[-1] = (line, earlier + cells, [before])  # the row is where its figures are
                continue
        records.append((line, cells, []))
    return records


def _columns_of(layout: _Layout) -> list[int]:
    name = [] if layout.name is None else [layout.name]
    return [i for i, _ in layout.codes] + name + [i for i, _ in layout.amounts]


def _is_data(line: Line, after_header: bool) -> bool:
    """A row of figures: an amount with separators or decimals, a total label, or a leading code."""
    cells = [compact(cell) for cell in line.filled]
    figures = [cell for cell in cells if not _TOTAL.match(cell)]
    if len(figures) < len(cells) and all(is_amount(c) or looks_broken_amount(c) for c in figures):
        return True
    if any(is_amount(cell) and ("," in cell or "." in cell) for cell in cells):
        return True
    if after_header and cells and _CODE_PART.match(cells[0]) and len(cells[0]) >= 3:
        return True
    return bool(cells) and all(is_amount(cell) for cell in cells) and after_header


def _layouts(
    headers: list[Line], spec: GridSpec, final: bool, known_amounts: set[str]
) -> list[_Layout]:
    """The header's column blocks: usually one; a table printed as blocks side by side (code,
    name, amount | code, name, amount) has one per block, all with the same amount columns."""
    blocks: list[_Layout] = [_Layout([], None, [])]
    for column in header_columns(headers):
        role = _code_role(column) if spec.code else None
        block = blocks[-1]
        if role is not None and block.amounts:
            block = _Layout([], None, [])
            blocks.append(block)
        if role == "name":
            block.name = column.index if block.name is None else block.name
            continue
        if role is not None:
            block.codes.append((column.index, role))
            continue
        amount = _amount_column(column, spec, final)
        if amount is _UNKNOWN or (amount is not None and amount not in known_amounts):
            raise NotUnderstood(f"不认识的列“{column.path}”")
        if amount is not None and amount in [c for _, c in block.amounts]:
            raise NotUnderstood(f"列“{column.path}”重复")
        block.amounts.append((column.index, amount))
    names = {tuple(c for _, c in block.amounts) for block in blocks}
    if len(names) > 1:
        raise NotUnderstood("并排的各栏表头不一致")
    if not blocks[0].amounts:
        raise NotUnderstood("表头中没有金额列")
    return blocks


_UNKNOWN = "?"


def _code_role(column: HeaderColumn) -> str | None:
    """The label role of a column: a code part, the code, or the name.

    An empty table may print its total row's label inside the header (`功能分类科目编码/合计`):
    that column is still the code column.
    """
    path = column.path
    if _TOTAL.match(column.leaf) and "/" in path:
        path = path.rsplit("/", 1)[0]
    for role, pattern in catalogue().codes.items():
        if pattern.search(path):
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


def _row(
    ctx: TableContext,
    line: Line,
    cells: list[tuple[int, str]],
    layout: _Layout,
    spec: GridSpec,
    joined: list[Line],
) -> dict[str, Any]:
    cells = [(index, text) for index, text in cells if not is_blank_mark(text)]
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
            spaced = _CODE_SPACE_NAME.match(cell)
            code, name = spaced.groups() if spaced else split_code_name(cell)
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
    for part in (*joined, line):
        ctx.consume(part, "row")
    raw = "\n".join(part.source for part in (*joined, line))
    return ctx.add_row(line, raw, values, is_total=total)


def _level(parts: list[str]) -> int:
    """A code's depth: the parts printed (类 | 款 | 项), or by length (201, 20131, 2013101)."""
    if len(parts) > 1:
        return len(parts)
    if not parts:
        return 0
    return {3: 1, 5: 2, 7: 3}.get(len(parts[0]), 0)


def _place(cells: list[tuple[int, str]], layout: _Layout, line: Line) -> dict[str, str]:
    """Amount cells by column: under their header column, one cell off it (a misaligned PDF grid),
    or in order when the row has one cell per column."""
    if any(not is_amount(text) and not looks_broken_amount(text) for _, text in cells):
        raise NotUnderstood(f"第{line.no}行的数值列中有文字")
    starts = [index for index, _ in layout.amounts]
    boundaries = sorted(set(_columns_of(layout)))
    placed = _under_header(cells, starts, boundaries) or _shifted(cells, starts)
    if placed is None:
        if len(cells) != len(starts):
            raise NotUnderstood(f"第{line.no}行的数值无法对应到表头的列")
        placed = {start: text for start, (_, text) in zip(starts, cells, strict=True)}
    names = dict(layout.amounts)
    return {kept: text for start, text in placed.items() if (kept := names[start]) is not None}


def _under_header(
    cells: list[tuple[int, str]], starts: list[int], boundaries: list[int]
) -> dict[int, str] | None:
    placed: dict[int, str] = {}
    for index, text in cells:
        column = _column_at(index, starts, boundaries)
        if column is None or column in placed:
            return None
        placed[column] = text
    return placed


def _shifted(cells: list[tuple[int, str]], starts: list[int]) -> dict[int, str] | None:
    """Cells a misaligned PDF grid printed one cell off their header column, each to its own."""
    placed: dict[int, str] = {}
    for index, text in cells:
        near = [start for start in starts if abs(start - index) <= 1 and start not in placed]
        if len(near) != 1:
            return None
        placed[near[0]] = text
    return placed


def _column_at(index: int, starts: list[int], boundaries: list[int]) -> int | None:
    """The amount column whose span (its start up to the next header column) holds `index`."""
    for start in starts:
        later = [b for b in boundaries if b > start]
        end = later[0] if later else 10**6
        if start <= index < end:
            return start
    return None
