"""The check catalogue: the Great Expectations suites in `expectations/`, one JSON file per suite.

Each expectation's `meta` defines its check once::

    check        stable id, unique across suites (e.g. `expenditure_row_sum`)
    severity     error | warning | info
    table        the table kind whose rows form the batch
    description  one line in Chinese, for the catalogue
    message      Chinese template, filled from the failing row (`{line}`, `{observed}`, any column)
    expected     (row rules) what a valid value looks like, in Chinese
    requires     (optional) table kinds the check needs; a document without one is not_applicable
    positional   (optional) true when the check needs cell positions (of its table or of the
                 tables it requires), which a spaced PDF text loses; such documents are not_evaluated
    optional     (optional) amount columns the rule adds up that a table may lack (absent = 0);
                 every other amount column the rule's SQL names must have been established by the
                 table's header, or the rule is not evaluated on that document
    applies_query (optional) SQL over the lake returning the `doc_id`s the check applies to, with
                 `not_applicable_reason` (Chinese) for the others (e.g. no earlier year to compare)

SQL rules return the columns `doc_id`, `line`, `observed`, `expected` and whatever the message uses;
an optional `table` column names the finding's table when it is not the batch's (a missing table).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from budgetdq.findings import Severity
from budgetdq.schema import KINDS

__all__ = ["EXPECTATIONS_DIR", "Check", "Suite", "load_suites"]

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "expectations"
SEVERITIES = ("error", "warning", "info")
_REQUIRED_META = ("check", "severity", "table", "description", "message")


class CatalogError(ValueError):
    """A suite file that does not define its checks completely; says which file and expectation."""


@dataclass(frozen=True)
class Check:
    """One rule: an expectation of a suite, with the metadata that turns its failures into findings."""

    suite: str
    id: str
    severity: Severity
    table: str
    description: str
    message: str
    expected: str | None
    requires: tuple[str, ...]
    positional: bool
    applies_query: str | None = None
    not_applicable_reason: str | None = None
    optional: tuple[str, ...] = ()
    expectation: dict[str, Any] = field(default_factory=dict, repr=False, hash=False, compare=False)

    @property
    def sql(self) -> str:
        kwargs = self.expectation.get("kwargs", {})
        return str(kwargs.get("unexpected_rows_query") or kwargs.get("column") or "")

    @cached_property
    def kinds(self) -> tuple[str, ...]:
        """The table kinds the rule reads: its batch, what it requires and what its SQL names."""
        named = [
            k
            for k in KINDS
            if re.search(rf'(?:FROM|JOIN)\s+"?{k}(?:_tree)?"?(?:\s|$|\))', self.sql)
        ]
        return tuple(dict.fromkeys((self.table, *self.requires, *named)))

    @property
    def adds_up_rows(self) -> bool:
        """True for a rule that sums rows (a 合计 row, a class, another table), not one row alone."""
        return "sum(" in self.sql.lower()

    def needs(self, kind: str) -> frozenset[str]:
        """The amount columns of `kind` the rule names that a header must have established."""
        return self._needs[kind]

    @cached_property
    def _needs(self) -> dict[str, frozenset[str]]:
        """`needs` of every kind the rule reads, worked out once from its SQL."""
        return {
            kind: frozenset(
                column
                for column in KINDS[kind].all_amounts
                if re.search(rf"\b{column}(?:_wan)?\b", self.sql) and column not in self.optional
            )
            for kind in self.kinds
        }

    @property
    def is_query(self) -> bool:
        return self.expectation["type"] == "unexpected_rows_expectation"


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    checks: tuple[Check, ...]


@cache
def load_suites(directory: Path = EXPECTATIONS_DIR) -> tuple[Suite, ...]:
    """Read every suite file; a missing field, an unknown table kind or a duplicate id is an error."""
    suites = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        checks = []
        for index, expectation in enumerate(document["expectations"]):
            meta = expectation.get("meta", {})
            where = f"{path.name} expectation {index + 1}"
            missing = [key for key in _REQUIRED_META if not meta.get(key)]
            if missing:
                raise CatalogError(f"{where}: meta lacks {', '.join(missing)}")
            if meta["severity"] not in SEVERITIES:
                raise CatalogError(f"{where}: severity {meta['severity']!r} not in {SEVERITIES}")
            requires = tuple(meta.get("requires", [meta["table"]]))
            for kind in (meta["table"], *requires):
                if kind not in KINDS:
                    raise CatalogError(f"{where}: unknown table kind {kind!r}")
            if bool(meta.get("applies_query")) != bool(meta.get("not_applicable_reason")):
                raise CatalogError(f"{where}: applies_query and not_applicable_reason go together")
            if meta["check"] in seen:
                raise CatalogError(
                    f"{where}: check id {meta['check']!r} also in {seen[meta['check']].name}"
                )
            seen[meta["check"]] = path
            checks.append(
                Check(
                    suite=document["name"],
                    id=meta["check"],
                    severity=meta["severity"],
                    table=meta["table"],
                    description=meta["description"],
                    message=meta["message"],
                    expected=meta.get("expected"),
                    requires=requires,
                    positional=bool(meta.get("positional", False)),
                    applies_query=meta.get("applies_query"),
                    not_applicable_reason=meta.get("not_applicable_reason"),
                    optional=tuple(meta.get("optional", ())),
                    expectation=expectation,
                )
            )
        suites.append(Suite(document["name"], path, tuple(checks)))
    return tuple(suites)
