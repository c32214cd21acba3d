"""The pipeline's library stages over a folder of real disclosures: versions, quarantine, idempotence."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from budgetdq.checks.engine import GxEngine
from budgetdq.lake import Lake
from budgetdq.pipeline import Processed, Watched, process_versions, watch
from budgetdq.registry import Registry
from budgetdq.settings import Settings
from budgetdq.sources import FolderSource
from tests.conftest import SEEDS
from tests.pdfs import seed_pdf
from tests.sources.seeds import LISTING, http_source, li, page
from tests.sources.seeds import SEEDS as SITE_SEEDS
from tests.sources.site_server import PublicationSite


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    for path in SEEDS.values():
        shutil.copy(path, folder / path.name)
    return folder


def run_once(lake: Lake, site: Path, engine: GxEngine) -> tuple[Watched, Processed]:
    watched = watch(lake, [FolderSource(name="site", path=site)])
    processed = process_versions(lake, Registry(lake).pending(), Settings(), engine=engine)
    return watched, processed


def counts(lake: Lake) -> tuple[int, ...]:
    tables = ("disclosures", "documents", "findings", "outbox", "expenditure")
    return tuple(lake.query(f"SELECT count(*) FROM {name}")[0][0] for name in tables)


def test_new_documents_are_stored_once_and_checked(
    engine: GxEngine, site: Path, tmp_path: Path
) -> None:
    with Lake(tmp_path / "lake") as lake:
        watched, processed = run_once(lake, site, engine)
        assert (watched.found, len(watched.new), watched.changed) == (4, 4, 0)
        assert len(processed.checked) == 4 and processed.planned.roots == 4
        raw = sorted(p.name for p in (tmp_path / "lake" / "raw").iterdir())
        assert raw == sorted(f"{v.sha256}.txt" for v in watched.new)
        statuses = lake.query("SELECT DISTINCT status FROM disclosures")
        assert statuses == [("checked",)]


def test_a_second_run_over_the_same_site_adds_nothing(
    engine: GxEngine, site: Path, tmp_path: Path
) -> None:
    with Lake(tmp_path / "lake") as lake:
        run_once(lake, site, engine)
        before = counts(lake)
        watched, processed = run_once(lake, site, engine)
        assert (len(watched.new), watched.unchanged) == (0, 4)
        assert processed.run is None and processed.planned.keys == []
        assert counts(lake) == before


def test_a_changed_document_is_one_new_version_and_one_follow_up(
    engine: GxEngine, site: Path, tmp_path: Path
) -> None:
    with Lake(tmp_path / "lake") as lake:
        run_once(lake, site, engine)
        document = site / SEEDS["000"].name
        document.write_bytes(document.read_bytes().replace(b"79,625.00", b"79,626.00"))
        watched, processed = run_once(lake, site, engine)
        (version,) = watched.new
        assert version.version == 2 and version.changed
        planned = processed.planned
        assert (planned.roots, planned.replies, planned.updates) == (0, 1, 1)
        versions = lake.query("SELECT count(*) FROM disclosures WHERE url = ?", [str(document)])
        assert versions == [(2,)]


def test_a_non_budget_file_is_quarantined_and_the_others_go_on(
    engine: GxEngine, site: Path, tmp_path: Path
) -> None:
    (site / "README.txt").write_text(
        "本目录存放部门预算公开文件。\n请勿放入其他文件。\n", encoding="utf-8"
    )
    with Lake(tmp_path / "lake") as lake:
        watched, processed = run_once(lake, site, engine)
        ((version, reason),) = processed.quarantined
        assert version.url.endswith("README.txt") and "预算表标题" in reason
        assert len(processed.checked) == 4
        assert lake.query("SELECT status FROM disclosures WHERE url LIKE '%README.txt'") == [
            ("quarantined",)
        ]
        quarantined = lake.query("SELECT severity FROM findings WHERE \"check\" = 'quarantined'")
        assert quarantined == [("error",)]
        texts = [e for e in lake.query("SELECT text FROM outbox") if "已隔离" in e[0]]
        assert len(texts) == 1
        _, again = run_once(lake, site, engine)
        assert again.planned.keys == []  # announced once


def test_pdfs_are_read_like_text_and_a_locked_one_is_quarantined(
    engine: GxEngine, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "002.pdf").write_bytes(seed_pdf("002"))
    locked = io.BytesIO()
    page = canvas.Canvas(locked, encrypt="secret")
    page.drawString(100, 700, "2024")
    page.save()
    (site / "locked.pdf").write_bytes(locked.getvalue())
    with Lake(tmp_path / "lake") as lake:
        watched, processed = run_once(lake, site, engine)
        assert watched.found == 2 and len(processed.checked) == 1
        ((version, reason),) = processed.quarantined
        assert version.url.endswith("locked.pdf") and "已加密" in reason
        raw = sorted(p.suffix for p in (tmp_path / "lake" / "raw").iterdir())
        assert raw == [".pdf", ".pdf"]
        ((pages,),) = lake.query("SELECT count(DISTINCT page) FROM expenditure")
        assert pages > 1


def test_a_pdf_published_on_a_site_is_fetched_read_and_checked(
    engine: GxEngine, tmp_path: Path
) -> None:
    seed = SITE_SEEDS[2]
    with PublicationSite() as site:
        # As CMSs serve downloads: no suffix in the URL, the type in Content-Type.
        site.page(LISTING, page(f"<ul>{li(seed, href='/yjs/files/7')}</ul>"))
        site.document("/yjs/files/7", seed_pdf("002"), "application/pdf")
        with Lake(tmp_path / "lake") as lake:
            watch(lake, [http_source(site, link_href=r"/files/")])
            processed = process_versions(lake, Registry(lake).pending(), Settings(), engine=engine)
            (doc_id,) = processed.checked
            assert [p.suffix for p in (tmp_path / "lake" / "raw").iterdir()] == [".pdf"]
            ((title, layout),) = lake.query(
                "SELECT d.title, l.encoding FROM disclosures d JOIN documents l ON l.doc_id = d.sha256"
            )
            assert title == seed.title and layout == "pdf"
            assert any(f.check == "three_public_total" and f.page for f in processed.run.findings)


def test_a_national_layout_disclosure_is_alerted_in_its_own_thread(
    engine: GxEngine, tmp_path: Path
) -> None:
    """A Shanghai budget prints no department code: its name is its identity, and its thread's."""
    folder = tmp_path / "site"
    folder.mkdir()
    real = Path(__file__).resolve().parent / "fixtures" / "real"
    for name in ("S02.pdf", "J04.pdf"):
        shutil.copy(real / name, folder / name)
    with Lake(tmp_path / "lake") as lake:
        _, processed = run_once(lake, folder, engine)
        assert len(processed.checked) == 2
        # S02's rounding warnings are alerted; J04 holds nothing above `info`
        keys = {key for (key,) in lake.query("SELECT DISTINCT thread_key FROM outbox")}
        assert {key.rsplit("@", 1)[0] for key in keys} == {
            "上海市普陀区人民政府万里街道办事处/2025"
        }
