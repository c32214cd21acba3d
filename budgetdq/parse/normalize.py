"""Decode a published document and normalise its lines, remembering original line numbers.

The disclosures come out of PDF converters and hand editing: UTF-8 with or without BOM, GBK/GB18030,
CRLF line ends, HTML tags (`<b>`, `<p>`), LaTeX operators (`$\\geq$`), markdown table rules and
full-width spaces and operators. Normalising undoes only this layout damage; figures and names stay as
published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["DecodedText", "Line", "decode", "normalize_lines", "split_cells"]

_HTML_TAG = re.compile(r"</?(?:b|p|br|strong|em|i|u|span|div|td|tr|th)\b[^>\n]*>", re.IGNORECASE)
_LATEX_OPERATORS = {
    r"$\geq$": "≥",
    r"$\ge$": "≥",
    r"$\leq$": "≤",
    r"$\le$": "≤",
    r"$=$": "=",
    r"$<$": "<",
    r"$>$": ">",
    r"$\%$": "%",
    r"\%": "%",
}
_FULL_WIDTH = str.maketrans(
    {
        "\u3000": " ",
        "\u00a0": " ",
        "＝": "=",
        "＞": ">",
        "＜": "<",
        "≧": "≥",
        "≦": "≤",
        "％": "%",
        "－": "-",
    }
    | {chr(0xFF10 + d): str(d) for d in range(10)}
)
_MARKDOWN_RULE = re.compile(r"^[\s|:\-\t]*-{2,}[\s|:\-\t]*$")


@dataclass(frozen=True)
class DecodedText:
    """Text of a document and the encoding it was read with."""

    text: str
    encoding: str


class Line(NamedTuple):
    """One normalised line of a document.

    `no` is the 1-based line number in the original file and `source` its original text. `cells`
    are the tab-separated cells, each stripped (a line without tabs has one cell) and `filled` the
    non-empty ones. `rule` marks a markdown table rule (layout only).
    """

    no: int
    text: str
    cells: tuple[str, ...]
    filled: tuple[str, ...]
    blank: bool
    rule: bool = False
    source: str = ""


def decode(data: bytes) -> DecodedText:
    """Decode UTF-8 (with or without BOM) or GB18030 (a superset of GBK and GB2312).

    Raises UnicodeDecodeError when neither applies; the caller turns that into a finding.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return DecodedText(data[3:].decode("utf-8"), "utf-8-sig")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return DecodedText(data.decode("gb18030"), "gb18030")


def _clean(text: str) -> str:
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "\\" in text or "$" in text:
        for latex, symbol in _LATEX_OPERATORS.items():
            text = text.replace(latex, symbol)
    return text.translate(_FULL_WIDTH)


def split_cells(text: str) -> tuple[str, ...]:
    """Split a line into stripped tab-separated cells (one cell when the line has no tab)."""
    return tuple(cell.strip() for cell in text.split("\t"))


def normalize_lines(text: str) -> list[Line]:
    """Split text into normalised lines; CRLF, CR and LF all end a line.

    Cleaning never crosses a line end, so it runs once over the whole text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    cleaned_lines = _clean(text).split("\n")
    lines = []
    for no, (raw, cleaned) in enumerate(zip(raw_lines, cleaned_lines, strict=True), start=1):
        if "--" in cleaned and _MARKDOWN_RULE.match(cleaned):
            lines.append(Line(no, "", ("",), (), blank=True, rule=True, source=raw))
            continue
        cells = split_cells(cleaned)
        filled = tuple(cell for cell in cells if cell)
        lines.append(
            Line(no, "\t".join(cells).strip(), cells, filled, blank=not filled, source=raw)
        )
    return lines
