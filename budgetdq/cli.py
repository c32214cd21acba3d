"""The `budgetdq` command line. Exit code 2 means a usage error; bad documents are reported, not fatal."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from budgetdq.inventory import describe, print_inventory, read_paths
from budgetdq.lake import Lake, lake_path

__all__ = ["app", "main"]

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
INVENTORY_WIDTH = 120  # when printing to a file or pipe, where the terminal width is unknown
DEFAULT_SOURCE = Path("examples/site")

LakeOption = Annotated[
    Path | None,
    typer.Option("--lake", help="Lake directory (default: $BUDGETDQ_LAKE or data_lake/)."),
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def parse(
    paths: Annotated[list[Path], typer.Argument(help="Documents or directories of documents.")],
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text or json")
    ] = OutputFormat.text,
) -> None:
    """Read documents and print what was read, without writing anything."""
    results = read_paths(paths)
    if output is OutputFormat.json:
        print(
            json.dumps({"documents": [describe(r) for r in results]}, ensure_ascii=False, indent=2)
        )
    else:
        print_inventory(results, _console())


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Documents or directories of documents.")],
    lake: LakeOption = None,
) -> None:
    """Read documents into the lake (re-ingesting a document replaces it)."""
    _ingest(paths, lake)


@app.command()
def run(
    source: Annotated[
        Path, typer.Option("--source", help="Folder of published documents.")
    ] = DEFAULT_SOURCE,
    lake: LakeOption = None,
) -> None:
    """Read the sample publication folder into the lake and print the inventory."""
    _ingest([source], lake)


def _ingest(paths: list[Path], lake: Path | None) -> None:
    console = _console()
    results = read_paths(paths)
    with Lake(lake) as store:
        for result in results:
            if result.document is not None:
                store.ingest(result.document)
    print_inventory(results, console)
    console.print(f"湖目录：{lake_path(lake).resolve()}（DuckDB：budgetdq.duckdb）")


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else INVENTORY_WIDTH)


def main() -> None:
    app()
