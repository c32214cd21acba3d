"""Decide which alerts a check run calls for, and put them in the outbox.

Per disclosure (department + year):
- the first run with alertable findings opens a thread: one root message with all of them;
- a later run (a correction, or a re-check) compares its findings with the thread's open ones by
  fingerprint: if some are new or resolved, a threaded reply says which, and the root message is
  updated to the current status; if nothing changed, nothing is sent;
- with `renotify_hours` set, errors still open after that long are recalled in the thread.
A clean disclosure that never had findings sends nothing. A check run's planning and enqueueing
happen in one transaction, so a crash cannot alert a finding twice or forget one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pyarrow as pa
from duckdb import DuckDBPyConnection

from budgetdq.alerts.compose import quarantine_message, reminder, root_message, thread_reply
from budgetdq.alerts.model import AlertFinding, Disclosure
from budgetdq.alerts.outbox import Outbox, now
from budgetdq.checks.runner import CheckRun
from budgetdq.faults import crash_point
from budgetdq.findings import Finding
from budgetdq.lake import Lake
from budgetdq.registry import Registry
from budgetdq.settings import Settings, alerted

__all__ = ["Planned", "Problem", "plan_alerts", "plan_quarantine"]


@dataclass(frozen=True)
class Problem:
    """A document that could not be read as a budget: where it is and why.

    `identity` names the problem once: the sha256 of a quarantined version, or the URL of a
    document refused before reading (over the size limit).
    """

    source: str
    url: str
    reason: str
    identity: str


@dataclass
class Planned:
    """What a run put in the outbox, per kind of message."""

    roots: int = 0
    replies: int = 0
    updates: int = 0
    keys: list[str] = field(default_factory=list)


def plan_alerts(lake: Lake, run: CheckRun, settings: Settings) -> Planned:
    outbox = Outbox(lake)
    planned = Planned()
    threads: list[tuple[Disclosure, str, list[AlertFinding]]] = []
    by_doc: dict[str | None, list[tuple[Finding, str]]] = defaultdict(list)
    for finding, fingerprint in zip(run.findings, run.fingerprints, strict=True):
        by_doc[finding.doc_id].append((finding, fingerprint))
    for doc_id in run.doc_ids:
        disclosure = _disclosure(lake, doc_id, settings)
        if disclosure is None:
            continue
        department = disclosure.department_code
        by_channel: dict[str, list[AlertFinding]] = {c: [] for c in _channels(settings, department)}
        for finding, fingerprint in by_doc[doc_id]:
            channel, least = settings.route(department, finding.suite)
            if alerted(finding.severity, least):
                by_channel.setdefault(channel, []).append(AlertFinding.of(finding, fingerprint))
        for channel, current in by_channel.items():
            threads.append((disclosure, channel, current))
    opened: list[pa.Table] = []
    registry = Registry(lake)
    lake.db.execute("BEGIN")
    try:
        planned_threads: set[str] = set()
        for disclosure, channel, current in threads:
            key = _thread_key(disclosure, channel)
            if key in planned_threads:
                # Two versions of one disclosure in a run: the second compares with the first.
                _open(lake.db, opened)
                opened = []
            planned_threads.add(key)
            opened += _plan_thread(outbox, disclosure, channel, current, settings, planned)
            crash_point("in_alert_planning")  # an alert file is written, the transaction open
        _open(lake.db, opened)
        registry.mark_alerts_planned(run.doc_ids)
        lake.db.execute("COMMIT")
    except Exception:
        lake.db.execute("ROLLBACK")
        raise
    return planned


def _thread_key(disclosure: Disclosure, channel: str) -> str:
    return f"{disclosure.key}@{channel}"


def _channels(settings: Settings, department: str) -> list[str]:
    """Every channel that may hold a thread of this department (so resolutions reach it too)."""
    routed = [r.channel for r in settings.routes if r.department in (None, department)]
    return [settings.slack_channel, *routed]


def plan_quarantine(lake: Lake, problems: list[Problem], settings: Settings) -> Planned:
    """One message per quarantined or refused document, in the default channel, announced once."""
    outbox = Outbox(lake)
    registry = Registry(lake)
    planned = Planned()
    for problem in problems:
        key = f"quarantine:{problem.identity}@{settings.slack_channel}"
        if lake.db.execute("SELECT 1 FROM alert_threads WHERE thread_key = ?", [key]).fetchone():
            registry.mark_alerts_planned([problem.identity])
            continue
        message = quarantine_message(problem.source, problem.url, problem.reason)
        lake.db.execute("BEGIN")
        try:
            delivery = outbox.enqueue(key, "root", settings.slack_channel, message)
            lake.db.execute(
                "INSERT INTO alert_threads VALUES (?, NULL, NULL, ?, ?, NULL, NULL, NULL, 'quarantined', ?)",
                [key, settings.slack_channel, delivery, now()],
            )
            registry.mark_alerts_planned([problem.identity])
            lake.db.execute("COMMIT")
        except Exception:
            lake.db.execute("ROLLBACK")
            raise
        planned.roots += 1
        planned.keys.append(delivery)
    return planned


def _plan_thread(
    outbox: Outbox,
    disclosure: Disclosure,
    channel: str,
    current: list[AlertFinding],
    settings: Settings,
    planned: Planned,
) -> list[pa.Table]:
    """Plan the messages of one disclosure's thread in one channel; returns the findings it
    opens (`_opened`), for the caller to record in one insert."""
    db = outbox.db
    key = _thread_key(disclosure, channel)
    status = _status(current)
    thread = db.execute(
        "SELECT thread_key FROM alert_threads WHERE thread_key = ?", [key]
    ).fetchone()
    stamp = now()
    if thread is None:
        if not current:
            return []
        root = outbox.enqueue(
            key, "root", channel, root_message(disclosure, current, status=status)
        )
        db.execute(
            "INSERT INTO alert_threads VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
            [
                key,
                disclosure.department_code,
                disclosure.year,
                channel,
                root,
                disclosure.doc_id,
                status,
                stamp,
            ],
        )
        planned.roots += 1
        planned.keys.append(root)
        return [_opened(key, current, stamp)]
    opened: list[pa.Table] = []
    open_rows = db.execute(
        "SELECT fingerprint, last_notified, severity FROM alert_findings "
        "WHERE thread_key = ? AND status = 'open'",
        [key],
    ).fetchall()
    previous = {row[0] for row in open_rows}
    by_print = {f.fingerprint: f for f in current}
    new = [f for f in current if f.fingerprint not in previous]
    resolved_prints = previous - set(by_print)
    if new or resolved_prints:
        resolved = _resolved_findings(db, key, resolved_prints)
        still_open = len(previous & set(by_print))
        reply = thread_reply(disclosure, new=new, resolved=resolved, still_open=still_open)
        planned.keys.append(outbox.enqueue(key, "reply", channel, reply))
        update = root_message(disclosure, current, status=status)
        planned.keys.append(outbox.enqueue(key, "update", channel, update))
        planned.replies += 1
        planned.updates += 1
        opened = [_opened(key, new, stamp)]
        db.execute(
            "UPDATE alert_findings SET status = 'resolved', resolved_at = ? "
            "WHERE thread_key = ? AND fingerprint IN (SELECT unnest(?))",
            [stamp, key, sorted(resolved_prints)],
        )
    elif settings.renotify_hours:
        due = stamp - timedelta(hours=settings.renotify_hours)
        stale = [
            by_print[p]
            for p, notified, severity in open_rows
            if notified < due and severity == "error" and p in by_print
        ]
        if stale:
            message = reminder(disclosure, still_open=stale, hours=settings.renotify_hours)
            planned.keys.append(outbox.enqueue(key, "reply", channel, message))
            planned.replies += 1
            db.execute(
                "UPDATE alert_findings SET last_notified = ? WHERE thread_key = ? AND fingerprint IN (SELECT unnest(?))",
                [stamp, key, [f.fingerprint for f in stale]],
            )
    db.execute(
        "UPDATE alert_findings SET last_seen = ? WHERE thread_key = ? AND fingerprint IN (SELECT unnest(?))",
        [stamp, key, sorted(by_print)],
    )
    db.execute(
        "UPDATE alert_threads SET doc_id = ?, status = ?, updated_at = ? WHERE thread_key = ?",
        [disclosure.doc_id, status, stamp, key],
    )
    return opened


def _opened(key: str, findings: list[AlertFinding], stamp: datetime) -> pa.Table:
    """Findings to record as open in the thread, with the text they were alerted with."""
    rows = [
        {
            "thread_key": key,
            "fingerprint": f.fingerprint,
            "status": "open",
            "first_seen": stamp,
            "last_seen": stamp,
            "last_notified": stamp,
            "resolved_at": None,
            "doc_id": f.doc_id,
            "suite": f.suite,
            "check_id": f.check,
            "severity": f.severity,
            "table_kind": f.table,
            "table_title": f.table_title,
            "line": f.line,
            "message": f.message,
            "observed": f.observed,
            "expected": f.expected,
        }
        for f in findings
    ]
    return pa.Table.from_pylist(rows, schema=_OPENED)


def _open(db: DuckDBPyConnection, opened: list[pa.Table]) -> None:
    """Record the opened findings of every thread planned (one insert)."""
    if not opened:
        return
    db.register("opened_findings", pa.concat_tables(opened))
    try:
        db.execute("INSERT OR REPLACE INTO alert_findings BY NAME SELECT * FROM opened_findings")
    finally:
        db.unregister("opened_findings")


_TEXT = pa.string()
_OPENED = pa.schema(
    [(name, _TEXT) for name in ("thread_key", "fingerprint", "status")]
    + [(name, pa.timestamp("us")) for name in ("first_seen", "last_seen", "last_notified")]
    + [("resolved_at", pa.timestamp("us"))]
    + [(n, _TEXT) for n in ("doc_id", "suite", "check_id", "severity", "table_kind", "table_title")]
    + [("line", pa.int32())]
    + [(name, _TEXT) for name in ("message", "observed", "expected")]
)


def _resolved_findings(db: DuckDBPyConnection, key: str, prints: set[str]) -> list[AlertFinding]:
    """The findings, as they were alerted, that the latest check no longer finds."""
    rows = db.execute(
        "SELECT fingerprint, doc_id, suite, check_id, severity, table_kind, table_title, line, "
        "message, observed, expected FROM alert_findings "
        "WHERE thread_key = ? AND fingerprint IN (SELECT unnest(?)) ORDER BY line",
        [key, sorted(prints)],
    ).fetchall()
    return [AlertFinding(*row) for row in rows]


def _status(findings: list[AlertFinding]) -> str:
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "failing"
    return "warning" if severities else "passing"


def _disclosure(lake: Lake, doc_id: str, settings: Settings) -> Disclosure | None:
    row = lake.db.execute(
        "SELECT department_code, department_name, year, path FROM documents WHERE doc_id = ?",
        [doc_id],
    ).fetchone()
    if row is None or row[0] is None or row[2] is None:
        return None
    code, name, year, path = row
    return Disclosure(code, name or code, year, doc_id, path, settings.dashboard_url.rstrip("/"))
