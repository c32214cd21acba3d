"""The flow tests' fixtures (the Prefect test server, `prefect_env`, is in tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder source with the four seeds."""
    folder = tmp_path / "site"
    folder.mkdir()
    for path in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder
