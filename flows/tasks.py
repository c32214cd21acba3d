"""The tasks the flows are made of: each calls one library function (or emits events), nothing more.

Tasks get the open `Lake` from their flow, so they run in the flow's thread and process: DuckDB
allows one writer, and a flow holds the lake (`open_lake`) from its first task to its last.
Nothing here is cached or persisted (`NO_CACHE`, `persist_result=False`): the lake is the record
of every run.
I/O that can fail for a while (polling the sites, Prefect's API, Slack) is retried.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import cast

from prefect import get_run_logger, task
from prefect.blocks.system import Secret
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency
from prefect.events import emit_event
from pydantic import SecretStr

from budgetdq.alerts.deliver import Delivered, deliver_pending
from budgetdq.alerts.outbox import Outbox
from budgetdq.alerts.plan import Problem
from budgetdq.backfill import Backfilled
from budgetdq.backfill import backfill as library_backfill
from budgetdq.lake import Lake
from budgetdq.pipeline import Processed, Watched, process_versions, watch
from budgetdq.registry import Version
from budgetdq.settings import Settings, load_settings
from budgetdq.sources import Source
from budgetdq.sources import sources_for as library_sources_for
from flows.events import DISCOVERED, resource_id

__all__ = [
    "DEFAULT_SECRET_BLOCK",
    "LAKE_LOCK_VARIABLE",
    "announce",
    "backfill_corpus",
    "deliver_alerts",
    "load_config",
    "open_lake",
    "poll_sources",
    "process",
    "slack_token_from_block",
    "sources_for",
]

DEFAULT_SECRET_BLOCK = "budgetdq-slack-token"
"""The Prefect Secret block holding the Slack bot token when `SLACK_BOT_TOKEN` is not set."""


LAKE_LOCK_VARIABLE = "BUDGETDQ_LAKE_LOCK"
"""Names the Prefect global concurrency limit (of 1) that serialises the lake's writers."""

LAKE_WAIT = 3600.0
"""Seconds a flow run waits for the lake while other runs write it."""


@contextmanager
def open_lake(lake: str | Path | None) -> Iterator[Lake]:
    """The lake, open for writing by this flow run alone.

    DuckDB admits one writing process. On one machine its file lock serialises the runs. With
    workers on several machines and the lake on shared storage, file locks are not to be trusted
    (NFS): `BUDGETDQ_LAKE_LOCK` then names a global concurrency limit of 1 on the Prefect server,
    held around the lake (`deploy/setup.sh` creates it), and a missing limit is an error.
    """
    name = os.environ.get(LAKE_LOCK_VARIABLE)
    held = concurrency(name, strict=True, timeout_seconds=LAKE_WAIT) if name else nullcontext()
    with held, Lake(lake, lock_timeout=LAKE_WAIT) as store:
        yield store


def load_config(config: str | Path | None, slack_secret_block: str | None) -> Settings:
    """Settings from the config file and the environment; the Slack token from a Secret block
    when neither gives one."""
    settings = load_settings(Path(config) if config else None)
    if settings.slack_bot_token is None and slack_secret_block:
        token = slack_token_from_block(slack_secret_block)
        if token:
            settings = settings.model_copy(update={"slack_bot_token": SecretStr(token)})
    return settings


def sources_for(config: str | Path | None, folder: str | Path | None) -> list[Source]:
    """The sources of the config file (the sample site by default), or just `folder`."""
    return library_sources_for(Path(config) if config else None, Path(folder) if folder else None)


