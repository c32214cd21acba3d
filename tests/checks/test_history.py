"""The history suite: a department's documents of different years, compared with each other.

000 (2023, “三公” table in 元) and 001 (2024, in 万元) are the same department 105; 002 and 003 have
no other year in the lake. 003 becomes a 2022 document of department 105 by changing the code of
its department row in the 收入总表, which gives a third year with a spaced-PDF layout.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun, check_documents
from budgetdq.cli import app
from budgetdq.lake import Lake
from budgetdq.parse.document import read_document
from tests.checks.conftest import check_bytes, found, lines_of, mutate
from tests.conftest import SEEDS, seed_document

SUITE = "history"
THREE_PUBLIC = "history_three_public_previous_year"
SERVICE_AREA = "history_project_service_area"
NAME = "history_project_name"
NO_OTHER_YEAR = "湖中没有该部门其他年度的公开文件"
NO_ADJACENT_YEAR = "湖中没有该部门上一年度或下一年度的公开文件"

# 003 as a 2022 document of department 105 (北京市朝阳区应急管理局)
AS_DEPARTMENT_105 = [
    (121, "042 北京市应急管理局", "105 北京市朝阳区应急管理局"),
    (123, "042008", "105008"),
]


def seed_bytes(seed: str) -> bytes:
    return SEEDS[seed].read_bytes()


@contextmanager
def lake_with(root: Path, *documents: bytes) -> Iterator[tuple[Lake, list[str]]]:
    """A fresh lake holding the documents, and their ids; check any of them in it."""
    with Lake(root) as lake:
        doc_ids = []
        for data in documents:
            document = read_document(data)
            lake.ingest(document)
            doc_ids.append(document.doc_id)
        yield lake, doc_ids


def outcomes_of(run: CheckRun, check: str) -> dict[str, tuple[str, str | None]]:
    return {o.doc_id: (o.outcome, o.reason) for o in run.outcomes if o.check == check}


def test_previous_year_three_public_agrees_across_units(seeds_run: CheckRun) -> None:
    # 001 line 421: 2023 7.962500 万元; 000 line 267: 2023 79,625.00 元 = 7.9625 万元
    assert found(seeds_run, SUITE, THREE_PUBLIC) == []
    outcomes = outcomes_of(seeds_run, THREE_PUBLIC)
    assert outcomes[seed_document("000").doc_id] == ("pass", None)
    assert outcomes[seed_document("001").doc_id] == ("pass", None)


def test_real_findings_of_the_seeds(seeds_run: CheckRun) -> None:
    # 001 lists three projects under 201 一般公共服务支出 that 000 listed under 224 (its own
    # 项目支出表 still classes them 224); no project of 001 is renamed in every table.
    doc_001 = seed_document("001").doc_id
    areas = found(seeds_run, SUITE, SERVICE_AREA)
    assert {(f.doc_id, f.line) for f in areas} == {(doc_001, 436), (doc_001, 438), (doc_001, 439)}
    assert all(f.severity == "warning" for f in areas)
    message = next(f.message for f in areas if f.line == 439)
    assert "专家顾问费" in message and "201-一般公共服务支出" in message
    assert "2023年" in message and "第303行" in message and "224-灾害防治及应急管理支出" in message
    assert found(seeds_run, SUITE, NAME) == []
    assert {f.doc_id for f in seeds_run.findings if f.suite == SUITE} == {doc_001}


@pytest.mark.parametrize("seed", ["002", "003"])
def test_a_department_alone_in_the_lake_is_not_applicable(seeds_run: CheckRun, seed: str) -> None:
    doc_id = seed_document(seed).doc_id
    assert outcomes_of(seeds_run, THREE_PUBLIC)[doc_id] == ("not_applicable", NO_ADJACENT_YEAR)
    for check in (SERVICE_AREA, NAME):
        assert outcomes_of(seeds_run, check)[doc_id] == ("not_applicable", NO_OTHER_YEAR)


def test_injected_defects_are_found_in_the_later_document(engine: GxEngine, tmp_path: Path) -> None:
    later = mutate(
        "001",
        [
            # 三公: 2023 reception 0.902500 → 0.952500 and the total with it (the row still adds up)
            (421, "2023\t7.962500\t0.000000\t0.902500", "2023\t8.012500\t0.000000\t0.952500"),
            # a project moved to another function class: 800兆电台维护费(首款) 206 → 224
            (441, "206-科学技术支出", "224-灾害防治及应急管理支出"),
            # the same through a code printed with an extra zero (22 characters; 000 has 21)
            (444, "206-科学技术支出", "224-灾害防治及应急管理支出"),
            # a project renamed under its old code
            (505, "800兆电台维护 费（尾款）", "800兆数字集群电台维护费（尾款）"),
            # only spacing and bracket width differ: not a new name
            (499, "6729-专家顾问费", "6729-专家 顾问费"),
        ],
    )
    run = check_bytes(engine, tmp_path, seed_bytes("000"), later)
    doc_000, doc_001 = run.doc_ids
    three_public = found(run, SUITE, THREE_PUBLIC)
    assert {(f.doc_id, f.line) for f in three_public} == {(doc_001, 421)}
    assert all(f.severity == "error" for f in three_public)
    messages = " ".join(f.message for f in three_public)
    assert "“三公”经费总额 8.012500 万元" in messages and "公务接待费 0.952500 万元" in messages
    assert "2023年公开文件第267行" in messages and "79,625.00 元（7.962500 万元）" in messages
    assert "9,025.00 元（0.902500 万元）" in messages
    assert {441, 444} <= lines_of(run, SUITE, SERVICE_AREA)
    assert lines_of(run, SUITE, NAME) == {505}
    (renamed,) = found(run, SUITE, NAME)
    assert renamed.doc_id == doc_001 and "800兆数字集群电台维护费（尾款）" in renamed.message
    assert "「800兆电台维护费(尾款)」" in renamed.message and "2023年" in renamed.message
    assert not any(f.doc_id == doc_000 for f in run.findings if f.suite == SUITE)


def test_defect_in_the_earlier_document_checked_alone(engine: GxEngine, tmp_path: Path) -> None:
    """000 checked against the 2024 document already in the lake: the finding is 000's own."""
    earlier = mutate(
        "000",
        [
            # 2023 公务用车运行维护费 70,600.00 → 70,800.00, with 小计 and 总额 (the row adds up)
            (
                267,
                "79,625.00\t0.00\t9,025.00\t70,600.00\t0.00\t70,600.00",
                "79,825.00\t0.00\t9,025.00\t70,800.00\t0.00\t70,800.00",
            ),
            # 800兆电台维护费(首款) put under 201 in 2023
            (310, "206-科学技术支出", "201-一般公共服务支出"),
        ],
    )
    with lake_with(tmp_path, seed_bytes("001"), earlier) as (lake, (_, doc_000)):
        run = check_documents(lake, [doc_000], engine)
    three_public = found(run, SUITE, THREE_PUBLIC)
    assert {(f.doc_id, f.line) for f in three_public} == {(doc_000, 267)}
    assert len(three_public) == 3  # 总额, 小计, 运行维护费
    assert any("公务用车运行维护费 7.080000 万元" in f.message for f in three_public)
    assert all("2024年公开文件第421行" in f.message for f in three_public)
    assert 310 in lines_of(run, SUITE, SERVICE_AREA)
    assert {f.doc_id for f in run.findings if f.suite == SUITE} == {doc_000}


