"""Recognise performance indicators by their content, never by their column.

An indicator names three levels (一级 `产出指标`, 二级 `数量指标`, 三级 free text), a nature (= ≥ ≤ > <
or 定性), a value and a unit; 003 adds a direction (正向指标/反向指标). PDF converters shift cells with
stray tabs and wrap names (`服务对象满意度 指标`), so cells are recognised by what they say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from budgetdq.parse.cells import is_amount, join_wrapped, parse_amount, storable

__all__ = [
    "DIRECTIONS",
    "LEVEL1",
    "LEVEL2",
    "NATURES",
    "Indicator",
    "compact",
    "find_level1",
    "indicator_from_cells",
    "indicator_from_text",
    "level1_at_end",
    "split_levels",
    "starts_indicator",
    "target_value",
]

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
)
NATURES = ("=", "≥", "≤", ">", "<", "定性")
DIRECTIONS = ("正向指标", "反向指标")

_SPACE = re.compile(r"\s+")
_LEVEL1_FIRST = {name[0] for name in LEVEL1}
_LEVEL1_RE = "|".join(LEVEL1)
_LEVEL1_START = re.compile(rf"^({_LEVEL1_RE})(?=\s|$)")
_LEVEL1_END = re.compile(rf"^(.*\S)\s+({_LEVEL1_RE})\s*$")
# A known 二级 name may be wrapped anywhere (`服务对象满意度\n指标`); other names end with 指标.
_LEVEL2_START = re.compile(
    "^(?:"
    + "|".join(r"\s*".join(map(re.escape, name)) for name in sorted(LEVEL2, key=len, reverse=True))
    + r"|[^\s指]{1,10}指标)"
)
_NATURE_RE = "|".join(map(re.escape, NATURES))
# `≥ 200 台（套） 正向指标`, `定性 优良中低差 正向指标`: nature, value, optional unit, direction.
_TAIL = re.compile(rf"(?:^|\s)({_NATURE_RE})\s+(\S+)(?:\s+(\S+))?\s+({'|'.join(DIRECTIONS)})\s*$")


@dataclass
class Indicator:
    """One indicator as published; `line` is where it starts, `raw` its original line(s)."""

    line: int
    raw: str
    level1: str
    level2: str | None
    level3: str | None
    nature: str | None
    target: str | None
    measure_unit: str | None
    direction: str | None = None
    extra: tuple[str, ...] = ()


def compact(text: str) -> str:
    """Drop all whitespace: level names are short and only ever wrapped, never spaced."""
    return _SPACE.sub("", text)


def find_level1(cells: Sequence[str]) -> int | None:
    """Index of the 一级 cell of a row: a 一级 name followed, after empty cells, by a 二级 name."""
    for index, cell in enumerate(cells):
        if cell[:1] in _LEVEL1_FIRST and compact(cell) in LEVEL1:
            following = next((c for c in cells[index + 1 :] if c), "")
            if compact(following).endswith("指标"):
                return index
    return None


def indicator_from_cells(cells: Sequence[str], at: int, line: int, raw: str) -> Indicator:
    """Read the indicator whose 一级 cell is `cells[at]`.

    二级 is the next non-empty cell, 三级 the cell right after it; then come the nature, the value and
    the unit, skipping stray empty cells (`=⇥5⇥⇥个`). Non-empty cells beyond the unit are `extra`.
    """
    level2_at = next(k for k in range(at + 1, len(cells)) if cells[k])
    rest = list(cells[level2_at + 1 :])
    level3: str | None = None
    if rest and rest[0] not in NATURES:
        level3 = join_wrapped(rest.pop(0)) or None
    values = [c for c in rest if c]
    nature = values.pop(0) if values and values[0] in NATURES else None
    target = join_wrapped(values[0]) if values else None
    unit = values[1] if len(values) > 1 else None
    return Indicator(
        line=line,
        raw=raw,
        level1=compact(cells[at]),
        level2=compact(cells[level2_at]),
        level3=level3,
        nature=nature,
        target=target,
        measure_unit=unit,
        extra=tuple(values[2:]),
    )


def starts_indicator(text: str) -> bool:
    """True for a spaced line that opens an indicator (`产出指标 数量指标 …`)."""
    return bool(_LEVEL1_START.match(text.strip()))


def level1_at_end(text: str) -> tuple[str, str] | None:
    """Split `广的可行性。 满意度指标` (a goal's last words, then a 一级 name) into its two parts."""
    match = _LEVEL1_END.match(text.strip())
    return (match.group(1), match.group(2)) if match else None


def indicator_from_text(text: str, line: int, raw: str) -> Indicator | None:
    """Read a spaced indicator from its lines joined with newlines; None without a closing tail.

    >>> indicator_from_text("产出指标 数量指标\\n电气检测设备耗\\n材采购\\n≥ 200 台（套） 正向指标", 801, "").level3
    '电气检测设备耗材采购'
    """
    text = text.strip()
    head = _LEVEL1_START.match(text)
    tail = _TAIL.search(text)
    if not head or not tail:
        return None
    body = text[head.end() : tail.start()].strip()
    level2_match = _LEVEL2_START.match(body)
    level2 = compact(level2_match.group(0)) if level2_match else None
    level3 = _unwrap(body[level2_match.end() :] if level2_match else body)
    return Indicator(
        line=line,
        raw=raw,
        level1=head.group(1),
        level2=level2,
        level3=level3 or None,
        nature=tail.group(1),
        target=tail.group(2),
        measure_unit=tail.group(3),
        direction=tail.group(4),
    )


def split_levels(text: str) -> tuple[str | None, str | None, str]:
    """Split `产出指标数量指标支出部门数` into 一级, 二级 and 三级 using the known names."""
    text = compact(text)
    level1 = next((name for name in LEVEL1 if text.startswith(name)), None)
    if level1 is None:
        return None, None, text
    rest = text[len(level1) :]
    level2 = next((n for n in sorted(LEVEL2, key=len, reverse=True) if rest.startswith(n)), None)
    if level2 is None:
        return level1, None, rest
    return level1, level2, rest[len(level2) :]


def target_value(target: str | None) -> Decimal | None:
    """The target as a number when it is a plain number (`1588`, `3.2`); else None (`良好`, `100%`)."""
    if target is None or not is_amount(target):
        return None
    value = parse_amount(target)
    return value if value is not None and storable(value) else None


def _unwrap(text: str) -> str:
    """Join text wrapped over lines: no space at a line break, none between CJK characters."""
    return join_wrapped(re.sub(r"\s*\n\s*", "", text))
