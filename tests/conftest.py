"""Shared fixtures: the four real disclosures (copied from the seeds into tests/fixtures/)."""

from __future__ import annotations

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
