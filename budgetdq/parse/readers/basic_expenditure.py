"""一般公共预算财政拨款基本支出表: government × department economic code, 人员经费 and 公用经费."""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.grid import match_labels, read_grid
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_LABEL = re.compile(
    r"^(?P<gov_econ_code>[0-9A-Za-z]{3,7})\s*-\s*(?P<gov_econ_name>.+?)[\t ]+"
    r"(?P<dept_econ_code>[0-9A-Za-z]{3,9})\s*-\s*(?P<dept_econ_name>.+)$"
)


def _parse_label(label: str) -> dict[str, Any] | None:
    return match_labels(_LABEL, label)


def read(ctx: TableContext) -> None:
    read_grid(ctx, _parse_label, n_labels=2)
