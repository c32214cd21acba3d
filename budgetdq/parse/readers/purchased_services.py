"""政府购买服务预算财政拨款明细表: project (code-name) × 指导性目录 一级/二级/三级, 服务领域, amount.

002 has no project column; its rows start at the 一级 catalogue entry.
"""

from __future__ import annotations

import re
from typing import Any

from budgetdq.parse.cells import join_wrapped, reassemble_project_code, split_code_name
from budgetdq.parse.grid import read_grid
from budgetdq.parse.table import TableContext

__all__ = ["read"]

_CATALOG_L1 = re.compile(r"^\d{2}\s*-")


def _parse_label(label: str) -> dict[str, Any] | None:
    cells = [cell for cell in label.split("\t")]
    if len(cells) == 5:
        project, *catalog = cells
    elif len(cells) == 4:
        project, catalog = "", cells
    else:
        return None
    if not _CATALOG_L1.match(catalog[0]):
        return None
    values: dict[str, Any] = {"project_code": None, "project_name": None}
    if project:
        code, name, _partial = reassemble_project_code(project)
        values.update(project_code=code, project_name=name)
    l1_code, l1_name = split_code_name(catalog[0])
    l2_code, l2_name = split_code_name(catalog[1])
    area_code, area_name = split_code_name(catalog[3])
    values.update(
        catalog_l1_code=l1_code,
        catalog_l1_name=l1_name,
        catalog_l2_code=l2_code,
        catalog_l2_name=l2_name,
        catalog_l3=join_wrapped(catalog[2]),
        service_area_code=area_code,
        service_area_name=area_name,
    )
    return values


def read(ctx: TableContext) -> None:
    has_project = any(
        "项目名称" in line.filled for page in ctx.section.pages for line in page.lines
    )
    read_grid(ctx, _parse_label, n_labels=5 if has_project else 4)
