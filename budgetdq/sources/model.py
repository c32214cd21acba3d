"""What a source reports when polled: each document it lists, fetched or not, and why."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = ["Fetched", "Known", "Listed", "Source"]


@dataclass(frozen=True)
class Listed:
    """A document link found on a listing page (or a file in a folder)."""

    source: str
    url: str  # absolute URL, or the file's path for a folder source
    title: str | None = None
    published: str | None = None  # the date as the listing shows it


@dataclass(frozen=True)
class Known:
    """What the registry knows of a URL from its last fetch (for conditional GET)."""

    sha256: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """The outcome of polling one listed document.

    status: `fetched` (content is the document), `unchanged` (304, or same content as known),
    `failed` (could not be fetched: the reason in `error`; retried next poll) or `refused`
    (fetched but over a limit, e.g. the size limit: the reason in `error`).
    """

    listed: Listed
    status: Literal["fetched", "unchanged", "failed", "refused"]
    content: bytes | None = None
    suffix: str = ".txt"  # `.txt`, `.pdf`, … from the URL or the Content-Type
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


class Source(Protocol):
    """A place documents are published: a listing page on a site, or a folder."""

    name: str

    def poll(self, known: Callable[[str], Known | None]) -> Iterator[Fetched]:
        """Every document currently listed, fetched unless `known` shows it unchanged."""
        ...
