"""The check catalogue: every suite file loads completely, and docs/checks.md is up to date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetdq.checks.catalog import EXPECTATIONS_DIR, CatalogError, load_suites
from budgetdq.checks.engine import GxEngine, SuiteLoadError
from budgetdq.checks.report import catalog_markdown

DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "checks.md"


def test_every_expectation_of_every_file_is_a_check() -> None:
    for suite in load_suites():
        document = json.loads(suite.path.read_text(encoding="utf-8"))
        assert len(suite.checks) == len(document["expectations"])


def test_every_suite_loads_completely_into_gx(engine: GxEngine) -> None:
    for suite in load_suites():
        expectations = [check.expectation for check in suite.checks]
        assert len(engine.suite(suite.name, expectations).expectations) == len(expectations)


def test_a_misspelled_expectation_type_is_refused(engine: GxEngine) -> None:
    misspelled = {
        "type": "expect_column_values_to_matc_regex",
        "kwargs": {"column": "line", "regex": "x"},
        "meta": {"check": "typo"},
    }
    with pytest.raises(SuiteLoadError, match="typo"):
        engine.suite("broken", [misspelled])


def test_incomplete_meta_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text(
        json.dumps({"name": "bad", "expectations": [{"type": "x", "meta": {"check": "a"}}]})
    )
    with pytest.raises(CatalogError, match="bad.json expectation 1: meta lacks severity"):
        load_suites.__wrapped__(tmp_path)


def test_docs_catalogue_is_generated_from_the_suites() -> None:
    assert DOCS.read_text(encoding="utf-8") == catalog_markdown() + "\n", (
        "docs/checks.md is stale: run `budgetdq checks --format markdown > docs/checks.md`"
    )


def test_suites_live_in_expectations() -> None:
    assert EXPECTATIONS_DIR.name == "expectations" and any(EXPECTATIONS_DIR.glob("*.json"))
