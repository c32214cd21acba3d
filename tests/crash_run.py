"""Runs for the crash tests to kill: one cycle over a folder as `budgetdq run` makes it (watch,
ingest, check, plan alerts, deliver to Slack, publish the snapshot), without Prefect.

    python -m tests.crash_run

reads one JSON command per line on stdin, `{"site": …, "lake": …, "slack_url": …, "crash_at": …}`,
runs each cycle in a child process forked for it and answers its exit status on stdout (`-9` when
a crash point killed it, see `budgetdq.faults`). Forking from this process, where the imports and
the GX suites are already loaded, makes a cycle take a second or two instead of ten.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

from budgetdq.alerts.deliver import deliver_pending
from budgetdq.alerts.outbox import Outbox
from budgetdq.checks.engine import GxEngine
from budgetdq.lake import Lake
from budgetdq.pipeline import process_versions, watch
from budgetdq.registry import Registry
from budgetdq.settings import Settings
from budgetdq.sources import sources_for

TOKEN = "xoxb-crash-test"
CHANNEL = "#budget-quality"


def cycle(engine: GxEngine, site: str, lake: str, slack_url: str) -> None:
    settings = Settings(slack_bot_token=TOKEN, slack_api_url=slack_url, slack_channel=CHANNEL)
    with Lake(lake) as store:
        watch(store, sources_for(None, Path(site)))  # as `budgetdq run --source site`
        process_versions(store, Registry(store).pending(), settings, engine=engine)
        deliver_pending(Outbox(store), settings)


def main() -> None:
    engine = GxEngine()
    for line in sys.stdin:
        command = json.loads(line)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                if command.get("crash_at"):
                    os.environ["BUDGETDQ_CRASH_AT"] = command["crash_at"]
                cycle(engine, command["site"], command["lake"], command["slack_url"])
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                sys.stderr.flush()
                os._exit(status)
        _, wait_status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(wait_status), flush=True)


if __name__ == "__main__":
    main()
