"""The lake: Parquet per table kind, registered in a DuckDB file with DECIMAL(18,6) amounts.

Layout under the lake root::

    kind=expenditure/budget_year=2023/department=105/<doc_id>.parquet   one file per document and kind
    budgetdq.duckdb                                                 views over the Parquet files;
                                        documents, tables, parse_findings, findings, check_outcomes,
                                        doc_runs (findings counted per document and run),
                                        doc_text (a PDF's extracted text: line, page, box)
    budgetdq.snapshot.duckdb            what readers open: a copy published when a writer closes

DuckDB admits one writing process and no reader beside it, so readers (the dashboard) never open
`budgetdq.duckdb`: every writer publishes a checkpointed copy when it closes, and `read_only` opens
that copy. Readers see the lake as the last writer left it, while the next one writes.

Re-ingesting a document replaces its files and rows: a document is never in the lake twice. Its
Parquet files are written first, then its catalogue rows in one transaction; the views show a
document's rows only once that has committed, so a writer killed halfway leaves nothing half-read
(the next ingest of the document overwrites its files). An unknown budget year is stored as
`budget_year=0`, an unknown department as `department=unknown`; a department code that is no
short, plain path segment (a publisher's 200-character name, a `/` in it) by its start and a hash.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from budgetdq.faults import crash_point
from budgetdq.parse.cells import to_wan
from budgetdq.parse.document import ParsedDocument
from budgetdq.parse.table import Table
from budgetdq.schema import KINDS, arrow_schema

if TYPE_CHECKING:
    from budgetdq.checks.runner import CheckRun

__all__ = ["DEFAULT_LAKE", "Lake", "LakeNotPublished", "lake_path", "write_files"]


@atexit.register
def _release_duckdb_type_constants() -> None:
    """Let go of the type constants DuckDB's Python package keeps in module globals, at exit.

    Once Prefect has run in a process, the interpreter tears DuckDB's extension down before those
    modules, and its bindings print some 40 lines of `nanobind: leaked …` on stderr, which a user
    reads as a crash. Nothing uses DuckDB after the exit handlers.
    """
    for name in [n for n in sys.modules if n == "duckdb" or n.startswith(("duckdb.", "_duckdb"))]:
        module = sys.modules[name]
        for attr, value in list(vars(module).items()):
            if isinstance(value, duckdb.sqltypes.DuckDBPyType):
                delattr(module, attr)


DEFAULT_LAKE = Path("data_lake")
DB_FILE = "budgetdq.duckdb"
SNAPSHOT_FILE = "budgetdq.snapshot.duckdb"
_SCALE = Decimal("0.000001")
_TEXT = pa.string()
_FINDINGS_SCHEMA = pa.schema(
    [("run_id", _TEXT), ("checked_at", pa.timestamp("us"))]
    + [(name, _TEXT) for name in ("doc_id", "suite", "check", "severity", "table")]
    + [("line", pa.int32())]
    + [(name, _TEXT) for name in ("message", "observed", "expected", "fingerprint")]
    + [("page", pa.int32())]
)
_TABLES_SCHEMA = pa.schema(
    [(name, _TEXT) for name in ("doc_id", "kind", "title")]
    + [("line", pa.int32()), ("unit", _TEXT), ("unit_stated", pa.bool_())]
    + [(name, pa.int32()) for name in ("pages", "rows", "projects")]
    + [("total", pa.decimal128(18, 6)), ("understood", pa.bool_())]
    + [("columns", pa.list_(_TEXT))]
)
_PARSE_FINDINGS_SCHEMA = pa.schema(
    [(name, _TEXT) for name in ("doc_id", "suite", "check", "severity", "table")]
    + [("line", pa.int32())]
    + [(name, _TEXT) for name in ("message", "observed", "expected")]
    + [("page", pa.int32())]
)
_TEXT_SCHEMA = pa.schema(
    [
        ("doc_id", _TEXT),
        ("line", pa.int32()),
        ("text", _TEXT),
        ("page", pa.int32()),
        ("bbox", pa.list_(pa.float64(), 4)),
    ]
)
_OUTCOMES_SCHEMA = pa.schema(
    [("run_id", _TEXT), ("checked_at", pa.timestamp("us"))]
    + [(name, _TEXT) for name in ("doc_id", "suite", "check", "outcome", "reason")]
)

_DDL = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, path VARCHAR, department_code VARCHAR, department_name VARCHAR,
    year INTEGER, encoding VARCHAR, layout VARCHAR, lines INTEGER, consumed INTEGER,
    facts JSON, ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS tables (
    doc_id VARCHAR, kind VARCHAR, title VARCHAR, line INTEGER, unit VARCHAR, unit_stated BOOLEAN,
    pages INTEGER, rows INTEGER, projects INTEGER, total DECIMAL(18,6));
ALTER TABLE documents ADD COLUMN IF NOT EXISTS profile VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS required VARCHAR[];
ALTER TABLE tables ADD COLUMN IF NOT EXISTS understood BOOLEAN;
ALTER TABLE tables ADD COLUMN IF NOT EXISTS columns VARCHAR[];
CREATE TABLE IF NOT EXISTS parse_findings (
    doc_id VARCHAR, suite VARCHAR, "check" VARCHAR, severity VARCHAR, "table" VARCHAR,
    line INTEGER, message VARCHAR, observed VARCHAR, expected VARCHAR);
CREATE TABLE IF NOT EXISTS findings (
    run_id VARCHAR, checked_at TIMESTAMP, doc_id VARCHAR, suite VARCHAR, "check" VARCHAR,
    severity VARCHAR, "table" VARCHAR, line INTEGER, message VARCHAR, observed VARCHAR,
    expected VARCHAR, fingerprint VARCHAR);
ALTER TABLE findings ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;
ALTER TABLE findings ADD COLUMN IF NOT EXISTS page INTEGER;
ALTER TABLE parse_findings ADD COLUMN IF NOT EXISTS page INTEGER;
CREATE TABLE IF NOT EXISTS doc_text (
    doc_id VARCHAR, line INTEGER, text VARCHAR, page INTEGER, bbox DOUBLE[4]);
CREATE TABLE IF NOT EXISTS doc_runs (
    run_id VARCHAR, checked_at TIMESTAMP, doc_id VARCHAR, errors INTEGER, warnings INTEGER,
    infos INTEGER);
CREATE TABLE IF NOT EXISTS check_outcomes (
    run_id VARCHAR, checked_at TIMESTAMP, doc_id VARCHAR, suite VARCHAR, "check" VARCHAR,
    outcome VARCHAR, reason VARCHAR);
"""


