"""PDF disclosures: the text the table readers read, rebuilt from positions, with page and box per line.

A ruled table (the usual layout of a disclosure) is read cell by cell from its ruling lines
(pdfplumber's "lines" strategy): each row becomes one line whose cells are separated by tabs, as in
the text disclosures; text wrapped inside a cell is joined, and a blank cell stays a blank cell.
Text outside tables is grouped into lines by position, words separated by a space where a gap
shows one. Pages are separated by a blank line. Every line remembers its page and bounding box.

A PDF without a text layer (scanned), one that needs a password, or one that cannot be parsed
raises `PdfError`, whose `check` and Chinese message become the quarantine finding.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

__all__ = ["ExtractedPdf", "PdfError", "Placed", "extract_pdf", "is_pdf"]

TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    # Snap only rulings that nearly coincide: tables stacked on a page have their own columns.
    "snap_tolerance": 1,
}
WORD_GAP = 0.12  # a gap wider than this share of the font size separates two words by a space


@dataclass(frozen=True)
class Placed:
    """Where a line of the extracted text is: 1-based page and box (x0, top, x1, bottom, points)."""

    page: int
    bbox: tuple[float, float, float, float]


@dataclass
class ExtractedPdf:
    text: str
    pages: int
    places: dict[int, Placed] = field(default_factory=dict)
    """By line number of `text` (1-based), for every non-blank line."""


class PdfError(ValueError):
    """A PDF that cannot be read as text; `check` is the finding's id, the message in Chinese."""

    def __init__(self, check: str, message: str):
        super().__init__(message)
        self.check = check


def is_pdf(data: bytes) -> bool:
    """PDF files start with `%PDF-` (readers accept it anywhere in the first 1,024 bytes)."""
    return b"%PDF-" in data[:1024]


def extract_pdf(data: bytes, max_pages: int | None = None) -> ExtractedPdf:
    """The text of a PDF; more than `max_pages` pages (when given) is refused unread."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if max_pages is not None and len(pdf.pages) > max_pages:
                raise PdfError(
                    "pdf_too_long", f"PDF 共 {len(pdf.pages)} 页，超过上限 {max_pages} 页，未读取"
                )
            pages = [_page_lines(page) for page in pdf.pages]
            images = sum(len(page.images) for page in pdf.pages)
    except PdfError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on a damaged file
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise PdfError(
                "pdf_encrypted", "PDF 文件已加密，需要密码才能打开；请提供未加密的文件"
            ) from exc
        raise PdfError(
            "pdf_broken", f"PDF 文件已损坏，无法读取（{type(cause).__name__}: {cause}）"
        ) from exc
    if not any(pages):
        if images:
            raise PdfError(
                "pdf_scanned",
                f"PDF 只有图像、没有文字层（扫描件，{len(pages)} 页），无法读取；请提供可复制文字的 PDF",
            )
        raise PdfError("pdf_scanned", f"PDF 中没有任何文字（{len(pages)} 页）")
    return _assemble(pages)


def _assemble(pages: list[list[tuple[str, tuple[float, float, float, float]]]]) -> ExtractedPdf:
    text: list[str] = []
    places: dict[int, Placed] = {}
    for number, lines in enumerate(pages, start=1):
        if number > 1:
            text.append("")
        for line, bbox in lines:
            text.append(line)
            places[len(text)] = Placed(number, bbox)
    return ExtractedPdf("\n".join(text), len(pages), places)


def _page_lines(page: Page) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The page's lines (text, bbox), top to bottom: table rows and the text around tables."""
    placed: list[tuple[float, float, str, tuple[float, float, float, float]]] = []
    tables = page.find_tables(TABLE_SETTINGS)
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=True):
            line = "\t".join(_cell_text(cell) for cell in cells)
            if line.strip():
                placed.append((row.bbox[1], row.bbox[0], line, _box(row.bbox)))
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    for words in _text_lines(outside.extract_words(keep_blank_chars=False, use_text_flow=False)):
        line = _join(words)
        bbox = (
            min(w["x0"] for w in words),
            min(w["top"] for w in words),
            max(w["x1"] for w in words),
            max(w["bottom"] for w in words),
        )
        placed.append((bbox[1], bbox[0], line, _box(bbox)))
    placed.sort(key=lambda item: (round(item[0], 1), item[1]))
    return [(line, bbox) for _, _, line, bbox in placed]


def _cell_text(cell: str | None) -> str:
    """A cell's text with its wrapped lines joined: with a space between Latin letters or digits
    (a wrapped code keeps the space, as in text disclosures, and the readers join it), else none
    (Chinese wraps anywhere)."""
    if not cell:
        return ""
    text = ""
    for part in (part.strip() for part in cell.splitlines()):
        if text and part and text[-1].isascii() and part[0].isascii():
            text += " "
        text += part
    return text


def _text_lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines: a word joins a line when its middle lies within the line's height."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        for line in lines:
            if line[0]["top"] <= middle <= line[0]["bottom"]:
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _join(words: list[dict[str, Any]]) -> str:
    text = words[0]["text"]
    for before, word in zip(words, words[1:], strict=False):
        gap = word["x0"] - before["x1"]
        text += (" " if gap > WORD_GAP * (word["bottom"] - word["top"]) else "") + word["text"]
    return text


def _box(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = bbox
    return (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))
