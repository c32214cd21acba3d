"""How well budgetdq reads and checks real disclosures, against a hand check (`truth.json`).

    uv run python benchmarks/real_bench.py FOLDER [--truth FOLDER/truth.json] [--json]

The truth file maps each document's file name to `tables_present` (kind, title, page, unit) and
`verified_true_defects` (id, `tables`: ["支出预算总表 p17", …]). Per document and in all it prints:

- tables found: a table of the kind at its page; read right: found with its unit, understood, and
  every line of figures between its title and the next table read as a row;
- error findings true / false: an error on a page a real defect names is true, any other false;
- defects found: a real defect with a finding (any severity) on one of its pages;
- narrative statements found (a figure a sentence states), bound (to the table figure it restates)
  and checked (bound, or with a change clause the narrative rules judge).

Documents are read and checked as `budgetdq check` does, in a temporary lake.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from budgetdq.checks.runner import check_documents
from budgetdq.inventory import read_paths
from budgetdq.lake import Lake
from budgetdq.parse.cells import is_amount
from budgetdq.parse.document import ParsedDocument

_PAGE = re.compile(r"p(\d+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    truth = json.loads((args.truth or args.folder / "truth.json").read_text(encoding="utf-8"))
    paths = [args.folder / name for name in truth if (args.folder / name).is_file()]
    started = time.perf_counter()
    results = read_paths(paths)
    with tempfile.TemporaryDirectory(prefix="real-bench-") as scratch, Lake(scratch) as lake:
        documents = [r.document for r in results if r.document]
        lake.ingest_many(documents)
        run = check_documents(lake, [d.doc_id for d in documents])
    seconds = time.perf_counter() - started
    reports = []
    for result in results:
        entry = truth[Path(result.path).name]
        findings = [
            f for f in run.findings if result.document and f.doc_id == result.document.doc_id
        ]
        findings += [f for f in result.findings if f.doc_id is None]
        reports.append(_report(entry, result.document, findings))
    totals = Counter()
    for report in reports:
        totals.update({k: v for k, v in report.items() if isinstance(v, int)})
    if args.json:
        print(json.dumps({"documents": reports, "total": totals}, ensure_ascii=False, indent=2))
        return
    header = (
        f"{'doc':5} {'tables':>7} {'found':>6} {'right':>6} {'err true':>9} {'err false':>10} "
        f"{'defects':>8} {'stated':>7} {'bound':>6} {'checked':>8}"
    )
    print(header)
    for r in reports:
        print(
            f"{r['id']:5} {r['tables']:7} {r['found']:6} {r['read_right']:6} "
            f"{r['errors_true']:9} {r['errors_false']:10} {r['defects_found']:>3}/{r['defects']:<4} "
            f"{r['stated']:7} {r['bound']:6} {r['checked']:8}"
        )
        for problem in r["problems"]:
            print(f"      {problem}")
    print(
        f"{'all':5} {totals['tables']:7} {totals['found']:6} {totals['read_right']:6} "
        f"{totals['errors_true']:9} {totals['errors_false']:10} "
        f"{totals['defects_found']:>3}/{totals['defects']:<4} "
        f"{totals['stated']:7} {totals['bound']:6} {totals['checked']:8}"
    )
    print(f"{len(results)} documents read and checked in {seconds:.1f} s")
    sys.exit(0)


def _report(
    entry: dict[str, Any], document: ParsedDocument | None, findings: list
) -> dict[str, Any]:
    present = entry.get("tables_present", [])
    defects = entry.get("verified_true_defects", [])
    report: dict[str, Any] = {
        "id": entry.get("bench_id", "?"),
        "tables": len(present),
        "found": 0,
        "read_right": 0,
        "errors_true": 0,
        "errors_false": 0,
        "defects": len(defects),
        "defects_found": 0,
        "stated": 0,
        "bound": 0,
        "checked": 0,
        "problems": [],
    }
    if document is None:
        report["problems"].append("not read")
        return report
    narrative = document.table("narrative")
    statements = [r for r in (narrative.rows if narrative else []) if r["role"] == "statement"]
    report["stated"] = len(statements)
    report["bound"] = sum(r.get("table_value") is not None for r in statements)
    report["checked"] = sum(
        r.get("table_value") is not None or r.get("relation") is not None for r in statements
    )
    tables = [(t, document.page_of(t.line)) for t in document.tables if t.kind != "narrative"]
    title_lines = sorted(t.line for t in document.tables)
    for wanted in present:
        kind = wanted["kind"].removeprefix("other:")
        table = next((t for t, page in tables if t.kind == kind and page == wanted["page"]), None)
        if table is None:
            report["problems"].append(
                f"missed {wanted['kind']} p{wanted['page']} {wanted['title']}"
            )
            continue
        report["found"] += 1
        later = [line for line in title_lines if line > table.line]
        end = later[0] if later else 10**9
        figures = {
            line.no
            for line in document.lines
            if table.line < line.no < end and _has_figures(line.cells)
        }
        read = {row["line"] for row in table.rows}
        unit_right = wanted.get("unit") in (None, table.unit)
        if unit_right and table.understood and figures <= read:
            report["read_right"] += 1
        else:
            why = [] if unit_right else [f"unit {table.unit} ≠ {wanted['unit']}"]
            why += [] if table.understood else ["not understood"]
            why += [f"{len(figures - read)} lines of figures not read"] if figures - read else []
            report["problems"].append(
                f"not right {wanted['kind']} p{wanted['page']}: {', '.join(why)}"
            )
    defect_pages = [
        {int(p) for ref in d.get("tables", []) for p in _PAGE.findall(ref)} for d in defects
    ]
    for finding in findings:
        if finding.severity == "error":
            true = any(finding.page in pages for pages in defect_pages)
            report["errors_true" if true else "errors_false"] += 1
            if not true:
                report["problems"].append(
                    f"false error p{finding.page} {finding.check}: {finding.message[:80]}"
                )
    for defect, pages in zip(defects, defect_pages, strict=True):
        if any(f.page in pages for f in findings if f.suite != "parse"):
            report["defects_found"] += 1
        else:
            report["problems"].append(
                f"defect {defect.get('id')} not found: {defect.get('what', '')[:60]}"
            )
    return report


def _has_figures(cells: tuple[str, ...]) -> bool:
    return any(is_amount(cell) and ("," in cell or "." in cell) for cell in cells)


if __name__ == "__main__":
    main()
