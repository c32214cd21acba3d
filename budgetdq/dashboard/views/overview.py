"""总览: every disclosure by department × year, findings by suite and severity, the trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from budgetdq.dashboard import queries
from budgetdq.dashboard.queries import STATUS_LABELS, Filters
from budgetdq.dashboard.views.common import (
    choose,
    department_label,
    export_buttons,
    labelled_findings,
    open_document,
    status_label,
)
from budgetdq.findings import SEVERITY_LABELS, SUITE_NAMES
from budgetdq.lake import Lake

SHOWN_FINDINGS = 1_000


def render(lake: Lake) -> None:
    st.title("预算数据质量总览")
    everything = queries.disclosures(lake)
    filters = _filters(everything)
    listed = queries.disclosures(lake, filters)
    _status_counts(listed)

    st.subheader("部门 × 年度")
    st.caption("🔴 有错误　🟠 仅有警告　🟢 通过　⚫ 已隔离　⚪ 待检查；括号内为错误/警告数")
    st.dataframe(_matrix(listed), width="stretch")

    left, right = st.columns(2)
    with left:
        st.subheader("发现：规则组 × 严重程度")
        st.dataframe(queries.findings_by_suite(lake, filters), width="stretch")
    with right:
        st.subheader("未解决的错误与警告（按检查批次）")
        trend = queries.trend(lake, filters)
        if trend.empty:
            st.caption("还没有检查记录。")
        else:
            # One point per run, labelled by its time: runs are events, not a continuous axis.
            by_run = trend.assign(检查时间=trend["检查时间"].dt.strftime("%Y-%m-%d %H:%M:%S"))
            st.line_chart(by_run.set_index("检查时间"), color=["#d62728", "#ff9f1c"])

    st.subheader("最新披露")
    _latest(listed)

    st.subheader("筛选后的发现")
    total = int(listed[["errors", "warnings", "infos"]].sum().sum())
    findings = queries.findings(lake, filters, limit=SHOWN_FINDINGS)
    st.caption(f"共 {total} 项，显示最严重的 {len(findings)} 项；导出包含全部。")
    st.dataframe(
        labelled_findings(findings).assign(
            部门=[
                department_label(n, c)
                for n, c in zip(
                    findings["department_name"], findings["department_code"], strict=True
                )
            ],
            年度=findings["year"],
        ),
        hide_index=True,
        width="stretch",
    )
    export_buttons(
        lambda lake: queries.findings(lake, filters), total, "budgetdq-发现", key="overview-export"
    )


def _filters(everything: pd.DataFrame) -> Filters:
    sidebar = st.sidebar
    sidebar.header("筛选")
    departments = (
        everything.dropna(subset=["department_code"])
        .drop_duplicates("department_code")
        .sort_values("department_code")
    )
    names = {
        code: department_label(name, code)
        for code, name in zip(
            departments["department_code"], departments["department_name"], strict=True
        )
    }
    years = sorted({int(y) for y in everything["year"].dropna()}, reverse=True)
    return Filters(
        departments=choose(sidebar, "部门", names, "f_dept"),
        years=choose(sidebar, "年度", {year: str(year) for year in years}, "f_year"),
        suites=choose(sidebar, "规则组", SUITE_NAMES, "f_suite"),
        severities=choose(sidebar, "严重程度", SEVERITY_LABELS, "f_severity"),
        statuses=choose(sidebar, "状态", STATUS_LABELS, "f_status"),
    )


def _status_counts(listed: pd.DataFrame) -> None:
    counts = listed["status"].value_counts()
    columns = st.columns(len(STATUS_LABELS) + 1)
    columns[0].metric("披露文档", len(listed))
    for column, (status, label) in zip(columns[1:], STATUS_LABELS.items(), strict=True):
        column.metric(label, int(counts.get(status, 0)))


def _matrix(listed: pd.DataFrame) -> pd.DataFrame:
    """One row per department, one column per year: status light and error/warning counts."""
    known = listed.dropna(subset=["department_code", "year"])
    if known.empty:
        return pd.DataFrame()
    cells = known.assign(
        部门=[
            department_label(n, c)
            for n, c in zip(known["department_name"], known["department_code"], strict=True)
        ],
        年度=known["year"].astype(int),
        cell=[
            f"{STATUS_LABELS[s].split()[0]} ({e}/{w})"
            for s, e, w in zip(known["status"], known["errors"], known["warnings"], strict=True)
        ],
    )
    matrix = cells.pivot_table(index="部门", columns="年度", values="cell", aggfunc="first")
    return matrix[sorted(matrix.columns, reverse=True)].fillna("")


def _latest(listed: pd.DataFrame) -> None:
    if listed.empty:
        st.caption("没有符合筛选条件的披露。")
        return
    table = pd.DataFrame(
        {
            "状态": listed["status"].map(status_label),
            "部门": [
                department_label(n, c)
                for n, c in zip(listed["department_name"], listed["department_code"], strict=True)
            ],
            "年度": listed["year"],
            "版本": listed["version"],
            "错误": listed["errors"],
            "警告": listed["warnings"],
            "发现时间": listed["seen_at"],
            "来源": listed["location"],
            "打开": "?doc=" + listed["doc_id"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"打开": st.column_config.LinkColumn("打开", display_text="查看文档")},
    )
    labels = dict(
        zip(listed["doc_id"], table["部门"] + " " + table["年度"].astype(str), strict=True)
    )
    chosen = st.selectbox("打开文档", list(labels), format_func=labels.__getitem__, key="o_doc")
    st.button("查看所选文档", on_click=open_document, args=(chosen,), key="o_open")
