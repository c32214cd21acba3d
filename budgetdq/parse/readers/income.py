"""收入总表: one row per department and unit, amounts by source of income."""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.cells import join_wrapped
from budgetdq.parse.grid import read_grid
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_LABEL = re.compile(r"^(?P<unit_code>\d{3,6})[\t ]+(?P<unit_name>\S.*)$")


def _parse_label(label: str) -> dict[str, Any] | None:
    match = _LABEL.match(label.strip())
    if not match:
        return None
    return {"unit_code": match["unit_code"], "unit_name": join_wrapped(match["unit_name"])}


def read(ctx: TableContext) -> None:
    read_grid(ctx, _parse_label, n_labels=2)
