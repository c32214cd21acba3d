"""A finding in a PDF disclosure: the dashboard shows the page region and the extracted text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from budgetdq.checks.engine import GxEngine
from budgetdq.dashboard.source import pdf_region
from budgetdq.lake import Lake
from tests.dashboard.conftest import run_pipeline
from tests.dashboard.test_app import app, metrics, no_errors
from tests.pdfs import PAGE, seed_pdf, seed_pdf_document


@pytest.fixture(scope="module")
def pdf_lake(engine: GxEngine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("pdf-dashboard")
    site = base / "site"
    site.mkdir()
    (site / "002.pdf").write_bytes(seed_pdf("002"))
    run_pipeline(base / "lake", site, engine)
    return base / "lake"


def test_a_pdf_finding_shows_its_page_region_and_text(
    pdf_lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUDGETDQ_LAKE", str(pdf_lake))
    with Lake(pdf_lake, read_only=True) as lake:
        ((doc_id, fingerprint, page, line),) = lake.query(
            "SELECT doc_id, fingerprint, page, line FROM findings "
            "WHERE \"check\" = 'three_public_total'"
        )
    test = no_errors(app(doc=doc_id, finding=fingerprint))
    assert metrics(test)["实际"].startswith("895.3897")
    markdown = [m.value for m in test.markdown]
    assert f"**PDF 第 {page} 页**" in markdown
    assert f"**提取的文字（第 {line} 行前后）**" in markdown
    (image,) = test.image
    assert image.value[0].endswith(".png")  # the page region, served by Streamlit
    source = test.html[0].value
    assert f'data-line="{line}" style="background' in source and "895.389700" in source


def test_the_page_region_is_the_width_of_the_page_around_the_row(tmp_path: Path) -> None:
    pdf = tmp_path / "002.pdf"
    pdf.write_bytes(seed_pdf("002"))
    three_public = seed_pdf_document("002").table("three_public")
    assert three_public is not None
    (row,) = three_public.rows
    png = Image.open(io.BytesIO(pdf_region(pdf, row["page"], row["bbox"])))
    x0, top, x1, bottom = row["bbox"]
    assert abs(png.width - PAGE[0] * 120 / 72) <= 2  # landscape A4 at 120 dpi
    assert abs(png.height - (bottom - top + 2 * 36) * 120 / 72) <= 2
