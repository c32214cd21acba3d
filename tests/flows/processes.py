"""Child processes the flow tests start: `python -m flows.serve`, and a real Prefect server.

Each is stopped with SIGINT, as Ctrl-C would (a process started from a test does not ignore it),
then killed if it does not stop within 30 s.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
PREFECT = Path(sys.executable).with_name("prefect")
T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, log: Path) -> T:
    """`probe()` once it is truthy (errors count as not yet); fails with the log's end."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if found := probe():
                return found
        except Exception:  # not up yet
            pass
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{log.read_text()[-4000:]}")


@contextmanager
def child(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` from the repository root, output to `log`, until the block ends."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"{command[:3]} did not stop on SIGINT\n{log.read_text()[-4000:]}")


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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api"
    log = home / "server.log"
    command = [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with child(command, env | {"PREFECT_HOME": str(home)}, log):
        wait_for("the Prefect server", lambda: urllib.request.urlopen(f"{api}/health"), 60, log)
        yield api
