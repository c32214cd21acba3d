"""The command line: `parse` (text and the JSON contract), `ingest` and `run`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetdq.cli import app
from tests.conftest import FIXTURES, QUIET, SEEDS
from tests.pdfs import seed_pdf

runner = CliRunner()


def test_parse_json_contract() -> None:
    result = runner.invoke(app, ["parse", str(SEEDS["000"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)["documents"][0]
    assert set(document) == {
        "profile",
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
    assert document["profile"] == "beijing"
    expenditure = next(t for t in document["tables"] if t["kind"] == "expenditure")
    assert expenditure == {
        "kind": "expenditure",
        "title": "支出预算总表",
        "line": 40,
        "page": None,
        "unit": "万元",
        "understood": True,
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
            "page",
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
    assert "规则组" in result.output and "totals" in result.output


def test_check_json_has_findings_of_every_suite_and_exit_1_on_errors() -> None:
    result = runner.invoke(app, ["check", str(SEEDS["001"]), "--format", "json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)["documents"][0]
    suites = {finding["suite"] for finding in document["findings"]}
    assert {"parse", "totals"} <= suites
    line_38 = [f for f in document["findings"] if f["check"] == "summary_income_items"]
    assert line_38[0]["line"] == 38 and line_38[0]["severity"] == "error"


def test_check_text_report_groups_by_table() -> None:
    result = runner.invoke(app, ["check", str(SEEDS["001"])])
    assert result.exit_code == 1
    assert "收支总表" in result.output and "第38行" in result.output


def test_check_writes_the_lake_only_when_asked(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(SEEDS["000"]), "--lake", str(tmp_path)])
    assert (tmp_path / "budgetdq.duckdb").exists(), result.output


def test_checks_catalogue_lists_every_check() -> None:
    result = runner.invoke(app, ["checks", "--format", "markdown"])
    assert result.exit_code == 0 and "`expenditure_row_sum`" in result.output


def test_a_second_run_with_nothing_new_does_nothing_and_says_so(tmp_path: Path) -> None:
    arguments = ["run", "--source", str(FIXTURES), "--lake", str(tmp_path)]
    first = runner.invoke(app, arguments)
    assert "新增 4" in first.output, first.output
    second = runner.invoke(app, arguments)
    assert second.exit_code == 0 and "没有新的或变更的公开文件" in second.output


def test_parse_reads_a_pdf_and_says_the_page(tmp_path: Path) -> None:
    pdf = tmp_path / "002.pdf"
    pdf.write_bytes(seed_pdf("002"))
    result = runner.invoke(app, ["parse", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    (document,) = json.loads(result.output)["documents"]
    assert document["year"] == 2026 and len(document["tables"]) == 12
    assert all(f["page"] for f in document["findings"] if f["line"])


def test_run_writes_nothing_on_stderr_a_user_would_read_as_a_crash(tmp_path: Path) -> None:
    """A real process, as `make run` starts it: at exit DuckDB's bindings must not report leaks."""
    env = os.environ | QUIET | {"PREFECT_HOME": str(tmp_path / "prefect")}
    arguments = ["run", "--source", str(FIXTURES), "--lake", str(tmp_path / "lake")]
    result = subprocess.run(
        [sys.executable, "-m", "budgetdq", *arguments],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "新增 4" in result.stdout
    assert "nanobind" not in result.stderr and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("token", ["xoxb-1234５6789-Zq7secret", "xoxb-1234\n6789-Zq7secret"])
def test_a_malformed_slack_token_is_refused_at_start_up_and_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", token)
    result = runner.invoke(app, ["run", "--source", str(FIXTURES), "--lake", str(tmp_path)])
    assert result.exit_code == 2 and "SLACK_BOT_TOKEN" in result.output
    for part in ("xoxb", "1234", "6789", "Zq7secret"):
        assert part not in result.output
    assert not (tmp_path / "budgetdq.duckdb").exists()  # refused before anything ran
