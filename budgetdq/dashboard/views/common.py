"""What the pages share: labels, opening a document, the export buttons."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from budgetdq.dashboard.export import to_csv, to_xlsx
from budgetdq.dashboard.queries import STATUS_LABELS
from budgetdq.departments import department_label as label_of
from budgetdq.findings import SEVERITY_LABELS, SUITE_NAMES
from budgetdq.lake import Lake
from budgetdq.schema import KINDS

__all__ = [
    "choose",
    "department_label",
    "export_buttons",
    "labelled_findings",
    "open_document",
    "plain",
    "status_label",
]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$])")
_AUTOLINK = re.compile(r"(?i)((?:https?|ftp|www)(?=\\[:.])|@)")
"""Where GFM would make a link of plain text (`http://…`, `www.…`, `a@b.cn`), which escaping does
not stop: a word joiner (U+2060, invisible) goes after it."""


def plain(text: Any) -> str:
    """Text from a document or a URL, for a Markdown element: shown as it is, never as a link, an
    image or markup (`[领取](//x)` stays those characters; a URL is not made a link)."""
    escaped = _MARKDOWN.sub(r"\\\1", html.escape(str(text), quote=False))
    return _AUTOLINK.sub("\\1\u2060", escaped)


def department_label(name: Any, code: Any) -> str:
    if pd.isna(code):
        return "（未识别的文档）"
    return label_of(name, code)


def open_document(doc_id: str, finding: str | None = None) -> None:
    """Switch to the document page (a button callback, so it runs before the page is drawn)."""
    st.session_state.page = "document"
    st.session_state.doc = doc_id
    st.query_params["doc"] = doc_id
    if finding:
        st.query_params["finding"] = finding
    else:
        st.query_params.pop("finding", None)


def labelled_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings for display: Chinese labels and headers, the most useful columns first."""
    return pd.DataFrame(
        {
            "严重程度": findings["severity"].map(lambda s: SEVERITY_LABELS.get(s, s)),
            "规则组": findings["suite"].map(lambda s: SUITE_NAMES.get(s, s)),
            "表": findings["table"].map(lambda t: KINDS[t].title if t in KINDS else "文档"),
            "页": findings["page"],
            "行": findings["line"],
            "说明": findings["message"],
            "实际": findings["observed"],
            "应为": findings["expected"],
            "规则": findings["check"],
        }
    )


def choose(container: Any, label: str, labels: dict[Any, str], key: str) -> tuple[Any, ...]:
    """A filter: the keys of `labels` chosen (shown by their labels); none chosen means all."""
    return tuple(
        container.multiselect(
            label, list(labels), format_func=labels.__getitem__, key=key, placeholder="全部"
        )
    )


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def export_buttons(fetch: Callable[[Lake], pd.DataFrame], count: int, stem: str, key: str) -> None:
    """Download `count` findings as .xlsx and .csv; `fetch` reads them when a button is clicked.

    The page's lake is closed by then, so the download opens the published lake again.
    """

    def download(convert: Callable[[pd.DataFrame], bytes]) -> Callable[[], bytes]:
        def make() -> bytes:
            with Lake(read_only=True) as lake:
                return convert(fetch(lake))

        return make

    formats = (
        (
            "Excel",
            to_xlsx,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("CSV", to_csv, "csv", "text/csv"),
    )
    for column, (name, convert, suffix, mime) in zip(st.columns(2), formats, strict=True):
        column.download_button(
            f"导出 {name}（{count} 项）",
            data=download(convert),
            file_name=f"{stem}.{suffix}",
            mime=mime,
            key=f"{key}-{suffix}",
            on_click="ignore",
        )
