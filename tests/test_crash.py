"""Crash safety: a writer killed halfway leaves no partial document; concurrent runs never ingest
a document twice."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from budgetdq.faults import CRASH_POINTS
from budgetdq.lake import Lake
from budgetdq.schema import KINDS
from tests.alerts.slack_server import FakeSlack
from tests.conftest import FIXTURES, SEEDS
from tests.crash_run import CHANNEL, TOKEN
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
CORRECTION = SEEDS["002"].read_text(encoding="utf-8").replace("895.389700", "679.389700", 1)
"""Seed 002 with its “三公” total fixed: a finding resolved."""

SCENARIOS = [(1, point) for point in CRASH_POINTS if point != "after_root_updated"] + [
    (2, "after_raw_stored"),  # the correction is stored
    (2, "in_alert_planning"),  # its reply is planned, the root update not yet
    (2, "after_attempt_recorded"),
    (2, "after_slack_accepted"),  # Slack has the reply
    (2, "after_root_updated"),
]
"""(round, point): round 1 publishes a seed and a file of prose (quarantined); round 2 a correction
of the seed, which replies in its thread and updates the root."""


class Cycles:
    """The crash-run server (`tests.crash_run`): each call runs one cycle in a forked child."""

    def __init__(self, log: Path):
        env = {
            k: v for k, v in os.environ.items() if k not in ("SLACK_BOT_TOKEN", "BUDGETDQ_CRASH_AT")
        }
        self.log = log
        self.server = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
        )

    def __call__(
        self, site: Path, lake: Path, slack: FakeSlack, crash_at: str | None = None
    ) -> int:
        assert self.server.stdin and self.server.stdout
        command = {"site": str(site), "lake": str(lake), "slack_url": slack.base_url}
        self.server.stdin.write(json.dumps({**command, "crash_at": crash_at}) + "\n")
        self.server.stdin.flush()
        ready, _, _ = select.select([self.server.stdout], [], [], 240)
        assert ready, f"no cycle finished in 240 s:\n{self.log.read_text()[-3000:]}"
        return int(self.server.stdout.readline())

    def close(self) -> None:
        assert self.server.stdin
        self.server.stdin.close()
        self.server.wait(timeout=30)


@pytest.fixture(scope="module")
def cycles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cycles]:
    server = Cycles(tmp_path_factory.mktemp("crash-run") / "stderr.log")
    yield server
    server.close()


@pytest.fixture(scope="module")
def crash_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("crash-site")
    shutil.copy(SEEDS["002"], site / SEEDS["002"].name)
    (site / "README.txt").write_text(PROSE, encoding="utf-8")
    return site


def correct(site: Path) -> Path:
    """A copy of the site with the seed corrected."""
    corrected = site.parent / f"{site.name}-corrected"
    shutil.copytree(site, corrected, dirs_exist_ok=True)
    (corrected / SEEDS["002"].name).write_text(CORRECTION, encoding="utf-8")
    return corrected


def outcome(slack: FakeSlack, lake: Path) -> tuple:
    """What finance staff see in Slack and what the lake holds, without ids made at random."""
    channel = slack.channel(CHANNEL)
    threads = sorted(
        (
            root["text"],
            json.dumps(root["blocks"], ensure_ascii=False),
            [(r["text"], r["blocks"]) for r in slack.replies(channel, root["ts"])],
        )
        for root in slack.roots(channel)
    )
    with Lake(lake) as store:
        held = (
            store.query("SELECT thread_key, kind, channel, status FROM outbox ORDER BY ALL"),
            store.query("SELECT thread_key, fingerprint, status FROM alert_findings ORDER BY ALL"),
            store.query(
                "SELECT url, version, status, alerts_planned FROM disclosures ORDER BY ALL"
            ),
            store.query(  # what every reader sees: the latest check run of each document
                'SELECT doc_id, "check", line, severity FROM findings '
                "WHERE (doc_id, run_id) IN (SELECT doc_id, arg_max(run_id, checked_at) "
                "FROM doc_runs GROUP BY doc_id) ORDER BY ALL"
            ),
            store.query('SELECT doc_id, kind, "rows" FROM tables ORDER BY ALL'),
        )
    with Lake(lake, read_only=True) as snapshot:
        published = snapshot.query(
            "SELECT url, status, alerts_planned FROM disclosures ORDER BY ALL"
        )
    return threads, held, published


@pytest.fixture(scope="module")
def uninterrupted(
    cycles: Cycles, crash_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple]:
    """The outcome after round 1 and after round 2 of runs that nothing interrupts."""
    lake = tmp_path_factory.mktemp("uninterrupted") / "lake"
    with FakeSlack(token=TOKEN) as slack:
        assert cycles(crash_site, lake, slack) == 0
        after_first = outcome(slack, lake)
        assert cycles(correct(crash_site), lake, slack) == 0
        return [after_first, outcome(slack, lake)]


@pytest.mark.parametrize(("round_", "point"), SCENARIOS, ids=[f"{r}-{p}" for r, p in SCENARIOS])
def test_a_run_killed_at_any_point_then_run_again_ends_as_an_uninterrupted_run(
    cycles: Cycles,
    crash_site: Path,
    uninterrupted: list[tuple],
    tmp_path: Path,
    round_: int,
    point: str,
) -> None:
    """Killed (SIGKILL) at `point` in `round_`, then run again: Slack and the lake are exactly as
    after the uninterrupted runs, every message delivered once."""
    lake = tmp_path / "lake"
    with FakeSlack(token=TOKEN) as slack:
        if round_ == 2:
            assert cycles(crash_site, lake, slack) == 0
        site = crash_site if round_ == 1 else correct(crash_site)
        assert cycles(site, lake, slack, crash_at=point) == -signal.SIGKILL, point
        assert cycles(site, lake, slack) == 0
        assert outcome(slack, lake) == uninterrupted[round_ - 1]


def run_processes(marker: str) -> list[str]:
    """The command lines of the processes whose environment carries `marker`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:  # gone, or not ours
            continue
    return found


def test_budgetdq_run_killed_leaves_no_process_and_the_next_run_ends_as_an_uninterrupted_one(
    cycles: Cycles, crash_site: Path, uninterrupted: list[tuple], tmp_path: Path
) -> None:
    """`budgetdq run` (Prefect, its temporary API server, Slack) killed after the check: nothing
    of it is left running, the token is in no output and no file (Prefect's database included),
    and the next run (a cycle, as above) ends exactly as an uninterrupted one."""
    marker = f"budgetdq-crash-{uuid.uuid4().hex}"
    lake = tmp_path / "lake"
    with FakeSlack(token=TOKEN) as slack:
        env = {
            **{
                k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "BUDGETDQ"))
            },
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": slack.base_url,
            "SLACK_CHANNEL": CHANNEL,
            "CRASH_TEST_MARKER": marker,
        }
        command = [BUDGETDQ, "run", "--source", str(crash_site), "--lake", str(lake)]
        killed = subprocess.run(
            command,
            env={**env, "BUDGETDQ_CRASH_AT": "after_checked"},
            capture_output=True,
            timeout=240,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-3000:]
        deadline = time.monotonic() + 20
        while run_processes(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert run_processes(marker) == []
        assert cycles(crash_site, lake, slack) == 0
        assert outcome(slack, lake) == uninterrupted[0]
    secret = TOKEN.encode()
    for output in (killed.stdout, killed.stderr):
        assert secret not in output
    for path in [*(tmp_path / "prefect").rglob("*"), *lake.rglob("*")]:
        assert not path.is_file() or secret not in path.read_bytes(), path