def lake_path(path: str | Path | None = None) -> Path:
    """The lake root: the argument, else `BUDGETDQ_LAKE`, else `data_lake/`."""
    return Path(path or os.environ.get("BUDGETDQ_LAKE") or DEFAULT_LAKE)


class LakeNotPublished(FileNotFoundError):
    """A reader asked for a lake that no writer has published yet."""


class Lake:
    """A lake directory and its DuckDB catalogue. Use as a context manager.

    `read_only` opens the snapshot the last writer published (see the module docstring).
    """

    def __init__(
        self, root: str | Path | None = None, *, read_only: bool = False, lock_timeout: float = 120
    ):
        self.root = lake_path(root).resolve()
        self.read_only = read_only
        if read_only:
            snapshot = self.root / SNAPSHOT_FILE
            if not snapshot.is_file():
                raise LakeNotPublished(
                    f"no data in {self.root}: run `budgetdq run` or `budgetdq ingest` first"
                )
            self.db = _connect(snapshot, True, lock_timeout)
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.db = _connect(self.root / DB_FILE, False, lock_timeout)
        self.db.execute(_DDL)
        self.refresh_views()

    def __enter__(self) -> Lake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Publish the snapshot, close the connection and let go of it.

        A closed lake holds no DuckDB object: Prefect keeps the parameters of a flow's tasks (an
        open `Lake`) until the interpreter exits, and a DuckDB object alive then makes DuckDB's
        bindings print pages of `nanobind: leaked …` on stderr.
        """
        try:
            if not self.read_only:
                self._publish()
        finally:
            self.db.close()
            del self.db

    def _publish(self) -> None:
        """Copy the checkpointed catalogue to the snapshot readers open; atomic by rename."""
        self.db.execute("CHECKPOINT")
        crash_point("before_snapshot_published")
        snapshot = self.root / SNAPSHOT_FILE
        partial = snapshot.with_suffix(".tmp")
        shutil.copyfile(self.root / DB_FILE, partial)
        partial.replace(snapshot)

    # -- writing ---------------------------------------------------------------------------

    def ingest(self, document: ParsedDocument) -> None:
        """Write a parsed document into the lake, replacing any earlier copy of it."""
        self.ingest_many([document])

    def ingest_many(self, documents: list[ParsedDocument]) -> None:
        """Write documents (each replacing its earlier copy); the catalogue in one transaction.

        A document whose files a reading process already wrote here (`write_files`) is only
        registered: its content, hence its partition, is the same as any earlier copy's.
        """
        doc_ids = [document.doc_id for document in documents]
        unwritten = [d for d in documents if d.written_to != self.root]
        self._remove_files([d.doc_id for d in unwritten])
        for document in unwritten:
            write_files(self.root, document)
        crash_point("after_files_written")
        self.db.execute("BEGIN")
        try:
            for name in ("documents", "tables", "parse_findings", "doc_text"):
                self.db.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT unnest(?))", [doc_ids])
            for document in documents:
                self._insert_document(document)
                self._insert_text(document)
            self.db.execute("COMMIT")
        except Exception:
            self.db.execute("ROLLBACK")
            raise
        self.refresh_views()

    def _remove_files(self, doc_ids: list[str]) -> None:
        """The files of documents already in the lake (in the partition the catalogue records)."""
        for doc_id, year, department in self._located(doc_ids):
            for path in self.root.glob(
                f"kind=*/budget_year={year}/department={department}/{doc_id}.parquet"
            ):
                path.unlink()

    def _located(self, doc_ids: list[str]) -> list[tuple[str, int, str]]:
        """(doc_id, year, department) of the documents in the catalogue: their partition."""
        return [
            (doc_id, year, _department_segment(department))
            for doc_id, year, department in self.query(
                "SELECT doc_id, coalesce(year, 0), department_code "
                "FROM documents WHERE doc_id IN (SELECT unnest(?))",
                [doc_ids],
            )
        ]

    def _insert_document(self, document: ParsedDocument) -> None:
        facts = document.facts
        self.db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                document.doc_id,
                document.path,
                facts.department_code,
                facts.department_name,
                facts.year,
                document.encoding,
                document.layout,
                document.coverage.lines,
                document.coverage.consumed,
                json.dumps(facts.to_dict(), ensure_ascii=False),
                datetime.now(UTC).replace(tzinfo=None),
                document.profile.name if document.profile else None,
                list(document.required),
            ],
        )
        self._insert(
            "tables",
            _TABLES_SCHEMA,
            [
                {
                    "doc_id": document.doc_id,
                    "kind": t.kind,
                    "title": t.title,
                    "line": t.line,
                    "unit": t.unit,
                    "unit_stated": t.unit_stated,
                    "pages": t.pages,
                    "rows": len(t.detail_rows),
                    "projects": t.projects,
                    "total": _exact(t.declared_total),
                    "understood": t.understood,
                    "columns": list(t.established),
                }
                for t in document.tables
            ],
        )
        self._insert(
            "parse_findings",
            _PARSE_FINDINGS_SCHEMA,
            [
                {
                    name: value
                    for name, value in f.to_dict().items()
                    if name in _PARSE_FINDINGS_SCHEMA.names
                }
                for f in document.findings
            ],
        )

    def _insert(self, table: str, schema: pa.Schema, rows: list[dict[str, Any]]) -> None:
        """Insert rows by column name, through Arrow (one statement, not one per row)."""
        if not rows:
            return
        self.db.register("new_rows", pa.Table.from_pylist(rows, schema=schema))
        try:
            self.db.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_rows")
        finally:
            self.db.unregister("new_rows")

    def _insert_text(self, document: ParsedDocument) -> None:
        """A PDF's extracted text, line by line with page and box (the dashboard shows it)."""
        if document.pdf is None:
            return
        places = document.pdf.places
        rows = [
            {
                "doc_id": document.doc_id,
                "line": line.no,
                "text": line.source,
                "page": places[line.no].page if line.no in places else None,
                "bbox": list(places[line.no].bbox) if line.no in places else None,
            }
            for line in document.lines
        ]
        self._insert("doc_text", _TEXT_SCHEMA, rows)

    def save_check_run(self, run: CheckRun) -> None:
        """Store the findings and outcomes of a check run (each run is kept, by run id)."""
        stamp = {"run_id": run.run_id, "checked_at": run.checked_at}
        findings = _columns(
            _FINDINGS_SCHEMA, run.findings, stamp | {"fingerprint": run.fingerprints}
        )
        outcomes = _columns(_OUTCOMES_SCHEMA, run.outcomes, stamp)
        self.db.execute("BEGIN")
        try:
            self.db.register("new_findings", findings)
            self.db.register("new_outcomes", outcomes)
            self.db.execute("INSERT INTO findings BY NAME SELECT * FROM new_findings")
            self.db.execute("INSERT INTO check_outcomes BY NAME SELECT * FROM new_outcomes")
            self.db.execute(
                "INSERT INTO doc_runs SELECT ?, ?, doc_id, "
                "count(severity) FILTER (severity = 'error'), "
                "count(severity) FILTER (severity = 'warning'), "
                "count(severity) FILTER (severity = 'info') "
                "FROM (SELECT unnest(?) AS doc_id) LEFT JOIN new_findings USING (doc_id) "
                "GROUP BY doc_id",
                [
                    run.run_id,
                    run.checked_at,
                    sorted({*run.doc_ids, *(f.doc_id for f in run.findings if f.doc_id)}),
                ],
            )
            self.db.execute("COMMIT")
        except Exception:
            self.db.execute("ROLLBACK")
            raise
        finally:
            self.db.unregister("new_findings")
            self.db.unregister("new_outcomes")

    # -- reading ---------------------------------------------------------------------------

    def refresh_views(self) -> None:
        """One view per table kind over its Parquet files; a kind without files has a typed view.

        A view over files globs them when queried, so it is created once, when the kind's first
        file appears (binding a view over many thousands of files takes seconds).
        """
        over_files = {
            name
            for name, sql in self.query(
                "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND NOT temporary"
            )
            if _REGISTERED in sql
        }
        for kind in KINDS:
            if kind in over_files:
                continue
            if next(self.root.glob(f"kind={kind}/budget_year=*/department=*/*.parquet"), None):
                pattern = (self.root / f"kind={kind}" / "*" / "*" / "*.parquet").as_posix()
                source = f"{_parquet_select(kind, [pattern])} WHERE {_REGISTERED}"
            else:
                source = _empty_select(kind)
            self.db.execute(f'CREATE OR REPLACE VIEW "{kind}" AS {source}')

    @contextmanager
    def scoped(self, doc_ids: list[str]) -> Iterator[None]:
        """Within the block, every kind holds only these documents' rows.

        `<kind>` holds the detail and total rows the rules add up; `<kind>_tree` also the subtotal
        rows of a code hierarchy (类 and 款 rows above their 项 rows), for the hierarchy rules.

        Temporary tables shadow the lake's views on this connection, loaded once from the
        documents' own files: the rules of a check run, dozens of queries per kind, read memory,
        and a batch takes the same time in a lake of ten documents or of ten thousand.
        """
        for kind in KINDS:
            self.db.execute(
                f'CREATE OR REPLACE TEMP TABLE "{kind}_tree" AS {self._select_of(kind, doc_ids)}'
            )
            self.db.execute(
                f'CREATE OR REPLACE TEMP TABLE "{kind}" AS '
                f'SELECT * FROM "{kind}_tree" WHERE NOT coalesce(is_subtotal, false)'
            )
        try:
            yield
        finally:
            for kind in KINDS:
                self.db.execute(f'DROP TABLE IF EXISTS temp."{kind}"')
                self.db.execute(f'DROP TABLE IF EXISTS temp."{kind}_tree"')

    def rows_of(self, kind: str, doc_ids: list[str]) -> duckdb.DuckDBPyRelation:
        """The rows of one table kind for some documents, reading only their files (as the view)."""
        return self.db.sql(self._select_of(kind, doc_ids))

    def _select_of(self, kind: str, doc_ids: list[str]) -> str:
        files = [
            path.as_posix()
            for doc_id, year, department in self._located(doc_ids)
            if (
                path := self.root
                / f"kind={kind}/budget_year={year}/department={department}/{doc_id}.parquet"
            ).is_file()
        ]
        return _parquet_select(kind, files) if files else _empty_select(kind)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params or []).fetchall()


