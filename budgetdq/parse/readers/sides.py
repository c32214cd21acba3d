"""The national layouts' two-sided tables (收支总表, 财政拨款收支总表), read by their headers.

The header names label columns (项目, 项目名称, 功能科目名称) and amount columns (预算数, 金额, 决算数,
合计); each label column and the amount column after it form a side: the first is income, one
under 支出用途 is `expenditure_use` (the same spending by purpose: 基本支出, 项目支出), the others
expenditure. Further amount columns of a side (a breakdown by fund) are understood and not kept.
A total whose amount was printed in the next side's amount cell (a merged cell, `当年支出小计`)
takes it. Roles come from the labels: `收入总计` total, `本年收入合计` / `当年收入小计` subtotal, 结转 and
结余 lines carryover, `1.一般公共预算` under `一、财政拨款` a sub_item that no sum counts twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetdq.classification import function_class_of_label
from budgetdq.parse.catalogue import column_of, compact
from budgetdq.parse.cells import is_amount, is_blank_mark, looks_broken_amount
from budgetdq.parse.header import header_columns
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import NotUnderstood, TableContext

__all__ = ["read_sides", "role_of_label"]

_SUB_ITEM = re.compile(r"^(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）])")
_SUBTOTAL = re.compile(r"(?:本年|当年).*(?:合计|小计)$")
_TOTAL = re.compile(r"(?:总计|^收入合计|^支出合计|^合计)$")


@dataclass
class _Side:
    name: str
    label: int
    amount: int | None
    ends: int


def role_of_label(label: str) -> str:
    """What a line of a two-sided table is, by its label alone (sub_item is decided by order)."""
    text = compact(label)
    if _SUBTOTAL.search(text):
        return "subtotal"
    if _TOTAL.search(text):
        return "total"
    if "结转" in text or "结余" in text:
        return "carryover"
    return "item"


def read_sides(ctx: TableContext) -> None:
    """Read a two-sided table by its header; raises `NotUnderstood` when it is unclear."""
    headers: list[Line] = []
    data: list[Line] = []
    for line in ctx.table_lines():
        if not data and not any(is_amount(c) for c in line.filled) and len(line.filled) > 1:
            headers.append(line)
            ctx.headers.add(line.text)
            ctx.consume(line, "header")
        elif line.text in ctx.headers:
            ctx.consume(line, "repeated header")
        else:
            data.append(line)
    sides = _sides(headers)
    last: dict[str, str] = {}
    for line in data:
        cells = ["" if is_blank_mark(c) else c for c in line.cells] + [""] * 64
        items = []
        for position, side in enumerate(sides):
            label = cells[side.label]
            amount = cells[side.amount] if side.amount is not None else ""
            extra = [c for c in cells[(side.amount or side.label) + 1 : side.ends] if c]
            if any(not (is_amount(c) or looks_broken_amount(c)) for c in extra):
                raise NotUnderstood(f"第{line.no}行的数值列中有文字")
            merged = role_of_label(label) in ("subtotal", "total")
            if merged and not amount and position + 1 < len(sides):
                following = sides[position + 1]
                if not cells[following.label] and following.amount is not None:
                    amount, cells[following.amount] = cells[following.amount], ""
            if amount and not label:
                raise NotUnderstood(f"第{line.no}行有数值没有项目名称")
            if label and not (is_amount(amount) or looks_broken_amount(amount) or not amount):
                raise NotUnderstood(f"第{line.no}行的金额列中有文字")
            if label:
                items.append((side.name, label, amount))
        if not items:
            raise NotUnderstood(f"第{line.no}行无法识别")
        ctx.consume(line, "row")
        for side_name, label, amount in items:
            role = role_of_label(label)
            parent = last.get(side_name)
            if role == "item" and _SUB_ITEM.match(compact(label)) and parent is not None:
                # `1.一般公共预算` under `一、财政拨款`; under a carryover line it is a carryover item
                if parent == "carryover":
                    role = "carryover_item"
                elif parent in ("item", "sub_item"):
                    role = "sub_item"
            elif role == "item" and parent in ("carryover", "carryover_item"):
                role = "carryover_item"
            last[side_name] = "carryover" if role == "carryover_item" else role
            ctx.add_row(
                line,
                line.source,
                {
                    "side": side_name,
                    "label": label,
                    "role": role,
                    "function_class": function_class_of_label(label),
                    "amount": ctx.amount(amount, line.no, "amount"),
                },
                is_total=role == "total",
            )
    ctx.table.columns = ("amount",)


def _sides(headers: list[Line]) -> list[_Side]:
    if not headers:
        raise NotUnderstood("没有表头")
    columns = header_columns(headers)
    sides: list[_Side] = []
    for column in columns:
        leaf = column.leaf
        if column_of("sides", leaf) == "label" and column_of("sides", column.path) != "amount":
            name = "income" if not sides else "expenditure"
            if column_of("sides", column.path.replace(leaf, "")) == "use_side":
                name = "expenditure_use"
            sides.append(_Side(name, column.index, None, 10**6))
        elif sides and column_of("sides", leaf) == "amount" and sides[-1].amount is None:
            sides[-1].amount = column.index
        elif sides and sides[-1].amount is not None:
            continue  # a breakdown of the side's amount (by fund): its cells must be amounts
        else:
            raise NotUnderstood(f"不认识的列“{column.path}”")
    for side, following in zip(sides, sides[1:], strict=False):
        side.ends = following.label
    if len(sides) < 2 or any(side.amount is None for side in sides):
        raise NotUnderstood("表头中找不到收入与支出两侧的项目和金额列")
    return sides
