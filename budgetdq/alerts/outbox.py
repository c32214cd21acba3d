"""The outbox: every alert is written here first (pending), then delivered and marked sent.

Tables in the lake's DuckDB file:

    alert_threads   one per disclosure (department/year): its channel and root message `ts`
    alert_findings  the findings alerted in each thread, by fingerprint, open or resolved
    outbox          each message: delivery key, kind (root | reply | update), payload, status
                    (pending | sent), attempts and when the first began, last error, Slack
                    channel and `ts` once sent
    slack_channels  the id of each channel configured by name, resolved once

Every message is also written as JSON and text under `<lake>/alerts/`, so that without a Slack token
a person can read what would have been sent.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from budgetdq.alerts.compose import Message, to_text
from budgetdq.lake import Lake

__all__ = ["Entry", "Outbox"]

_DDL = """
CREATE TABLE IF NOT EXISTS alert_threads (
    thread_key VARCHAR PRIMARY KEY, department_code VARCHAR, year INTEGER, channel VARCHAR,
    root_key VARCHAR, root_ts VARCHAR, slack_channel VARCHAR, doc_id VARCHAR, status VARCHAR,
    updated_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS alert_findings (
    thread_key VARCHAR, fingerprint VARCHAR, status VARCHAR, first_seen TIMESTAMP,
    last_seen TIMESTAMP, last_notified TIMESTAMP, resolved_at TIMESTAMP, doc_id VARCHAR,
    suite VARCHAR, check_id VARCHAR, severity VARCHAR, table_kind VARCHAR, table_title VARCHAR,
    line INTEGER, message VARCHAR, observed VARCHAR, expected VARCHAR,
    PRIMARY KEY (thread_key, fingerprint));
CREATE TABLE IF NOT EXISTS outbox (
    delivery_key VARCHAR PRIMARY KEY, thread_key VARCHAR, kind VARCHAR, channel VARCHAR,
    text VARCHAR, blocks JSON, created_at TIMESTAMP, status VARCHAR, attempts INTEGER,
    last_error VARCHAR, sent_at TIMESTAMP, slack_channel VARCHAR, slack_ts VARCHAR,
    first_attempt_at TIMESTAMP);
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS first_attempt_at TIMESTAMP;
CREATE TABLE IF NOT EXISTS slack_channels (name VARCHAR PRIMARY KEY, channel_id VARCHAR);
"""


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Entry:
    """One outbox message."""

    delivery_key: str
    thread_key: str
    kind: str
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    status: str
    attempts: int
    last_error: str | None
    slack_ts: str | None
    created_at: datetime
    first_attempt_at: datetime | None


class Outbox:
    """The outbox and thread state of a lake."""

    def __init__(self, lake: Lake):
        self.lake = lake
        self.db = lake.db
        self.db.execute(_DDL)
        self.files = lake.root / "alerts"

    def enqueue(self, thread_key: str, kind: str, channel: str, message: Message) -> str:
        """Add a pending message (inside the caller's transaction) and write its files."""
        key = uuid.uuid4().hex
        created = now()
        self.db.execute(
            "INSERT INTO outbox (delivery_key, thread_key, kind, channel, text, blocks, "
            "created_at, status, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0)",
            [
                key,
                thread_key,
                kind,
                channel,
                message.text,
                json.dumps(message.blocks, ensure_ascii=False),
                created,
            ],
        )
        self._write_files(key, thread_key, kind, channel, message, created)
        return key

    def entries(self, status: str | None = None) -> list[Entry]:
        where = "WHERE status = ?" if status else ""
        rows = self.db.execute(
            "SELECT delivery_key, thread_key, kind, channel, text, blocks, status, attempts, "
            f"last_error, slack_ts, created_at, first_attempt_at FROM outbox {where} "
            "ORDER BY created_at, delivery_key",
            [status] if status else [],
        ).fetchall()
        return [
            Entry(
                delivery_key=row[0],
                thread_key=row[1],
                kind=row[2],
                channel=row[3],
                text=row[4],
                blocks=json.loads(row[5]),
                status=row[6],
                attempts=row[7],
                last_error=row[8],
                slack_ts=row[9],
                created_at=row[10],
                first_attempt_at=row[11],
            )
            for row in rows
        ]

    def mark_sent(self, entry: Entry, slack_channel: str, ts: str) -> None:
        self.db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, slack_channel = ?, slack_ts = ?, "
            "last_error = NULL WHERE delivery_key = ?",
            [now(), slack_channel, ts, entry.delivery_key],
        )
        if entry.kind == "root":
            self.db.execute(
                "UPDATE alert_threads SET root_ts = ?, slack_channel = ? WHERE thread_key = ?",
                [ts, slack_channel, entry.thread_key],
            )

    def mark_attempt(self, entry: Entry, note: str) -> None:
        """Count a delivery attempt, durably, before the message is posted."""
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
            "first_attempt_at = coalesce(first_attempt_at, ?) WHERE delivery_key = ?",
            [note, now(), entry.delivery_key],
        )

    def record_error(self, entry: Entry, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET last_error = ? WHERE delivery_key = ?", [error, entry.delivery_key]
        )

    def channel_id(self, name: str) -> str | None:
        """The id stored for a channel configured by name, once resolved."""
        row = self.db.execute(
            "SELECT channel_id FROM slack_channels WHERE name = ?", [name]
        ).fetchone()
        return row[0] if row else None

    def remember_channel(self, name: str, channel_id: str) -> None:
        self.db.execute(
            "INSERT INTO slack_channels VALUES (?, ?) ON CONFLICT DO NOTHING", [name, channel_id]
        )

    def thread_root(self, thread_key: str) -> tuple[str | None, str | None]:
        """The Slack channel and `ts` of a thread's root message, once it was delivered."""
        row = self.db.execute(
            "SELECT slack_channel, root_ts FROM alert_threads WHERE thread_key = ?", [thread_key]
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def _write_files(
        self,
        key: str,
        thread_key: str,
        kind: str,
        channel: str,
        message: Message,
        created: datetime,
    ) -> None:
        self.files.mkdir(parents=True, exist_ok=True)
        stem = (
            f"{created:%Y%m%dT%H%M%S}_{re.sub(r'[^0-9A-Za-z]+', '-', thread_key)}_{kind}_{key[:8]}"
        )
        payload = {
            "delivery_key": key,
            "thread": thread_key,
            "kind": kind,
            "channel": channel,
            "text": message.text,
            "blocks": message.blocks,
        }
        (self.files / f"{stem}.json").write_text(
            json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        header = f"频道 {channel} · 会话 {thread_key} · {kind}\n{'=' * 60}\n"
        (self.files / f"{stem}.txt").write_text(header + to_text(message) + "\n", encoding="utf-8")
