"""Run every suite over documents in the lake and turn the results into findings and outcomes.

The documents are validated together: one batch per table kind holds the rows of all of them.
Each (document, check) ends as `pass`, `fail`, `not_applicable` (the table is absent) or
`not_evaluated` (the reader could not give the data the check needs); nothing passes unrun.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from budgetdq.checks.catalog import Check, load_suites
from budgetdq.checks.engine import GxEngine
from budgetdq.checks.fingerprint import fingerprint_findings
from budgetdq.findings import Finding, capped
from budgetdq.lake import Lake
from budgetdq.schema import KINDS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CheckRun", "Outcome", "check_documents"]

NOT_POSITIONAL = "PDF 文本丢失了空白单元格，列位置无法确定，此项未检查"
NOT_UNDERSTOOD = "{title}未能识别，不作此项检查"
NOT_ESTABLISHED = "{title}的表头未确定{columns}列的含义，此项未检查"
# Suites whose rules compare amounts: a figure the reader could not read is not judged by them.
AMOUNT_SUITES = frozenset({"totals", "crosstable", "indicators"})


@dataclass(frozen=True)
class Outcome:
    doc_id: str
    suite: str
    check: str
    outcome: str  # pass | fail | not_applicable | not_evaluated
    reason: str | None = None


@dataclass
class CheckRun:
    """The findings and outcomes of one run over a set of documents."""

    run_id: str
    checked_at: datetime
    doc_ids: list[str]
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)
    """The fingerprint of each finding, in order: its id across runs and versions."""


def check_documents(lake: Lake, doc_ids: list[str], engine: GxEngine | None = None) -> CheckRun:
    """Check documents already in the lake; the run is stored in the lake's findings tables.

    The rules see the documents checked and the other documents of their departments (the
    cross-year rules compare with those), nothing else: a batch is checked in the same time in a
    lake of ten documents or of ten thousand.
    """
    run = CheckRun(uuid.uuid4().hex, datetime.now(UTC).replace(tzinfo=None), list(doc_ids))
    if not doc_ids:
        return run
    engine = engine or GxEngine()
    with lake.scoped(_same_departments(lake, doc_ids)):
        _check(lake, run, engine)
    run.findings.extend(_parse_findings(lake, doc_ids))
    run.findings = _on_pages(lake, run.findings)
    run.fingerprints = fingerprint_findings(lake, run.findings)
    lake.save_check_run(run)
    return run


def _same_departments(lake: Lake, doc_ids: list[str]) -> list[str]:
    return [
        doc_id
        for (doc_id,) in lake.query(
            "SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest($1)) OR department_code "
            "IN (SELECT department_code FROM documents WHERE doc_id IN (SELECT unnest($1)))",
            [doc_ids],
        )
    ]


def _check(lake: Lake, run: CheckRun, engine: GxEngine) -> None:
    doc_ids = run.doc_ids
    present = _tables_present(lake, doc_ids)
    left_filled = _left_filled_tables(lake, doc_ids)
    established = _established_columns(lake, doc_ids)
    rounded = _rounded_documents(lake, doc_ids)
    unreadable = _unreadable_figures(lake, doc_ids)
    unreadable_lines = {(doc_id, line) for doc_id, _, line in unreadable}
    by_table: dict[str, list[Check]] = defaultdict(list)
    for suite in load_suites():
        for check in suite.checks:
            by_table[check.table].append(check)
    for kind, checks in by_table.items():
        failures = _validate(engine, lake, kind, _batch(lake, kind, doc_ids), checks, rounded)
        for check in checks:
            findings = failures.get(check.id, [])
            if check.suite in AMOUNT_SUITES:
                findings = [f for f in findings if (f.doc_id, f.line) not in unreadable_lines]
            applicable = _applicable(lake, check, doc_ids)
            unread = _unsummable(check, unreadable) | _unestablished(check, established, doc_ids)
            _conclude(run, check, applicable, present, left_filled, unread, findings)


def _batch(lake: Lake, kind: str, doc_ids: list[str]) -> pd.DataFrame:
    relation = lake.db.sql(
        f'SELECT * FROM "{kind}" WHERE doc_id IN (SELECT unnest($ids)) ORDER BY doc_id, seq',
        params={"ids": doc_ids},
    )
    import pandas as pd  # only a check needs it (pandas costs a second to import)

    return relation.to_arrow_table().to_pandas(types_mapper=pd.ArrowDtype)


def _validate(
    engine: GxEngine,
    lake: Lake,
    kind: str,
    frame: pd.DataFrame,
    checks: list[Check],
    rounded: set[str],
) -> dict[str, list[Finding]]:
    """Run the checks of one table kind (from every suite) as one GX suite; findings by check."""
    if frame.empty:
        return {}
    suite = engine.suite(kind, [check.expectation for check in checks])
    result = engine.validate(kind, frame, suite, lake.db)
    by_id = {check.id: check for check in checks}
    failures: dict[str, list[Finding]] = {}
    rows = frame.set_index(["doc_id", "seq"])
    for item in result.results:
        if item.success:
            continue
        assert item.expectation_config is not None and item.expectation_config.meta
        check = by_id[item.expectation_config.meta["check"]]
        _raise_if_errored(check, item.exception_info)
        if check.is_query:
            unexpected = item.result["details"]["unexpected_rows"]
            failures[check.id] = [_query_finding(check, row, rounded) for row in unexpected]
        else:
            failures[check.id] = [
                _row_finding(check, index, rows)
                for index in item.result.get("unexpected_index_list", [])
            ]
    return failures


class CheckError(RuntimeError):
    """A check that could not run (an SQL error in its suite file): a bug to fix, never a pass."""


def _raise_if_errored(check: Check, info: dict[str, Any] | None) -> None:
    """GX reports a failed metric as `exception_info`, keyed by metric id or flat."""
    entries = list(info.values()) if info and "raised_exception" not in info else [info or {}]
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            message = entry.get("exception_message", "")
            raise CheckError(f"{check.suite}/{check.id} could not run: {message}")


def _format(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:,}"
    return "（空）" if value is None else str(value)


def _query_finding(check: Check, row: dict[str, Any], rounded: set[str]) -> Finding:
    params = {key: _format(value) for key, value in row.items()}
    params.setdefault("table_title", KINDS[check.table].title)
    message = check.message.format_map(defaultdict(str, params))
    severity = check.severity
    rounding = _rounding(check, row) if row["doc_id"] in rounded else None
    if rounding is not None:
        severity = "warning"
        message = f"舍入差（{rounding}）：{message}"
    return Finding(
        suite=check.suite,
        check=check.id,
        severity=severity,
        message=message,
        table=row.get("table") or check.table,
        line=int(row["line"]) if row.get("line") is not None else None,
        observed=params.get("observed") or None,
        expected=params.get("expected") or check.expected,
        doc_id=row["doc_id"],
    )


def _rounding(check: Check, row: dict[str, Any]) -> str | None:
    """Why a sum's difference is only rounding, or None.

    In the national layouts figures are printed in whole 元 or in 万元 with 2 decimals, rounded
    cell by cell (Beijing prints to the 分: its sums are exact, and this is not asked): a total
    may differ from the sum of its `parts` printed parts by up to half a unit of their last decimal
    each. Such a difference is a warning that names it so; a larger one keeps the rule's severity.
    """
    observed, expected, parts = row.get("observed"), row.get("expected"), row.get("parts")
    if check.suite != "totals" or not parts:
        return None
    if not isinstance(observed, Decimal) or not isinstance(expected, Decimal):
        return None
    scale = max(_decimals(observed), _decimals(expected))
    half = Decimal(5) / Decimal(10) ** (scale + 1)
    difference = abs(observed - expected)
    if 0 < difference <= half * int(parts):
        return f"相差 {difference.normalize():f}，在 {parts} 项各自四舍五入的误差 ±{half} 之内"
    return None


def _decimals(value: Decimal) -> int:
    """Decimals printed: those of the value without trailing zeros, at least 2 when it has any."""
    exponent = int(value.normalize().as_tuple().exponent)
    return 0 if exponent >= 0 else max(-exponent, 2)


def _row_finding(check: Check, index: dict[str, Any], rows: pd.DataFrame) -> Finding:
    column = check.expectation["kwargs"]["column"]
    row = rows.loc[(index["doc_id"], index["seq"])]
    value = _format(row[column])
    params = {key: _format(row[key]) for key in row.index} | {
        "value": value,
        "line": str(row["line"]),
        "table_title": KINDS[check.table].title,
    }
    return Finding(
        suite=check.suite,
        check=check.id,
        severity=check.severity,
        message=check.message.format_map(defaultdict(str, params)),
        table=check.table,
        line=int(row["line"]),
        observed=value,
        expected=check.expected,
        doc_id=index["doc_id"],
    )


def _applicable(lake: Lake, check: Check, doc_ids: list[str]) -> dict[str, str | None]:
    """Each document, with the reason the check does not apply to it (None when it applies)."""
    if check.applies_query is None:
        return dict.fromkeys(doc_ids)
    applies = {row[0] for row in lake.query(check.applies_query)}
    return {d: None if d in applies else check.not_applicable_reason for d in doc_ids}


def _conclude(
    run: CheckRun,
    check: Check,
    doc_ids: dict[str, str | None],
    present: dict[str, set[str]],
    left_filled: dict[str, set[str]],
    unread: dict[str, str],
    findings: list[Finding],
) -> None:
    failing = defaultdict(list)
    for finding in findings:
        failing[finding.doc_id].append(finding)
    for doc_id, not_applicable in doc_ids.items():
        missing = [kind for kind in check.requires if kind not in present.get(doc_id, set())]
        if missing or not_applicable:
            reason = not_applicable or "文档中没有" + "、".join(
                KINDS[kind].title for kind in missing
            )
            run.outcomes.append(Outcome(doc_id, check.suite, check.id, "not_applicable", reason))
        elif doc_id in unread:
            run.outcomes.append(
                Outcome(doc_id, check.suite, check.id, "not_evaluated", unread[doc_id])
            )
        elif check.positional and left_filled.get(doc_id, set()) & {check.table, *check.requires}:
            run.outcomes.append(
                Outcome(doc_id, check.suite, check.id, "not_evaluated", NOT_POSITIONAL)
            )
        elif failing[doc_id]:
            run.findings.extend(capped(failing[doc_id]))
            run.outcomes.append(Outcome(doc_id, check.suite, check.id, "fail"))
        else:
            run.outcomes.append(Outcome(doc_id, check.suite, check.id, "pass"))


def _unreadable_figures(lake: Lake, doc_ids: list[str]) -> list[tuple[str, str, int]]:
    """(document, table, line) of each amount the reader could not read or could not store."""
    return [
        (doc_id, table, line)
        for doc_id, table, line in lake.query(
            'SELECT doc_id, "table", line FROM parse_findings '
            "WHERE \"check\" IN ('unreadable_amount', 'amount_not_storable') "
            "AND doc_id IN (SELECT unnest(?))",
            [doc_ids],
        )
    ]


def _unsummable(check: Check, unreadable: list[tuple[str, str, int]]) -> dict[str, str]:
    """Documents on which a rule that adds rows up must not run: a figure it would add is unread."""
    if check.suite not in AMOUNT_SUITES or not check.adds_up_rows:
        return {}
    reasons: dict[str, str] = {}
    for doc_id, table, line in unreadable:
        if table in check.kinds and doc_id not in reasons:
            reasons[doc_id] = f"{KINDS[table].title}第{line}行的金额未能读取，无法求和，此项未检查"
    return reasons


def _rounded_documents(lake: Lake, doc_ids: list[str]) -> set[str]:
    """Documents whose figures may be rounded: the national layouts (元 without 分, 万元 with 2
    decimals). Beijing prints to the 分 (万元 with 6 decimals): its sums are exact."""
    rows = lake.query(
        "SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest(?)) "
        "AND profile IS NOT NULL AND profile <> 'beijing'",
        [doc_ids],
    )
    return {doc_id for (doc_id,) in rows}


def _established_columns(lake: Lake, doc_ids: list[str]) -> dict[tuple[str, str], set[str] | None]:
    """By (document, kind): the amount columns its header established; None when not understood."""
    established: dict[tuple[str, str], set[str] | None] = {}
    rows = lake.query(
        "SELECT doc_id, kind, understood, columns FROM tables WHERE doc_id IN (SELECT unnest(?))",
        [doc_ids],
    )
    for doc_id, kind, understood, columns in rows:
        known = established.get((doc_id, kind), set(KINDS[kind].all_amounts))
        if understood is False or known is None:
            established[(doc_id, kind)] = None
        else:
            established[(doc_id, kind)] = known & set(
                columns if columns is not None else KINDS[kind].amounts
            )
    return established


def _unestablished(
    check: Check, established: dict[tuple[str, str], set[str] | None], doc_ids: list[str]
) -> dict[str, str]:
    """Documents on which a rule must not run: a table it reads that was not understood, or whose
    header did not establish a column the rule adds up. No rule fires on what was not read."""
    reasons: dict[str, str] = {}
    for doc_id in doc_ids:
        for kind in check.kinds:
            if (doc_id, kind) not in established:
                continue
            columns = established[(doc_id, kind)]
            title = KINDS[kind].title
            if columns is None:
                reasons[doc_id] = NOT_UNDERSTOOD.format(title=title)
                break
            missing = sorted(check.needs(kind) - columns)
            if missing:
                reasons[doc_id] = NOT_ESTABLISHED.format(title=title, columns="、".join(missing))
                break
    return reasons


def _tables_present(lake: Lake, doc_ids: list[str]) -> dict[str, set[str]]:
    present: dict[str, set[str]] = defaultdict(set)
    rows = lake.query(
        "SELECT doc_id, kind FROM tables WHERE doc_id IN (SELECT unnest(?))", [doc_ids]
    )
    for doc_id, kind in rows:
        present[doc_id].add(kind)
    return present


def _left_filled_tables(lake: Lake, doc_ids: list[str]) -> dict[str, set[str]]:
    tables: dict[str, set[str]] = defaultdict(set)
    for kind in KINDS:
        rows = lake.query(
            f'SELECT DISTINCT doc_id FROM "{kind}" WHERE left_filled AND doc_id IN (SELECT unnest(?))',
            [doc_ids],
        )
        for (doc_id,) in rows:
            tables[doc_id].add(kind)
    return tables


def _parse_findings(lake: Lake, doc_ids: list[str]) -> list[Finding]:
    rows = lake.query(
        'SELECT suite, "check", severity, message, "table", line, observed, expected, doc_id, '
        "page FROM parse_findings WHERE doc_id IN (SELECT unnest(?)) ORDER BY doc_id, line",
        [doc_ids],
    )
    return [Finding(*row) for row in rows]


def _on_pages(lake: Lake, findings: list[Finding]) -> list[Finding]:
    """Findings in PDFs with the page of their line."""
    pages = {
        (doc_id, line): page
        for doc_id, line, page in lake.query(
            "SELECT doc_id, line, page FROM doc_text "
            "WHERE doc_id IN (SELECT unnest(?)) AND page IS NOT NULL",
            [sorted({f.doc_id for f in findings if f.doc_id})],
        )
    }
    if not pages:
        return findings
    return [
        replace(f, page=pages.get((f.doc_id, f.line), f.page)) if f.line is not None else f
        for f in findings
    ]
