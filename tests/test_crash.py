"""Crash safety: a writer killed halfway leaves no partial document; concurrent runs never ingest
a document twice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budgetdq.faults import CRASH_POINTS
from budgetdq.lake import Lake
from budgetdq.schema import KINDS
from tests.conftest import FIXTURES
from tests.processes import ROOT

BUDGETDQ = str(Path(sys.executable).with_name("budgetdq"))
DOCS = 30


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    command = [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(out), "--docs", str(DOCS)]
    subprocess.run(command, check=True, capture_output=True)
    return out


def rows_by_kind(lake: Path) -> dict[str, int]:
    with Lake(lake) as store:
        return {kind: store.query(f'SELECT count(*) FROM "{kind}"')[0][0] for kind in KINDS}


def test_an_ingest_killed_midway_leaves_no_partial_document(corpus: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    ingest = subprocess.Popen(
        [BUDGETDQ, "ingest", str(corpus), "--lake", str(lake)], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not any(lake.glob("kind=*/*/*/*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # into the stream of documents
    ingest.send_signal(signal.SIGKILL)
    assert ingest.wait() == -signal.SIGKILL, "the ingest finished before it could be killed"

    with Lake(lake) as store:
        documents = {doc_id for (doc_id,) in store.query("SELECT doc_id FROM documents")}
        assert len(documents) < DOCS
        for kind in KINDS:
            shown = {d for (d,) in store.query(f'SELECT DISTINCT doc_id FROM "{kind}"')}
            assert shown <= documents, f"{kind} shows rows of a document not committed"
        per_table = store.query('SELECT doc_id, kind, "rows" FROM tables WHERE "rows" > 0')
        for doc_id, kind, count in per_table:  # a committed document has all its rows
            rows = store.query(
                f'SELECT count(*) FROM "{kind}" WHERE doc_id = ? AND NOT is_total', [doc_id]
            )[0][0]
            assert rows >= count

    subprocess.run([BUDGETDQ, "ingest", str(corpus), "--lake", str(lake)], check=True)
    clean = tmp_path / "clean"
    subprocess.run([BUDGETDQ, "ingest", str(corpus), "--lake", str(clean)], check=True)
    assert rows_by_kind(lake) == rows_by_kind(clean)


def test_two_runs_at_once_ingest_each_document_once(
    prefect_env: dict[str, str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for path in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(path, site / path.name)
    lake = tmp_path / "lake"
    env = prefect_env  # the session's Prefect server: no temporary server per run
    command = [BUDGETDQ, "run", "--source", str(site), "--lake", str(lake)]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=280)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with Lake(lake) as store:
        assert store.query("SELECT count(*), count(DISTINCT doc_id) FROM documents") == [(4, 4)]
        runs_per_document = store.query(
            "SELECT doc_id, count(DISTINCT run_id) FROM doc_runs GROUP BY doc_id"
        )
        assert sorted(n for _, n in runs_per_document) == [1, 1, 1, 1]
        assert store.query("SELECT count(*) FROM outbox WHERE kind = 'root'") == [(4,)]


PROSE = "关于本目录\n\n这里存放从政府网站下载的部门预算公开文件，供质量检查程序读取。\n"


@pytest.fixture(scope="module")
def crash_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four seeds and a file of prose, which is quarantined."""
    site = tmp_path_factory.mktemp("crash-site")
    for path in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(path, site / path.name)
    (site / "README.txt").write_text(PROSE, encoding="utf-8")
    return site


def cycle(site: Path, lake: Path, crash_at: str | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("SLACK_BOT_TOKEN", "BUDGETDQ_CRASH_AT")}
    if crash_at:
        env["BUDGETDQ_CRASH_AT"] = crash_at
    command = [sys.executable, "-m", "tests.crash_run", str(site), str(lake)]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=240).returncode


def planned(lake: Path) -> tuple[list[tuple], ...]:
    """What a run leaves to deliver: the messages, the findings each thread holds, the versions."""
    with Lake(lake) as store:
        return (
            store.query("SELECT thread_key, kind, channel FROM outbox ORDER BY ALL"),
            store.query("SELECT thread_key, fingerprint, status FROM alert_findings ORDER BY ALL"),
            store.query("SELECT url, status, alerts_planned FROM disclosures ORDER BY ALL"),
        )


@pytest.fixture(scope="module")
def uninterrupted(crash_site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    lake = tmp_path_factory.mktemp("uninterrupted") / "lake"
    assert cycle(crash_site, lake) == 0
    return planned(lake)


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_run_killed_at_any_point_then_run_again_plans_the_alerts_of_an_uninterrupted_run(
    crash_site: Path, uninterrupted: tuple, tmp_path: Path, point: str
) -> None:
    lake = tmp_path / "lake"
    assert cycle(crash_site, lake, crash_at=point) == -signal.SIGKILL, point
    assert cycle(crash_site, lake) == 0
    assert planned(lake) == uninterrupted
