"""Multi-row table headers: each column's header path, from the top row down.

A PDF grid prints a merged header cell's text in its first column and leaves the columns it spans
empty. A cell therefore spans to the right up to the next filled cell of its row, and never beyond
the span of the cell above it:

    合计 | “三公”经费 |           |                  |        | 会议费 | 培训费
         | 小计       | 因公出国 | 公务用车购置及运行费 |        |        |
         |            |           | 小计             | 购置费 |        |

gives `合计`, `“三公”经费/小计`, `“三公”经费/因公出国`, `“三公”经费/公务用车购置及运行费/小计`,
`“三公”经费/公务用车购置及运行费/购置费`, `会议费`, `培训费`.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetdq.parse.catalogue import compact
from budgetdq.parse.normalize import Line

__all__ = ["HeaderColumn", "header_columns"]


@dataclass(frozen=True)
class HeaderColumn:
    """A column of a grid: the cell index its header starts at and its header path."""

    index: int
    path: str

    @property
    def leaf(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def header_columns(rows: list[Line]) -> list[HeaderColumn]:
    """The columns of a header printed over `rows`, left to right (columns without text omitted)."""
    width = max((len(row.cells) for row in rows), default=0)
    spans: list[list[tuple[int, int, str]]] = []
    for row in rows:
        cells = [compact(cell) for cell in row.cells] + [""] * (width - len(row.cells))
        filled = [index for index, text in enumerate(cells) if text]
        row_spans = []
        for position, start in enumerate(filled):
            end = filled[position + 1] if position + 1 < len(filled) else width
            parent = _covering(spans, start)
            if parent is not None:
                end = min(end, parent[1])
            row_spans.append((start, end, cells[start]))
        spans.append(row_spans)
    columns: list[HeaderColumn] = []
    for index in range(width):
        parts = [span[2] for row in spans if (span := _span_at(row, index)) is not None]
        starts_here = any(span[0] == index for row in spans for span in row)
        if parts and starts_here:
            columns.append(HeaderColumn(index, "/".join(_dedup(parts))))
    return columns


def _span_at(row: list[tuple[int, int, str]], index: int) -> tuple[int, int, str] | None:
    return next((span for span in row if span[0] <= index < span[1]), None)


def _covering(spans: list[list[tuple[int, int, str]]], index: int) -> tuple[int, int, str] | None:
    """The lowest span above that covers `index`."""
    for row in reversed(spans):
        span = _span_at(row, index)
        if span is not None:
            return span
    return None


def _dedup(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if not out or out[-1] != part:
            out.append(part)
    return out
