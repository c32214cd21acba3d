"""收入总表: one row per department and unit, amounts by source of income."""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.grid import match_labels, read_grid
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_LABEL = re.compile(r"^(?P<unit_code>\d{3,6})[\t ]+(?P<unit_name>\S.*)$")


def _parse_label(label: str) -> dict[str, Any] | None:
    return match_labels(_LABEL, label)


def read(ctx: TableContext) -> None:
    read_grid(ctx, _parse_label, n_labels=2)
