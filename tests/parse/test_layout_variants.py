"""Layout damage must not change what is read: each seed, retyped five ways, reads as the original.

Trailing blanks (spaces, tabs), CRLF line ends, a byte-order mark and full-width digits keep every line where it
was; an extra page break (a blank line and a form feed) inside a table moves the lines after it
down by one. Tables, rows and parse findings are compared line for line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from budgetdq.parse.document import ParsedDocument, read_document
from tests.conftest import SEEDS

_FULL_WIDTH = str.maketrans({str(d): chr(0xFF10 + d) for d in range(10)})


def _trailing_blanks(text: str) -> str:
    """Spaces, a tab and an ideographic space after each line (a tab alone once made a spaced
    document read as a tabbed one)."""
    return "\n".join(line + " \t\u3000" if line else line for line in text.split("\n"))


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


VARIANTS: dict[str, Callable[[str], str]] = {
    "trailing_blanks": _trailing_blanks,
    "crlf": _crlf,
    "full_width_digits": _full_width,
}


def break_line(document: ParsedDocument) -> int:
    """A line in the middle of the document's longest table, where a page break is inserted."""
    table = max(document.tables, key=lambda t: len(t.rows))
    return table.rows[len(table.rows) // 2]["line"]


def with_page_break(text: str, before: int) -> str:
    lines = text.split("\n")
    return "\n".join([*lines[: before - 1], "\f", *lines[before - 1 :]])


def _read(document: ParsedDocument, moved_after: int | None = None) -> dict[str, Any]:
    def at(line: int | None) -> int | None:
        return line - 1 if moved_after is not None and line and line > moved_after else line

    skip = {"raw", "doc_id", "seq", "line"}
    return {
        "tables": [
            (t.kind, t.title, at(t.line), t.unit, len(t.rows), t.declared_total)
            for t in document.tables
        ],
        "rows": [
            (at(row["line"]), {k: v for k, v in row.items() if k not in skip})
            for t in document.tables
            for row in t.rows
        ],
        "findings": sorted(
            (f.check, f.severity, at(f.line), f.observed) for f in document.findings
        ),
    }


@pytest.fixture(scope="module")
def originals() -> dict[str, tuple[str, ParsedDocument]]:
    out = {}
    for seed, path in SEEDS.items():
        text = path.read_text(encoding="utf-8")
        out[seed] = (text, read_document(text.encode("utf-8")))
    return out


@pytest.mark.parametrize("seed", sorted(SEEDS))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_retyped_seed_reads_as_the_original(originals, seed, variant) -> None:
    text, original = originals[seed]
    retyped = read_document(VARIANTS[variant](text).encode("utf-8"))
    assert _read(retyped) == _read(original)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_a_byte_order_mark_changes_nothing(originals, seed) -> None:
    text, original = originals[seed]
    retyped = read_document(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert _read(retyped) == _read(original)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_an_extra_page_break_inside_a_table_changes_nothing(originals, seed) -> None:
    text, original = originals[seed]
    before = break_line(original)
    retyped = read_document(with_page_break(text, before).encode("utf-8"))
    assert _read(retyped, moved_after=before) == _read(original)
