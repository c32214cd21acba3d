"""收支总表 and 财政拨款收支预算总表: two sides (收入 | 支出), each a list of item and amount.

A tabbed line is `income item ⇥ amount ⇥ expenditure item ⇥ amount`. In a spaced document an
item belongs to the expenditure side when it names a function class, spending or the year-end
balance; any other item is income.
"""

from __future__ import annotations

import re

from budgetdq.classification import function_class_of_label
from budgetdq.parse.cells import is_amount, looks_broken_amount
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_HEADER = re.compile(r"^(?:收入|支出|项目|预算数|收\s*入|支\s*出|项\s*目)$")
_EXPENDITURE_WORDS = re.compile(r"支出|年终结转|预备费")


def role_of(label: str) -> str:
    """What an item is by its label: item, subtotal, carryover or total.

    An item listed after a carryover line (`二、上年结转` then `（一）一般公共预算拨款`) is a
    carryover_item; `read` decides that from the order of the lines.
    """
    compact = re.sub(r"\s", "", label)
    if compact.endswith("总计"):
        return "total"
    if compact.endswith("合计") or compact in ("一、本年收入", "一、本年支出"):
        return "subtotal"
    if "结转" in compact or "结余" in compact:
        return "carryover"
    return "item"


def _side_of(label: str) -> str:
    if function_class_of_label(label) or _EXPENDITURE_WORDS.search(label):
        return "expenditure"
    return "income"


def read(ctx: TableContext) -> None:
    carryover_open = {"income": False, "expenditure": False}
    for page in ctx.section.pages:
        for line in page.lines:
            if line.blank or ctx.is_unit_line(line):
                continue
            pairs = _pairs(line, ctx.layout == "spaced")
            if pairs is None:
                ctx.consume(line, "header")
                continue
            if not pairs:
                ctx.unread(line, "not an item of the summary")
                continue
            ctx.consume(line, "row")
            for side, label, amount_text in pairs:
                role = role_of(label)
                if role == "item" and carryover_open[side]:
                    role = "carryover_item"
                carryover_open[side] = role in ("carryover", "carryover_item")
                ctx.add_row(
                    line,
                    line.source,
                    {
                        "side": side,
                        "label": label,
                        "role": role,
                        "function_class": function_class_of_label(label),
                        "amount": ctx.amount(amount_text, line.no, "amount"),
                    },
                    is_total=role == "total",
                )


def _pairs(line: Line, spaced: bool) -> list[tuple[str, str, str]] | None:
    """(side, label, amount) of each item on a line; None for a header line."""
    if spaced:
        items = _spaced_items(line.text)
    else:
        cells = list(line.cells) + ["", "", "", ""]
        items = [(cells[0], cells[1], "income"), (cells[2], cells[3], "expenditure")]
        if len(line.filled) and all(is_amount(c) or looks_broken_amount(c) for c in line.filled):
            return []
        items = [(label, amount, side) for label, amount, side in items if label or amount]
    labels = [label for label, _, _ in items]
    if all(_HEADER.match(re.sub(r"\s+", "", label) or "项目") for label in labels):
        return None
    return [
        (side if not spaced else _side_of(label), re.sub(r"\s+", " ", label), amount)
        for label, amount, side in items
    ]


def _spaced_items(text: str) -> list[tuple[str, str, str]]:
    items: list[tuple[str, str, str]] = []
    for token in text.split():
        if (is_amount(token) or looks_broken_amount(token)) and items and not items[-1][1]:
            label, _, side = items[-1]
            items[-1] = (label, token, side)
        elif items and not items[-1][1] and _continues(items[-1][0], token):
            label, _, side = items[-1]
            items[-1] = (label + token, "", side)
        else:
            items.append((token, "", ""))
    return items


def _continues(label: str, token: str) -> bool:
    """`收    入`, `合    计` and `(一) 一般公共预算拨款` are one label split by spaces."""
    return len(label) == 1 or bool(re.match(r"^[（(][一二三四五六七八九十]+[)）]$", label))