def test_third_year_from_a_spaced_pdf(engine: GxEngine, tmp_path: Path) -> None:
    """003 as department 105's 2022 document: 000's 2022 row (80,900.00 元) ≠ its 0.200000 万元.

    003 lost its blank cells (spaced text), so only the 总额 is compared, not 因公出国.
    """
    with lake_with(tmp_path, seed_bytes("001"), mutate("003", AS_DEPARTMENT_105)) as (lake, ids):
        doc_2022 = ids[1]
        # 2024 is two years away: no “三公” row to compare, but projects are compared
        first = check_documents(lake, [doc_2022], engine)
        assert outcomes_of(first, THREE_PUBLIC)[doc_2022] == ("not_applicable", NO_ADJACENT_YEAR)
        assert outcomes_of(first, SERVICE_AREA)[doc_2022] == ("pass", None)

        doc_000 = seed_document("000").doc_id
        lake.ingest(seed_document("000"))
        run = check_documents(lake, [doc_000, doc_2022], engine)
        (finding,) = found(run, SUITE, THREE_PUBLIC)
        assert (finding.doc_id, finding.line) == (doc_000, 266)
        assert "8.090000 万元" in finding.message and "2022年公开文件第529行" in finding.message
        assert outcomes_of(run, THREE_PUBLIC)[doc_2022] == ("pass", None)

        # checked alone against 000 in the lake, the earlier document gets the finding at its row
        alone = check_documents(lake, [doc_2022], engine)
        assert {(f.doc_id, f.line) for f in found(alone, SUITE, THREE_PUBLIC)} == {(doc_2022, 529)}


def test_check_command_compares_two_files(tmp_path: Path) -> None:
    later = tmp_path / "001_changed.txt"
    later.write_bytes(mutate("001", [(421, "2023\t7.962500", "2023\t7.962600")]))
    runner = CliRunner()
    result = runner.invoke(app, ["check", str(SEEDS["000"]), str(later), "--format", "json"])
    assert result.exit_code == 1, result.output
    documents = {Path(d["path"]).name: d for d in json.loads(result.output)["documents"]}
    history = [
        f
        for f in documents["001_changed.txt"]["findings"]
        if f["suite"] == SUITE and f["check"] == THREE_PUBLIC
    ]
    assert [(f["line"], f["severity"]) for f in history] == [(421, "error")]
    assert "7.962600" in history[0]["message"] and "79,625.00 元" in history[0]["message"]
    assert not any(f["suite"] == SUITE for f in documents[SEEDS["000"].name]["findings"])


def test_check_command_compares_with_the_lake(tmp_path: Path) -> None:
    runner = CliRunner()
    lake = tmp_path / "lake"
    assert runner.invoke(app, ["ingest", str(SEEDS["000"]), "--lake", str(lake)]).exit_code == 0
    later = tmp_path / "001_renamed.txt"
    later.write_bytes(mutate("001", [(505, "800兆电台维护 费", "800兆数字集群电台维护费")]))
    result = runner.invoke(app, ["check", str(later), "--lake", str(lake), "--format", "json"])
    (document,) = json.loads(result.output)["documents"]
    history = {(f["check"], f["line"]) for f in document["findings"] if f["suite"] == SUITE}
    assert (NAME, 505) in history and (SERVICE_AREA, 439) in history
