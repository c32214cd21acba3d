"""What the dashboard shows, as queries over a read-only lake: one function per view, each a frame.

A *disclosure* here is the latest version of a published document (older versions of the same URL
are superseded), or a document ingested from a path. Its findings are those of its latest check run
(`doc_runs`), so a correction that fixes a figure stops counting the finding it fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from budgetdq.alerts.compose import STATUS_LABELS as ALERT_STATUS_LABELS
from budgetdq.checks.catalog import load_suites
from budgetdq.findings import SEVERITY_LABELS, SUITE_NAMES
from budgetdq.lake import Lake
from budgetdq.schema import KINDS

__all__ = [
    "OUTCOME_LABELS",
    "STATUS_LABELS",
    "Filters",
    "alert_threads",
    "changes",
    "disclosures",
    "document",
    "document_findings",
    "findings",
    "findings_by_suite",
    "outbox",
    "pdf_text",
    "rule_outcomes",
    "table_inventory",
    "table_preview",
    "trend",
    "versions",
]

OUTCOME_LABELS = {
    "pass": "通过",
    "fail": "未通过",
    "not_applicable": "不适用",
    "not_evaluated": "未检查",
}
# A disclosure's status: those the alerts show, and the two only the dashboard has.
STATUS_LABELS = ALERT_STATUS_LABELS | {"quarantined": "⚫ 已隔离", "unchecked": "⚪ 待检查"}

# Every document version once: facts, latest run, status and whether it is its URL's latest.
_VERSIONS = """
WITH registry AS (
    SELECT sha256 AS doc_id, url, version, first_seen, status AS registry_status, error,
           version = max(version) OVER (PARTITION BY url) AS latest
    FROM disclosures
    QUALIFY row_number() OVER (PARTITION BY sha256 ORDER BY version DESC) = 1
),
latest_run AS (
    SELECT * FROM doc_runs
    QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY checked_at DESC) = 1
),
items AS (
    SELECT doc_id FROM documents UNION SELECT doc_id FROM latest_run
)
SELECT i.doc_id, d.department_code, d.department_name, d.year,
       coalesce(r.url, d.path, i.doc_id) AS location, coalesce(r.url, i.doc_id) AS disclosure,
       coalesce(r.version, 1) AS version, coalesce(r.latest, true) AS latest,
       coalesce(r.first_seen, d.ingested_at) AS seen_at, l.run_id, l.checked_at,
       coalesce(l.errors, 0) AS errors, coalesce(l.warnings, 0) AS warnings,
       coalesce(l.infos, 0) AS infos,
       CASE WHEN r.registry_status IN ('quarantined', 'refused') OR d.doc_id IS NULL
                THEN 'quarantined'
            WHEN l.run_id IS NULL THEN 'unchecked'
            WHEN l.errors > 0 THEN 'failing'
            WHEN l.warnings > 0 THEN 'warning'
            ELSE 'passing' END AS status
FROM items i
LEFT JOIN documents d USING (doc_id)
LEFT JOIN registry r USING (doc_id)
LEFT JOIN latest_run l USING (doc_id)
"""
# Every disclosure once: the latest version of each URL.
_DISCLOSURES = f"SELECT * FROM ({_VERSIONS}) WHERE latest"


@dataclass(frozen=True)
class Filters:
    """The overview's filters; an empty tuple means no filter."""

    departments: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    suites: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()

    def where(self) -> tuple[str, dict[str, Any]]:
        """SQL conditions on the disclosures query (columns of `_DISCLOSURES`) and parameters."""
        clauses = ["true"]
        params: dict[str, Any] = {}
        for column, values in (
            ("department_code", self.departments),
            ("year", self.years),
            ("status", self.statuses),
        ):
            if values:
                clauses.append(f"{column} IN (SELECT unnest(${column}))")
                params[column] = list(values)
        return " AND ".join(clauses), params

    def finding_where(self) -> tuple[str, dict[str, Any]]:
        clauses = ["true"]
        params: dict[str, Any] = {}
        for column, values in (("suite", self.suites), ("severity", self.severities)):
            if values:
                clauses.append(f"f.{column} IN (SELECT unnest($f_{column}))")
                params[f"f_{column}"] = list(values)
        return " AND ".join(clauses), params


