"""Print check results for people: findings grouped by document and table, and summaries."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table as RichTable

from budgetdq.checks.catalog import load_suites
from budgetdq.checks.runner import CheckRun
from budgetdq.findings import SEVERITY_LABELS, Finding
from budgetdq.schema import KINDS

__all__ = ["catalog_markdown", "print_catalog", "print_findings", "print_summary"]

OUTCOME_LABELS = {
    "pass": "通过",
    "fail": "未通过",
    "not_applicable": "不适用",
    "not_evaluated": "未检查",
}


def print_findings(findings: list[Finding], names: dict[str, str], console: Console) -> None:
    """Every finding, grouped by document then table, with its line and figures."""
    by_doc: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_doc[finding.doc_id].append(finding)
    for doc_id, items in by_doc.items():
        console.print(f"[bold]{names.get(doc_id or '', doc_id)}[/bold]")
        by_table: dict[str | None, list[Finding]] = defaultdict(list)
        for finding in items:
            by_table[finding.table].append(finding)
        for table, group in by_table.items():
            console.print(f"  {KINDS[table].title if table in KINDS else '（文档）'}")
            for f in sorted(group, key=lambda f: (f.line or 0, f.check)):
                console.print(
                    f"    [{SEVERITY_LABELS[f.severity]}] {f.where} {f.message}  ({f.suite}/{f.check})",
                    highlight=False,
                )
        console.print()


def print_summary(run: CheckRun, names: dict[str, str], console: Console) -> None:
    """Findings by document, suite and severity, and outcomes by document."""
    grid = RichTable("文档", "规则组", "错误", "警告", "提示")
    counts: Counter[tuple[str | None, str, str]] = Counter(
        (f.doc_id, f.suite, f.severity) for f in run.findings
    )
    for doc_id in run.doc_ids:
        suites = sorted({suite for d, suite, _ in counts if d == doc_id})
        for suite in suites:
            grid.add_row(
                names.get(doc_id, doc_id),
                suite,
                *(str(counts[doc_id, suite, severity]) for severity in SEVERITY_LABELS),
            )
    console.print(grid)
    outcomes = Counter((o.doc_id, o.outcome) for o in run.outcomes)
    for doc_id in run.doc_ids:
        parts = "，".join(
            f"{label} {outcomes[doc_id, outcome]}" for outcome, label in OUTCOME_LABELS.items()
        )
        console.print(f"  {names.get(doc_id, doc_id)}：规则 {parts}")


def print_catalog(console: Console) -> None:
    """The check catalogue: id, suite, severity, table and description of every rule."""
    grid = RichTable("规则", "规则组", "级别", "表", "说明")
    for suite in load_suites():
        for check in suite.checks:
            grid.add_row(
                check.id,
                suite.name,
                SEVERITY_LABELS[check.severity],
                KINDS[check.table].title,
                check.description,
            )
    console.print(grid)


def catalog_markdown() -> str:
    """The catalogue as markdown (docs/checks.md is generated from it: `budgetdq checks --format markdown`)."""
    out = [
        "# Check catalogue",
        "",
        "Generated from the suites in `expectations/` by `budgetdq checks --format markdown`;",
        "do not edit by hand.",
        "",
    ]
    for suite in load_suites():
        out += [
            f"## {suite.name}",
            "",
            "| check | severity | table | description |",
            "|---|---|---|---|",
        ]
        for check in suite.checks:
            out.append(
                f"| `{check.id}` | {check.severity} | {KINDS[check.table].title} ({check.table}) "
                f"| {check.description} |"
            )
        out.append("")
    return "\n".join(out)
