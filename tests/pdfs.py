"""PDFs made from the seed disclosures, laid out as published ones are.

reportlab with its CID font STSong-Light (no font file needed): every table starts a page; rows
with cells go in a ruled grid that runs across pages with its header rows repeated, and a blank line
after a grid (where the original PDF's page ended) ends the page; other lines are text, each on
one line.
"""

from __future__ import annotations

import io
import re
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from budgetdq.parse.document import ParsedDocument, read_document
from tests.conftest import SEEDS, seed_document

FONT = "STSong-Light"
PAGE = landscape(A4)
MARGIN = 30
WIDTH = PAGE[0] - 2 * MARGIN
CELL_SIZE = 6.5
MAX_COLUMN = 220
PADDING = 2
AMOUNT = re.compile(r"^-?[\d,]+\.\d+$")
MAX_HEADER_ROWS = 4

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@cache
def seed_pdf_document(seed: str) -> ParsedDocument:
    """The seed's PDF, read (once per test session)."""
    return read_document(seed_pdf(seed), f"{SEEDS[seed].stem}.pdf")


@cache
def seed_pdf(seed: str) -> bytes:
    """The seed `000`…`003` as a PDF; each of its tables starts a page."""
    starts = {table.line for table in seed_document(seed).tables}
    return build_pdf(SEEDS[seed].read_text(encoding="utf-8"), starts)


def build_pdf(text: str, page_starts: set[int] = frozenset()) -> bytes:
    """`text` as a PDF: tab-separated lines as ruled tables, `page_starts` lines begin a page."""
    story: list[Flowable] = []
    block: list[list[str]] = []
    first = True  # the table's first grid: the one whose header rows repeat on every page
    for no, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if no in page_starts:
            story += _grid(block, first)
            block, first = [], True
            if story:
                story.append(PageBreak())
        if "\t" in line:
            block.append(line.split("\t"))
            continue
        if block:
            story += _grid(block, first)
            block, first = [], False
            if not line.strip():  # a blank line inside a table is where the original page ended
                story.append(PageBreak())
        if line.strip():
            story.append(_text_line(line))
    story += _grid(block, first)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    document.build(story)
    return buffer.getvalue()


def _printable(text: str) -> str:
    """Text for a Paragraph: escaped; “·” (U+00B7), missing from STSong-Light's Unicode map, as the
    GB glyph “・” (U+30FB), which text extraction reads back as “·”."""
    return escape(text.strip()).replace("·", "・")


def _text_line(line: str) -> Paragraph:
    """One line of text, its font small enough that it never wraps."""
    width = pdfmetrics.stringWidth(line, FONT, 1) or 1
    size = min(8.0, 0.95 * WIDTH / width)
    style = ParagraphStyle("line", fontName=FONT, fontSize=size, leading=size * 1.3)
    return Paragraph(_printable(line), style)


def _grid(rows: list[list[str]], first: bool) -> list[Flowable]:
    """A ruled table; codes and amounts never wrap, long text wraps within its cell.

    The rows before the first amount of a table's `first` grid are its header, repeated on every
    page the grid runs over.

    Columns are as wide as their longest cell, up to `MAX_COLUMN`; a table wider than the page is
    printed in a smaller font.
    """
    if not rows:
        return []
    columns = max(len(row) for row in rows)
    rows = [[cell.strip() for cell in row] + [""] * (columns - len(row)) for row in rows]
    natural = [
        min(max(pdfmetrics.stringWidth(row[c], FONT, CELL_SIZE) for row in rows) + 1, MAX_COLUMN)
        for c in range(columns)
    ]
    scale = min(1.0, (WIDTH - 2 * PADDING * columns) / sum(natural))
    size = CELL_SIZE * scale
    style = ParagraphStyle(
        "cell", fontName=FONT, fontSize=size, leading=size * 1.25, wordWrap="CJK"
    )
    header = next((i for i, row in enumerate(rows) if any(AMOUNT.match(cell) for cell in row)), 0)
    table = Table(
        [[Paragraph(_printable(cell), style) for cell in row] for row in rows],
        colWidths=[width * scale + 2 * PADDING for width in natural],
        repeatRows=header if first and header <= MAX_HEADER_ROWS else 0,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, "black"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
            ]
        )
    )
    return [table, Spacer(1, 8)]  # tables that touch would read as one