def write_files(root: Path, document: ParsedDocument) -> None:
    """Write a document's Parquet files into the lake at `root`, each atomically (by rename).

    Any process may do this (the backfill's readers do); the files are read only once the writer
    registers the document (`Lake.ingest_many`).
    """
    for table in document.tables:
        _write_table(root, document, table)
    document.written_to = root.resolve()


_SEGMENT_BYTES = 150


def _department_segment(code: str | None) -> str:
    """The department's partition directory: its code when that is a short, plain path segment,
    else the code's start and a hash of it (a file name has at most 255 bytes)."""
    value = code or "unknown"
    if re.fullmatch(r"[\w\-（）()·]+", value) and len(value.encode()) <= _SEGMENT_BYTES:
        return value
    start = re.sub(r"\W", "_", value)[:16]
    return f"{start}~{hashlib.sha256(value.encode()).hexdigest()[:16]}"


def _write_table(root: Path, document: ParsedDocument, table: Table) -> None:
    schema = arrow_schema(table.kind)
    amounts = KINDS[table.kind].all_amounts
    decimals = {name for name, kind in KINDS[table.kind].extra if pa.types.is_decimal(kind)}
    records = []
    for row in table.rows:
        record: dict[str, Any] = {name: row.get(name) for name in schema.names}
        for name in amounts:
            record[name] = _exact(row.get(name))
            record[f"{name}_wan"] = _exact(to_wan(row.get(name), table.unit))
        for name in decimals:
            record[name] = _exact(row.get(name))
        records.append(record)
    year = document.facts.year or 0
    department = _department_segment(document.facts.department_code)
    directory = root / f"kind={table.kind}" / f"budget_year={year}" / f"department={department}"
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{document.doc_id}.parquet"
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    pq.write_table(pa.Table.from_pylist(records, schema=schema), partial)
    partial.replace(target)


