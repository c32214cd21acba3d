"""Decode a published document and normalise its lines, remembering original line numbers.

The disclosures come out of PDF converters and hand editing: UTF-8 with or without BOM, GBK/GB18030,
CRLF line ends, HTML tags (`<b>`, `<p>`), LaTeX operators (`$\\geq$`), markdown table rules and
full-width spaces and operators. Normalising undoes only this layout damage; figures and names stay as
published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DecodedText", "Line", "decode", "normalize_lines", "split_cells"]

_HTML_TAG = re.compile(r"</?(?:b|p|br|strong|em|i|u|span|div|td|tr|th)\b[^>]*>", re.IGNORECASE)
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


@dataclass(frozen=True)
class Line:
    """One normalised line of a document.

    `no` is the 1-based line number in the original file and `source` its original text. `cells`
    are the tab-separated cells, each stripped; a line without tabs has one cell. `rule` marks a
    markdown table rule (layout only).
    """

    no: int
    text: str
    cells: tuple[str, ...]
    rule: bool = False
    source: str = ""

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def filled(self) -> tuple[str, ...]:
        """The non-empty cells, in order."""
        return tuple(c for c in self.cells if c)


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
    """Split text into normalised lines; CRLF, CR and LF all end a line."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = []
    for no, raw in enumerate(raw_lines, start=1):
        cleaned = _clean(raw)
        if _MARKDOWN_RULE.match(cleaned):
            lines.append(Line(no, "", ("",), rule=True, source=raw))
            continue
        cells = split_cells(cleaned)
        lines.append(Line(no, "\t".join(cells).strip(), cells, source=raw))
    return lines
