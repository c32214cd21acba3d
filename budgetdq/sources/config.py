"""The sources to poll, from `[[sources]]` tables in a TOML file (example: `deploy/sources.toml`)::

    [[sources]]
    name = "chaoyang"
    type = "http"                  # a publication site: HttpSource's options
    url = "https://www.example.gov.cn/zwgk/czyjs/index.html"
    link_text = "预算"

    [[sources]]
    name = "inbox"
    type = "folder"                # a folder: FolderSource's options
    path = "/srv/budgetdq/inbox"

Each option, its default and its meaning is defined once, as a field of `HttpSource` or
`FolderSource`; `name`, `type` and `url` (http) or `path` (folder) are required. Other top-level
keys of the file are left to whoever reads them: the sources share `budgetdq.toml` with the
settings. Without a file, or in a file without `sources`: one folder source `samples` of
`examples/site/`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from budgetdq.settings import DEFAULT_CONFIG, ConfigError
from budgetdq.sources.folder import FolderSource
from budgetdq.sources.http import HttpSource
from budgetdq.sources.model import Source

__all__ = ["SOURCE_TYPES", "default_sources", "load_sources"]

SOURCE_TYPES: dict[str, type[HttpSource] | type[FolderSource]] = {
    "http": HttpSource,
    "folder": FolderSource,
}
"""Each `type = "…"` of a `[[sources]]` table and the source it makes."""

_SOURCE = TypeAdapter(Annotated[HttpSource | FolderSource, Field(discriminator="type")])


def default_sources() -> list[Source]:
    """The sample site: the folder `examples/site/` (relative to the working directory)."""
    return [FolderSource(name="samples", path=Path("examples/site"))]


def sources_for(config: Path | None, folder: Path | None = None) -> list[Source]:
    """Just `folder` when given (`--source DIR`), else the sources of the config file."""
    if folder is not None:
        return [FolderSource(name=folder.name or "folder", path=folder)]
    return load_sources(config)


def load_sources(path: Path | None) -> list[Source]:
    """The sources of a TOML file, in the order written; `default_sources()` without any.

    Without a path, `budgetdq.toml` in the working directory is read when it exists (as for the
    settings). Raises `ConfigError` naming the file and the key (`sources[1].url`) of every problem.
    """
    if path is None:
        if not DEFAULT_CONFIG.exists():
            return default_sources()
        path = DEFAULT_CONFIG
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the sources file: {exc}") from exc
    if "sources" not in values:
        return default_sources()
    tables = values["sources"]
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise ConfigError(f"{path}: sources: write each source as a [[sources]] table")
    if not tables:
        raise ConfigError(
            f"{path}: sources: empty; add a [[sources]] table per source (see deploy/sources.toml)"
        )
    sources: list[Source] = []
    problems: list[str] = []
    first_of_name: dict[str, str] = {}
    for index, table in enumerate(tables):
        key = f"sources[{index}]"
        try:
            source = _SOURCE.validate_python(table)
        except ValidationError as exc:
            problems += [_problem(key, table, error) for error in exc.errors()]
            continue
        if source.name in first_of_name:
            problems.append(
                f"{key}.name: {source.name!r} is already the name of {first_of_name[source.name]}"
            )
        first_of_name.setdefault(source.name, key)
        sources.append(source)
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return sources


def _problem(key: str, table: dict[str, Any], error: Any) -> str:
    """`sources[0].url (source "chaoyang"): Field required`, from one pydantic error."""
    named = f" (source {table['name']!r})" if isinstance(table.get("name"), str) else ""
    kinds = " or ".join(f'"{kind}"' for kind in SOURCE_TYPES)
    if error["type"] in ("union_tag_not_found", "union_tag_invalid"):
        return f"{key}.type{named}: give type = {kinds}"
    location = [str(part) for part in error["loc"][1:]]  # loc[0] is the type, e.g. "http"
    message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
    if error["type"] == "extra_forbidden":
        options = ", ".join(SOURCE_TYPES[table["type"]].model_fields)
        message = f"unknown option (the options of type {table['type']!r}: {options})"
    return f"{'.'.join([key, *location])}{named}: {message}"
