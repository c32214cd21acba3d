"""Processing stored versions: on each discovery event (`process-disclosure`), or a whole corpus
(`backfill`).

Both ingest, check and plan alerts with the library, then deliver the alerts when a Slack token is
available (`SLACK_BOT_TOKEN`, the config file, or the Prefect Secret block `slack_secret_block`);
without one the alerts stay in the outbox (`<lake>/alerts/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from budgetdq.backfill import DEFAULT_BATCH
from budgetdq.pipeline import Processed
from budgetdq.registry import Registry, Version, published_as_processed
from flows.tasks import (
    DEFAULT_SECRET_BLOCK,
    backfill_corpus,
    deliver_alerts,
    load_config,
    open_lake,
    process,
    sources_for,
)

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
    batch: int = DEFAULT_BATCH,
) -> dict[str, Any]:
    """Ingest, check and alert a stored version; a version already processed is left alone.

    A burst of events is checked as one batch: the run that gets the lake first takes the other
    pending versions along (at most `batch` in all), and their own runs then find them done, in
    the lake's published snapshot when it already says so (without waiting for the writer).
    Raises `UnknownVersion` when the registry has no version with this sha256.
    """
    logger = get_run_logger()
    if published_as_processed(lake, sha256):  # no need to wait for the writer to learn it
        logger.info("%s was already processed (checked or quarantined): nothing to do", sha256[:12])
        return {"versions": [sha256], "processed": False}
    settings = load_config(config, slack_secret_block)
    with open_lake(lake) as store:
        registry = Registry(store)
        version = registry.version(sha256)
        if version is None:
            raise UnknownVersion(sha256, store.root)
        pending = registry.pending()
        if sha256 not in {v.sha256 for v in pending}:
            logger.info(
                "%s (%s) was already processed (checked or quarantined): nothing to do",
                version.url,
                sha256[:12],
            )
            return _summary([version], None)
        others = [v for v in pending if v.sha256 != sha256][: batch - 1]
        logger.info(
            "processing %s (%s, version %d) and %d other pending version(s)",
            version.url,
            sha256[:12],
            version.version,
            len(others),
        )
        versions = [version, *others]
        processed = process(store, versions, settings)
        deliver_alerts(store, settings)
    return _summary(versions, processed)


@flow(name="backfill", persist_result=False)
def backfill(
    config: str | Path | None = None,
    folder: str | Path | None = None,
    lake: str | Path | None = None,
    workers: int | None = None,
    batch: int = DEFAULT_BATCH,
    slack_secret_block: str = DEFAULT_SECRET_BLOCK,
) -> dict[str, Any]:
    """Poll the sources of `config` (or just `folder`) once, then process every pending version
    in batches of `batch`, read by `workers` processes (one per core by default); deliver the
    alerts. The library's `budgetdq.backfill`, as `budgetdq backfill` runs it.
    """
    settings = load_config(config, slack_secret_block)
    sources = sources_for(config, folder)
    with open_lake(lake) as store:
        done = backfill_corpus(store, sources, settings, workers, batch)
        deliver_alerts(store, settings)
    return {
        "documents": done.documents,
        "batches": done.batches,
        "checked": done.checked,
        "quarantined": done.quarantined,
        "findings": done.findings,
        "seconds": round(done.seconds, 1),
    }


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
