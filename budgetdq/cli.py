"""The `budgetdq` command line. Exit code 2 means a usage error; bad documents are reported, not fatal."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from budgetdq.inventory import ReadResult, describe, print_inventory, read_paths
from budgetdq.lake import Lake, lake_path
from budgetdq.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from budgetdq.pipeline import Processed, Watched
    from budgetdq.sources.model import Source

__all__ = ["app", "main"]

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
INVENTORY_WIDTH = 120  # when printing to a file or pipe, where the terminal width is unknown
DEFAULT_SOURCE = Path("examples/site")

LakeOption = Annotated[
    Path | None,
    typer.Option("--lake", help="Lake directory (default: $BUDGETDQ_LAKE or data_lake/)."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Config file (TOML; default budgetdq.toml if present)."),
]
PathsArgument = Annotated[list[Path], typer.Argument(help="Documents or directories of documents.")]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text or json")]


@app.command()
def parse(paths: PathsArgument, output: FormatOption = OutputFormat.text) -> None:
    """Read documents and print what was read, without writing anything."""
    results = read_paths(paths)
    if output is OutputFormat.json:
        _print_json(results)
    else:
        print_inventory(results, _console())


@app.command()
def ingest(paths: PathsArgument, lake: LakeOption = None) -> None:
    """Read documents into the lake (re-ingesting a document replaces it)."""
    console = _console()
    results = read_paths(paths)
    with Lake(lake) as store:
        _store(store, results)
    print_inventory(results, console)
    console.print(f"湖目录：{lake_path(lake).resolve()}")


@app.command()
def check(
    paths: PathsArgument, output: FormatOption = OutputFormat.text, lake: LakeOption = None
) -> None:
    """Read and check documents; exit 1 when an error-severity finding is found.

    Without --lake the documents are checked in a temporary lake and nothing is written.
    """
    results = read_paths(paths)
    with tempfile.TemporaryDirectory(prefix="budgetdq-") as scratch, Lake(lake or scratch) as store:
        run_findings = _check(store, results)
    if output is OutputFormat.json:
        _print_json(results)
    else:
        from budgetdq.checks.report import print_findings

        names = {r.document.doc_id: r.path for r in results if r.document}
        print_findings([f for r in results for f in r.findings], names, _console())
    if any(f.severity == "error" for f in run_findings):
        raise typer.Exit(1)


class CatalogFormat(StrEnum):
    text = "text"
    markdown = "markdown"


@app.command()
def checks(
    output: Annotated[
        CatalogFormat, typer.Option("--format", help="text or markdown")
    ] = CatalogFormat.text,
) -> None:
    """List every check: id, suite, severity, table and description."""
    from budgetdq.checks.report import catalog_markdown, print_catalog

    if output is CatalogFormat.markdown:
        print(catalog_markdown())
    else:
        print_catalog(_console())


@app.command()
def run(
    source: Annotated[
        Path | None,
        typer.Option("--source", help="Watch this folder instead of the configured sources."),
    ] = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
) -> None:
    """One watch cycle and the processing of everything new: ingest, check, alert; then a summary.

    Runs the Prefect `run` flow in this process, with a temporary local Prefect API that ends with
    it (or the configured `PREFECT_API_URL`).
    """
    _quiet_prefect()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.local_api import local_api
    from flows.run import run_once

    settings = _settings(config)
    _sources(
        config, source
    )  # a bad sources config is a usage error, reported before Prefect starts
    console = _console()
    with local_api(), temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        watched, processed = run_once(config=config, folder=source, lake=lake)
    with Lake(lake) as store:
        if processed.run is None and not processed.quarantined and not watched.refused:
            console.print(
                f"没有新的或变更的公开文件（共 {watched.found} 份，未变化 {watched.unchanged} 份），"
                "本次未做任何处理。"
            )
            _print_fetch_problems(watched, console)
        else:
            _print_run_summary(store, watched, processed, console)
        pending = store.query("SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0]
        sent = store.query("SELECT count(*) FROM outbox WHERE status = 'sent'")[0][0]
        where = (
            ""
            if settings.slack_bot_token
            else f"（未设置 SLACK_BOT_TOKEN，见 {store.root / 'alerts'}）"
        )
        console.print(f"发件箱：待发送 {pending}，已发送 {sent}{where}")
    console.print(
        f"湖目录：{lake_path(lake).resolve()}（DuckDB：budgetdq.duckdb）；"
        f"看板：{settings.dashboard_url}"
    )


def _quiet_prefect() -> None:
    """Prefect for one local run: no telemetry, no UI, warnings only (unless set otherwise).

    Prefect's temporary API gets 120 s to start, not its 20: on a busy machine (two runs at once,
    a backfill beside them) it can take longer, and the run would fail before doing anything.
    """
    for name, value in (
        ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"),
        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
        ("DO_NOT_TRACK", "1"),
        ("PREFECT_LOGGING_LEVEL", "WARNING"),
        ("PREFECT_LOGGING_TO_API_ENABLED", "false"),
        ("PREFECT_SERVER_UI_ENABLED", "false"),
    ):
        os.environ.setdefault(name, value)


def _sources(config: Path | None, folder: Path | None) -> list[Source]:
    from budgetdq.sources import sources_for

    try:
        return sources_for(config, folder)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from exc


def _print_fetch_problems(watched: Watched, console: Console) -> None:
    for url, reason in watched.failed:
        console.print(f"  获取失败（下次重试）：{url}：{reason}", highlight=False)


def _print_run_summary(
    store: Lake, watched: Watched, processed: Processed, console: Console
) -> None:
    from budgetdq.checks.report import print_summary

    new = len(watched.new) - watched.changed
    console.print(
        f"公开文件：发现 {watched.found}，新增 {new}，更正 {watched.changed}，未变化 {watched.unchanged}，"
        f"隔离 {len(processed.quarantined) + len(watched.refused)}，获取失败 {len(watched.failed)}"
    )
    _print_fetch_problems(watched, console)
    for version, reason in processed.quarantined:
        console.print(f"  已隔离：{version.url}：{reason}", highlight=False)
    for problem in watched.refused:
        console.print(f"  已拒绝：{problem.url}：{problem.reason}", highlight=False)
    if processed.run is not None:
        names = dict(store.query("SELECT doc_id, path FROM documents"))
        print_summary(processed.run, names, console)
    planned = processed.planned
    console.print(
        f"告警：新会话 {planned.roots}，会话内回复 {planned.replies}，更新主消息 {planned.updates}"
    )
    for key in planned.keys:
        for path in sorted((store.root / "alerts").glob(f"*_{key[:8]}.txt")):
            console.print(f"  {path}", highlight=False)
    console.print("看板：budgetdq dashboard（或 make dashboard），然后打开 http://127.0.0.1:8501/")


@app.command()
def serve(
    lake: LakeOption = None,
    config: ConfigOption = None,
    source: Annotated[
        Path | None,
        typer.Option("--source", help="Watch this folder instead of the configured sources."),
    ] = None,
    every: Annotated[float, typer.Option("--every", help="Seconds between watch runs.")] = 600,
    limit: Annotated[int, typer.Option("--limit", help="Flow runs at a time.")] = 4,
) -> None:
    """Serve the `watch` and `process-disclosure` deployments against a Prefect server.

    Needs PREFECT_API_URL; see "Run as a service" in the README. Stops on Ctrl-C.
    """
    from datetime import timedelta

    from flows.serve import NoPrefectServer
    from flows.serve import serve as serve_deployments

    try:
        serve_deployments(
            config, lake, folder=source, watch_every=timedelta(seconds=every), limit=limit
        )
    except NoPrefectServer as exc:
        raise typer.BadParameter(str(exc), param_hint="PREFECT_API_URL") from exc


@app.command()
def backfill(
    path: Annotated[
        Path | None, typer.Argument(help="A folder of documents (default: the configured sources).")
    ] = None,
    lake: LakeOption = None,
    config: ConfigOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Parsing processes (default: one per core).")
    ] = None,
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="Documents ingested and checked together.")
    ] = 200,
) -> None:
    """Process a whole corpus in batches with a progress bar: parse in parallel, check by batch."""
    from rich.progress import MofNCompleteColumn, Progress, TimeRemainingColumn

    from budgetdq.backfill import backfill as run_backfill
    from budgetdq.sources import FolderSource

    settings = _settings(config)
    if path is not None and not path.is_dir():
        raise typer.BadParameter(f"not a folder: {path}", param_hint="PATH")
    sources: list[Source] = (
        [FolderSource(name="backfill", path=path)] if path is not None else _sources(config, None)
    )
    console = _console()
    columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn(), TimeRemainingColumn())
    with Lake(lake) as store, Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("回填", total=None)
        done = run_backfill(
            store,
            sources,
            settings,
            workers=workers,
            batch=batch,
            started=lambda total: progress.update(task, total=total),
            advanced=lambda n: progress.advance(task, n),
        )
    console.print(
        f"回填完成：{done.documents} 份文档，{done.batches} 批，检查 {done.checked}，"
        f"隔离 {done.quarantined}，发现 {done.findings}；{done.seconds:.1f} 秒，"
        f"{done.per_second:.1f} 份/秒"
    )
    _print_fetch_problems(done.watched, console)


@app.command()
def dashboard(
    lake: LakeOption = None,
    port: Annotated[int, typer.Option("--port", help="Local port.")] = 8501,
    address: Annotated[
        str, typer.Option("--address", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
) -> None:
    """Start the data-quality dashboard (reads the lake read-only; works while the pipeline runs)."""
    from budgetdq.dashboard.server import serve as serve_dashboard

    root = lake_path(lake)
    _console().print(f"看板：http://{address}:{port}/ （数据湖 {root.resolve()}；Ctrl-C 停止）")
    raise typer.Exit(serve_dashboard(root, port, address))


@app.command()
def alerts(
    pending: Annotated[
        bool, typer.Option("--pending", help="Only messages not yet delivered.")
    ] = False,
    sent: Annotated[bool, typer.Option("--sent", help="Only delivered messages.")] = False,
    deliver: Annotated[
        bool, typer.Option("--deliver", help="Deliver pending messages now.")
    ] = False,
    lake: LakeOption = None,
    config: ConfigOption = None,
) -> None:
    """List the alert outbox; --deliver retries what is pending."""
    from budgetdq.alerts.outbox import Outbox

    settings = _settings(config)
    console = _console()
    with Lake(lake) as store:
        if deliver:
            _deliver(store, settings, console)
        status = "pending" if pending else "sent" if sent else None
        for entry in Outbox(store).entries(status):
            where = f"{entry.channel} {entry.slack_ts or ''}".strip()
            error = f"  最近错误：{entry.last_error}" if entry.last_error else ""
            console.print(
                f"{entry.created_at:%Y-%m-%d %H:%M:%S}  {entry.status:7s} {entry.kind:6s} "
                f"{entry.thread_key}  {where}  {entry.text[:60]}{error}",
                highlight=False,
            )


def _deliver(store: Lake, settings: Settings, console: Console) -> None:
    from budgetdq.alerts.deliver import deliver_pending
    from budgetdq.alerts.outbox import Outbox

    outbox = Outbox(store)
    result = deliver_pending(outbox, settings)
    if result is None:
        count = len(outbox.entries("pending"))
        console.print(f"未设置 SLACK_BOT_TOKEN：{count} 条告警留在发件箱（{outbox.files}）")
        return
    console.print(
        f"告警发送：已发送 {result.sent}，待发送 {result.pending}，被拒绝 {result.errors}"
    )


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from exc


def _store(store: Lake, results: list[ReadResult]) -> None:
    for result in results:
        if result.document is not None:
            store.ingest(result.document)


def _check(store: Lake, results: list[ReadResult]) -> list:
    """Ingest and check; each result's findings become those of every suite."""
    from budgetdq.checks.runner import check_documents

    _store(store, results)
    documents = [r.document for r in results if r.document]
    run = check_documents(store, [d.doc_id for d in documents])
    for result in results:
        if result.document is not None:
            result.findings = [f for f in run.findings if f.doc_id == result.document.doc_id]
    return [f for r in results for f in r.findings]


def _print_json(results: list[ReadResult]) -> None:
    print(json.dumps({"documents": [describe(r) for r in results]}, ensure_ascii=False, indent=2))


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else INVENTORY_WIDTH)


def main() -> None:
    app()
