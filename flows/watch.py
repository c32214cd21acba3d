"""The `watch` flow: poll the sources, store what is new, announce it for processing.

Each version waiting to be processed is announced by a `budgetdq.disclosure.discovered` event (see
`flows.events`): the new ones of this poll, and any an earlier cycle stored but did not get
processed (a crash, a failed run), so nothing waits forever. Documents refused before reading (over
the size limit) are reported here, with their finding and alert, since they have no version to
process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from budgetdq.registry import Registry
from flows.tasks import (
    DEFAULT_SECRET_BLOCK,
    announce,
    deliver_alerts,
    load_config,
    open_lake,
    poll_sources,
    process,
    sources_for,
)

__all__ = ["watch"]


@flow(name="watch", persist_result=False)
def watch(
    config: str | Path | None = None,
    folder: str | Path | None = None,
    lake: str | Path | None = None,
    slack_secret_block: str = DEFAULT_SECRET_BLOCK,
) -> dict[str, Any]:
    """Poll the sources of `config` (or just `folder`) into the lake; announce pending versions.

    Returns a summary: counts found / unchanged / refused / failed, and the sha256 of every
    version new in this poll and of every version announced.
    """
    logger = get_run_logger()
    settings = load_config(config, slack_secret_block)
    sources = sources_for(config, folder)
    with open_lake(lake) as store:
        logger.info("lake %s", store.root)
        watched = poll_sources(store, sources)
        if watched.refused:
            process(store, [], settings, watched.refused)
            deliver_alerts(store, settings)
        pending = Registry(store).pending()
    # The lake is closed before announcing: the triggered runs need its write lock.
    announce(pending)
    new = {v.sha256 for v in watched.new}
    earlier = [v for v in pending if v.sha256 not in new]
    if earlier:
        logger.info(
            "%d version(s) stored earlier were still unprocessed: announced again", len(earlier)
        )
    return {
        "found": watched.found,
        "new": sorted(new),
        "unchanged": watched.unchanged,
        "refused": [p.url for p in watched.refused],
        "failed": [url for url, _ in watched.failed],
        "announced": [v.sha256 for v in pending],
    }
