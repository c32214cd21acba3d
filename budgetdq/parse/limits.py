"""What one document may be. Whatever goes beyond a limit is refused and reported, never read in
part without a finding. Set in `budgetdq.toml` under `[limits]`; HTTP request timeouts and download
sizes are set per source (`timeout`, `max_bytes`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Limits"]


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_document_bytes: int = Field(
        default=50_000_000, gt=0, description="larger documents are quarantined unread"
    )
    max_pdf_pages: int = Field(
        default=2_000, gt=0, description="longer PDFs are quarantined unread"
    )
    max_rows_per_table: int = Field(
        default=100_000,
        gt=0,
        description="rows beyond this are not read (an error finding says so)",
    )
