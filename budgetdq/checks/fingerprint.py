"""Fingerprints: the identity of a finding across versions of a disclosure.

A corrected document shifts its lines, so a fingerprint never uses the line number. It is built
from the department, year, table kind and check, and the *stable location* of the offending row:
its codes (function, economic, project, unit …) or, where a row has none, its labels (a summary item,
an indicator's levels, a “三公” year). A finding without a row (a missing table) is located by
its table alone. Two findings of one check on one row (two columns of a 合计 row) are told apart
by their order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from budgetdq.findings import Finding
from budgetdq.lake import Lake
from budgetdq.parse.cells import join_wrapped
from budgetdq.schema import KINDS

__all__ = ["fingerprint", "fingerprint_findings"]

# Columns that locate a row but are not figures; free text (goals, targets) is left out.
_LOCATING = (
    "function_code",
    "gov_econ_code",
    "dept_econ_code",
    "unit_code",
    "project_code",
    "category_code",
    "catalog_l1_code",
    "catalog_l2_code",
    "catalog_l3",
    "service_area_code",
    "side",
    "label",
    "year",
    "row_type",
    "project_name",
    "level1",
    "level2",
    "level3",
    "activity",
)


def fingerprint(department: str, year: int, table: str | None, check: str, location: str) -> str:
    key = "\x1f".join((department, str(year), table or "", check, location))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def fingerprint_findings(lake: Lake, findings: list[Finding]) -> list[str]:
    """The fingerprint of each finding (of documents in the lake), in order."""
    facts = {
        doc_id: (department or "", year or 0)
        for doc_id, department, year in lake.query(
            "SELECT doc_id, department_code, year FROM documents WHERE doc_id IN (SELECT unnest(?))",
            [sorted({f.doc_id for f in findings if f.doc_id})],
        )
    }
    rows = _rows_by_line(lake, findings)
    seen: Counter[tuple[str | None, str]] = Counter()
    prints = []
    for finding in findings:
        location = _location(finding, rows.get((finding.doc_id, finding.table, finding.line)))
        base = f"{finding.table}\x1f{finding.check}\x1f{location}"
        seen[finding.doc_id, base] += 1
        if seen[finding.doc_id, base] > 1:
            location = f"{location}#{seen[finding.doc_id, base]}"
        department, year = facts.get(finding.doc_id or "", ("", 0))
        prints.append(fingerprint(department, year, finding.table, finding.check, location))
    return prints


def _location(finding: Finding, row: dict[str, Any] | None) -> str:
    if row is None:
        # No row at that line: a missing table, or a line the reader could not read.
        return "" if finding.line is None else join_wrapped(finding.observed or "")
    if row.get("is_total"):
        return "合计"
    return "|".join(
        join_wrapped(str(row[column])) for column in _LOCATING if row.get(column) is not None
    )


def _rows_by_line(
    lake: Lake, findings: list[Finding]
) -> dict[tuple[str | None, str | None, int | None], dict[str, Any]]:
    wanted: dict[str, set[tuple[str, int]]] = {}
    for f in findings:
        if f.table in KINDS and f.line is not None and f.doc_id:
            wanted.setdefault(f.table, set()).add((f.doc_id, f.line))
    rows: dict[tuple[str | None, str | None, int | None], dict[str, Any]] = {}
    for kind, keys in wanted.items():
        columns = [c for c in ("is_total", *_LOCATING) if c in _columns(kind)]
        doc_ids = sorted({doc_id for doc_id, _ in keys})
        relation = lake.rows_of(kind, doc_ids).order("doc_id, seq")
        for doc_id, line, *values in relation.select(
            f"doc_id, line, {', '.join(columns)}"
        ).fetchall():
            if (doc_id, line) in keys:
                rows.setdefault((doc_id, kind, line), dict(zip(columns, values, strict=True)))
    return rows


def _columns(kind: str) -> set[str]:
    schema = KINDS[kind]
    return {*schema.labels, *(name for name, _ in schema.extra), "is_total"}
