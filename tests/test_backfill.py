"""`budgetdq backfill` over a synthetic corpus: every document once, every injected defect found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetdq.cli import app
from budgetdq.lake import Lake
from tests.processes import ROOT

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    command = [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(out)]
    subprocess.run([*command, "--docs", "12", "--defect-rate", "0.6", "--seed", "3"], check=True)
    return out


def test_synth_writes_consistent_disclosures_and_a_manifest(corpus: Path) -> None:
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["documents"] == 12 and len(list(corpus.glob("*.txt"))) == 12
    assert manifest["defects"], "a rate of 0.6 over 9 tab-separated documents injects some"
    again = corpus.parent / "again"
    command = [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(again)]
    subprocess.run([*command, "--docs", "12", "--defect-rate", "0.6", "--seed", "3"], check=True)
    assert (again / "000005.txt").read_bytes() == (corpus / "000005.txt").read_bytes()


def test_backfill_checks_every_document_once_and_finds_every_defect(
    corpus: Path, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    arguments = ["backfill", str(corpus), "--lake", str(lake), "--batch", "5", "--workers", "2"]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "12/12" in result.output and "12 份文档，3 批，检查 12，隔离 0" in result.output
    manifest = json.loads((corpus / "manifest.json").read_text())
    with Lake(lake, read_only=True) as store:
        assert store.query("SELECT count(*), count(DISTINCT doc_id) FROM documents") == [(12, 12)]
        assert store.query("SELECT DISTINCT status FROM disclosures") == [("checked",)]
        found = set(
            store.query(
                'SELECT d.url, f.line, f."check" FROM findings f '
                "JOIN disclosures d ON d.sha256 = f.doc_id"
            )
        )
    for defect in manifest["defects"]:
        url = str(corpus / defect["file"])
        assert (url, defect["line"], defect["check"]) in found, defect

    again = runner.invoke(app, arguments)
    assert again.exit_code == 0 and "0 份文档，0 批" in again.output
