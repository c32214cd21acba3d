"""Read one cell: amounts, `code-name` pairs, project codes and text wrapped by the PDF converter."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "UnreadableAmount",
    "is_amount",
    "is_blank_mark",
    "join_wrapped",
    "looks_broken_amount",
    "parse_amount",
    "reassemble_project_code",
    "storable",
    "split_code_name",
    "to_wan",
]

_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_BLANK_MARK = re.compile(r"^[-—–－/／]+$")
_BROKEN_AMOUNT = re.compile(r"^#+$|^-?[\d,]*\.?\d*[#*?]+[\d#*?.,]*$")
_CODE_NAME = re.compile(r"^([0-9A-Z]{1,8})\s*-\s*(\S.*)$")
_WRAP_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
# A project code broken by spaces: region+year+letter then digit groups, ending at the first '-'.
_PROJECT_CODE = re.compile(r"^(\d{6}\s?\d{2}\s?[A-Z][\d ]*\d)\s*-\s*(.*)$")
_PARTIAL_PROJECT_CODE = re.compile(
    r"^(\d{6}\s?\d{2}\s?[A-Z][\d ]*\d)$|^(\d{6}\s?\d{2}\s?[A-Z]\d+)\s+(\D.*)$"
)

WAN = Decimal(10000)
_STORABLE_LIMIT = Decimal(10) ** 12  # the lake's DECIMAL(18, 6): 12 integer digits, 6 decimals


class UnreadableAmount(ValueError):
    """A cell in an amount column that is not a number (`#####`, `12.3?`)."""

    def __init__(self, text: str):
        super().__init__(f"unreadable amount {text!r}")
        self.text = text


def is_amount(text: str) -> bool:
    """True for a published amount: digits, optional thousands separators and decimals."""
    return bool(_AMOUNT.match(text.strip()))


def is_blank_mark(text: str) -> bool:
    """A dash or slash some publishers print in an empty amount cell (`-`, `—`, `/`)."""
    return bool(_BLANK_MARK.match(text.strip()))


def looks_broken_amount(text: str) -> bool:
    """True for cells that were meant to be amounts but are unreadable (`#####`)."""
    return bool(_BROKEN_AMOUNT.match(text.strip()))


def parse_amount(text: str) -> Decimal | None:
    """Parse an amount cell exactly; an empty cell is None.

    >>> parse_amount("8,827.585913")
    Decimal('8827.585913')
    """
    text = text.strip()
    if not text:
        return None
    if not _AMOUNT.match(text):
        raise UnreadableAmount(text)
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise UnreadableAmount(text) from exc


def storable(value: Decimal) -> bool:
    """True when the lake's DECIMAL(18, 6) holds the value exactly (at most 6 decimals, 12 digits
    before the point). Nothing is rounded to fit: a figure that does not is reported instead."""
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -6 and abs(value) < _STORABLE_LIMIT


def to_wan(amount: Decimal | None, unit: str) -> Decimal | None:
    """Convert an amount in `unit` (万元 or 元) to 万元, exactly."""
    if amount is None:
        return None
    return amount / WAN if unit == "元" else amount


def join_wrapped(text: str) -> str:
    """Undo a cell wrapped over several lines: drop whitespace between two CJK characters.

    >>> join_wrapped("安全应急救援 保障经费-社区应急 救援员装备费")
    '安全应急救援保障经费-社区应急救援员装备费'
    """
    return _WRAP_SPACE.sub("", text.strip())


def split_code_name(text: str) -> tuple[str | None, str]:
    """Split `2240101-行政运行` into its code and name; text without a code gives (None, text)."""
    match = _CODE_NAME.match(text.strip())
    if not match:
        return None, join_wrapped(text)
    return match.group(1), join_wrapped(match.group(2))


def reassemble_project_code(text: str) -> tuple[str | None, str, bool]:
    """Read `code-name` of a project whose code the PDF converter broke with spaces.

    Returns (code, name, partial): `11010522T00000039 5378-公共事务协管经费` gives
    ('11010522T000000395378', '公共事务协管经费', False). A code cut before its last digits
    (`11010522T00000046 保障经费-…`) gives the fragment with partial=True. The code is returned as
    published otherwise: one that is not 21 characters after reassembly is a defect for the checks.
    """
    text = text.strip()
    match = _PROJECT_CODE.match(text)
    if match:
        return match.group(1).replace(" ", ""), join_wrapped(match.group(2)), False
    match = _PARTIAL_PROJECT_CODE.match(text)
    if match:
        if match.group(1):
            return match.group(1).replace(" ", ""), "", True
        return match.group(2).replace(" ", ""), join_wrapped(match.group(3)), True
    return None, join_wrapped(text), False
