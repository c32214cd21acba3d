"""The flow tests' child processes: `python -m flows.serve`, and a real Prefect server."""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.processes import ROOT, child, free_port, wait_for

PREFECT = Path(sys.executable).with_name("prefect")


@contextmanager
def serving(
    env: dict[str, str], lake: Path, inbox: Path, log: Path, every: float = 3600
) -> Iterator[None]:
    """`python -m flows.serve`: watch `inbox` every `every` seconds into `lake`."""
    command = [sys.executable, "-m", "flows.serve", "--lake", str(lake), "--folder", str(inbox)]
    command += ["--every", str(every), "--limit", "2"]
    env = env | {"PREFECT_RUNNER_POLL_FREQUENCY": "1", "PYTHONPATH": str(ROOT)}
    with child(command, env, log):
        yield


@contextmanager
def prefect_server(env: dict[str, str], home: Path) -> Iterator[str]:
    """`prefect server start` on a free port with its SQLite in `home`; yields its API URL."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    log = home / "server.log"
    command = [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with child(command, env | {"PREFECT_HOME": str(home)}, log):
        wait_for("the Prefect server", lambda: urllib.request.urlopen(f"{api}/health"), 60, log)
        yield api
