"""Crash points for the crash-safety tests: `BUDGETDQ_CRASH_AT=<point>` kills the process there.

Each point names a step between two writes of a run (`after_checked`: the documents' status says
checked, their alerts are not planned yet). The tests kill a real run at each point with SIGKILL,
run again and compare the alerts with those of an uninterrupted run. Unset, nothing happens.
"""

from __future__ import annotations

import os
import signal

__all__ = ["CRASH_POINTS", "crash_point"]

CRASH_POINTS = (
    "after_files_written",
    "after_findings_saved",
    "after_checked",
    "in_alert_planning",
    "after_quarantined",
)


def crash_point(name: str) -> None:
    """Die here, as `kill -9` would, when `BUDGETDQ_CRASH_AT` names this point."""
    if os.environ.get("BUDGETDQ_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
