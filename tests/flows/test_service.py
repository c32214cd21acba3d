"""`budgetdq serve` as it runs in production: a real Prefect server (the harness runs no scheduler),
the `watch` deployment on its interval schedule, the discovery event, `process-disclosure`.

A document dropped into the watched folder ends as an alert in the outbox with no other help.
"""

from __future__ import annotations

from pathlib import Path

from prefect import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

from tests.conftest import FIXTURES
from tests.flows.processes import prefect_server, serving
from tests.processes import wait_for

SEED = FIXTURES / "003_1e24ecc40e022084.txt"


def test_a_dropped_document_is_alerted_by_the_service(
    prefect_env: dict[str, str], tmp_path: Path
) -> None:
    lake, inbox, home = tmp_path / "lake", tmp_path / "inbox", tmp_path / "server"
    inbox.mkdir()
    home.mkdir()
    (inbox / SEED.name).write_bytes(SEED.read_bytes())
    log = tmp_path / "serve.log"
    with prefect_server(prefect_env, home) as api:
        with serving(prefect_env | {"PREFECT_API_URL": api}, lake, inbox, log, every=5):
            wait_for(
                "the document's alert in the outbox (no watch run? Prefect 3.8.8's scheduler "
                "fails under SQLAlchemy 2.1: see server.log, pin sqlalchemy<2.1)",
                lambda: list((lake / "alerts").glob("*_042-2022-*_root_*.json")),
                90,
                log,
            )
        with (
            temporary_settings(updates={PREFECT_API_URL: api}),
            get_client(sync_client=True) as client,
        ):
            runs = {(run.flow_id, run.auto_scheduled) for run in client.read_flow_runs()}
            flows = {flow.id: flow.name for flow in client.read_flows()}
            assert client.read_automations() == []
    assert {(flows[flow], scheduled) for flow, scheduled in runs} >= {
        ("watch", True),
        ("process-disclosure", False),
    }
