"""The `run` flow: one watch cycle and the processing of everything new, in this process.

This is what `budgetdq run` calls. Unlike the served `watch` flow it announces nothing: it
processes the pending versions itself, together, and returns the library's own results for the
command line to print.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from budgetdq.pipeline import Processed, Watched
from budgetdq.registry import Registry
from flows.tasks import (
    DEFAULT_SECRET_BLOCK,
    deliver_alerts,
    load_config,
    open_lake,
    poll_sources,
    process,
    sources_for,
)

__all__ = ["run_once"]


@flow(name="run", persist_result=False)
def run_once(
    config: str | Path | None = None,
    folder: str | Path | None = None,
    lake: str | Path | None = None,
    deliver: bool = True,
    slack_secret_block: str = DEFAULT_SECRET_BLOCK,
) -> tuple[Watched, Processed]:
    """Poll the sources of `config` (or just `folder`), then ingest, check and alert every pending
    version (this poll's and any an earlier run left), and deliver the alerts unless `deliver` is
    False or there is no Slack token.

    Returns what the poll found and what processing did; `Processed()` (empty, `run` None) when
    there was nothing to process.
    """
    logger = get_run_logger()
    settings = load_config(config, slack_secret_block if deliver else None)
    sources = sources_for(config, folder)
    with open_lake(lake) as store:
        logger.info("lake %s", store.root)
        watched = poll_sources(store, sources)
        versions = Registry(store).pending()
        if versions or watched.refused:
            processed = process(store, versions, settings, watched.refused)
        else:
            processed = Processed()
            logger.info("no new or changed document: nothing to process")
        if deliver:
            deliver_alerts(store, settings)
    return watched, processed
