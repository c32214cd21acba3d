"""政府采购预算明细表: A-货物, B-工程, C-服务 and their 合计."""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.grid import match_labels, read_grid
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_LABEL = re.compile(r"^(?P<category_code>[A-Z])\s*-\s*(?P<category_name>\S.*)$")


def _parse_label(label: str) -> dict[str, Any] | None:
    return match_labels(_LABEL, label)


def read(ctx: TableContext) -> None:
    read_grid(ctx, _parse_label, n_labels=1)
