"""A finding: one data-quality problem, where it is and what was expected."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

__all__ = ["MAX_PER_CHECK", "SEVERITY_LABELS", "SUITE_NAMES", "Finding", "Severity", "capped"]

Severity = Literal["error", "warning", "info"]
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SUITE_NAMES: dict[str, str] = {
    "totals": "合计核对",
    "crosstable": "跨表核对",
    "codes": "编码",
    "indicators": "绩效指标",
    "completeness": "完整性",
    "history": "跨年度",
    "parse": "解析",
}


@dataclass(frozen=True)
class Finding:
    """One problem in one document.

    `line` is the 1-based line of the original file (of the text extracted from a PDF), `page` the
    PDF page it is on; `message` is Chinese text for finance staff; `check` is a stable English id
    such as `unreadable_amount`.
    """

    suite: str
    check: str
    severity: Severity
    message: str
    table: str | None = None
    line: int | None = None
    observed: str | None = None
    expected: str | None = None
    doc_id: str | None = None
    page: int | None = None

    @property
    def where(self) -> str:
        """Where it is, for people: `第3页 第120行`, `第120行` or ``."""
        line = f"第{self.line}行" if self.line is not None else ""
        return f"第{self.page}页 {line}".strip() if self.page is not None else line

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


MAX_PER_CHECK = 200
"""Findings of one check in one document listed one by one; the rest are counted in one more."""


def capped(findings: list[Finding], limit: int = MAX_PER_CHECK) -> list[Finding]:
    """The first `limit` findings of each check in each document (by line), and for a check with
    more, one finding that says how many more there are: a document full of the same problem
    stays readable, storable and alertable."""
    groups: dict[tuple[str | None, str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.doc_id, finding.suite, finding.check)].append(finding)
    out: list[Finding] = []
    for group in groups.values():
        if len(group) <= limit:
            out.extend(group)
            continue
        group.sort(key=lambda f: (f.line is None, f.line or 0))
        out.extend(group[:limit])
        rest = group[limit:]
        out.append(
            replace(
                rest[0],
                message=f"另有 {len(rest):,} 项同类发现未逐条列出（自第{rest[0].line}行起）："
                f"{rest[0].message}",
                line=None,
                page=None,
                observed=str(len(rest)),
                expected=None,
            )
        )
    return out
