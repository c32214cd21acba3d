"""What an alert is about: a disclosure (department + year) and the findings it carries."""

from __future__ import annotations

from dataclasses import dataclass

from budgetdq.findings import Finding
from budgetdq.schema import KINDS

__all__ = ["AlertFinding", "Disclosure"]


@dataclass(frozen=True)
class Disclosure:
    """One department's budget disclosure for one year: the unit of a Slack thread.

    `doc_id` is the latest version checked; `link` is where the published document is (a URL or a
    path); `dashboard_url` is the dashboard's base URL (deep links add `?doc=…&finding=…`).
    """

    department_code: str
    department_name: str
    year: int
    doc_id: str
    link: str
    dashboard_url: str

    @property
    def key(self) -> str:
        """The thread key: `105/2023`."""
        return f"{self.department_code}/{self.year}"


@dataclass(frozen=True)
class AlertFinding:
    """A finding as alerts see it, identified by a fingerprint that survives re-parsing."""

    fingerprint: str
    doc_id: str
    suite: str
    check: str
    severity: str
    table: str | None
    table_title: str
    line: int | None
    message: str
    observed: str | None
    expected: str | None
    page: int | None = None

    @classmethod
    def of(cls, finding: Finding, fingerprint: str) -> AlertFinding:
        return cls(
            fingerprint=fingerprint,
            doc_id=finding.doc_id or "",
            suite=finding.suite,
            check=finding.check,
            severity=finding.severity,
            table=finding.table,
            table_title=KINDS[finding.table].title if finding.table in KINDS else "文档",
            line=finding.line,
            message=finding.message,
            observed=finding.observed,
            expected=finding.expected,
            page=finding.page,
        )
