"""The document profile: which family a disclosure belongs to, which decides how it is read and checked.

Beijing numbers its 13 tables (`预算01表 收支总表`) and is read by the Beijing readers; every other
publisher follows the Ministry of Finance's national set, read by the header-driven readers. A final
account (决算) has its own tables and identities; a budget (预算) its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetdq.parse.catalogue import catalogue
from budgetdq.parse.normalize import Line

__all__ = ["Profile", "detect_profile"]

_BEIJING_NUMBER = re.compile(r"^(?:预算\s*\d+\s*表|预算表\s*\d+)")


@dataclass(frozen=True)
class Profile:
    """`region` is `beijing` or `national`; `final` is True for a final account (决算)."""

    region: str
    final: bool

    @property
    def name(self) -> str:
        if self.region == "beijing":
            return "beijing"
        return "national_final" if self.final else "national_budget"

    @property
    def required(self) -> tuple[str, ...]:
        return catalogue().required[self.name]


def detect_profile(lines: list[Line]) -> Profile:
    texts = [line.text for line in lines if not line.blank]
    beijing = any(_BEIJING_NUMBER.match(text) for text in texts) or any(
        "北京市" in text for text in texts[:40]
    )
    head = " ".join(texts[:60])
    final = head.count("决算") > head.count("预算")
    return Profile("beijing" if beijing else "national", final)
