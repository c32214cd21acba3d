"""支出预算总表, and the tables shaped like it: 政府性基金 and 国有资本经营预算财政拨款支出表.

A row is function code × government economic code × department economic code, then amounts.
Codes are kept as published (a malformed code is the checks' business, not the reader's).
"""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.grid import match_labels, read_grid
from budgetdq.parse.table import TableContext

__all__ = ["parse_economic_grid_label", "read"]

_LABEL = re.compile(
    r"^(?P<function_code>[0-9A-Za-z]{3,9})\s*-\s*(?P<function_name>.+?)[\t ]+"
    r"(?P<gov_econ_code>[0-9A-Za-z]{3,7})\s*-\s*(?P<gov_econ_name>.+?)[\t ]+"
    r"(?P<dept_econ_code>[0-9A-Za-z]{3,9})\s*-\s*(?P<dept_econ_name>.+)$"
)


def parse_economic_grid_label(label: str) -> dict[str, Any] | None:
    """`2240101-行政运行 ⇥ 50101-工资奖金津补贴 ⇥ 30101-基本工资` → the six code/name columns."""
    return match_labels(_LABEL, label)


def read(ctx: TableContext) -> None:
    read_grid(ctx, parse_economic_grid_label, n_labels=3)