def _columns(schema: pa.Schema, items: Sequence[object], given: dict[str, Any]) -> pa.Table:
    """A table of `schema` from the items' attributes, column by column (no dict per row).

    `given` sets columns instead: a list is the column, anything else the value of every row.
    """

    def column(name: str) -> list[Any]:
        if name not in given:
            return [getattr(item, name) for item in items]
        value = given[name]
        return value if isinstance(value, list) else [value] * len(items)

    return pa.Table.from_pydict({name: column(name) for name in schema.names}, schema=schema)


def _connect(path: Path, read_only: bool, lock_timeout: float) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting while another process holds its single write lock."""
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _exact(value: Decimal | None) -> Decimal | None:
    """A Decimal with at most 6 decimals (the lake's scale); more digits are never rounded away."""
    if value is None:
        return None
    quantized = value.quantize(_SCALE)
    if quantized != value:
        raise ValueError(f"amount {value} has more than 6 decimals")
    return quantized


# A document's rows are visible once its catalogue row is committed: files written by an ingest
# that was killed before it committed are never read (the next ingest of the document replaces them).
_REGISTERED = "doc_id IN (SELECT doc_id FROM documents)"


def _parquet_select(kind: str, paths: list[str]) -> str:
    listed = ", ".join("'" + path.replace("'", "''") + "'" for path in paths)
    return (
        f"SELECT * EXCLUDE (kind), '{kind}' AS kind FROM read_parquet([{listed}], "
        "hive_partitioning=true, hive_types={'budget_year': 'INTEGER', 'department': 'VARCHAR'})"
    )


def _empty_select(kind: str) -> str:
    columns = []
    for field in arrow_schema(kind):
        if pa.types.is_decimal(field.type):
            sql_type = "DECIMAL(18,6)"
        elif pa.types.is_integer(field.type):
            sql_type = "INTEGER"
        elif pa.types.is_boolean(field.type):
            sql_type = "BOOLEAN"
        elif pa.types.is_fixed_size_list(field.type):
            sql_type = f"DOUBLE[{field.type.list_size}]"
        else:
            sql_type = "VARCHAR"
        columns.append(f'CAST(NULL AS {sql_type}) AS "{field.name}"')
    columns += ["CAST(NULL AS VARCHAR) AS department", "CAST(NULL AS INTEGER) AS budget_year"]
    return f"SELECT {', '.join(columns)} WHERE false"
