"""The event path's definitions: `deploy/prefect.yaml` and `flows.serve` state the same trigger.

The trigger at work: `test_service.py` (`budgetdq serve` on a real server) and `test_workers.py`
(the deployments of `deploy/prefect.yaml` run by two workers).
"""

from __future__ import annotations

import pytest
import yaml
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.events import DISCOVERED, RESOURCE_PREFIX, SHA256_FROM_EVENT, discovered_trigger
from flows.serve import NoPrefectServer, serve
from tests.processes import ROOT


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
