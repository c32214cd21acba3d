"""规则: the check catalogue, and per check how many disclosures pass, fail or are not applicable."""

from __future__ import annotations

import streamlit as st

from budgetdq.dashboard import queries
from budgetdq.findings import SUITE_NAMES
from budgetdq.lake import Lake


def render(lake: Lake) -> None:
    st.title("规则")
    st.caption("每条规则在各披露（最新一次检查）中的结果。")
    outcomes = queries.rule_outcomes(lake)
    suites = st.multiselect("规则组", list(SUITE_NAMES.values()), key="r_suite", placeholder="全部")
    failing_only = st.checkbox("只看有未通过的规则", key="r_failing")
    shown = outcomes
    if suites:
        shown = shown[shown["规则组"].isin(suites)]
    if failing_only:
        shown = shown[shown["未通过"] > 0]
    st.caption(f"共 {len(outcomes)} 条规则，显示 {len(shown)} 条。")
    st.dataframe(shown, hide_index=True, width="stretch")
