"""Processing stored versions: one per discovery event (`process-disclosure`), or many (`backfill`).

Both ingest, check and plan alerts with `budgetdq.pipeline.process_versions`, then deliver the
alerts when a Slack token is available (`SLACK_BOT_TOKEN`, the config file, or the Prefect Secret
block `slack_secret_block`); without one the alerts stay in the outbox (`<lake>/alerts/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from budgetdq.lake import Lake
from budgetdq.pipeline import Processed
from budgetdq.registry import Registry, Version
from flows.tasks import DEFAULT_SECRET_BLOCK, deliver_alerts, load_config, process

__all__ = ["backfill", "process_disclosure"]


class UnknownVersion(LookupError):
    """A sha256 the lake's registry has no version of."""

    def __init__(self, sha256: str, lake: Path) -> None:
        super().__init__(
            f"no stored version with sha256 {sha256} in the lake {lake}: was it discovered by a "
            "watch run on this same lake? (`budgetdq run` or the `watch` flow stores documents)"
        )
        self.sha256 = sha256
        self.lake = lake


@flow(name="process-disclosure", persist_result=False)
def process_disclosure(
    sha256: str,
    config: str | Path | None = None,
    lake: str | Path | None = None,
    slack_secret_block: str = DEFAULT_SECRET_BLOCK,
) -> dict[str, Any]:
    """Ingest, check and alert one stored version; a version already processed is left alone.

    Raises `UnknownVersion` when the registry has no version with this sha256.
    """
    logger = get_run_logger()
    settings = load_config(config, slack_secret_block)
    with Lake(lake) as store:
        registry = Registry(store)
        version = registry.version(sha256)
        if version is None:
            raise UnknownVersion(sha256, store.root)
        if sha256 not in {v.sha256 for v in registry.pending()}:
            logger.info(
                "%s (%s) was already processed (checked or quarantined): nothing to do",
                version.url,
                sha256[:12],
            )
            return _summary([version], None)
        logger.info("processing %s (%s, version %d)", version.url, sha256[:12], version.version)
        processed = process(store, [version], settings)
        deliver_alerts(store, settings)
    return _summary([version], processed)


@flow(name="backfill", persist_result=False)
def backfill(
    sha256s: list[str] | None = None,
    config: str | Path | None = None,
    lake: str | Path | None = None,
    slack_secret_block: str = DEFAULT_SECRET_BLOCK,
) -> dict[str, Any]:
    """Process the given versions (again, if they were processed before), or else every pending
    version, in one batch: the documents are checked together.

    Raises `UnknownVersion` for a sha256 the registry does not have, before processing any.
    """
    logger = get_run_logger()
    settings = load_config(config, slack_secret_block)
    with Lake(lake) as store:
        registry = Registry(store)
        if sha256s:
            versions = [_stored(registry, sha, store.root) for sha in dict.fromkeys(sha256s)]
        else:
            versions = registry.pending()
            logger.info("%d pending version(s) in %s", len(versions), store.root)
        processed = process(store, versions, settings) if versions else None
        deliver_alerts(store, settings)
    return _summary(versions, processed)


def _stored(registry: Registry, sha256: str, lake: Path) -> Version:
    version = registry.version(sha256)
    if version is None:
        raise UnknownVersion(sha256, lake)
    return version


def _summary(versions: list[Version], processed: Processed | None) -> dict[str, Any]:
    """What a flow run did, small and JSON-serialisable (shown as the run's result)."""
    if processed is None:
        return {"versions": [v.sha256 for v in versions], "processed": False}
    return {
        "versions": [v.sha256 for v in versions],
        "processed": True,
        "checked": processed.checked,
        "quarantined": [v.sha256 for v, _ in processed.quarantined],
        "findings": len(processed.run.findings) if processed.run else 0,
        "alerts": {
            "roots": processed.planned.roots,
            "replies": processed.planned.replies,
            "updates": processed.planned.updates,
        },
    }
