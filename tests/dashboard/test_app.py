"""Every page of the dashboard, rendered by Streamlit's AppTest over the seeded lake."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from budgetdq.checks.catalog import load_suites
from budgetdq.dashboard import queries
from budgetdq.dashboard.export import HEADERS, to_csv, to_xlsx
from budgetdq.dashboard.server import APP
from budgetdq.lake import Lake
from tests.conftest import SEEDS
from tests.dashboard.conftest import HOSTILE_LINE, lake_of_s02_named

TIMEOUT = 60


@pytest.fixture
def lake_env(seeded_lake: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BUDGETDQ_LAKE", str(seeded_lake))
    return seeded_lake


def app(**params: str) -> AppTest:
    test = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for name, value in params.items():
        test.query_params[name] = value
    return test.run()


def no_errors(test: AppTest) -> AppTest:
    assert not test.exception, [e.value for e in test.exception]
    assert not test.error, [e.value for e in test.error]
    return test


def metrics(test: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in test.metric}


def doc_id(lake_root: Path, seed: str, version: int | None = None) -> str:
    with Lake(lake_root, read_only=True) as lake:
        rows = lake.query(
            "SELECT sha256 FROM disclosures WHERE url LIKE ? ORDER BY version DESC",
            [f"%{SEEDS[seed].name if seed in SEEDS else seed}"],
        )
    return rows[0][0] if version is None else rows[-version][0]


def fingerprint(lake_root: Path, doc: str, check: str) -> str:
    with Lake(lake_root, read_only=True) as lake:
        ((value,),) = lake.query(
            'SELECT DISTINCT fingerprint FROM findings WHERE doc_id = ? AND "check" = ?',
            [doc, check],
        )
    return str(value)


def test_overview_shows_each_disclosure_by_department_and_year(lake_env: Path) -> None:
    test = no_errors(app())
    assert test.title[0].value == "预算数据质量总览"
    shown = metrics(test)
    assert shown["披露文档"] == "5" and shown["🔴 未通过"] == "5" and shown["🟢 已通过"] == "0"
    matrix = test.dataframe[0].value
    assert matrix.loc["北京市朝阳区人民政府（100）", 2026].startswith("🔴")
    assert matrix.loc["北京市朝阳区应急管理局（105）", 2023].startswith("🔴")
    by_suite = test.dataframe[1].value
    assert by_suite.loc["合计核对", "错误"] == 5
    latest = test.dataframe[2].value
    assert list(latest["版本"])[:2] == [1, 2]  # the hostile document and the correction of 002


def test_filtering_totals_shows_the_seeds_totals_findings_and_exports_them(
    lake_env: Path,
) -> None:
    test = app()
    test.sidebar.multiselect(key="f_suite").set_value(["totals"]).run()
    no_errors(test)
    findings = test.dataframe[3].value
    lines = {(row["部门"], row["行"]) for _, row in findings.iterrows()}
    assert ("北京市朝阳区应急管理局（105）", 38) in lines  # 本年收入合计 9,751.387870
    assert ("北京市朝阳区人民政府（100）", 223) in lines  # the shifted 财政拨款收支总表
    assert all(findings["规则组"] == "合计核对")
    labels = [b.label for b in test.get("download_button")]
    assert labels == [f"导出 Excel（{len(findings)} 项）", f"导出 CSV（{len(findings)} 项）"]

    # The file the buttons give: the same rows, Chinese headers.
    with Lake(lake_env, read_only=True) as lake:
        exported = queries.findings(lake, queries.Filters(suites=("totals",)))
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(exported))).active
    rows = list(sheet.values)
    assert rows[0] == tuple(HEADERS.values())
    assert len(rows) - 1 == len(findings)
    by_line = {(r[1], r[8]): r for r in rows[1:]}
    income = by_line["北京市朝阳区应急管理局", 38]
    assert income[3] == "合计核对" and income[5] == "错误" and income[10] == "9,751.387870"
    csv = to_csv(exported).decode("utf-8-sig").splitlines()
    assert csv[0].split(",")[:3] == ["部门代码", "部门", "年度"] and len(csv) == len(rows)


def test_filters_by_department_year_and_status(lake_env: Path) -> None:
    test = app()
    test.sidebar.multiselect(key="f_dept").set_value(["105"])
    test.sidebar.multiselect(key="f_year").set_value([2024]).run()
    no_errors(test)
    assert metrics(test)["披露文档"] == "1"
    test.sidebar.multiselect(key="f_status").set_value(["passing"]).run()
    assert metrics(test)["披露文档"] == "0"


def test_a_deep_link_opens_a_finding_at_its_line_with_the_source_around_it(
    lake_env: Path,
) -> None:
    doc = doc_id(lake_env, "001")
    test = no_errors(app(doc=doc, finding=fingerprint(lake_env, doc, "summary_income_items")))
    assert test.sidebar.radio[0].value == "document"
    assert test.title[0].value == "北京市朝阳区应急管理局（105） 2024年部门预算"
    assert metrics(test)["实际"] == "9,751.387870"
    assert metrics(test)["应为"] == "9,751.390000"
    source = test.html[0].value
    highlighted = source.split('data-line="38" style="background')[1].split("</div>")[0]
    assert "本年收入合计" in highlighted and "9,751.387870" in highlighted
    assert 'data-line="30"' in source and 'data-line="46"' in source


def test_a_correction_shows_what_it_resolved(lake_env: Path) -> None:
    corrected = doc_id(lake_env, "002")
    test = no_errors(app(doc=corrected))
    assert metrics(test)["版本"] == "第 2 版"
    assert "已解决 **1** 项，新增 **0** 项。" in [m.value for m in test.markdown]
    resolved = test.dataframe[1].value  # after the versions, in their expander
    assert list(resolved["规则"]) == ["three_public_total"] and list(resolved["行"]) == [342]


def test_the_superseded_version_still_shows_its_finding(lake_env: Path) -> None:
    original = doc_id(lake_env, "002", version=1)
    test = no_errors(
        app(doc=original, finding=fingerprint(lake_env, original, "three_public_total"))
    )
    assert metrics(test)["版本"] == "第 1 版（已被更正）"
    assert metrics(test)["实际"].startswith("895.3897")
    assert 'data-line="342" style="background' in test.html[0].value


def test_document_text_is_escaped(lake_env: Path) -> None:
    hostile = doc_id(lake_env, "hostile.txt")
    with Lake(lake_env, read_only=True) as lake:
        ((finding,),) = lake.query(
            "SELECT fingerprint FROM findings WHERE doc_id = ? AND line = ? "
            "AND \"check\" = 'unreadable_row'",
            [hostile, HOSTILE_LINE + 1],
        )
    source = no_errors(app(doc=hostile, finding=finding)).html[0].value
    assert "&lt;script&gt;window.hacked = 1&lt;/script&gt;&lt;b&gt;加粗&lt;/b&gt;" in source
    assert "<script" not in source and "<b>" not in source


def test_the_table_preview_shows_parsed_rows_with_their_lines(lake_env: Path) -> None:
    test = app(doc=doc_id(lake_env, "002"))
    test.selectbox(key="preview").set_value("three_public").run()
    preview = no_errors(test).dataframe[-1].value
    assert list(preview["line"]) == [342]
    assert str(preview["total"][0]) == "679.389700"


def test_rules_page_counts_documents_per_outcome(lake_env: Path) -> None:
    test = app(page="rules")
    rules = no_errors(test).dataframe[0].value.set_index("规则")
    every = sum(len(suite.checks) for suite in load_suites())
    assert len(rules) == every
    income = rules.loc["summary_income_items"]
    assert (income["未通过"], income["通过"] + income["未通过"] + income["不适用"]) == (1, 5)
    test.checkbox(key="r_failing").check().run()
    assert len(test.dataframe[0].value) < every


def test_alerts_page_shows_the_outbox_and_threads(lake_env: Path) -> None:
    test = no_errors(app(page="alerts"))
    with Lake(lake_env, read_only=True) as lake:
        ((pending,),) = lake.query("SELECT count(*) FROM outbox WHERE status = 'pending'")
    assert metrics(test)["待发送"] == str(pending) and metrics(test)["已发送"] == "0"
    threads = test.dataframe[1].value.set_index("话题")
    assert threads.loc["100/2026@#budget-quality", "已解决"] == 1


def test_an_empty_lake_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDGETDQ_LAKE", str(tmp_path / "nothing"))
    test = app()
    assert not test.exception
    assert "还没有数据" in test.info[0].value


def test_the_dashboard_reads_while_a_writer_holds_the_lake(lake_env: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from budgetdq.lake import Lake; "
            f"lake = Lake({str(lake_env)!r}); print('open', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert metrics(no_errors(app()))["披露文档"] == "5"
    finally:
        holder.kill()
        holder.wait()


PAYLOAD = "[点击领取](//evil.example)![](//127.0.0.1/pixel.png)"


def test_document_text_and_link_parameters_are_shown_as_text_never_as_markdown(
    engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publisher whose name is a Markdown link and a tracking pixel, and a crafted `?doc=`."""
    lake_of_s02_named(tmp_path, PAYLOAD, engine)
    monkeypatch.setenv("BUDGETDQ_LAKE", str(tmp_path / "lake"))
    with Lake(tmp_path / "lake", read_only=True) as lake:
        ((hostile, name),) = lake.query("SELECT doc_id, department_name FROM documents")
    assert name == PAYLOAD
    shown = no_errors(app(doc=hostile)).title[0].value
    assert "](" not in shown.replace("\\](", "") and "\\[点击领取\\]" in shown
    crafted = app(doc="![](//127.0.0.1/pixel.png)")
    assert crafted.error and all("](" not in e.value.replace("\\](", "") for e in crafted.error)
