"""A folder documents are dropped into: every file matching the source's globs is a document.

    FolderSource(name="inbox", path=Path("/srv/budgetdq/inbox"), glob=["*.txt", "*.pdf"])

A file is listed with its path as the URL (`str(path / name)`, as `path` is written: a relative
`path` gives relative URLs, resolved against the working directory) and its name as the title.
Every poll reads each file; it is `unchanged` when its sha256 is the one the registry knows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from budgetdq.sources.errors import SourceError
from budgetdq.sources.model import Fetched, Known, Listed

__all__ = ["DEFAULT_GLOB", "FolderSource"]

DEFAULT_GLOB = ("*.txt", "*.pdf")


class FolderSource(BaseModel):
    """Documents as files in a folder (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="the source's name, unique among the sources")
    type: Literal["folder"] = Field(default="folder", description="a folder of files: `folder`")
    path: Path = Field(
        description="the folder, e.g. /srv/budgetdq/inbox (relative: to the working directory; ~ is home)"
    )
    glob: list[str] = Field(
        default=list(DEFAULT_GLOB),
        description="file name patterns, e.g. ['*.txt', '*.pdf']; `**/*.txt` also looks in "
        "subfolders",
    )

    @field_validator("path")
    @classmethod
    def _home(cls, path: Path) -> Path:
        return path.expanduser()

    @field_validator("glob", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("glob")
    @classmethod
    def _not_empty(cls, patterns: list[str]) -> list[str]:
        if not patterns or not all(patterns):
            raise ValueError("give at least one non-empty pattern, e.g. '*.txt'")
        return patterns

    def poll(self, known: Callable[[str], Known | None]) -> Iterator[Fetched]:
        """Every matching file, read, unless unchanged; `SourceError` when the folder is missing."""
        for listed in self.list_documents():
            yield self._read(listed, known(listed.url))

    def list_documents(self) -> list[Listed]:
        """The matching files, each once, sorted by path."""
        if not self.path.is_dir():
            reason = "no such folder" if not self.path.exists() else "not a folder"
            raise SourceError(self.name, str(self.path), reason)
        files = {
            file for pattern in self.glob for file in self.path.glob(pattern) if file.is_file()
        }
        return [Listed(self.name, str(file), file.name) for file in sorted(files)]

    def _read(self, listed: Listed, known: Known | None) -> Fetched:
        path = Path(listed.url)
        suffix = path.suffix.lower()
        try:
            content = path.read_bytes()
        except OSError as exc:
            return Fetched(listed, "failed", suffix=suffix, error=f"cannot read the file: {exc}")
        if known is not None and hashlib.sha256(content).hexdigest() == known.sha256:
            return Fetched(listed, "unchanged", suffix=suffix)
        return Fetched(listed, "fetched", content, suffix)
