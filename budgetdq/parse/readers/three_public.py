"""“三公”经费支出表: one row per year (previous, current), or a single row without a year.

The unit is often stated only in the column headers (`总额 (元)`).
"""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.grid import read_grid
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def read(ctx: TableContext) -> None:
    has_year = any(
        line.filled and line.filled[0].startswith("年度")
        for page in ctx.section.pages
        for line in page.lines
    )

    def parse_label(label: str) -> dict[str, Any] | None:
        label = label.strip()
        if not has_year:
            return {"year": None} if not label else None
        return {"year": int(label)} if _YEAR.match(label) else None

    read_grid(ctx, parse_label, n_labels=1 if has_year else 0)
