"""Time the dashboard's queries, page by page, on a synthetic lake of N disclosures (aim: < 1 s).

    .venv/bin/python benchmarks/dashboard_bench.py [--docs 10000] [--keep PATH]

The lake is replicated from a real one: the four seeds run through the pipeline as the dashboard's
tests do (with a correction of 002 and a hostile copy of 003), then copied in DuckDB to N disclosures
in 1,000 departments and the years 2019 to 2026, checked over 30 runs. Every tenth disclosure has a
second version (a correction), every twentieth a second check; each document copies the rows and
Parquet files (hard links) of one seed document, each disclosure its seed's alert thread and messages.
The writer then closes, publishing the snapshot, and each page's queries run in the page's order on
a fresh read-only Lake (the app opens one per run of a page): the first run (cold, though the OS
cache is warm) and the best of three more on the same Lake (warm). A document page here previews
every table of its document, so its total is an upper bound.
`--keep PATH` builds the lake at PATH, or reuses the one already there.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from budgetdq.alerts.outbox import Outbox
from budgetdq.dashboard import queries
from budgetdq.dashboard.export import to_csv, to_xlsx
from budgetdq.dashboard.queries import Filters
from budgetdq.dashboard.server import APP
from budgetdq.dashboard.views.overview import SHOWN_FINDINGS
from budgetdq.lake import DB_FILE, SNAPSHOT_FILE, Lake
from budgetdq.parse.normalize import decode, normalize_lines
from budgetdq.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
AIM = 1.0
REPEAT = 3

# The plan: one row per synthetic document version (its disclosure, facts, seed document and first
# run), per document and check run, per alert thread.
_PLAN = [
    """CREATE TEMP TABLE plan AS
    WITH seeds AS (SELECT doc_id, row_number() OVER (ORDER BY ingested_at, doc_id) - 1 AS s
                   FROM seed.documents),
    pair AS (SELECT o.sha256 AS old_seed, n.sha256 AS new_seed FROM seed.disclosures n
             JOIN seed.disclosures o ON o.url = n.url AND o.version = n.version - 1 LIMIT 1),
    base AS (SELECT i, lpad((i % 1000)::VARCHAR, 3, '0') AS department_code,
                    2019 + i // 1000 % 8 AS year, i * 25 // $n AS run, i % 10 = 4 AS corrected,
                    i % 20 = 7 AS rechecked, '#budget-quality-' || i // 8000 AS channel
             FROM range($n) t(i))
    SELECT b.* EXCLUDE (run), '北京市某某局' || b.department_code AS department_name, v.version,
           format('https://czj.example.gov.cn/bmys/{}/{}/{:06d}.txt', b.year, b.department_code, b.i)
               AS url, v.version = 1 + b.corrected::INTEGER AS latest,
           sha256(format('bench/{}/{}', b.i, v.version)) AS doc_id,
           b.run + 3 * (v.version - 1) AS first_run,
           CASE WHEN NOT b.corrected THEN s.doc_id WHEN v.version = 1 THEN old_seed ELSE new_seed
           END AS seed_id
    FROM base b CROSS JOIN pair JOIN (VALUES (1), (2)) v(version) ON v.version = 1 OR b.corrected
    JOIN seeds s ON s.s = b.i % (SELECT count(*) FROM seeds)""",
    """CREATE TEMP TABLE runs AS
    SELECT p.*, p.first_run + delta AS run, md5('bench-run-' || (p.first_run + delta)) AS run_id,
           TIMESTAMP '2026-01-05 02:00:00' + INTERVAL 1 DAY * (p.first_run + delta) AS checked_at
    FROM plan p JOIN (VALUES (0), (5)) r(delta) ON delta = 0 OR p.rechecked""",
    """CREATE TEMP TABLE threads AS
    SELECT r.*, format('{}/{}@{}', r.department_code, r.year, r.channel) AS thread_key,
           t.thread_key AS seed_thread, r.i % 50 = 0 AS failed, r.run < 20 AND r.i % 50 <> 0 AS sent,
           format('{}.{:06d}', epoch(r.checked_at)::BIGINT, r.i) AS ts
    FROM runs r JOIN seed.documents d ON d.doc_id = r.seed_id
    JOIN seed.alert_threads t ON t.department_code = d.department_code AND t.year = d.year
    WHERE r.latest AND r.run = r.first_run""",
]
# The columns replaced in the copies (p) of the seed's rows (s).
_DOCUMENT = """p.doc_id AS doc_id, p.url AS path, p.year AS year,
    p.department_code AS department_code, p.department_name AS department_name,
    json_merge_patch(s.facts, json_object('year', p.year, 'department',
        json_object('code', p.department_code, 'name', p.department_name))) AS facts,
    p.checked_at - INTERVAL 5 MINUTE AS ingested_at"""
_RUN = "p.doc_id AS doc_id, p.run_id AS run_id, p.checked_at AS checked_at"
_DISCLOSURE = """p.url AS url, p.doc_id AS sha256, 'czj' AS source,
    p.department_name || p.year || '年部门预算' AS title, p.version AS version,
    strftime(p.checked_at, '%Y-%m-%d') AS published, p.checked_at AS last_seen,
    p.checked_at - INTERVAL 6 MINUTE AS first_seen,
    $raw || regexp_extract(s.raw_path, '[^/]+$') AS raw_path"""
_ALERT_THREAD = """p.thread_key AS thread_key, p.channel AS channel,
    p.department_code AS department_code, p.year AS year, p.doc_id AS doc_id,
    md5(p.thread_key || s.root_key) AS root_key, if(p.sent, p.ts, NULL) AS root_ts,
    if(p.sent, 'C0BENCH', NULL) AS slack_channel, p.checked_at AS updated_at"""
_ALERT_FINDING = """p.thread_key AS thread_key, p.doc_id AS doc_id,
    p.checked_at AS first_seen, p.checked_at AS last_seen"""
_MESSAGE = """p.thread_key AS thread_key, p.channel AS channel,
    md5(p.thread_key || s.delivery_key) AS delivery_key,
    p.checked_at + (s.created_at - (SELECT min(created_at) FROM seed.outbox)) AS created_at,
    if(p.sent, 'sent', 'pending') AS status, if(p.sent, 1, 3 * p.failed::INTEGER) AS attempts,
    if(p.failed, 'ratelimited', NULL) AS last_error, if(p.sent, p.checked_at, NULL) AS sent_at,
    if(p.sent, 'C0BENCH', NULL) AS slack_channel, if(p.sent, p.ts, NULL) AS slack_ts"""
# Each table: the source of its copies, how they join the seed's rows, the columns replaced.
_FIRST = "s.doc_id = p.seed_id AND p.run = p.first_run"
_THREAD = "s.thread_key = p.seed_thread"
_COPIES = {
    "documents": ("runs", _FIRST, _DOCUMENT),
    "tables": ("runs", _FIRST, "p.doc_id AS doc_id"),
    "parse_findings": ("runs", _FIRST, "p.doc_id AS doc_id"),
    "findings": ("runs", "s.doc_id = p.seed_id", _RUN),
    "check_outcomes": ("runs", "s.doc_id = p.seed_id", _RUN),
    "doc_runs": ("runs", "s.doc_id = p.seed_id", _RUN),
    "disclosures": ("runs", "s.sha256 = p.seed_id AND p.run = p.first_run", _DISCLOSURE),
    "alert_threads": ("threads", _THREAD, _ALERT_THREAD),
    "alert_findings": ("threads", _THREAD, _ALERT_FINDING),
    "outbox": ("threads", _THREAD, _MESSAGE),
}


def doc_id(index: int, version: int = 1) -> str:
    """The id the plan gives version `version` of disclosure `index`."""
    return hashlib.sha256(f"bench/{index}/{version}".encode()).hexdigest()


def seconds(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def timed(label: str, action: Callable[[], Any]) -> Any:
    """Run once, print how long it took, return the result."""
    start = time.perf_counter()
    result = action()
    print(f"  {label:<40}{time.perf_counter() - start:8.3f} s")
    return result


def seed_lake(scratch: Path) -> Path:
    """The seeds run through the pipeline, as for the dashboard's tests."""
    sys.path.insert(0, str(ROOT))
    from budgetdq.checks.engine import GxEngine
    from tests.dashboard.conftest import build_lake

    return build_lake(scratch / "lake", scratch / "site", GxEngine())


