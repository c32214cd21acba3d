"""Read one published document into typed tables, facts, coverage and parse findings.

`read_document` never raises on bad input: an undecodable file, a document without any recognised
table or a reader that fails on a table each become a finding of suite `parse`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetdq.findings import Finding, capped
from budgetdq.parse.catalogue import is_note
from budgetdq.parse.facts import Facts, read_facts
from budgetdq.parse.limits import Limits
from budgetdq.parse.narrative import read_narrative
from budgetdq.parse.normalize import DecodedText, Line, decode, normalize_lines
from budgetdq.parse.pdf import ExtractedPdf, PdfError, extract_pdf, is_pdf
from budgetdq.parse.profile import Profile, detect_profile
from budgetdq.parse.readers import READERS
from budgetdq.parse.readers.national import read_national
from budgetdq.parse.segment import segment, split_narrative
from budgetdq.parse.table import Layout, Table, TableContext

__all__ = ["UNREADABLE", "Coverage", "ParsedDocument", "read_document"]

log = logging.getLogger(__name__)
# A publication of the narrative alone (…公开表附后): the headings every such narrative carries.
_NARRATIVE = re.compile(r"(?:预算|决算)(?:编制)?情况说明|收支(?:预算|决算)?总体情况|部门概况")
LIMITS = Limits()

UNREADABLE = frozenset(
    {
        "undecodable",
        "no_tables",
        "too_large",
        "pdf_encrypted",
        "pdf_scanned",
        "pdf_broken",
        "pdf_too_long",
    }
)
"""Checks that mean the document cannot be read as a budget at all (it is quarantined)."""


@dataclass
class Coverage:
    """How many non-blank lines were read, and each line that was not, with the reason."""

    lines: int = 0
    consumed: int = 0
    unparsed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.consumed / self.lines if self.lines else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"lines": self.lines, "consumed": self.consumed, "unparsed": self.unparsed}


@dataclass
class ParsedDocument:
    """Everything read from one document. `doc_id` is the sha256 of its original bytes."""

    path: str
    doc_id: str
    encoding: str | None
    layout: Layout | None
    tables: list[Table]
    facts: Facts
    coverage: Coverage
    findings: list[Finding]
    lines: list[Line] = field(default_factory=list, repr=False)
    profile: Profile | None = None
    pdf: ExtractedPdf | None = field(default=None, repr=False)
    """For a PDF: the extracted text the tables were read from, and where each line is."""
    written_to: Path | None = field(default=None, repr=False)
    """The lake whose Parquet files for this document are already written (`lake.write_files`)."""

    @property
    def required(self) -> tuple[str, ...]:
        """The tables this document must publish: its profile's, when it is the table part.

        A national-layout document that prints fewer than half of its profile's tables is a part of a
        publication (the narrative with a table or two): nothing is required of it.
        """
        if self.profile is None or not self.tables:
            return ()
        required = self.profile.required
        present = {table.kind for table in self.tables} & set(required)
        if self.profile.region != "beijing" and len(present) * 2 < len(required):
            return ()
        return required

    def page_of(self, line: int) -> int | None:
        """The PDF page a line of the extracted text is on (None for a text document)."""
        place = self.pdf.places.get(line) if self.pdf is not None else None
        return place.page if place else None

    def table(self, kind: str) -> Table | None:
        return next((t for t in self.tables if t.kind == kind), None)


def read_document(data: bytes, path: str = "<bytes>", limits: Limits = LIMITS) -> ParsedDocument:
    """Read a published budget document from its original bytes."""
    doc_id = hashlib.sha256(data).hexdigest()
    if len(data) > limits.max_document_bytes:
        finding = Finding(
            "parse",
            "too_large",
            "error",
            f"文件 {len(data) / 1e6:.1f} MB，超过上限 {limits.max_document_bytes / 1e6:.1f} MB，未读取",
            observed=str(len(data)),
            expected=f"≤ {limits.max_document_bytes} 字节（budgetdq.toml [limits]）",
        )
        return _empty(path, doc_id, [finding])
    pdf = None
    try:
        if is_pdf(data):
            pdf = extract_pdf(data, limits.max_pdf_pages)
            decoded = DecodedText(pdf.text, "pdf")
        else:
            decoded = decode(data)
    except PdfError as exc:
        finding = Finding("parse", exc.check, "error", str(exc), expected="有文字层、未加密的 PDF")
        return _empty(path, doc_id, [finding])
    except UnicodeDecodeError as exc:
        finding = Finding(
            "parse",
            "undecodable",
            "error",
            f"文件无法按 UTF-8 或 GB18030 编码读取（第 {exc.start} 字节）",
            observed=exc.reason,
            expected="UTF-8 或 GBK/GB18030 文本",
        )
        return _empty(path, doc_id, [finding])
    lines = normalize_lines(decoded.text)
    # Tabs between cells make a tabbed document; a tab left at the end of a line is white space.
    layout: Layout = "tabbed" if any("\t" in line.text for line in lines) else "spaced"
    profile = detect_profile(lines)
    preamble, sections = segment(lines)
    tables: list[Table] = []
    consumed: dict[int, str] = {}
    unparsed: dict[int, str] = {}
    narrative = list(preamble)
    notes: list[tuple[Line, Table]] = []
    findings: list[Finding] = []
    for section in sections:
        if profile.region != "beijing":
            narrative.extend(split_narrative(section))
        ctx = TableContext(section, layout)
        try:
            if profile.region == "beijing":
                READERS[section.kind](ctx)
            else:
                read_national(ctx, profile.final)
        except Exception as exc:  # a reader bug must not stop the other tables
            log.exception("reader %s failed on %s line %s", section.kind, path, section.line)
            ctx.finding(
                "reader_failed",
                "error",
                f"{section.title}（第{section.line}行）读取失败：{exc}",
                line=section.line,
            )
        tables.append(ctx.table)
        notes.extend((note, ctx.table) for note in _notes(section.lines))
        findings.extend(ctx.findings)
        findings.extend(_within(ctx.table, limits.max_rows_per_table))
        consumed.update(ctx.consumed)
        for line in [*section.left_block, *section.lines]:
            if line.no not in ctx.consumed and not line.blank:
                unparsed[line.no] = ctx.unparsed.get(line.no, f"not read by {section.kind}")
    # Outside the national layouts' tables is their narrative (部门概况, 情况说明, 名词解释).
    national = profile.region != "beijing" and bool(
        sections or (len(lines) >= 20 and _NARRATIVE.search(decoded.text))
    )
    for line in narrative:
        if not line.blank:
            if national:
                consumed[line.no] = "narrative"
            else:
                unparsed[line.no] = "outside any table"
    if not sections and national:
        findings.append(
            Finding(
                "parse",
                "narrative_only",
                "info",
                "文档只有文字说明，没有预算公开表（公开表可能另行发布）",
                expected="预算公开表与文字说明",
            )
        )
    elif not sections:
        findings.append(
            Finding(
                "parse",
                "no_tables",
                "error",
                "文档中没有找到任何预算表标题（如“预算01表 收支总表”）",
                expected="至少一张预算公开表",
            )
        )
    facts = read_facts(lines, tables)
    if national and (narrative or notes):
        tables.append(
            read_narrative(
                narrative,
                tables,
                notes,
                facts.year,
                profile.final,
                facts.department_name,
                lines,
                limits.max_rows_per_table,
            )
        )
    coverage = _coverage(lines, consumed, unparsed)
    findings.extend(_unparsed_findings(coverage))
    findings = capped([_with_doc(f, doc_id) for f in findings])
    for table in tables:
        for row in table.rows:
            row["doc_id"] = doc_id
            if pdf is not None and (place := pdf.places.get(row["line"])):
                row["page"], row["bbox"] = place.page, list(place.bbox)
            if pdf is not None and (place := pdf.places.get(row.get("table_line") or 0)):
                row["table_page"] = place.page
    if pdf is not None:
        findings = [_on_page(f, pdf) for f in findings]
    return ParsedDocument(
        path=path,
        doc_id=doc_id,
        encoding=decoded.encoding,
        layout=layout,
        profile=profile,
        tables=tables,
        facts=facts,
        coverage=coverage,
        findings=findings,
        lines=lines,
        pdf=pdf,
    )


def _notes(lines: list[Line]) -> Iterator[Line]:
    """The notes printed in a table's section, each with the lines it wraps onto joined."""
    for index, line in enumerate(lines):
        if line.blank or not is_note(line.text):
            continue
        text = line.text.strip()
        for follower in lines[index + 1 : index + 4]:
            if text.endswith("。") or follower.blank or len(follower.filled) != 1:
                break
            if is_note(follower.text):
                break
            text += follower.text.strip()
        yield line._replace(text=text)


