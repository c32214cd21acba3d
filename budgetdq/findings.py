"""A finding: one data-quality problem, where it is and what was expected."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["Finding", "Severity"]

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One problem in one document.

    `line` is the 1-based line of the original file; `message` is Chinese text for finance staff;
    `check` is a stable English id such as `unreadable_amount`.
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
