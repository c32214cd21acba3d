"""The pipeline's stages as library calls: watch → ingest → validate → alert.

`budgetdq run` calls them in process; the Prefect flows in `flows/` call the same functions, one
task each. A document that cannot be read as a budget (undecodable, no budget table, over the size
limit) is quarantined with its reason and reported; the others go on.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from budgetdq.alerts.plan import Planned, Problem, plan_alerts, plan_quarantine
from budgetdq.checks.engine import GxEngine
from budgetdq.checks.fingerprint import fingerprint
from budgetdq.checks.runner import CheckRun, check_documents
from budgetdq.faults import crash_point
from budgetdq.findings import Finding
from budgetdq.lake import Lake
from budgetdq.parse.document import LIMITS, UNREADABLE, ParsedDocument, read_document
from budgetdq.parse.limits import Limits
from budgetdq.registry import Registry, Version
from budgetdq.settings import Settings
from budgetdq.sources.model import Source

__all__ = ["Processed", "Watched", "ingest_versions", "process_versions", "watch"]

log = logging.getLogger(__name__)


@dataclass
class Watched:
    """What one poll of the sources found."""

    found: int = 0
    new: list[Version] = field(default_factory=list)
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    refused: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(1 for v in self.new if v.changed)


@dataclass
class Processed:
    """What processing new versions gave: documents checked, quarantined, findings and alerts."""

    checked: list[str] = field(default_factory=list)
    quarantined: list[tuple[Version, str]] = field(default_factory=list)
    run: CheckRun | None = None
    planned: Planned = field(default_factory=Planned)

    def findings_by(self) -> Counter[tuple[str, str]]:
        """Findings counted by (suite, severity)."""
        findings = self.run.findings if self.run else []
        return Counter((f.suite, f.severity) for f in findings)


def watch(lake: Lake, sources: list[Source]) -> Watched:
    """Poll every source; store each new or changed document as a new version."""
    registry = Registry(lake)
    watched = Watched()
    for source in sources:
        try:
            for fetched in source.poll(registry.known):
                watched.found += 1
                version = registry.record(fetched)
                if version is not None:
                    watched.new.append(version)
                elif fetched.status == "unchanged":
                    watched.unchanged += 1
                elif fetched.status == "failed":
                    watched.failed.append((fetched.listed.url, fetched.error or ""))
                elif fetched.status == "refused":
                    listed = fetched.listed
                    reason = fetched.error or "refused"
                    watched.refused.append(Problem(listed.source, listed.url, reason, listed.url))
        except Exception as exc:  # one broken source must not stop the others
            log.exception("source %s failed", source.name)
            watched.failed.append((source.name, str(exc)))
    return watched


def ingest_versions(
    lake: Lake,
    versions: list[Version],
    documents: list[ParsedDocument] | None = None,
    limits: Limits = LIMITS,
) -> tuple[list[str], list[tuple[Version, str]]]:
    """Ingest versions (read here, or already read into `documents`, one per version, in order).

    Returns the doc_ids ingested and the versions quarantined.
    """
    registry = Registry(lake)
    if documents is None:
        documents = [read_document(v.raw_path.read_bytes(), v.url, limits) for v in versions]
    readable: dict[str, ParsedDocument] = {}  # one copy of content published at two URLs
    quarantined: list[tuple[Version, str]] = []
    for version, document in zip(versions, documents, strict=True):
        fatal = [f for f in document.findings if f.check in UNREADABLE]
        if fatal:
            reason = "；".join(f.message for f in fatal)
            registry.set_status(version.sha256, "quarantined", reason)
            crash_point("after_quarantined")
            quarantined.append((version, reason))
            log.warning("quarantined %s: %s", version.url, reason)
        else:
            readable[document.doc_id] = document
    lake.ingest_many(list(readable.values()))
    registry.set_status_many(list(readable), "parsed")
    return list(readable), quarantined


def process_versions(
    lake: Lake,
    versions: list[Version],
    settings: Settings,
    *,
    engine: GxEngine | None = None,
    refused: list[Problem] | None = None,
    documents: list[ParsedDocument] | None = None,
) -> Processed:
    """Ingest, check (the new documents together) and plan alerts for new versions.

    `documents` are the versions already read (one per version, in order), e.g. in parallel.
    """
    processed = Processed()
    processed.checked, processed.quarantined = ingest_versions(
        lake, versions, documents, settings.limits
    )
    if processed.checked:
        processed.run = check_documents(lake, processed.checked, engine)
        crash_point("after_findings_saved")
        Registry(lake).set_status_many(processed.checked, "checked")
        crash_point("after_checked")
        processed.planned = plan_alerts(lake, processed.run, settings)
    problems = [Problem(v.source, v.url, reason, v.sha256) for v, reason in processed.quarantined]
    problems += refused or []
    _record_problems(lake, problems)
    if problems:
        quarantine = plan_quarantine(lake, problems, settings)
        processed.planned.roots += quarantine.roots
        processed.planned.keys += quarantine.keys
    return processed


def _record_problems(lake: Lake, problems: list[Problem]) -> None:
    """A quarantined or refused document is a finding too (suite parse), stored once."""
    recorded = {
        doc_id
        for (doc_id,) in lake.query(
            "SELECT DISTINCT doc_id FROM findings WHERE \"check\" = 'quarantined'"
        )
    }
    problems = [p for p in problems if p.identity not in recorded]
    if not problems:
        return
    findings = [
        Finding(
            suite="parse",
            check="quarantined",
            severity="error",
            message=f"文档无法作为部门预算读取，已隔离：{p.reason}",
            observed=p.url,
            doc_id=p.identity,
        )
        for p in problems
    ]
    run = CheckRun(
        uuid.uuid4().hex,
        datetime.now(UTC).replace(tzinfo=None),
        [],
        findings=findings,
        fingerprints=[fingerprint("", 0, None, "quarantined", p.identity) for p in problems],
    )
    lake.save_check_run(run)
