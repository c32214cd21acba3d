"""Shared fixtures: the four real disclosures (copied from the seeds into tests/fixtures/), one GX
context, and a Prefect test server for the session.

The Prefect server is the harness: a real server (SQLite in a temporary directory) in a
subprocess, offline, with nothing phoned home; its `PREFECT_API_URL` is given to processes the
tests start (a `serve`, workers, `budgetdq run`) through `prefect_env`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from functools import cache
from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.parse.document import ParsedDocument, read_document

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = {path.name[:3]: path for path in sorted(FIXTURES.glob("*.txt"))}


@cache
def seed_document(seed: str) -> ParsedDocument:
    """The parsed seed `000`…`003` (parsed once per test session)."""
    return read_document(SEEDS[seed].read_bytes(), str(SEEDS[seed]))


@pytest.fixture(params=sorted(SEEDS))
def any_seed(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def engine() -> GxEngine:
    """One GX context for the session (importing GX takes seconds)."""
    return GxEngine()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test talks to servers on 127.0.0.1; httpx and slack-sdk would use a configured proxy."""
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


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
        with ExitStack() as harness:
            harness.enter_context(temporary_settings(updates=quiet))
            # The harness's server only: Prefect's test mode waits 30 s, not 60 s, on a locked
            # SQLite. Under a burst of several writers its server sometimes stalls until then.
            env.setenv("PREFECT_TESTING_UNIT_TEST_MODE", "1")
            harness.enter_context(prefect_test_harness())
            env.delenv("PREFECT_TESTING_UNIT_TEST_MODE")
            yield {
                **os.environ,
                **QUIET,
                "PREFECT_HOME": str(home),
                "PREFECT_API_URL": PREFECT_API_URL.value(),
            }
