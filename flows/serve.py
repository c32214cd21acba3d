"""Serve the two deployments from this process: `watch` on an interval, `process-disclosure` on
each discovery event.

    PREFECT_API_URL=http://127.0.0.1:4200/api python -m flows.serve --config budgetdq.toml --lake /srv/lake

(`budgetdq serve` calls `serve()`.) It needs a Prefect server (`PREFECT_API_URL`): the event
trigger is an automation on the server. Flow runs execute in subprocesses of this process, at most
`limit` at a time. On shutdown (Ctrl-C, SIGTERM) the watch schedule is paused and the trigger's
automation deleted, so a stopped service leaves no runs to pile up as Late.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

import prefect
from prefect import get_client
from prefect.deployments.runner import RunnerDeployment
from prefect.logging import get_logger
from prefect.settings import PREFECT_API_URL

from budgetdq.lake import lake_path
from flows.events import discovered_trigger
from flows.process import process_disclosure
from flows.tasks import DEFAULT_SECRET_BLOCK
from flows.watch import watch

__all__ = ["WATCH_EVERY", "NoPrefectServer", "deployments", "serve"]

WATCH_EVERY = timedelta(minutes=10)
log = get_logger("budgetdq.serve")


class NoPrefectServer(RuntimeError):
    """`serve` needs a Prefect server: its trigger is an automation kept there."""

    def __init__(self) -> None:
        super().__init__(
            "serving needs a Prefect server: start one with `prefect server start --host "
            "127.0.0.1` and set PREFECT_API_URL=http://127.0.0.1:4200/api (see deploy/README.md)"
        )


def deployments(
    config: str | Path | None = None,
    lake: str | Path | None = None,
    *,
    folder: str | Path | None = None,
    watch_every: timedelta = WATCH_EVERY,
    slack_secret_block: str = DEFAULT_SECRET_BLOCK,
) -> list[RunnerDeployment]:
    """The `watch` and `process-disclosure` deployments, with absolute paths as parameters.

    Both are named `budgetdq` (`watch/budgetdq`, `process-disclosure/budgetdq`).
    """
    common = {
        "config": str(Path(config).resolve()) if config else None,
        "lake": str(lake_path(lake).resolve()),
        "slack_secret_block": slack_secret_block,
    }
    watching = RunnerDeployment.from_flow(
        watch,
        name="budgetdq",
        interval=watch_every,
        parameters=common | {"folder": str(Path(folder).resolve()) if folder else None},
        description="Poll the sources; announce each new version (budgetdq.disclosure.discovered).",
    )
    processing = RunnerDeployment.from_flow(
        process_disclosure,
        name="budgetdq",
        triggers=[discovered_trigger()],
        parameters=common,
        description="Ingest, check and alert one version, on each discovery event.",
    )
    return [watching, processing]


def serve(
    config: str | Path | None = None,
    lake: str | Path | None = None,
    *,
    folder: str | Path | None = None,
    watch_every: timedelta = WATCH_EVERY,
    limit: int | None = 4,
    slack_secret_block: str = DEFAULT_SECRET_BLOCK,
) -> None:
    """Serve `deployments(...)` until interrupted; at most `limit` flow runs at a time.

    Blocks until Ctrl-C (SIGINT) or SIGTERM. Raises `NoPrefectServer` without `PREFECT_API_URL`.
    """
    if not PREFECT_API_URL.value():
        raise NoPrefectServer()
    served = deployments(
        config, lake, folder=folder, watch_every=watch_every, slack_secret_block=slack_secret_block
    )
    try:
        prefect.serve(*served, limit=limit)
    finally:
        remove_triggers(served)


def remove_triggers(served: list[RunnerDeployment]) -> None:
    """Delete the automations the deployments' triggers created (they outlive `serve`)."""
    with get_client(sync_client=True) as client:
        for deployment in served:
            if not deployment.triggers:
                continue
            found = client.read_deployment_by_name(f"{deployment.flow_name}/{deployment.name}")
            client.delete_resource_owned_automations(f"prefect.deployment.{found.id}")
            log.info(
                "removed the trigger automation of %s/%s", deployment.flow_name, deployment.name
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m flows.serve", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--config", help="config TOML (settings and [[sources]])")
    parser.add_argument("--lake", help="lake directory (default $BUDGETDQ_LAKE or data_lake/)")
    parser.add_argument("--folder", help="watch this folder instead of the configured sources")
    parser.add_argument(
        "--every",
        type=float,
        default=WATCH_EVERY.total_seconds(),
        help="seconds between watch runs (default 600)",
    )
    parser.add_argument("--limit", type=int, default=4, help="flow runs at a time (default 4)")
    args = parser.parse_args(argv)
    try:
        serve(
            args.config,
            args.lake,
            folder=args.folder,
            watch_every=timedelta(seconds=args.every),
            limit=args.limit,
        )
    except NoPrefectServer as exc:
        parser.exit(2, f"{exc}\n")


if __name__ == "__main__":
    main()
