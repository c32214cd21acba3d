"""A Prefect test server for the session: flows run against it, offline, with nothing phoned home.

The harness is a real Prefect server (SQLite in a temporary directory) in a subprocess; its
`PREFECT_API_URL` is given to processes the tests start (a `serve`) through `prefect_env`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
}


@pytest.fixture(scope="session")
def prefect_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The harness running; yields the environment a child process needs to use it."""
    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as env:
        for name, value in QUIET.items():
            env.setenv(name, value)
        env.setenv("PREFECT_HOME", str(home))
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            PREFECT_HOME,
            PREFECT_SERVER_ANALYTICS_ENABLED,
            temporary_settings,
        )
        from prefect.testing.utilities import prefect_test_harness

        quiet = {
            PREFECT_HOME: str(home),
            PREFECT_SERVER_ANALYTICS_ENABLED: False,
            # The heartbeat costs ~0.9 s per flow call and no environment variable turns it off.
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
        }
        with temporary_settings(updates=quiet), prefect_test_harness():
            yield {
                **os.environ,
                **QUIET,
                "PREFECT_HOME": str(home),
                "PREFECT_API_URL": PREFECT_API_URL.value(),
            }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder source with the four seeds."""
    folder = tmp_path / "site"
    folder.mkdir()
    for path in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder
