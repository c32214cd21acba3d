"""收入预算总表 printed as a list of sources (Jiangsu): `项目名称 | 金额`, a group and its items.

    收入总计          |                     | 24,458.43
    一般公共预算资金  | 小计                | 24,458.43
                      | 公共财政拨款(补助)资金 | 24,458.43
    上年结转和结余资金 | 小计                |
                      | 其中：动用上年结转和结余资金 |

Each line is a row of the income table named by its group and item (`一般公共预算资金/小计`) with its
amount in `total`. `收入总计` is the total row; a group's `小计` followed by its items adds them up,
and a `其中：` line restates part of the line above: neither is a detail the column sums count.
"""

from __future__ import annotations

from budgetdq.parse.catalogue import column_of, compact
from budgetdq.parse.cells import is_amount, is_blank_mark, looks_broken_amount
from budgetdq.parse.header import header_columns
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import NotUnderstood, TableContext

__all__ = ["read_source_list"]

_TOTALS = ("收入总计", "合计", "总计")


def read_source_list(ctx: TableContext) -> None:
    """Read the list; raises `NotUnderstood` at a line that is not `labels | amount`."""
    headers: list[Line] = []
    data: list[Line] = []
    for line in ctx.table_lines():
        if not data and not any(compact(c) in _TOTALS for c in line.filled):
            headers.append(line)
        else:
            data.append(line)
    label_at, amount_at = _label_and_amount_columns(headers)
    for line in headers:
        ctx.consume(line, "header")
    group = ""
    parsed = []
    for line in data:
        cells = ["" if is_blank_mark(c) else compact(c) for c in line.cells]
        cells += [""] * (amount_at + 1 - len(cells))
        if any(cells[:label_at]) or any(cells[amount_at + 1 :]):
            raise NotUnderstood(f"第{line.no}行不是“项目名称 | 金额”的一行")
        starts_group = bool(cells[label_at])
        items = [c for c in cells[label_at + 1 : amount_at] if c]
        amount = cells[amount_at]
        if len(items) > 1 or not (starts_group or items):
            raise NotUnderstood(f"第{line.no}行不是“项目名称 | 金额”的一行")
        if amount and not (is_amount(amount) or looks_broken_amount(amount)):
            raise NotUnderstood(f"第{line.no}行的金额列中有文字")
        group = cells[label_at] if starts_group else group
        parsed.append((line, group, items[0] if items else "", amount, starts_group))
    for index, (line, group, item, amount, _starts) in enumerate(parsed):
        total = group in _TOTALS and not item
        followed = index + 1 < len(parsed) and not parsed[index + 1][4]
        summing = item == "小计" and followed
        ctx.consume(line, "row")
        row = ctx.add_row(
            line,
            line.source,
            {
                "unit_name": f"{group}/{item}" if item else group,
                "total": ctx.amount(amount, line.no, "total"),
            },
            is_total=total,
        )
        row["is_subtotal"] = summing or item.startswith("其中")
    ctx.table.columns = ("total",)


def _label_and_amount_columns(headers: list[Line]) -> tuple[int, int]:
    columns = header_columns(headers)
    kinds = [(column.index, column_of("sides", column.leaf)) for column in columns]
    if [kind for _, kind in kinds] != ["label", "amount"]:
        raise NotUnderstood("表头不是“项目名称 | 金额”")
    return kinds[0][0], kinds[1][0]
