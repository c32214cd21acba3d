"""Time the checks on the four seeds: cold, warm, and the same rules as plain DuckDB SQL.

    .venv/bin/python benchmarks/check_bench.py [--repeat 3] [--cold-runs 1]

(a) cold: a fresh Python process (run as a subprocess, so nothing is cached) imports GX, builds the
    context, parses, ingests and checks the four seeds; the total includes interpreter start-up.
(b) warm: in this process, after a first run, the four seeds are checked again, together and each
    alone; the figure that matters is seconds per document.
(c) plain SQL: every rule of every suite in expectations/ run directly in DuckDB, `{batch}` being
    a table of the kind's rows for the four documents; row rules (regex, null, set) become SQL
    WHERE clauses, other row-rule types are skipped and listed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "fixtures").glob("*.txt"))
COLD_CHILD = "--cold-child"


def cold_child(lake_root: str) -> None:
    """Run in a fresh process: every phase of a first check, timed, printed as one JSON line."""
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = now - mark
        mark = now

    from budgetdq.checks.runner import check_documents
    from budgetdq.lake import Lake
    from budgetdq.parse.document import read_document

    phase("import budgetdq")
    importlib.import_module("great_expectations")  # timed on its own: the engine imports it lazily

    phase("import great_expectations")
    from budgetdq.checks.engine import GxEngine

    engine = GxEngine()
    phase("GX context")
    documents = [read_document(path.read_bytes(), str(path)) for path in SEEDS]
    phase("parse")
    with Lake(lake_root) as lake:
        for document in documents:
            lake.ingest(document)
        phase("ingest")
        run = check_documents(lake, [d.doc_id for d in documents], engine)
        phase("check")
    print(json.dumps({"phases": phases, "findings": len(run.findings)}))


def cold(runs: int) -> None:
    print(f"(a) cold: {len(SEEDS)} seeds checked in a fresh process (start-up included)")
    totals = []
    for index in range(runs):
        with tempfile.TemporaryDirectory(prefix="check-bench-cold-") as lake_root:
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), COLD_CHILD, lake_root],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            total = time.perf_counter() - start
        report = json.loads(result.stdout.strip().splitlines()[-1])
        totals.append(total)
        inside = sum(report["phases"].values())
        print(f"  run {index + 1}: {total:.2f} s in all, {total / len(SEEDS):.2f} s per document")
        print(f"    {'interpreter start-up':<28}{total - inside:7.2f} s")
        for name, seconds in report["phases"].items():
            print(f"    {name:<28}{seconds:7.2f} s")
        print(f"    ({report['findings']} findings)")
    if runs > 1:
        print(f"  median {statistics.median(totals):.2f} s")


def best_of(repeat: int, action: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _timed(engine: Any, lake: Any) -> tuple[Any, Any]:
    """The same engine and lake, recording the time of GX validation and of saving the run."""
    from budgetdq.checks.engine import GxEngine
    from budgetdq.lake import Lake

    class TimedEngine(GxEngine):
        def __init__(self) -> None:
            self.__dict__.update(engine.__dict__)
            self.seconds: dict[str, float] = defaultdict(float)

        def validate(self, kind: str, frame: Any, suite: Any, connection: Any) -> Any:
            start = time.perf_counter()
            try:
                return super().validate(kind, frame, suite, connection)
            finally:
                self.seconds["GX validation (all kinds)"] += time.perf_counter() - start

    class TimedLake(Lake):
        def __init__(self) -> None:
            self.__dict__.update(lake.__dict__)
            self.seconds: dict[str, float] = {}

        def save_check_run(self, run: Any) -> None:
            start = time.perf_counter()
            super().save_check_run(run)
            self.seconds["saving findings and outcomes"] = time.perf_counter() - start

    return TimedEngine(), TimedLake()


def warm(repeat: int) -> None:
    from budgetdq.checks.engine import GxEngine
    from budgetdq.checks.runner import check_documents
    from budgetdq.lake import Lake
    from budgetdq.parse.document import read_document

    print(f"\n(b) warm: one process, after a first run; best of {repeat}")
    engine = GxEngine()
    data = [path.read_bytes() for path in SEEDS]
    with (
        tempfile.TemporaryDirectory(prefix="check-bench-warm-") as lake_root,
        Lake(lake_root) as lake,
    ):
        documents = [read_document(d, str(p)) for d, p in zip(data, SEEDS, strict=True)]
        for document in documents:
            lake.ingest(document)
        doc_ids = [d.doc_id for d in documents]
        first = best_of(1, lambda: check_documents(lake, doc_ids, engine))
        print(f"  first check of the four (GX warming up)   {first:6.2f} s")
        together = best_of(repeat, lambda: check_documents(lake, doc_ids, engine))
        count = len(doc_ids)
        print(
            f"  the four checked together                  {together:6.2f} s"
            f"  = {together / count:.2f} s per document"
        )
        parse = best_of(repeat, lambda: [read_document(d) for d in data])
        ingest = best_of(repeat, lambda: [lake.ingest(d) for d in documents])
        print(f"  parse the four                            {parse:6.2f} s")
        print(f"  ingest the four                           {ingest:6.2f} s")
        timed_engine, timed_lake = _timed(engine, lake)
        start = time.perf_counter()
        check_documents(timed_lake, doc_ids, timed_engine)
        whole = time.perf_counter() - start
        spent = timed_engine.seconds | timed_lake.seconds
        spent["the rest (batches, applies_query, outcomes)"] = whole - sum(spent.values())
        print("  where the time of one check of the four goes:")
        for name, seconds in spent.items():
            print(f"    {name:<40}{seconds:6.2f} s")
        print("  each document checked alone (against the others in the lake):")
        for path, doc_id in zip(SEEDS, doc_ids, strict=True):
            alone = best_of(repeat, lambda doc_id=doc_id: check_documents(lake, [doc_id], engine))
            print(f"    {path.name:<30}{alone:6.2f} s")


def condition_sql(condition: dict[str, Any] | None) -> str:
    """A GX row condition (comparison, nullity, and, or) as a SQL predicate."""
    if condition is None:
        return "TRUE"
    kind = condition["type"]
    if kind in ("and", "or"):
        parts = [condition_sql(c) for c in condition["conditions"]]
        return "(" + f" {kind.upper()} ".join(parts) + ")"
    column = f'"{condition["column"]["name"]}"'
    if kind == "nullity":
        return f"{column} IS {'' if condition['is_null'] else 'NOT '}NULL"
    if kind == "comparison":
        operator, parameter = condition["operator"], condition["parameter"]
        if operator in ("in", "not in"):
            values = ", ".join(literal(v) for v in parameter)
            return f"{column} {operator.upper()} ({values})"
        return f"{column} {'=' if operator == '==' else operator} {literal(parameter)}"
    raise ValueError(f"row condition {kind!r}")


def literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def row_rule_sql(expectation: dict[str, Any], batch: str) -> str | None:
    """The failing rows of a per-row GX expectation as SQL, or None for a type not translated.

    GX skips nulls for these column-map rules and `match_regex` searches (re.search), as
    DuckDB's regexp_matches does; Python and RE2 regex syntax agree on the patterns used here.
    """
    kwargs = expectation["kwargs"]
    column = f'"{kwargs["column"]}"'
    where = condition_sql(kwargs.get("row_condition"))
    kind = expectation["type"]
    if kind == "expect_column_values_to_not_be_null":
        failing = f"{column} IS NULL"
    elif kind == "expect_column_values_to_match_regex":
        failing = (
            f"{column} IS NOT NULL AND NOT regexp_matches({column}, {literal(kwargs['regex'])})"
        )
    elif kind == "expect_column_values_to_not_match_regex":
        failing = f"{column} IS NOT NULL AND regexp_matches({column}, {literal(kwargs['regex'])})"
    elif kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        values = ", ".join(literal(v) for v in kwargs["value_set"])
        negate = "NOT " if kind == "expect_column_values_to_be_in_set" else ""
        failing = f"{column} IS NOT NULL AND {negate}({column} IN ({values}))"
    else:
        return None
    return f"SELECT doc_id, line FROM {batch} WHERE {where} AND {failing}"


def plain_sql(repeat: int) -> None:
    from budgetdq.checks.catalog import load_suites
    from budgetdq.lake import Lake
    from budgetdq.parse.document import read_document

    suites = load_suites()
    checks = [check for suite in suites for check in suite.checks]
    by_kind: dict[str, list] = defaultdict(list)
    for check in checks:
        by_kind[check.table].append(check)
    print(
        f"\n(c) plain DuckDB SQL, no GX: {len(checks)} rules in {len(suites)} suites "
        f"({', '.join(s.name for s in suites)}); best of {repeat}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="check-bench-sql-") as lake_root,
        Lake(lake_root) as lake,
    ):
        documents = [read_document(path.read_bytes(), str(path)) for path in SEEDS]
        for document in documents:
            lake.ingest(document)
        ids = ", ".join(literal(d.doc_id) for d in documents)
        db = lake.db
        queries: list[tuple[str, str]] = []
        skipped: list[str] = []
        for kind, kind_checks in by_kind.items():
            batch = f"bench_batch_{kind}"
            for check in kind_checks:
                if check.is_query:
                    sql = check.expectation["kwargs"]["unexpected_rows_query"]
                    queries.append((check.id, sql.replace("{batch}", batch)))
                elif (sql := row_rule_sql(check.expectation, batch)) is not None:
                    queries.append((check.id, sql))
                else:
                    skipped.append(f"{check.id} ({check.expectation['type']})")
        applies = [(c.id, c.applies_query) for c in checks if c.applies_query]

        def batches() -> None:
            for kind in by_kind:
                db.execute(
                    f'CREATE OR REPLACE TEMP TABLE bench_batch_{kind} AS SELECT * FROM "{kind}" '
                    f"WHERE doc_id IN ({ids}) ORDER BY doc_id, seq"
                )

        per_rule: dict[str, float] = {}
        failures: dict[str, int] = {}

        def rules() -> None:
            for check_id, sql in queries:
                start = time.perf_counter()
                failures[check_id] = len(db.execute(sql).fetchall())
                elapsed = time.perf_counter() - start
                per_rule[check_id] = min(per_rule.get(check_id, elapsed), elapsed)

        def applicability() -> None:
            for _, sql in applies:
                db.execute(sql).fetchall()

        batches()
        rules()  # first run: DuckDB reads the Parquet footers and plans
        batch_time = best_of(repeat, batches)
        rule_time = best_of(repeat, rules)
        applies_time = best_of(repeat, applicability)
    count = len(documents)
    total = batch_time + rule_time + applies_time
    print(f"  batches (one table per kind, {len(by_kind)} kinds)    {batch_time:6.3f} s")
    print(f"  {len(queries)} rules                                {rule_time:6.3f} s")
    print(f"  {len(applies)} applies_query                         {applies_time:6.3f} s")
    print(
        f"  in all {total:.3f} s = {total / count:.3f} s per document, {sum(failures.values())} failing rows"
    )
    by_suite: dict[str, float] = defaultdict(float)
    suite_of = {check.id: check.suite for check in checks}
    for check_id, seconds in per_rule.items():
        by_suite[suite_of[check_id]] += seconds
    print(
        "  by suite: " + ", ".join(f"{name} {sec:.3f} s" for name, sec in sorted(by_suite.items()))
    )
    print("  slowest rules:")
    for check_id, seconds in sorted(per_rule.items(), key=lambda item: -item[1])[:8]:
        print(f"    {check_id:<44}{seconds * 1e3:7.1f} ms")
    if skipped:
        print(f"  skipped (row-rule type not translated to SQL): {', '.join(skipped)}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == COLD_CHILD:
        cold_child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="warm and SQL timings: best of N")
    parser.add_argument("--cold-runs", type=int, default=1, help="fresh processes to time")
    args = parser.parse_args()
    print(f"seeds: {', '.join(path.name for path in SEEDS)}\n")
    cold(args.cold_runs)
    warm(args.repeat)
    plain_sql(args.repeat)


if __name__ == "__main__":
    main()
