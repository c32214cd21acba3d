"""Crash points for the crash-safety tests: `BUDGETDQ_CRASH_AT=<point>` kills the process there.

Each point names a step between two writes of a run, from a document stored to its alerts
delivered (`after_checked`: the documents' status says checked, their alerts are not planned yet).
The tests kill a real run at each point with SIGKILL, run again and compare Slack and the lake with
an uninterrupted run's. Unset, nothing happens.
"""

from __future__ import annotations

import os
import signal

__all__ = ["CRASH_POINTS", "crash_point"]

CRASH_POINTS = (
    "after_raw_stored",  # the raw file is written, its version not recorded
    "after_files_written",  # a document's Parquet files are written, the catalogue not committed
    "after_findings_saved",
    "after_checked",
    "in_alert_planning",  # an alert file is written, the planning transaction open
    "after_quarantined",
    "after_attempt_recorded",  # a delivery attempt is recorded, the message not posted
    "after_slack_accepted",  # Slack stored the post, its `ts` is not recorded
    "after_root_updated",  # Slack updated a thread's root, the update is not marked sent
    "before_snapshot_published",  # the catalogue checkpointed, the readers' snapshot not copied
)


def crash_point(name: str) -> None:
    """Die here, as `kill -9` would, when `BUDGETDQ_CRASH_AT` names this point."""
    if os.environ.get("BUDGETDQ_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
