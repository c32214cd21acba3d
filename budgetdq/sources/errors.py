"""The error a source raises when it cannot be polled at all (its listing, or its folder)."""

from __future__ import annotations

__all__ = ["SourceError"]


class SourceError(RuntimeError):
    """A source that cannot be listed: nothing of it was polled; the next poll tries again.

    A single document that cannot be fetched is not an error of its source: it is reported as
    `Fetched(status="failed")` and the other documents go on.
    """

    def __init__(self, source: str, location: str, reason: str) -> None:
        super().__init__(
            f"source {source!r}: cannot list {location}: {reason} "
            "(check the source's url or path in the sources config; the next poll tries again)"
        )
        self.source = source
        self.location = location
        self.reason = reason