def link_parquet(lake: Lake, seed: Path) -> None:
    """Give every synthetic document its seed's Parquet files (hard links, else copies)."""
    files = defaultdict(list)
    for path in seed.glob("kind=*/budget_year=*/department=*/*.parquet"):
        files[path.stem].append((path.parts[-4], path))
    for doc, seed_id, year, department in lake.query(
        "SELECT doc_id, seed_id, year, department_code FROM plan"
    ):
        for kind, source in files[seed_id]:
            directory = lake.root / kind / f"budget_year={year}" / f"department={department}"
            directory.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, directory / f"{doc}.parquet")
            except OSError:
                shutil.copyfile(source, directory / f"{doc}.parquet")


def replicate(lake: Lake, docs: int) -> None:
    """Plan the synthetic lake, then copy the seed's rows of every table into it, in run order."""
    for sql in _PLAN:
        lake.db.execute(sql, {"n": docs} if "$n" in sql else {})
    for table, (source, on, replaced) in _COPIES.items():
        lake.db.execute(
            f"INSERT INTO {table} BY NAME SELECT s.* REPLACE ({replaced}) FROM {source} p "
            f"JOIN seed.{table} s ON {on} ORDER BY p.checked_at, p.doc_id",
            {"raw": f"{lake.root / 'raw'}/"} if "$raw" in replaced else {},
        )


