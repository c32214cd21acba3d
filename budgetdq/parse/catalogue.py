"""The catalogue of the standard disclosure family (`catalogue.toml`): titles, column headers, profiles.

One mechanism reads it: `kind_of_title` recognises a table by its title however it is printed (own
line, first cell of the grid, with year, number, publisher prefix, department and unit glued on), and
`column_of` names a column by its header path. Adding a publisher's wording is editing the TOML.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "Catalogue",
    "catalogue",
    "column_of",
    "compact",
    "glued_at",
    "is_contents_line",
    "is_note",
    "is_page_furniture",
    "strip_title",
]

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")

_NUMBERING = re.compile(
    r"^(?:预算\s*\d+\s*表|预算表\s*\d+|公开\s*\d+\s*表|附?表\s*\d+(?:-\d+)?|[一二三四五六七八九十]+\s*[、.．]|"
    r"\d+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）])\s*"
)
_YEAR = re.compile(r"^(?:(?:19|20)\d{2}\s*年(?:度)?)\s*")
_PUBLISHER = re.compile(r"^(?:省级|区级|市级)?(?:部门|单位|预算单位)(?!预算表)")
# What a grid prints after its title in the same cell: 部门：… 单位：万元, 编制部门：…, 单位：元.
_GLUED = re.compile(r"(?:编制)?(?:部门|单位)(?:名称)?\s*[:：]|金额单位")
_LEADERS = re.compile(r"…|\.{4,}|·{4,}|-{4,}")
_CONTENTS_PAGE = re.compile(r"^\d{1,3}$")
_NOTE = re.compile(r"^(?:注|说明|备注)\s*[:：]|^[:：]|^(?:此|本)表(?:为空|无数据)")
_FURNITURE = re.compile(r"^(?:公开|预算)\s*\d+\s*表$|^\d{1,3}$|^第\s*\d+\s*页")


@dataclass(frozen=True)
class Catalogue:
    kinds: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    required: dict[str, tuple[str, ...]]
    codes: dict[str, re.Pattern[str]]
    columns: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]


@cache
def catalogue() -> Catalogue:
    data = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return Catalogue(
        kinds=tuple(
            (entry["kind"], tuple(re.compile(p) for p in entry["titles"]))
            for entry in data["kinds"]
        ),
        required={name: tuple(kinds) for name, kinds in data["required"].items()},
        codes={name: re.compile(p) for name, p in data["codes"].items()},
        columns={
            reader: tuple((name, re.compile(p)) for name, p in patterns.items())
            for reader, patterns in data["columns"].items()
        },
    )


def compact(text: str) -> str:
    """Text without any white space: `合 计` → `合计`."""
    return re.sub(r"\s+", "", text)


def strip_title(text: str) -> str:
    """The body of a title: without numbering, year, publisher prefix, glued department and unit.

    >>> strip_title("2025年预算单位收入预算总表")
    '收入预算总表'
    >>> strip_title("收支预算总表部门：江苏省政协办公厅 单位：万元")
    '收支预算总表'
    """
    body = compact(text)
    body = body[: glued_at(body)]
    for _ in range(2):
        body = _NUMBERING.sub("", body)
        body = _YEAR.sub("", body)
    return _PUBLISHER.sub("", body)


def glued_at(text: str) -> int | None:
    """Where the department and unit printed after a title in its cell begin (None: not there)."""
    match = _GLUED.search(text)
    return match.start() if match else None


def kind_of_body(body: str) -> str | None:
    """The kind whose title pattern matches a stripped title ending in 表 (or its parenthesis)."""
    if not re.search(r"表(?:[（(][^)）]{1,8}[)）])?$", body) and body != "收入":
        return None
    if re.match(r"^(?:详见|参见|见|附)", body):  # a sentence pointing at a table elsewhere
        return None
    for kind, patterns in catalogue().kinds:
        if any(p.search(body) for p in patterns):
            return kind
    return None


def is_contents_line(text: str) -> bool:
    """A line of a table of contents: a title followed by dot leaders or a page number."""
    return bool(_LEADERS.search(text)) or bool(
        _CONTENTS_PAGE.match(text.split()[-1]) and len(text.split()) > 1
    )


def column_of(reader: str, path: str) -> str | None:
    """The column a header path names for a reader (`function_grid`, `three_public` …)."""
    for name, pattern in catalogue().columns[reader]:
        if pattern.search(path):
            return name
    return None


def is_note(text: str) -> bool:
    """A note printed under a table: `注：本表反映…`, `说明：…本表无数据`."""
    return bool(_NOTE.match(text.strip()))


def is_page_furniture(text: str) -> bool:
    """What a page prints around a table: its number in the set (`公开02表`) or a page number."""
    return bool(_FURNITURE.match(text.strip()))