def _frame(lake: Lake, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """The result as an Arrow-backed frame: amounts stay exact decimals, never floats."""
    relation = lake.db.sql(sql, params=params or {})
    return relation.to_arrow_table().to_pandas(types_mapper=pd.ArrowDtype)


def disclosures(lake: Lake, filters: Filters = Filters()) -> pd.DataFrame:
    """The disclosures that pass the filters, the latest first, with their status and counts.

    With a suite or severity filter, the counts are of the matching findings and only disclosures
    that have some are listed.
    """
    where, params = filters.where()
    if not (filters.suites or filters.severities):
        return _frame(
            lake,
            f"SELECT * FROM ({_DISCLOSURES}) WHERE {where} ORDER BY seen_at DESC, doc_id",
            params,
        )
    finding_where, finding_params = filters.finding_where()
    return _frame(
        lake,
        f"""
        WITH d AS (SELECT * FROM ({_DISCLOSURES}) WHERE {where}),
        c AS (
            SELECT f.doc_id, count(*) FILTER (f.severity = 'error') AS errors,
                   count(*) FILTER (f.severity = 'warning') AS warnings,
                   count(*) FILTER (f.severity = 'info') AS infos
            FROM findings f JOIN d USING (doc_id, run_id)
            WHERE {finding_where} GROUP BY f.doc_id
        )
        SELECT d.* REPLACE (c.errors AS errors, c.warnings AS warnings, c.infos AS infos)
        FROM d JOIN c USING (doc_id) ORDER BY seen_at DESC, doc_id
        """,
        params | finding_params,
    )


def findings(lake: Lake, filters: Filters = Filters(), limit: int | None = None) -> pd.DataFrame:
    """The current findings of the filtered disclosures, most severe first."""
    where, params = filters.where()
    return _findings(lake, f"SELECT * FROM ({_DISCLOSURES}) WHERE {where}", params, filters, limit)


def document_findings(lake: Lake, doc_id: str, filters: Filters = Filters()) -> pd.DataFrame:
    """The findings of one document version's latest run, most severe first."""
    scope = f"SELECT * FROM ({_VERSIONS}) WHERE doc_id = $doc_id"
    return _findings(lake, scope, {"doc_id": doc_id}, filters)


def _findings(
    lake: Lake, scope: str, params: dict[str, Any], filters: Filters, limit: int | None = None
) -> pd.DataFrame:
    finding_where, finding_params = filters.finding_where()
    return _frame(
        lake,
        f"""
        SELECT d.doc_id, d.department_code, d.department_name, d.year, f.suite, f."check",
               f.severity, f."table", f.page, f.line, f.message, f.observed, f.expected,
               f.fingerprint
        FROM ({scope}) d JOIN findings f USING (doc_id, run_id)
        WHERE {finding_where}
        ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                 d.seen_at DESC, d.doc_id, f."table", f.line
        {f"LIMIT {int(limit)}" if limit else ""}
        """,
        params | finding_params,
    )


def findings_by_suite(lake: Lake, filters: Filters = Filters()) -> pd.DataFrame:
    """Current findings counted by suite (rows, in Chinese) and severity (columns)."""
    where, params = filters.where()
    finding_where, finding_params = filters.finding_where()
    counts = _frame(
        lake,
        f"""
        SELECT f.suite, f.severity, count(*) AS n
        FROM ({_DISCLOSURES}) d JOIN findings f USING (doc_id, run_id)
        WHERE {where} AND {finding_where} GROUP BY ALL
        """,
        params | finding_params,
    )
    table = counts.pivot_table(index="suite", columns="severity", values="n", fill_value=0)
    table = table.reindex(columns=list(SEVERITY_LABELS), fill_value=0)
    table = table.reindex([s for s in SUITE_NAMES if s in table.index])
    table.index = [SUITE_NAMES[s] for s in table.index]
    table.columns = [SEVERITY_LABELS[s] for s in table.columns]
    return table.astype(int)


def trend(lake: Lake, filters: Filters = Filters()) -> pd.DataFrame:
    """Open errors and warnings after each check run, over the filtered disclosures.

    A disclosure's count is that of its latest run so far; a new version replaces its predecessor's.
    """
    where, params = filters.where()
    return _frame(
        lake,
        f"""
        WITH scope AS (SELECT DISTINCT disclosure FROM ({_DISCLOSURES}) WHERE {where}),
        counted AS (
            SELECT dr.run_id, dr.checked_at, coalesce(v.url, dr.doc_id) AS disclosure,
                   dr.errors, dr.warnings
            FROM doc_runs dr
            LEFT JOIN (SELECT DISTINCT sha256, url FROM disclosures) v ON v.sha256 = dr.doc_id
        ),
        deltas AS (
            SELECT run_id, checked_at,
                   errors - coalesce(lag(errors) OVER w, 0) AS d_errors,
                   warnings - coalesce(lag(warnings) OVER w, 0) AS d_warnings
            FROM counted JOIN scope USING (disclosure)
            WINDOW w AS (PARTITION BY disclosure ORDER BY checked_at)
        ),
        runs AS (
            SELECT min(checked_at) AS checked_at, sum(d_errors) AS d_errors,
                   sum(d_warnings) AS d_warnings
            FROM deltas GROUP BY run_id
        )
        SELECT checked_at AS "检查时间",
               (sum(d_errors) OVER (ORDER BY checked_at))::BIGINT AS "错误",
               (sum(d_warnings) OVER (ORDER BY checked_at))::BIGINT AS "警告"
        FROM runs ORDER BY checked_at
        """,
        params,
    )


def document(lake: Lake, doc_id: str) -> dict[str, Any] | None:
    """One document version: its facts, status and counts (None if the lake does not know it)."""
    frame = _frame(
        lake,
        f"""
        SELECT v.*, doc.path, doc.encoding, doc.layout, doc.lines, doc.consumed, doc.facts
        FROM ({_VERSIONS}) v LEFT JOIN documents doc USING (doc_id)
        WHERE v.doc_id = $doc_id
        """,
        {"doc_id": doc_id},
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def versions(lake: Lake, doc_id: str) -> pd.DataFrame:
    """Every version of the document's URL, the latest first."""
    return _frame(
        lake,
        """
        SELECT version, sha256 AS doc_id, first_seen, last_seen, status, error, raw_path
        FROM disclosures
        WHERE url IN (SELECT url FROM disclosures WHERE sha256 = $doc_id)
        ORDER BY version DESC
        """,
        {"doc_id": doc_id},
    )


def changes(lake: Lake, doc_id: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(resolved, new) findings against the previous checked version; None if there is none."""
    previous = lake.query(
        """
        SELECT p.sha256 FROM disclosures c
        JOIN disclosures p ON p.url = c.url AND p.version < c.version
        WHERE c.sha256 = ? AND p.sha256 IN (SELECT doc_id FROM doc_runs)
        ORDER BY p.version DESC LIMIT 1
        """,
        [doc_id],
    )
    if not previous:
        return None
    current = document_findings(lake, doc_id)
    before = document_findings(lake, previous[0][0])
    resolved = before[~before["fingerprint"].isin(current["fingerprint"])]
    new = current[~current["fingerprint"].isin(before["fingerprint"])]
    return resolved.reset_index(drop=True), new.reset_index(drop=True)


def pdf_text(lake: Lake, doc_id: str) -> pd.DataFrame:
    """A PDF's extracted text, one row per line: line, text, page, bbox (empty for text files)."""
    return _frame(
        lake,
        "SELECT line, text, page, bbox::DOUBLE[] AS bbox FROM doc_text "
        "WHERE doc_id = $doc_id ORDER BY line",
        {"doc_id": doc_id},
    )


def table_inventory(lake: Lake, doc_id: str) -> pd.DataFrame:
    """The tables read from a document, in document order."""
    return _frame(
        lake,
        'SELECT kind, title, line, unit, unit_stated, pages, "rows", projects, total '
        "FROM tables WHERE doc_id = $doc_id ORDER BY line",
        {"doc_id": doc_id},
    )


def table_preview(lake: Lake, doc_id: str, kind: str, limit: int = 500) -> pd.DataFrame:
    """The first rows of one parsed table, as stored (line = the source line)."""
    relation = lake.rows_of(kind, [doc_id]).order("seq").limit(limit)
    frame = relation.to_arrow_table().to_pandas(types_mapper=pd.ArrowDtype)
    hidden = {"doc_id", "kind", "department", "budget_year", "bbox"}
    hidden |= {c for c in frame.columns if c.endswith("_wan")}
    return frame[[c for c in frame.columns if c not in hidden]]


def rule_outcomes(lake: Lake) -> pd.DataFrame:
    """The check catalogue with, per check, documents that pass / fail / are not applicable.

    Counted over the latest run of each current disclosure.
    """
    counts = _frame(
        lake,
        f"""
        SELECT o.suite, o."check", o.outcome, count(*) AS n
        FROM ({_DISCLOSURES}) d JOIN check_outcomes o USING (doc_id, run_id)
        GROUP BY ALL
        """,
    )
    wide = counts.pivot_table(
        index=["suite", "check"], columns="outcome", values="n", fill_value=0
    ).reindex(columns=list(OUTCOME_LABELS), fill_value=0)
    rows = []
    for suite in load_suites():
        for check in suite.checks:
            n = wide.loc[(suite.name, check.id)] if (suite.name, check.id) in wide.index else None
            rows.append(
                {
                    "规则组": SUITE_NAMES.get(suite.name, suite.name),
                    "规则": check.id,
                    "严重程度": SEVERITY_LABELS[check.severity],
                    "表": KINDS[check.table].title if check.table in KINDS else check.table,
                    "说明": check.description,
                }
                | {label: int(n[o]) if n is not None else 0 for o, label in OUTCOME_LABELS.items()}
            )
    return pd.DataFrame(rows)


def outbox(lake: Lake) -> pd.DataFrame:
    """Every alert message, the newest first, with its delivery state."""
    return _frame(
        lake,
        """
        SELECT created_at, CASE WHEN status = 'sent' THEN 'sent'
                                WHEN attempts > 0 AND last_error IS NOT NULL THEN 'failed'
                                ELSE 'pending' END AS state,
               kind, channel, thread_key, text, attempts, last_error, sent_at, slack_ts,
               delivery_key
        FROM outbox ORDER BY created_at DESC, delivery_key
        """,
    )


def alert_threads(lake: Lake) -> pd.DataFrame:
    """Each Slack thread: its disclosure, channel, status and open / resolved findings."""
    return _frame(
        lake,
        """
        SELECT t.thread_key, t.department_code, t.year, t.channel, t.status, t.root_ts,
               t.doc_id, t.updated_at,
               count(f.fingerprint) FILTER (f.status = 'open') AS open,
               count(f.fingerprint) FILTER (f.status = 'resolved') AS resolved
        FROM alert_threads t LEFT JOIN alert_findings f USING (thread_key)
        GROUP BY ALL ORDER BY t.updated_at DESC, t.thread_key
        """,
    )