def build(target: Path, docs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-seed-") as scratch:
        seed = timed("seed lake through the pipeline", lambda: seed_lake(Path(scratch)))
        lake = Lake(target)
        Registry(lake)
        Outbox(lake)
        shutil.copytree(seed / "raw", target / "raw", dirs_exist_ok=True)
        lake.db.execute(f"ATTACH '{seed / SNAPSHOT_FILE}' AS seed (READ_ONLY)")
        timed("rows replicated in DuckDB", lambda: replicate(lake, docs))
        timed("Parquet files hard-linked", lambda: link_parquet(lake, seed))
        lake.db.execute("DETACH seed")
    timed("refresh_views (glob of the files)", lake.refresh_views)
    timed("Lake.close() (publish the snapshot)", lake.close)


class Page:
    """The timings of one page's queries, run in the page's order."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[tuple[str, float, float]] = []

    def measure(self, query: str, action: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = action()
        cold = time.perf_counter() - start
        warm = min(seconds(action) for _ in range(REPEAT))
        self.rows.append((query, cold, warm))
        return result


def overview(lake: Lake, name: str, filters: Filters) -> Page:
    page = Page(name)
    page.measure("disclosures (filter choices)", lambda: queries.disclosures(lake))
    page.measure("disclosures", lambda: queries.disclosures(lake, filters))
    page.measure("findings_by_suite", lambda: queries.findings_by_suite(lake, filters))
    page.measure("trend", lambda: queries.trend(lake, filters))
    shown = f"findings (the {SHOWN_FINDINGS:,} shown)"
    page.measure(shown, lambda: queries.findings(lake, filters, limit=SHOWN_FINDINGS))
    return page


def export(lake: Lake, name: str, filters: Filters) -> Page:
    """The download buttons: every filtered finding, read and converted when clicked."""
    page = Page(name)
    findings = page.measure("findings (all)", lambda: queries.findings(lake, filters))
    page.measure(f"to_xlsx ({len(findings):,} rows)", lambda: to_xlsx(findings))
    page.measure(f"to_csv ({len(findings):,} rows)", lambda: to_csv(findings))
    return page


def document_page(lake: Lake, name: str, doc: str) -> Page:
    page = Page(f"文档 {name}")
    page.measure("disclosures (chooser)", lambda: queries.disclosures(lake))
    if page.measure("document", lambda: queries.document(lake, doc)) is None:
        raise SystemExit(f"{doc} is not in the lake")
    versions = page.measure("versions", lambda: queries.versions(lake, doc))
    page.measure("document_findings", lambda: queries.document_findings(lake, doc))
    page.measure("changes", lambda: queries.changes(lake, doc))
    inventory = page.measure("table_inventory", lambda: queries.table_inventory(lake, doc))
    for kind in dict.fromkeys(inventory["kind"]):
        page.measure(
            f"table_preview {kind}", lambda kind=kind: queries.table_preview(lake, doc, kind)
        )
    raw = Path(versions.loc[versions["doc_id"] == doc, "raw_path"].iloc[0])
    page.measure("source text", lambda: normalize_lines(decode(raw.read_bytes()).text))
    return page


def listing(lake: Lake, name: str, calls: tuple[str, ...]) -> Page:
    """A page whose queries take the lake alone (规则, 告警)."""
    page = Page(name)
    for call in calls:
        page.measure(call, partial(getattr(queries, call), lake))
    return page


def pages(target: Path) -> list[Page]:
    """Every page, each on a fresh read-only Lake, as the app opens one for every run of a page."""
    one = Filters(departments=("004",), years=(2019,), suites=("totals",))
    timed("open the read-only Lake", lambda: Lake(target, read_only=True).close())
    shown = [
        partial(overview, name="总览", filters=Filters()),
        partial(overview, name="总览 totals", filters=Filters(suites=("totals",))),
        partial(overview, name="总览 004/2019/totals", filters=one),
        partial(document_page, name="#1", doc=doc_id(1)),
        partial(document_page, name="#4 v2", doc=doc_id(4, 2)),
        partial(document_page, name="#4 v1", doc=doc_id(4, 1)),
        partial(document_page, name="#7 (2 runs)", doc=doc_id(7)),
        partial(listing, name="规则", calls=("rule_outcomes",)),
        partial(listing, name="告警", calls=("outbox", "alert_threads")),
        partial(export, name="导出 004/2019/totals", filters=one),
        partial(export, name="导出 totals", filters=Filters(suites=("totals",))),
    ]
    results = []
    for render in shown:
        with Lake(target, read_only=True) as lake:
            results.append(render(lake))
    return results


def pad(text: str, width: int) -> str:
    """Pad to a display width, CJK characters counting two columns."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - shown, 0)


def report(results: list[Page]) -> None:
    print(f"\n{pad('page', 22)}{pad('query', 38)}{'cold ms':>9}{'warm ms':>9}")
    for page in results:
        for query, cold, warm in page.rows:
            print(f"{pad(page.name, 22)}{pad(query, 38)}{cold * 1e3:9.1f}{warm * 1e3:9.1f}")
    print(f"\n{pad('page total', 22)}{'cold ms':>9}{'warm ms':>9}   aim < {AIM * 1e3:.0f} ms")
    for page in results:
        cold, warm = (sum(row[i] for row in page.rows) for i in (1, 2))
        verdict = "ok" if max(cold, warm) < AIM else ("OVER (cold)" if warm < AIM else "OVER")
        if page.name.startswith("导出"):
            verdict = "(on click, not a page)"
        print(f"{pad(page.name, 22)}{cold * 1e3:9.1f}{warm * 1e3:9.1f}   {verdict}")


def rendered(target: Path) -> None:
    """Whole pages as Streamlit draws them (AppTest: queries, frames, elements), second run."""
    os.environ["BUDGETDQ_LAKE"] = str(target)
    test = AppTest.from_file(str(APP), default_timeout=120).run()
    print(f"\n{pad('page rendered', 22)}{'first ms':>9}{'again ms':>9}   aim < {AIM * 1e3:.0f} ms")
    radio = test.sidebar.radio[0]
    for page, label in zip(radio.options, ("总览", "文档", "规则", "告警"), strict=True):
        test.sidebar.radio[0].set_value(page)
        first, again = seconds(test.run), seconds(test.run)
        if test.exception:
            raise SystemExit(f"page {page} failed: {test.exception[0].value}")
        verdict = "ok" if again < AIM else "OVER"
        print(f"{pad(label, 22)}{first * 1e3:9.1f}{again * 1e3:9.1f}   {verdict}")


def describe(target: Path) -> None:
    with Lake(target, read_only=True) as lake:
        counts = {name: lake.query(f"SELECT count(*) FROM {name}")[0][0] for name in _COPIES}
    print("  " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    parquet = [path.stat().st_size for path in target.glob("kind=*/*/*/*.parquet")]
    sizes = [f"{n} {(target / n).stat().st_size / 1e6:.0f} MB" for n in (DB_FILE, SNAPSHOT_FILE)]
    sizes.insert(0, f"{len(parquet):,} Parquet files {sum(parquet) / 1e6:.0f} MB (links counted)")
    print("  " + ", ".join(sizes))


def run(target: Path, docs: int) -> None:
    if (target / SNAPSHOT_FILE).is_file():
        print(f"reusing the lake at {target} (--docs ignored)")
        lake = timed("open a writable Lake (refresh_views)", lambda: Lake(target))
        timed("Lake.close() (publish the snapshot)", lake.close)
    else:
        print(f"building a lake of {docs:,} disclosures at {target}")
        timed("built in all", lambda: build(target, docs))
    describe(target)
    report(pages(target))
    rendered(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000, help="disclosures in the lake")
    parser.add_argument("--keep", type=Path, help="build the lake here (or reuse it) and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as scratch:
        run((args.keep or Path(scratch)).resolve(), args.docs)


if __name__ == "__main__":
    main()
