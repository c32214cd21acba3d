"""The published text of a document around one of its lines, for the finding detail.

Everything from the document is HTML-escaped: a published document containing markup or script is
shown as text, never run. Tabs (cell boundaries) are shown as “│”.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import pdfplumber

from budgetdq.parse.normalize import decode, normalize_lines

__all__ = ["context_html", "pdf_region", "read_source"]

CONTEXT_LINES = 8


def read_source(paths: list[str | None]) -> list[str] | None:
    """The original lines of the first readable file among `paths` (raw copy first), else None."""
    for path in paths:
        if path and Path(path).is_file():
            try:
                text = decode(Path(path).read_bytes()).text
            except UnicodeDecodeError:
                return None
            return [line.source for line in normalize_lines(text)]
    return None


def context_html(lines: list[str], line: int, radius: int = CONTEXT_LINES) -> str:
    """Lines `line - radius … line + radius`, numbered, with `line` highlighted."""
    first, last = max(1, line - radius), min(len(lines), line + radius)
    rows = []
    for no in range(first, last + 1):
        text = html.escape(lines[no - 1].replace("\t", " │ ")) or "&nbsp;"
        style = "background:#fff3b0;font-weight:600" if no == line else ""
        rows.append(
            f'<div data-line="{no}" style="{style}"><span style="color:#888;'
            f'display:inline-block;width:4.5em;user-select:none">{no}</span>{text}</div>'
        )
    return (
        '<div class="budgetdq-source" style="font-family:monospace;font-size:0.85rem;'
        'white-space:pre;overflow-x:auto;border:1px solid #ddd;padding:0.5rem">'
        + "".join(rows)
        + "</div>"
    )


def pdf_region(path: Path, page: int, bbox: list[float], margin: float = 36) -> bytes:
    """A PNG of a PDF page across its width around `bbox` (points), the box marked."""
    x0, top, x1, bottom = bbox
    with pdfplumber.open(path) as pdf:
        sheet = pdf.pages[page - 1]
        region = (0, max(0, top - margin), sheet.width, min(sheet.height, bottom + margin))
        image = sheet.crop(region).to_image(resolution=120)
        image.draw_rect(
            (x0, top, x1, bottom), fill=(255, 221, 0, 70), stroke=(214, 39, 40), stroke_width=2
        )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
