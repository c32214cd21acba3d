"""文档: one disclosure — facts, versions, tables, findings and each finding at its source line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from budgetdq.dashboard import queries
from budgetdq.dashboard.queries import Filters
from budgetdq.dashboard.source import context_html, pdf_region, read_source
from budgetdq.dashboard.views.common import (
    choose,
    department_label,
    export_buttons,
    labelled_findings,
    plain,
    status_label,
)
from budgetdq.findings import SEVERITY_LABELS, SUITE_NAMES
from budgetdq.lake import Lake
from budgetdq.schema import KINDS


def render(lake: Lake) -> None:
    doc_id = _choose(lake)
    if doc_id is None:
        return
    doc = queries.document(lake, doc_id)
    if doc is None:
        st.error(f"数据湖中没有这个文档：{plain(doc_id)}")
        return
    versions = queries.versions(lake, doc_id)
    title = f"{department_label(doc['department_name'], doc['department_code'])}"
    if not pd.isna(doc["year"]):
        title += f" {doc['year']}年部门预算"
    st.title(plain(title))
    _facts(doc, versions)
    _changes(lake, doc_id)
    inventory = queries.table_inventory(lake, doc_id)
    _inventory(inventory)
    _findings(lake, doc, versions)
    _previews(lake, doc_id, inventory)


def _choose(lake: Lake) -> str | None:
    listed = queries.disclosures(lake)
    labels = {
        doc_id: f"{department_label(name, code)} {'' if pd.isna(year) else year} · {doc_id[:12]}"
        for doc_id, name, code, year in zip(
            listed["doc_id"],
            listed["department_name"],
            listed["department_code"],
            listed["year"],
            strict=True,
        )
    }
    asked = st.query_params.get("doc")
    if asked and asked not in labels:
        labels = {asked: f"{asked[:12]}（较早版本）"} | labels
    if not labels:
        st.info("还没有文档。")
        return None
    if "doc" not in st.session_state or st.session_state.doc not in labels:
        st.session_state.doc = asked if asked in labels else next(iter(labels))
    chosen: str = st.sidebar.selectbox(
        "文档", list(labels), format_func=labels.__getitem__, key="doc"
    )
    if chosen != asked:
        st.query_params["doc"] = chosen
        st.query_params.pop("finding", None)
    return chosen


def _facts(doc: dict[str, Any], versions: pd.DataFrame) -> None:
    columns = st.columns(5)
    columns[0].metric("状态", status_label(doc["status"]))
    columns[1].metric("错误 / 警告 / 提示", f"{doc['errors']} / {doc['warnings']} / {doc['infos']}")
    columns[2].metric("版本", f"第 {doc['version']} 版" + ("" if doc["latest"] else "（已被更正）"))
    if not pd.isna(doc["lines"]) and doc["lines"]:
        columns[3].metric("解析覆盖率", f"{doc['consumed'] / doc['lines']:.1%}")
        columns[4].metric("行数", int(doc["lines"]))
    st.caption(f"来源：{plain(doc['location'])}　·　文档编号：{doc['doc_id']}")
    with st.expander("文档信息与版本", expanded=False):
        facts = json.loads(doc["facts"]) if isinstance(doc["facts"], str) else {}
        units = "、".join(f"{u['name']}（{u['code']}）" for u in facts.get("units", []))
        st.markdown(
            f"- 编码：{doc['encoding']}　版式：{doc['layout']}\n"
            f"- 所属单位：{plain(units) if units else '未识别'}\n"
            + "".join(f"- 依据（{k}）：{plain(v)}\n" for k, v in facts.get("evidence", {}).items())
        )
        if not versions.empty:
            st.dataframe(
                versions.rename(
                    columns={
                        "version": "版本",
                        "doc_id": "文档编号",
                        "first_seen": "首次发现",
                        "last_seen": "最近发现",
                        "status": "处理状态",
                        "error": "错误",
                    }
                ).drop(columns=["raw_path"]),
                hide_index=True,
                width="stretch",
            )


def _changes(lake: Lake, doc_id: str) -> None:
    changes = queries.changes(lake, doc_id)
    if changes is None:
        return
    resolved, new = changes
    st.subheader("与上一版本相比")
    st.markdown(f"已解决 **{len(resolved)}** 项，新增 **{len(new)}** 项。")
    left, right = st.columns(2)
    with left:
        st.markdown("**已解决**")
        st.dataframe(labelled_findings(resolved), hide_index=True, width="stretch")
    with right:
        st.markdown("**新增**")
        st.dataframe(labelled_findings(new), hide_index=True, width="stretch")


def _inventory(inventory: pd.DataFrame) -> None:
    with st.expander(f"表格清单（{len(inventory)} 张）", expanded=False):
        st.dataframe(
            inventory.rename(
                columns={
                    "kind": "类型",
                    "title": "标题",
                    "line": "起始行",
                    "unit": "单位",
                    "unit_stated": "注明单位",
                    "pages": "页数",
                    "rows": "数据行",
                    "projects": "项目数",
                    "total": "合计",
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _findings(lake: Lake, doc: dict[str, Any], versions: pd.DataFrame) -> None:
    st.subheader("发现")
    left, right = st.columns(2)
    suites = choose(left, "规则组", SUITE_NAMES, "d_suite")
    severities = choose(right, "严重程度", SEVERITY_LABELS, "d_severity")
    filters = Filters(suites=suites, severities=severities)
    findings = queries.document_findings(lake, doc["doc_id"], filters)
    if findings.empty:
        st.success("没有发现问题。" if not (suites or severities) else "没有符合筛选条件的发现。")
        return
    st.dataframe(labelled_findings(findings), hide_index=True, width="stretch")
    export_buttons(
        lambda lake: queries.document_findings(lake, doc["doc_id"], filters),
        len(findings),
        f"budgetdq-{doc['doc_id'][:12]}",
        key="document-export",
    )
    _detail(lake, findings, doc, versions)


def _detail(
    lake: Lake, findings: pd.DataFrame, doc: dict[str, Any], versions: pd.DataFrame
) -> None:
    st.subheader("发现详情")
    labels = {
        fp: f"[{SEVERITY_LABELS.get(sev, sev)}] 第{'' if pd.isna(line) else line}行 {msg[:60]}"
        for fp, sev, line, msg in zip(
            findings["fingerprint"],
            findings["severity"],
            findings["line"],
            findings["message"],
            strict=True,
        )
    }
    asked = st.query_params.get("finding")
    if st.session_state.get("finding") not in labels:
        st.session_state.finding = asked if asked in labels else next(iter(labels))
    fingerprint = st.selectbox(
        "选择发现", list(labels), format_func=labels.__getitem__, key="finding"
    )
    st.query_params["finding"] = fingerprint
    finding = findings[findings["fingerprint"] == fingerprint].iloc[0]
    table = KINDS[finding["table"]].title if finding["table"] in KINDS else "文档"
    line = None if pd.isna(finding["line"]) else int(finding["line"])
    on_page = "" if pd.isna(finding["page"]) else f"第 {finding['page']} 页 · "
    st.markdown(f"**{table}** · {on_page}第 {line if line else '—'} 行 · 规则 `{finding['check']}`")
    st.info(plain(finding["message"]))  # messages quote the document
    observed, expected = st.columns(2)
    observed.metric("实际", _shown(finding["observed"]))
    expected.metric("应为", _shown(finding["expected"]))
    if line is None:
        return
    raw_paths = [p for p in versions.loc[versions["doc_id"] == doc["doc_id"], "raw_path"]]
    if doc["encoding"] == "pdf":
        text = queries.pdf_text(lake, doc["doc_id"])
        lines: list[str] | None = list(text["text"])
        place = text[text["line"] == line]
        page = None if place.empty or pd.isna(place["page"].iloc[0]) else int(place["page"].iloc[0])
        pdf = next((Path(p) for p in [*raw_paths, doc["path"]] if p and Path(p).is_file()), None)
        if page is not None and pdf is not None:
            st.markdown(f"**PDF 第 {page} 页**")
            st.image(pdf_region(pdf, page, list(place["bbox"].iloc[0])))
    else:
        lines = read_source([*raw_paths, doc["path"]])
    if lines is None or line > len(lines):
        st.warning("找不到该文档的原文，无法显示上下文。")
        return
    st.markdown(f"**{'提取的文字' if doc['encoding'] == 'pdf' else '原文'}（第 {line} 行前后）**")
    st.html(context_html(lines, line))


def _shown(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else str(value)


def _previews(lake: Lake, doc_id: str, inventory: pd.DataFrame) -> None:
    st.subheader("解析结果预览")
    kinds = [k for k in inventory["kind"] if k in KINDS]
    if not kinds:
        st.caption("没有解析出的表格。")
        return
    kind = st.selectbox(
        "表格", list(dict.fromkeys(kinds)), format_func=lambda k: KINDS[k].title, key="preview"
    )
    st.dataframe(queries.table_preview(lake, doc_id, kind), hide_index=True, width="stretch")
