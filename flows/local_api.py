"""Prefect's temporary API for one `budgetdq run`, which lives and dies with the run.

Without `PREFECT_API_URL` Prefect starts a temporary API server as a child process and stops it at
exit, but a run killed with SIGKILL (the OOM killer, `kill -9`, a CI time-out) leaves that server
running for ever. This starts the same server itself, with the kernel's parent-death signal
(Linux `PR_SET_PDEATHSIG`): when the run dies, whichever way, the server is sent SIGTERM. Elsewhere
than Linux, or with a server configured, Prefect's own behaviour is kept.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import prefect
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    get_current_settings,
    temporary_settings,
)

__all__ = ["local_api"]

_PR_SET_PDEATHSIG = 1
_PORT_IN_USE = 3  # uvicorn's exit status when it cannot bind


@contextmanager
def local_api() -> Iterator[None]:
    """Run the body against a temporary Prefect API tied to this process (see the module)."""
    if PREFECT_API_URL.value() or not sys.platform.startswith("linux"):
        yield
        return
    server, url = _start()
    # Stopped at exit, after Prefect has sent its last events to it (its workers drain at exit).
    atexit.register(_stop, server)
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _start() -> tuple[subprocess.Popen[bytes], str]:
    deadline = time.monotonic() + PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    while True:
        port = _free_port()
        server = _launch(port)
        url = f"http://127.0.0.1:{port}/api"
        while time.monotonic() < deadline:
            status = server.poll()
            if status == _PORT_IN_USE:
                break  # taken meanwhile: another port
            if status is not None:
                raise RuntimeError(f"Prefect's temporary API server exited with status {status}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return server, url
            except OSError:
                time.sleep(0.1)
        else:
            server.kill()
            server.wait()
            raise RuntimeError("Prefect's temporary API server did not start in time")


def _launch(port: int) -> subprocess.Popen[bytes]:
    """Prefect's own command for its temporary server, started with the parent-death signal."""
    parent = os.getpid()

    def die_with_parent() -> None:  # runs in the child, before exec
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the signal was set
            os._exit(1)

    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(Path(prefect.__file__).parent.parent),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **get_current_settings().to_environment_variables(exclude_unset=True),
    }
    return subprocess.Popen(command, env=env, preexec_fn=die_with_parent)  # noqa: PLW1509


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
