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