@task(
    name="read Slack token from Secret block",
    retries=2,
    retry_delay_seconds=5,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def slack_token_from_block(name: str) -> str | None:
    """The token in the Secret block `name`; None (alerts stay in the outbox) if there is none."""
    logger = get_run_logger()
    try:
        # `load` returns the block here (a sync caller); its type also admits a coroutine.
        token = cast(Secret, Secret.load(name)).get()
    except ValueError:  # Prefect's answer for a block that does not exist
        logger.info("no SLACK_BOT_TOKEN and no Secret block %r: alerts stay in the outbox", name)
        return None
    logger.info("Slack token read from Secret block %r", name)
    return str(token)


@task(
    name="poll sources",
    retries=2,
    retry_delay_seconds=10,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def poll_sources(lake: Lake, sources: list[Source]) -> Watched:
    """Poll every source and store what is new in the registry (`budgetdq.pipeline.watch`)."""
    logger = get_run_logger()
    logger.info("polling %d source(s): %s", len(sources), ", ".join(s.name for s in sources))
    watched = watch(lake, sources)
    logger.info(
        "found %d document(s): %d new version(s) (%d of them changed), %d unchanged, "
        "%d failed, %d refused",
        watched.found,
        len(watched.new),
        watched.changed,
        watched.unchanged,
        len(watched.failed),
        len(watched.refused),
    )
    for url, reason in watched.failed:
        logger.warning("could not fetch %s (retried next poll): %s", url, reason)
    for problem in watched.refused:
        logger.warning("refused %s: %s", problem.url, problem.reason)
    return watched


@task(name="ingest, check and plan alerts", cache_policy=NO_CACHE, persist_result=False)
def process(
    lake: Lake, versions: list[Version], settings: Settings, refused: list[Problem] | None = None
) -> Processed:
    """`budgetdq.pipeline.process_versions`: the versions are read and checked together."""
    logger = get_run_logger()
    logger.info(
        "processing %d version(s) and %d refused document(s)", len(versions), len(refused or [])
    )
    processed = process_versions(lake, versions, settings, refused=refused)
    findings = len(processed.run.findings) if processed.run else 0
    planned = processed.planned
    logger.info(
        "checked %d document(s) with %d finding(s); quarantined %d; alerts queued: "
        "%d new thread(s), %d repl(ies), %d root update(s)",
        len(processed.checked),
        findings,
        len(processed.quarantined),
        planned.roots,
        planned.replies,
        planned.updates,
    )
    for version, reason in processed.quarantined:
        logger.warning("quarantined %s (%s): %s", version.url, version.sha256[:12], reason)
    return processed


@task(name="backfill", cache_policy=NO_CACHE, persist_result=False)
def backfill_corpus(
    lake: Lake, sources: list[Source], settings: Settings, workers: int | None, batch: int
) -> Backfilled:
    """`budgetdq.backfill.backfill`: poll once, then process the pending versions by batch."""
    logger = get_run_logger()
    total = 0
    done = 0

    def advanced(count: int) -> None:
        nonlocal done
        done += count
        logger.info("processed %d of %d version(s)", done, total)

    def started(count: int) -> None:
        nonlocal total
        total = count
        logger.info("%d version(s) to process in batches of %d", count, batch)

    result = library_backfill(
        lake, sources, settings, workers=workers, batch=batch, started=started, advanced=advanced
    )
    logger.info(
        "backfill: %d document(s) in %d batch(es), %d checked, %d quarantined, %d finding(s); "
        "%.1f s, %.1f documents/s",
        result.documents,
        result.batches,
        result.checked,
        result.quarantined,
        result.findings,
        result.seconds,
        result.per_second,
    )
    return result


@task(
    name="deliver alerts",
    retries=2,
    retry_delay_seconds=30,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def deliver_alerts(lake: Lake, settings: Settings) -> Delivered | None:
    """Send pending outbox messages to Slack; without a token they stay in the outbox (files)."""
    logger = get_run_logger()
    outbox = Outbox(lake)
    delivered = deliver_pending(outbox, settings)
    if delivered is None:
        logger.info(
            "no Slack token: %d alert(s) stay in the outbox (%s)",
            len(outbox.entries("pending")),
            outbox.files,
        )
        return None
    logger.info(
        "alerts delivered: %d sent, %d still pending, %d refused by Slack",
        delivered.sent,
        delivered.pending,
        delivered.errors,
    )
    return delivered


@task(name="announce new versions", cache_policy=NO_CACHE, persist_result=False)
def announce(versions: list[Version]) -> None:
    """One `budgetdq.disclosure.discovered` event per version; a deployment trigger processes it."""
    logger = get_run_logger()
    for version in versions:
        emit_event(
            event=DISCOVERED,
            resource={"prefect.resource.id": resource_id(version.sha256)},
            payload={"source": version.source, "url": version.url, "title": version.title},
        )
        logger.info(
            "announced %s (%s, version %d)", version.url, version.sha256[:12], version.version
        )