def _coverage(lines: list[Line], consumed: dict[int, str], unparsed: dict[int, str]) -> Coverage:
    coverage = Coverage()
    for line in lines:
        if line.blank and not line.rule:
            continue
        coverage.lines += 1
        if line.rule or line.no in consumed:
            coverage.consumed += 1
        else:
            reason = unparsed.get(line.no, "outside any table")
            coverage.unparsed.append({"line": line.no, "text": line.text, "reason": reason})
    return coverage


def _unparsed_findings(coverage: Coverage) -> list[Finding]:
    return [
        Finding(
            "parse",
            "unreadable_row",
            "warning",
            f"第{item['line']}行无法识别，未计入任何表：{item['text'][:60]}",
            line=item["line"],
            observed=item["text"][:200],
            expected=item["reason"],
        )
        for item in coverage.unparsed
    ]


def _within(table: Table, max_rows: int) -> list[Finding]:
    """Keep a table's first `max_rows` rows; the rest are refused, and said so."""
    if len(table.rows) <= max_rows:
        return []
    dropped = len(table.rows) - max_rows
    first = table.rows[max_rows]["line"]
    del table.rows[max_rows:]
    return [
        Finding(
            "parse",
            "too_many_rows",
            "error",
            f"{table.title} 有 {max_rows + dropped} 行，超过上限 {max_rows} 行："
            f"从第{first}行起的 {dropped} 行未读取",
            table=table.kind,
            line=first,
            observed=str(max_rows + dropped),
            expected=f"≤ {max_rows} 行（budgetdq.toml [limits]）",
        )
    ]


def _on_page(finding: Finding, pdf: ExtractedPdf) -> Finding:
    place = pdf.places.get(finding.line) if finding.line is not None else None
    return dataclasses.replace(finding, page=place.page) if place else finding


def _with_doc(finding: Finding, doc_id: str) -> Finding:
    return dataclasses.replace(finding, doc_id=doc_id)


def _empty(path: str, doc_id: str, findings: list[Finding]) -> ParsedDocument:
    return ParsedDocument(
        path=path,
        doc_id=doc_id,
        encoding=None,
        layout=None,
        tables=[],
        facts=Facts(),
        coverage=Coverage(),
        findings=[_with_doc(f, doc_id) for f in findings],
    )
