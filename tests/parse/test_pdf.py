"""PDF disclosures: the seeds printed as PDFs read back into the same tables, with page and box."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from budgetdq.parse.document import read_document
from tests.conftest import seed_document
from tests.pdfs import build_pdf, seed_pdf, seed_pdf_document


def test_a_seed_printed_as_pdf_gives_the_same_tables(any_seed: str) -> None:
    text, pdf = seed_document(any_seed), seed_pdf_document(any_seed)
    assert (
        pdf.encoding == "pdf"
        and not pdf.findings
        or all(f.check not in {"pdf_broken", "pdf_scanned"} for f in pdf.findings)
    )

    def shape(document):  # type: ignore[no-untyped-def]
        return [(t.kind, t.title, len(t.detail_rows), t.declared_total) for t in document.tables]

    assert shape(pdf) == shape(text)
    assert pdf.coverage.ratio == text.coverage.ratio == 1.0
    for before, after in zip(text.tables, pdf.tables, strict=True):
        amounts = [name for name in before.rows[0] if name.endswith("total")] if before.rows else []
        assert [[row.get(a) for a in amounts] for row in after.rows] == [
            [row.get(a) for a in amounts] for row in before.rows
        ]


def test_every_pdf_row_knows_its_page_and_box() -> None:
    pdf = seed_pdf_document("002")
    rows = [row for table in pdf.tables for row in table.rows]
    assert rows and all(row["page"] >= 1 and len(row["bbox"]) == 4 for row in rows)
    three_public = pdf.table("three_public")
    assert three_public is not None
    (row,) = three_public.rows
    x0, top, x1, bottom = row["bbox"]
    assert 0 <= x0 < x1 and 0 <= top < bottom
    assert pdf.pdf is not None
    assert pdf.pdf.places[row["line"]].page == row["page"]
    assert pdf.lines[row["line"] - 1].source.startswith("895.389700")


def test_findings_of_a_pdf_say_the_page() -> None:
    pdf = seed_pdf_document("002")
    hashes = [f for f in pdf.findings if f.line is not None]
    assert hashes and all(f.page is not None for f in hashes)
    assert hashes[0].where.startswith(f"第{hashes[0].page}页 第")


def test_text_inside_a_table_cell_wraps_back_into_one_cell() -> None:
    name = "应急管理信息化建设运行维护项目" * 6
    text = f"预算06表 项目支出表\n单位：万元\n项目名称\t合计\n{name}\t12.500000\n"
    pdf = read_document(build_pdf(text))
    assert pdf.pdf is not None
    assert f"{name}\t12.500000" in pdf.pdf.text


def test_a_scanned_pdf_is_quarantined() -> None:
    image = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(image, format="PNG")
    image.seek(0)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawInlineImage(Image.open(image), 2 * cm, 10 * cm, 15 * cm, 11 * cm)
    page.showPage()
    page.save()
    document = read_document(buffer.getvalue(), "scan.pdf")
    (finding,) = document.findings
    assert finding.check == "pdf_scanned" and "扫描件" in finding.message
    assert document.tables == []


def test_an_encrypted_pdf_is_quarantined() -> None:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, encrypt="secret")
    page.drawString(100, 700, "budget")
    page.save()
    (finding,) = read_document(buffer.getvalue(), "locked.pdf").findings
    assert finding.check == "pdf_encrypted" and "密码" in finding.message


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + bytes(range(256)) * 40, b"%PDF-1.4\n1 0 obj << /Type /Catalog"],
    ids=["garbage", "truncated"],
)
def test_a_broken_pdf_is_quarantined(data: bytes) -> None:
    (finding,) = read_document(data, "broken.pdf").findings
    assert finding.check in {"pdf_broken", "pdf_scanned"}
    assert finding.severity == "error"


def test_a_pdf_cut_short_reads_what_survives_or_is_quarantined() -> None:
    data = seed_pdf("003")
    document = read_document(data[: len(data) // 2], "cut.pdf")
    assert document.findings  # either a quarantine reason or what the reader could not read
