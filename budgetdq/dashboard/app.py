"""The Streamlit script of the dashboard: `budgetdq dashboard` runs it (`streamlit run`).

Pages: 总览 (overview), 文档 (one disclosure), 规则 (the check catalogue), 告警 (the alert outbox).
The page is kept in the URL (`?page=`); `?doc=<doc_id>&finding=<fingerprint>` opens a finding, as
the Slack alerts link it. The lake is `BUDGETDQ_LAKE` (else `data_lake/`), opened read-only.
"""

from __future__ import annotations

import streamlit as st

from budgetdq.dashboard.views import alerts, document, overview, rules
from budgetdq.lake import Lake, LakeNotPublished

PAGES = {"overview": "总览", "document": "文档", "rules": "规则", "alerts": "告警"}
VIEWS = {
    "overview": overview.render,
    "document": document.render,
    "rules": rules.render,
    "alerts": alerts.render,
}


def main() -> None:
    st.set_page_config(page_title="预算数据质量看板", page_icon="📊", layout="wide")
    if "page" not in st.session_state:
        asked = "document" if "doc" in st.query_params else st.query_params.get("page", "")
        st.session_state.page = asked if asked in PAGES else "overview"
    st.sidebar.title("预算数据质量看板")
    page = st.sidebar.radio("页面", list(PAGES), format_func=PAGES.__getitem__, key="page")
    st.query_params["page"] = page
    try:
        lake = Lake(read_only=True)
    except LakeNotPublished as exc:
        st.info("数据湖中还没有数据：请先运行 `budgetdq run` 或 `budgetdq ingest`。")
        st.caption(str(exc))
        return
    with lake:
        st.sidebar.caption(f"数据湖：{lake.root}")
        VIEWS[page](lake)


main()
