"""The lake: Parquet per kind, DuckDB views with DECIMAL(18,6), re-ingest replaces."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetdq.lake import Lake, LakeNotPublished
from tests.conftest import SEEDS, seed_document


def _ingest_all(root: Path) -> Lake:
    lake = Lake(root)
    for seed in SEEDS:
        lake.ingest(seed_document(seed))
    return lake


def test_parquet_files_are_hive_partitioned(tmp_path: Path) -> None:
    _ingest_all(tmp_path).close()
    doc_id = seed_document("000").doc_id
    assert (
        tmp_path / "kind=expenditure" / "budget_year=2023" / "department=105" / f"{doc_id}.parquet"
    ).exists()


def test_amounts_are_decimal_18_6_and_also_in_wan(tmp_path: Path) -> None:
    with _ingest_all(tmp_path) as lake:
        types = dict(lake.query("SELECT column_name, column_type FROM (DESCRIBE three_public)"))
        assert types["total"] == types["total_wan"] == "DECIMAL(18,6)"
        rows = lake.query(
            "SELECT total, total_wan FROM three_public WHERE department = '105' AND budget_year = 2023 AND year = 2023"
        )
        assert rows == [(Decimal("79625.000000"), Decimal("7.962500"))]
        total = lake.query(
            "SELECT sum(total) FROM expenditure WHERE budget_year = 2026 AND NOT is_total"
        )
        assert total == [(Decimal("171816.170164"),)]


def test_reingest_replaces_and_never_duplicates(tmp_path: Path) -> None:
    with _ingest_all(tmp_path) as lake:
        before = lake.query("SELECT count(*) FROM expenditure")
        lake.ingest(seed_document("002"))
        lake.ingest(seed_document("002"))
        assert lake.query("SELECT count(*) FROM expenditure") == before
        assert lake.query("SELECT count(*), count(DISTINCT doc_id) FROM documents") == [(4, 4)]
        assert lake.query(
            "SELECT count(*) FROM tables WHERE doc_id = ?", [seed_document("002").doc_id]
        ) == [(len(seed_document("002").tables),)]


def test_empty_kinds_have_typed_views(tmp_path: Path) -> None:
    with Lake(tmp_path) as lake:
        assert lake.query("SELECT count(*) FROM fund_budget") == [(0,)]
        lake.ingest(seed_document("000"))
        assert lake.query("SELECT count(*) FROM income") == [(0,)]
        assert lake.query("SELECT count(*) FROM fund_budget WHERE is_total") == [(1,)]


def test_lake_location_from_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BUDGETDQ_LAKE", str(tmp_path / "elsewhere"))
    with Lake() as lake:
        assert lake.root == (tmp_path / "elsewhere").resolve()


def test_readers_see_what_the_last_writer_published(tmp_path: Path) -> None:
    with Lake(tmp_path) as writer:
        writer.ingest(seed_document("000"))
    writer = Lake(tmp_path)
    writer.ingest(seed_document("001"))
    # DuckDB lets no reader open the file a writer holds: readers open the published snapshot.
    with Lake(tmp_path, read_only=True) as reader:
        assert reader.query("SELECT count(*) FROM documents") == [(1,)]
        assert reader.rows_of("three_public", [seed_document("000").doc_id]).fetchall()
    writer.close()
    with Lake(tmp_path, read_only=True) as reader:
        assert reader.query("SELECT count(*) FROM documents") == [(2,)]


def test_a_reader_of_an_unwritten_lake_is_told_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(LakeNotPublished, match="budgetdq run"):
        Lake(tmp_path / "empty", read_only=True)
    assert not (tmp_path / "empty").exists()


def test_rows_of_reads_only_the_documents_asked_for(tmp_path: Path) -> None:
    with _ingest_all(tmp_path) as lake:
        doc_id = seed_document("002").doc_id
        rows = lake.rows_of("three_public", [doc_id]).order("seq").fetchall()
        assert rows and {row[0] for row in rows} == {doc_id}
        assert lake.rows_of("income", ["no-such-document"]).fetchall() == []
