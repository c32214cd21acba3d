"""The event path: `watch` announces a version, the served trigger runs `process-disclosure` on it.

`flows.serve` runs in a process of its own against the test harness's server, as `budgetdq serve`
would (the harness runs no scheduler: `test_service.py` runs the schedule on a real server).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from prefect import get_client
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings

from budgetdq.lake import Lake
from flows import watch
from flows.events import DISCOVERED, RESOURCE_PREFIX, SHA256_FROM_EVENT, discovered_trigger
from flows.serve import NoPrefectServer, serve
from tests.conftest import FIXTURES
from tests.flows.processes import serving
from tests.processes import ROOT, wait_for

SEED = FIXTURES / "000_586d32f094f53e44.txt"


def automation_of(client: SyncPrefectClient, name: str) -> str | None:
    """The id of the deployment `name` once its trigger's automation exists."""
    deployment = client.read_deployment_by_name(name)
    owned = client.read_resource_related_automations(f"prefect.deployment.{deployment.id}")
    return str(deployment.id) if owned else None


def completed_run(client: SyncPrefectClient, deployment_id: str, sha256: str) -> FlowRun | None:
    """A finished run of the deployment for this sha256 (the trigger's template rendered it)."""
    for run in client.read_flow_runs():
        ours = str(run.deployment_id) == deployment_id and run.parameters.get("sha256") == sha256
        if ours and run.state is not None and run.state.is_final():
            return run
    return None


def test_discovery_event_runs_process_disclosure(
    prefect_env: dict[str, str], tmp_path: Path
) -> None:
    """A discovery event runs process-disclosure for its sha256; stopping serve removes the trigger."""
    lake, inbox, site, log = (tmp_path / name for name in ("lake", "inbox", "site", "serve.log"))
    inbox.mkdir()
    site.mkdir()
    (site / SEED.name).write_bytes(SEED.read_bytes())
    with serving(prefect_env, lake, inbox, log), get_client(sync_client=True) as client:
        deployment_id = wait_for(
            "the process-disclosure deployment and its trigger",
            lambda: automation_of(client, "process-disclosure/budgetdq"),
            60,
            log,
        )

        summary = watch(folder=str(site), lake=str(lake))
        [sha256] = summary["new"]
        assert summary["announced"] == [sha256]

        run = wait_for(
            "the triggered process-disclosure run",
            lambda: completed_run(client, deployment_id, sha256),
            60,
            log,
        )
        assert run.state is not None and run.state.is_completed(), run.state
        assert run.parameters["lake"] == str(lake.resolve())

    with Lake(lake, read_only=True) as store:
        [(findings,)] = store.query("SELECT count(*) FROM findings WHERE doc_id = ?", [sha256])
        [(status,)] = store.query("SELECT status FROM disclosures WHERE sha256 = ?", [sha256])
    assert findings > 0 and status == "checked"
    with get_client(sync_client=True) as client:
        assert client.read_automations() == [], "a stopped serve must remove its trigger"


def test_prefect_yaml_states_the_same_deployments_and_trigger() -> None:
    spec = yaml.safe_load((ROOT / "deploy" / "prefect.yaml").read_text(encoding="utf-8"))
    by_name = {d["entrypoint"]: d for d in spec["deployments"]}
    assert set(by_name) == {"flows/watch.py:watch", "flows/process.py:process_disclosure"}
    assert by_name["flows/watch.py:watch"]["schedules"][0]["interval"] == 600
    [trigger] = by_name["flows/process.py:process_disclosure"]["triggers"]
    code = discovered_trigger()
    assert set(trigger["expect"]) == code.expect == {DISCOVERED}
    assert trigger["match"] == {"prefect.resource.id": f"{RESOURCE_PREFIX}*"}
    assert set(trigger["for_each"]) == code.for_each
    assert trigger["parameters"] == {"sha256": SHA256_FROM_EVENT}
    for deployment in spec["deployments"]:
        assert deployment["work_pool"]["name"] == "budgetdq"


def test_serve_needs_a_prefect_server(prefect_env: dict[str, str]) -> None:
    with temporary_settings(restore_defaults={PREFECT_API_URL}), pytest.raises(NoPrefectServer):
        serve(lake="unused")
