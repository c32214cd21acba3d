"""告警: the Slack outbox (pending / sent / failed) and the state of each disclosure's thread."""

from __future__ import annotations

import streamlit as st

from budgetdq.dashboard import queries
from budgetdq.dashboard.views.common import choose
from budgetdq.lake import Lake

STATES = {"pending": "待发送", "sent": "已发送", "failed": "发送失败"}
KINDS = {"root": "首条消息", "reply": "跟帖", "update": "更新首条", "reminder": "提醒"}


def render(lake: Lake) -> None:
    st.title("告警")
    outbox = queries.outbox(lake)
    counts = outbox["state"].value_counts()
    columns = st.columns(len(STATES))
    for column, (state, label) in zip(columns, STATES.items(), strict=True):
        column.metric(label, int(counts.get(state, 0)))
    chosen = choose(st, "发送状态", STATES, "a_state")
    shown = outbox[outbox["state"].isin(chosen)] if chosen else outbox
    st.subheader("消息")
    st.dataframe(
        shown.assign(
            state=shown["state"].map(STATES), kind=shown["kind"].map(lambda k: KINDS.get(k, k))
        ).rename(
            columns={
                "created_at": "生成时间",
                "state": "状态",
                "kind": "类型",
                "channel": "频道",
                "thread_key": "话题",
                "text": "内容",
                "attempts": "尝试次数",
                "last_error": "最近错误",
                "sent_at": "发送时间",
                "slack_ts": "Slack ts",
                "delivery_key": "投递编号",
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.subheader("各披露的话题")
    st.dataframe(
        queries.alert_threads(lake).rename(
            columns={
                "thread_key": "话题",
                "department_code": "部门代码",
                "year": "年度",
                "channel": "频道",
                "status": "状态",
                "root_ts": "首条消息 ts",
                "doc_id": "最新文档",
                "updated_at": "更新时间",
                "open": "未解决",
                "resolved": "已解决",
            }
        ),
        hide_index=True,
        width="stretch",
    )
