"""`flows.tasks.open_lake` with `BUDGETDQ_LAKE_LOCK`: the Prefect server's concurrency limit lets one
flow run hold the lake at a time, whatever the file system's locks do; a missing limit is an error.

Both holders are threads of this process, where DuckDB's file lock does not separate them (one
process shares one database instance): only the Prefect limit does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

from flows.tasks import LAKE_LOCK_VARIABLE, open_lake

LOCK = "budgetdq-lake-lock-test"


@pytest.fixture
def lock(prefect_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A global concurrency limit of 1, named by BUDGETDQ_LAKE_LOCK."""
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=LOCK, limit=1))
    monkeypatch.setenv(LAKE_LOCK_VARIABLE, LOCK)
    try:
        yield LOCK
    finally:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name(LOCK)


def test_one_holder_at_a_time(lock: str, tmp_path: Path) -> None:
    events: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with open_lake(tmp_path / "lake"):
            events.append("first in")
            holding.set()
            release.wait(60)
            events.append("first out")

    def second() -> None:
        with open_lake(tmp_path / "lake"):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert holding.wait(60)
    threads[1].start()
    threads[1].join(timeout=3)
    assert threads[1].is_alive() and events == ["first in"], "the second holder did not wait"
    release.set()
    for thread in threads:
        thread.join(timeout=120)
    assert events == ["first in", "first out", "second in"]


def test_a_missing_limit_is_an_error(
    prefect_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(LAKE_LOCK_VARIABLE, "no-such-limit")
    missing = "'no-such-limit'.* must be created before acquiring slots"
    with pytest.raises(Exception, match=missing), open_lake(tmp_path / "lake"):
        pass
    assert not (tmp_path / "lake").exists(), "the lake was opened without its lock"
