"""Find the documents under a path, read them, and describe what was read (text or JSON).

The JSON form is a contract other tools build on (see README, "budgetdq parse").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from budgetdq.findings import Finding
from budgetdq.parse.document import ParsedDocument, read_document

__all__ = [
    "DOCUMENT_SUFFIXES",
    "ReadResult",
    "describe",
    "discover",
    "print_inventory",
    "read_paths",
]

DOCUMENT_SUFFIXES = (".txt", ".pdf")


class ReadResult:
    """A path and what reading it gave: a parsed document, or findings saying why it could not be read."""

    def __init__(self, path: str, document: ParsedDocument | None, findings: list[Finding]):
        self.path = path
        self.document = document
        self.findings = findings


def discover(path: Path) -> list[Path]:
    """The documents at a path: the file itself, or the documents in a directory (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES)
    return [path]


def read_paths(paths: list[Path]) -> list[ReadResult]:
    """Read every document under `paths`; an unreadable path becomes a result with a finding."""
    results = []
    for root in paths:
        if not root.exists():
            results.append(_failed(root, f"路径不存在：{root}", "file_not_found"))
            continue
        documents = discover(root)
        if not documents:
            results.append(
                _failed(
                    root,
                    f"目录中没有可读取的文档（{', '.join(DOCUMENT_SUFFIXES)}）",
                    "no_documents",
                )
            )
        for path in documents:
            try:
                data = path.read_bytes()
            except OSError as exc:
                results.append(_failed(path, f"文件无法读取：{exc.strerror}", "unreadable_file"))
                continue
            document = read_document(data, str(path))
            results.append(ReadResult(str(path), document, document.findings))
    return results


def _failed(path: Path, message: str, check: str) -> ReadResult:
    return ReadResult(str(path), None, [Finding("parse", check, "error", message)])


def describe(result: ReadResult) -> dict[str, Any]:
    """The JSON contract of `budgetdq parse --format json` for one path."""
    document = result.document
    findings = [
        {key: value for key, value in f.to_dict().items() if key != "doc_id"}
        for f in result.findings
    ]
    if document is None:
        return {
            "path": result.path,
            "doc_id": None,
            "department": {"code": None, "name": None},
            "year": None,
            "tables": [],
            "coverage": {"lines": 0, "consumed": 0, "unparsed": []},
            "findings": findings,
        }
    facts = document.facts.to_dict()
    return {
        "profile": document.profile.name if document.profile else None,
        "path": result.path,
        "doc_id": document.doc_id,
        "department": facts["department"],
        "year": facts["year"],
        "tables": [
            {
                "kind": table.kind,
                "title": table.title,
                "line": table.line,
                "page": document.page_of(table.line),
                "unit": table.unit,
                "understood": table.understood,
                "rows": len(table.detail_rows),
                "projects": table.projects,
                "total": None if table.declared_total is None else str(table.declared_total),
            }
            for table in document.tables
        ],
        "coverage": document.coverage.to_dict(),
        "findings": findings,
    }


def print_inventory(results: list[ReadResult], console: Console) -> None:
    """A readable inventory: per document its facts, tables, coverage and parse findings."""
    for result in results:
        info = describe(result)
        department = info["department"]
        console.print(
            f"[bold]{result.path}[/bold]  {department['code'] or '?'} {department['name'] or '?'}"
            f"  {info['year'] or '?'}年  doc_id {str(info['doc_id'])[:12]}"
        )
        if info["tables"]:
            grid = RichTable("表", "类型", "行号", "单位", "行数", "项目数", "合计")
            for table in info["tables"]:
                grid.add_row(
                    table["title"],
                    table["kind"],
                    str(table["line"]),
                    table["unit"],
                    str(table["rows"]),
                    "" if table["projects"] is None else str(table["projects"]),
                    table["total"] or "",
                )
            console.print(grid)
        coverage = info["coverage"]
        if coverage["lines"]:
            share = coverage["consumed"] / coverage["lines"]
            console.print(
                f"  读取 {coverage['consumed']}/{coverage['lines']} 行 ({share:.1%})，"
                f"未识别 {len(coverage['unparsed'])} 行"
            )
        by_severity: dict[str, int] = {}
        for finding in result.findings:
            by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        summary = "，".join(f"{k} {v}" for k, v in sorted(by_severity.items())) or "无"
        console.print(f"  解析问题：{summary}\n")
