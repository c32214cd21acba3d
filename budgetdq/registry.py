"""The registry of disclosures: every version of every published document, stored once.

Raw documents are content-addressed under `<lake>/raw/<sha256><suffix>`; the DuckDB table
`disclosures` has one row per (URL, content): source, title, date as listed, version number, first and
last seen, ETag/Last-Modified, status (new → parsed → checked, or quarantined / refused) and the
error. A URL whose content changes gets a new version; unchanged content changes nothing but
`last_seen`. `doc_id` everywhere is the sha256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from budgetdq.faults import crash_point
from budgetdq.lake import Lake, LakeNotPublished
from budgetdq.sources.model import Fetched, Known

__all__ = ["Registry", "Version", "published_as_processed"]

_DDL = """
CREATE TABLE IF NOT EXISTS disclosures (
    url VARCHAR, sha256 VARCHAR, source VARCHAR, title VARCHAR, published VARCHAR,
    version INTEGER, first_seen TIMESTAMP, last_seen TIMESTAMP, etag VARCHAR,
    last_modified VARCHAR, raw_path VARCHAR, status VARCHAR, error VARCHAR,
    PRIMARY KEY (url, sha256));
CREATE TABLE IF NOT EXISTS fetch_problems (
    url VARCHAR, source VARCHAR, title VARCHAR, status VARCHAR, error VARCHAR, seen_at TIMESTAMP);
ALTER TABLE disclosures ADD COLUMN IF NOT EXISTS alerts_planned BOOLEAN DEFAULT true;
"""

_PENDING = "(status IN ('new', 'parsed') OR NOT alerts_planned)"
"""A stored version not yet processed to the end: not checked (or quarantined), or checked (or
quarantined) by a run that stopped before its alerts were planned. `alerts_planned` is set in the
transaction that plans them (`mark_alerts_planned`), so a run killed at any point before leaves
the version pending, and the next run processes it again, alerts included."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Version:
    """One stored version of a document."""

    sha256: str
    url: str
    source: str
    title: str | None
    version: int
    raw_path: Path

    @property
    def changed(self) -> bool:
        """A new version of a URL seen before (a correction), not a first publication."""
        return self.version > 1


def published_as_processed(lake: str | Path | None, sha256: str) -> bool:
    """Whether the lake's published snapshot has this version checked or quarantined.

    Read without waiting for the writer. False when nothing is published yet; a snapshot behind the
    lake can only say False for a version processed since, never the reverse (a status only moves
    forward), so the writer's own check stays the authority.
    """
    try:
        with Lake(lake, read_only=True) as snapshot:
            row = snapshot.db.execute(
                f"SELECT 1 FROM disclosures WHERE sha256 = ? AND NOT {_PENDING}", [sha256]
            ).fetchone()
    except (LakeNotPublished, duckdb.CatalogException):
        return False
    return row is not None


class Registry:
    def __init__(self, lake: Lake):
        self.lake = lake
        self.db = lake.db
        self.db.execute(_DDL)
        self.raw = lake.root / "raw"

    def known(self, url: str) -> Known | None:
        """The latest stored version of a URL, for conditional GET."""
        row = self.db.execute(
            "SELECT sha256, etag, last_modified FROM disclosures WHERE url = ? AND sha256 IS NOT NULL "
            "ORDER BY version DESC LIMIT 1",
            [url],
        ).fetchone()
        return Known(*row) if row else None

    def record(self, fetched: Fetched) -> Version | None:
        """Store what a poll returned; returns the new version, if the content is new for its URL."""
        listed = fetched.listed
        if fetched.status in ("failed", "refused"):
            self.db.execute(
                "INSERT INTO fetch_problems VALUES (?, ?, ?, ?, ?, ?)",
                [listed.url, listed.source, listed.title, fetched.status, fetched.error, _now()],
            )
            return None
        if fetched.status == "unchanged" or fetched.content is None:
            self.db.execute(
                "UPDATE disclosures SET last_seen = ? WHERE url = ? AND version = "
                "(SELECT max(version) FROM disclosures WHERE url = ?)",
                [_now(), listed.url, listed.url],
            )
            return None
        sha = hashlib.sha256(fetched.content).hexdigest()
        exists = self.db.execute(
            "SELECT 1 FROM disclosures WHERE url = ? AND sha256 = ?", [listed.url, sha]
        ).fetchone()
        if exists:
            self.db.execute(
                "UPDATE disclosures SET last_seen = ?, etag = ?, last_modified = ? "
                "WHERE url = ? AND sha256 = ?",
                [_now(), fetched.etag, fetched.last_modified, listed.url, sha],
            )
            return None
        path = self._store(sha, fetched.suffix, fetched.content)
        crash_point("after_raw_stored")
        ((version,),) = self.db.execute(
            "SELECT coalesce(max(version), 0) + 1 FROM disclosures WHERE url = ?", [listed.url]
        ).fetchall()
        stamp = _now()
        self.db.execute(
            "INSERT INTO disclosures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', NULL, false)",
            [
                listed.url,
                sha,
                listed.source,
                listed.title,
                listed.published,
                version,
                stamp,
                stamp,
                fetched.etag,
                fetched.last_modified,
                str(path),
            ],
        )
        return Version(sha, listed.url, listed.source, listed.title, version, path)

    def set_status(self, sha256: str, status: str, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE disclosures SET status = ?, error = ? WHERE sha256 = ?", [status, error, sha256]
        )

    def set_status_many(self, sha256s: list[str], status: str) -> None:
        self.db.execute(
            "UPDATE disclosures SET status = ?, error = NULL WHERE sha256 IN (SELECT unnest(?))",
            [status, sha256s],
        )

    def mark_alerts_planned(self, sha256s: list[str]) -> None:
        """Within the transaction that plans their alerts: these versions are done."""
        self.db.execute(
            "UPDATE disclosures SET alerts_planned = true WHERE sha256 IN (SELECT unnest(?))",
            [sha256s],
        )

    def version(self, sha256: str) -> Version | None:
        """The stored version with this content (the first URL it was seen at)."""
        rows = self._versions("WHERE sha256 = ? ORDER BY first_seen LIMIT 1", [sha256])
        return rows[0] if rows else None

    def pending(self) -> list[Version]:
        """Versions stored but not yet checked (a run interrupted before it finished them).

        Each content once, as first seen: the same document may be published at several URLs.
        """
        versions = self._versions(f"WHERE {_PENDING} ORDER BY first_seen, url", [])
        first: dict[str, Version] = {}
        for version in versions:
            first.setdefault(version.sha256, version)
        return list(first.values())

    def _versions(self, where: str, params: list[str]) -> list[Version]:
        rows = self.db.execute(
            f"SELECT sha256, url, source, title, version, raw_path FROM disclosures {where}", params
        ).fetchall()
        return [
            Version(
                sha256=r[0], url=r[1], source=r[2], title=r[3], version=r[4], raw_path=Path(r[5])
            )
            for r in rows
        ]

    def _store(self, sha: str, suffix: str, content: bytes) -> Path:
        """Write the raw bytes once, atomically, named by their hash."""
        self.raw.mkdir(parents=True, exist_ok=True)
        path = self.raw / f"{sha}{suffix}"
        if not path.exists():
            partial = path.with_suffix(path.suffix + ".tmp")
            partial.write_bytes(content)
            partial.replace(path)
        return path
