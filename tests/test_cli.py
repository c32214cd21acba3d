"""The command line: `parse` (text and the JSON contract), `ingest` and `run`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from budgetdq.cli import app
from tests.conftest import FIXTURES, SEEDS

runner = CliRunner()


def test_parse_json_contract() -> None:
    result = runner.invoke(app, ["parse", str(SEEDS["000"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)["documents"][0]
    assert set(document) == {
        "path",
        "doc_id",
        "department",
        "year",
        "tables",
        "coverage",
        "findings",
    }
    assert document["department"] == {"code": "105", "name": "北京市朝阳区应急管理局"}
    assert document["year"] == 2023
    expenditure = next(t for t in document["tables"] if t["kind"] == "expenditure")
    assert expenditure == {
        "kind": "expenditure",
        "title": "支出预算总表",
        "line": 40,
        "unit": "万元",
        "rows": 41,
        "projects": None,
        "total": "8827.585913",
    }
    assert set(document["coverage"]) == {"lines", "consumed", "unparsed"}
    for finding in document["findings"]:
        assert set(finding) == {
            "suite",
            "check",
            "severity",
            "table",
            "line",
            "message",
            "observed",
            "expected",
        }


def test_parse_text_inventory() -> None:
    result = runner.invoke(app, ["parse", str(FIXTURES)])
    assert result.exit_code == 0, result.output
    assert "支出预算总表" in result.output and "北京市朝阳区人民政府" in result.output


def test_unreadable_path_is_reported_not_fatal(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path / "missing.txt"), "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.output)["documents"][0]
    assert document["findings"][0]["check"] == "file_not_found"


def test_usage_error_exits_2() -> None:
    assert runner.invoke(app, ["parse", "--format", "xml", "x"]).exit_code == 2


def test_run_ingests_into_the_lake(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--source", str(FIXTURES), "--lake", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "budgetdq.duckdb").exists()
    assert len(list(tmp_path.glob("kind=summary/*/*/*.parquet"))) == 4
