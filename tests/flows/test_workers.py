"""Several machines, on one: `deploy/setup.sh` against a Prefect server, two workers started by
`deploy/worker.sh`, and a burst of 20 discovery events. Every disclosure is processed exactly once:
one check run each, no duplicate rows, findings or alerts.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.objects import FlowRun

from budgetdq.lake import Lake
from flows import watch
from tests.processes import ROOT, child, wait_for

BURST = 20
LOCK = "budgetdq-lake"


@pytest.fixture
def deployed(prefect_env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """`deploy/setup.sh` run; yields the workers' environment. Removes what it made afterwards."""
    env = prefect_env | {
        "BUDGETDQ_LAKE": str(tmp_path / "lake"),
        "BUDGETDQ_LAKE_LOCK": LOCK,
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",  # the logs are in the workers' output
    }
    subprocess.run([str(ROOT / "deploy" / "setup.sh")], env=env, check=True, capture_output=True)
    try:
        yield env
    finally:
        with get_client(sync_client=True) as client:
            for deployment in client.read_deployments():
                client.delete_resource_owned_automations(f"prefect.deployment.{deployment.id}")
                client.delete_deployment(deployment.id)
            client.delete_work_pool("budgetdq")
            client.delete_global_concurrency_limit_by_name(LOCK)


def finished_runs(client: SyncPrefectClient) -> list[FlowRun] | None:
    """The process-disclosure runs once there are `BURST` of them and all have finished."""
    deployment = client.read_deployment_by_name("process-disclosure/budgetdq")
    runs = [r for r in client.read_flow_runs() if r.deployment_id == deployment.id]
    done = [r for r in runs if r.state is not None and r.state.is_final()]
    return done if len(done) >= BURST else None


def test_two_workers_process_a_burst_of_events_exactly_once(
    deployed: dict[str, str], tmp_path: Path
) -> None:
    site, lake = tmp_path / "site", Path(deployed["BUDGETDQ_LAKE"])
    synth = [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(site), "--docs", str(BURST)]
    subprocess.run(synth, check=True, capture_output=True)
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    worker = str(ROOT / "deploy" / "worker.sh")
    with (
        child([worker, "worker-a", "2"], deployed, logs[0]),
        child([worker, "worker-b", "2"], deployed, logs[1]),
        get_client(sync_client=True) as client,
    ):
        announced = watch(folder=str(site), lake=str(lake))["announced"]
        assert len(announced) == BURST
        runs = wait_for(
            "20 finished process-disclosure runs", lambda: finished_runs(client), 240, logs[0]
        )

    assert len(runs) == BURST
    assert all(r.state is not None and r.state.is_completed() for r in runs), [
        r.state for r in runs
    ]
    assert sorted(r.parameters["sha256"] for r in runs) == sorted(announced)
    for log in logs:
        assert "submitting flow run" in log.read_text(), f"{log.name} ran nothing"

    with Lake(lake, read_only=True) as store:

        def one(sql: str) -> object:
            [(value,)] = store.query(sql)
            return value

        assert store.query("SELECT DISTINCT status FROM disclosures") == [("checked",)]
        # Checked once: one run per document, every finding and outcome from that run.
        assert one("SELECT count(*) FROM doc_runs") == BURST
        assert one("SELECT count(DISTINCT doc_id) FROM doc_runs") == BURST
        duplicated = """SELECT count(*) FROM (SELECT doc_id, suite, "check", count(*) AS n
            FROM check_outcomes GROUP BY ALL HAVING n > 1)"""
        assert one(duplicated) == 0
        assert one("SELECT count(*) FROM findings f ANTI JOIN doc_runs r USING (run_id)") == 0
        assert one("SELECT count(DISTINCT doc_id) FROM findings") == BURST
        # Ingested once: one catalogue row per document and table, no row twice.
        assert one("SELECT count(*) FROM documents") == BURST
        assert one("SELECT count(*) - count(DISTINCT (doc_id, kind, line)) FROM tables") == 0
        for (kind,) in store.query("SELECT DISTINCT kind FROM tables"):
            twice = f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM {kind})) FROM {kind}"
            assert one(twice) == 0, kind
        # Alerted once: one thread per document (each its own department), one root message each.
        assert one("SELECT count(*) FROM alert_threads") == BURST
        assert store.query("SELECT kind, count(*) FROM outbox GROUP BY kind") == [("root", BURST)]
