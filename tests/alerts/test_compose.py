"""Slack messages composed from findings cut from the seeds (000: 朝阳区应急管理局, 2023)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from budgetdq.alerts.compose import (
    MAX_DETAILED,
    Message,
    reminder,
    root_message,
    thread_reply,
    to_text,
)
from budgetdq.alerts.model import AlertFinding, Disclosure

DISCLOSURE = Disclosure(
    department_code="105",
    department_name="北京市朝阳区应急管理局",
    year=2023,
    doc_id="000_586d32f094f53e44",
    link="https://www.bjchy.gov.cn/affair/budget/105-2023.pdf",
    dashboard_url="http://localhost:8501",
)
DASHBOARD_DOC = "http://localhost:8501/?doc=000_586d32f094f53e44"


def finding(
    fingerprint: str,
    severity: str,
    suite: str,
    table: str,
    table_title: str,
    line: int | None,
    message: str,
    observed: str | None = None,
    expected: str | None = None,
) -> AlertFinding:
    return AlertFinding(
        fingerprint=fingerprint,
        doc_id=DISCLOSURE.doc_id,
        suite=suite,
        check=f"{suite}_check",
        severity=severity,
        table=table,
        table_title=table_title,
        line=line,
        message=message,
        observed=observed,
        expected=expected,
    )


TOTAL_ROW = finding(
    "fp-total-88",
    "error",
    "totals",
    "expenditure",
    "支出预算总表",
    88,
    "支出预算总表 第88行 合计行的基本支出 3,207.001313 ≠ 明细行之和 3,207.001314",
    "3,207.001313",
    "3,207.001314",
)
ROW_SUM = finding(
    "fp-rowsum-88",
    "error",
    "totals",
    "expenditure",
    "支出预算总表",
    88,
    "支出预算总表 第88行 合计 = 基本支出 + 项目支出 = 3,207.001313 + 5,620.584600 = 8,827.585913 万元，实际为 8,828.585913 万元",
    "8,828.585913",
    "8,827.585913",
)
THREE_PUBLIC = finding(
    "fp-3pub-268",
    "error",
    "crosstable",
    "three_public",
    "“三公”经费支出表",
    268,
    "“三公”经费支出表 第268行 2023年 公务接待费 9,025.00 元 ≠ 基本支出表 30217 公务接待费 0.912500 万元（9,125.00 元）",
    "9,025.00 元",
    "9,125.00 元",
)
SATISFACTION = finding(
    "fp-sat-352",
    "warning",
    "indicators",
    "project_performance",
    "年度项目支出绩效表",
    352,
    "年度项目支出绩效表 第352行 满意度指标「局内满意度」指标性质为定性，但指标值为数字 90（%）",
    "定性 90 %",
    "≥ 90 %",
)
PROJECT_CODE = finding(
    "fp-code-277",
    "warning",
    "codes",
    "purchased_services",
    "政府购买服务预算财政拨款明细表",
    277,
    "政府购买服务预算财政拨款明细表 第277行 项目 11010522T000000459597 的服务领域 206-科学技术支出 与其功能分类 224 不一致",
    "206",
    "224",
)
SEPARATOR = finding(
    "fp-sep-40",
    "info",
    "parse",
    "summary",
    "收支总表",
    40,
    "收支总表 第40行 金额使用了全角逗号「，」作千分位分隔符",
)
FINDINGS = [SEPARATOR, PROJECT_CODE, THREE_PUBLIC, SATISFACTION, TOTAL_ROW, ROW_SUM]


def mrkdwn_texts(message: Message) -> list[str]:
    """Every mrkdwn text of the message, the fallback text included."""
    texts = [message.text]
    for block in message.blocks:
        if block["type"] == "section":
            texts.append(block["text"]["text"])
        elif block["type"] == "context":
            texts += [element["text"] for element in block["elements"]]
    return texts


def sections(message: Message) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def headings(message: Message) -> list[str]:
    """The finding headings (`*[错误] 支出预算总表 第88行*`) in message order."""
    return [s.split("\n")[0] for s in sections(message) if s.startswith(("*[", "✅ ~["))]


def contexts(message: Message) -> list[str]:
    return [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]]


def assert_within_slack_limits(message: Message) -> None:
    assert len(message.blocks) <= 50
    assert len(message.text) <= 3000
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
    json.dumps(message.blocks)


def many_findings(n: int) -> list[AlertFinding]:
    """`n` findings over three severities: every 10th an error, every 3rd a warning, else info."""
    out = []
    for i in range(n):
        severity = "error" if i % 10 == 0 else "warning" if i % 3 == 0 else "info"
        line = 100 + i
        message = f"支出预算总表 第{line}行 合计 ≠ 基本支出 + 项目支出（差 0.000001 万元）"
        out.append(
            replace(TOTAL_ROW, fingerprint=f"fp-{i}", severity=severity, line=line, message=message)
        )
    return out


def test_root_header_status_link_and_counts() -> None:
    message = root_message(DISCLOSURE, FINDINGS, status="failing")

    header = message.blocks[0]
    assert header == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "北京市朝阳区应急管理局（105）2023年部门预算 数据质量检查",
        },
    }
    summary = sections(message)[0]
    assert "🔴 未通过（错误 3，警告 2，提示 1）" in summary
    assert f"<{DISCLOSURE.link}|打开原文>" in summary
    assert f"<{DASHBOARD_DOC}|在看板中查看本文档>" in summary
    assert sections(message)[1].split("\n") == [
        "*按检查类别*",
        "合计核对：错误 2",
        "跨表核对：错误 1",
        "编码：警告 1",
        "绩效指标：警告 1",
        "解析：提示 1",
    ]
    assert message.text.startswith(
        "北京市朝阳区应急管理局（105）2023年部门预算 数据质量检查：🔴 未通过"
    )
    assert_within_slack_limits(message)


@pytest.mark.parametrize(
    ("status", "label"),
    [("failing", "🔴 未通过"), ("warning", "🟠 有警告"), ("passing", "🟢 已通过")],
)
def test_root_status_labels(status: str, label: str) -> None:
    assert label in root_message(DISCLOSURE, FINDINGS[:1], status=status).text


def test_root_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown status 'red'"):
        root_message(DISCLOSURE, FINDINGS, status="red")


def test_root_passing_without_findings() -> None:
    message = root_message(DISCLOSURE, [], status="passing")
    assert "全部检查通过，未发现问题。" in sections(message)
    assert "另有" not in to_text(message)


def test_root_orders_errors_then_warnings_then_info_by_table_and_line() -> None:
    message = root_message(DISCLOSURE, FINDINGS, status="failing")
    assert headings(message) == [
        "*[错误] 支出预算总表 第88行*",
        "*[错误] 支出预算总表 第88行*",
        "*[错误] “三公”经费支出表 第268行*",
        "*[警告] 政府购买服务预算财政拨款明细表 第277行*",
        "*[警告] 年度项目支出绩效表 第352行*",
        "*[提示] 收支总表 第40行*",
    ]


def test_finding_section_has_message_figures_and_deep_link() -> None:
    message = root_message(DISCLOSURE, [TOTAL_ROW], status="failing")
    assert sections(message)[-1] == (
        "*[错误] 支出预算总表 第88行*\n"
        "支出预算总表 第88行 合计行的基本支出 3,207.001313 ≠ 明细行之和 3,207.001314\n"
        "实际：3,207.001313　应为：3,207.001314\n"
        f"<{DASHBOARD_DOC}&amp;finding=fp-total-88|在看板中查看>"
    )


def test_finding_without_figures_or_line() -> None:
    whole_document = replace(SEPARATOR, line=None, table_title="", table=None)
    text = sections(root_message(DISCLOSURE, [whole_document], status="passing"))[-1]
    assert text.split("\n")[:2] == ["*[提示] 文档*", SEPARATOR.message]
    assert "实际" not in text and "应为" not in text


def test_two_hundred_findings_stay_within_limits_with_overflow_counts() -> None:
    findings = many_findings(200)
    message = root_message(DISCLOSURE, findings, status="failing")

    assert_within_slack_limits(message)
    assert len(headings(message)) == MAX_DETAILED
    assert all(h.startswith("*[错误]") for h in headings(message))
    # 20 errors shown; hidden: 0 errors, 60 warnings, 120 info.
    assert contexts(message)[-1] == (
        f"另有 180 项（错误 0，警告 60，提示 120），请<{DASHBOARD_DOC}|在看板中查看全部>"
    )


def test_five_thousand_character_message_is_truncated() -> None:
    long = replace(TOTAL_ROW, message="支出预算总表 第88行 " + "明细行金额不一致；" * 560)
    assert len(long.message) > 5000
    text = sections(root_message(DISCLOSURE, [long], status="failing"))[-1]

    assert len(text) <= 3000
    body = text.split("\n")[1]
    assert body.endswith("…") and long.message.startswith(body[:-1])
    assert text.endswith("|在看板中查看>")


def test_long_messages_push_the_rest_into_overflow() -> None:
    findings = [
        replace(TOTAL_ROW, fingerprint=f"fp-{i}", line=i, message="超长" * 2000) for i in range(10)
    ]
    message = root_message(DISCLOSURE, findings, status="failing")
    assert_within_slack_limits(message)
    assert sum(len(s) for s in sections(message)) < 16_000
    assert re.match(r"另有 \d+ 项（错误 \d+，警告 0，提示 0）", contexts(message)[-1])


def test_document_text_is_escaped_never_a_link_or_mention() -> None:
    hostile = replace(
        TOTAL_ROW,
        table_title="支出预算总表<b>",
        message="第88行 <script>alert(1)</script> 请 <@U123> 与 <!channel> 核对 <http://evil.example|点此> A&B",
        observed="<3,207.001313>",
    )
    disclosure = replace(DISCLOSURE, department_name="应急管理局 <!here>")
    message = root_message(disclosure, [hostile], status="failing")

    joined = "\n".join(mrkdwn_texts(message))
    for raw in ("<script>", "<@U123>", "<!channel>", "<!here>", "<http://evil", "<b>", "<3,"):
        assert raw not in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "&lt;@U123&gt;" in joined
    assert "A&amp;B" in joined
    # to_text shows the text exactly as it was written.
    assert hostile.message in to_text(message)


def test_truncation_never_splits_an_entity() -> None:
    long = replace(TOTAL_ROW, message="<>&" * 2000)
    body = sections(root_message(DISCLOSURE, [long], status="failing"))[-1].split("\n")[1]
    assert re.fullmatch(r"(&lt;|&gt;|&amp;)+…", body)


def test_thread_reply_lists_resolved_and_new() -> None:
    corrected = replace(DISCLOSURE, doc_id="000_fixed")
    message = thread_reply(
        corrected, new=[SATISFACTION], resolved=[ROW_SUM, TOTAL_ROW], still_open=4
    )

    assert_within_slack_limits(message)
    first = sections(message)[0]
    assert first.startswith("*更正版本已检查*（000_fixed）")
    assert "已解决 2 项，新增 1 项，仍未解决 4 项" in first
    assert headings(message) == [
        "✅ ~[错误] 支出预算总表 第88行~",
        "✅ ~[错误] 支出预算总表 第88行~",
        "*[警告] 年度项目支出绩效表 第352行*",
    ]
    assert "*✅ 已解决 2 项*" in sections(message)
    assert "*🆕 新增 1 项*" in sections(message)
    assert contexts(message)[-1] == (
        "仍未解决 4 项，请<http://localhost:8501/?doc=000_fixed|在看板中查看>"
    )
    assert "更正版本已检查，已解决 2 项，新增 1 项，仍未解决 4 项" in message.text


def test_thread_reply_overflow_per_group() -> None:
    message = thread_reply(
        DISCLOSURE, new=many_findings(200), resolved=many_findings(30), still_open=200
    )
    assert_within_slack_limits(message)
    shown = headings(message)
    assert sum(h.startswith("✅") for h in shown) == 5
    assert sum(h.startswith("*[") for h in shown) == MAX_DETAILED - 5
    overflow = [c for c in contexts(message) if c.startswith("另有")]
    assert overflow == [
        f"另有 25 项（错误 0，警告 7，提示 18），请<{DASHBOARD_DOC}|在看板中查看全部>",
        f"另有 185 项（错误 5，警告 60，提示 120），请<{DASHBOARD_DOC}|在看板中查看全部>",
    ]


def test_reminder_lists_still_open_errors() -> None:
    message = reminder(DISCLOSURE, still_open=[THREE_PUBLIC, TOTAL_ROW], hours=48)
    assert_within_slack_limits(message)
    assert "以下问题已超过 48 小时仍未解决" in sections(message)[0]
    assert headings(message) == [
        "*[错误] 支出预算总表 第88行*",
        "*[错误] “三公”经费支出表 第268行*",
    ]
    assert (
        message.text
        == "北京市朝阳区应急管理局（105）2023年部门预算：2 项问题已超过 48 小时仍未解决"
    )


def test_to_text_is_readable() -> None:
    text = to_text(root_message(DISCLOSURE, [TOTAL_ROW, SEPARATOR], status="failing"))
    assert text.startswith("北京市朝阳区应急管理局（105）2023年部门预算 数据质量检查\n\n")
    assert "状态： 🔴 未通过（错误 1，警告 0，提示 1）" in text
    assert f"打开原文 ({DISCLOSURE.link})" in text
    assert (
        "[错误] 支出预算总表 第88行\n"
        "支出预算总表 第88行 合计行的基本支出 3,207.001313 ≠ 明细行之和 3,207.001314\n"
        "实际：3,207.001313　应为：3,207.001314\n"
        f"在看板中查看 ({DASHBOARD_DOC}&finding=fp-total-88)"
    ) in text
    assert not re.search(r"<[^>]*\|", text)
    assert "&amp;" not in text


def test_to_text_of_thread_reply_and_overflow() -> None:
    text = to_text(
        thread_reply(DISCLOSURE, new=many_findings(30), resolved=[TOTAL_ROW], still_open=3)
    )
    assert "✅ [错误] 支出预算总表 第88行" in text
    assert f"另有 11 项（错误 0，警告 0，提示 11），请在看板中查看全部 ({DASHBOARD_DOC})" in text


def test_to_text_falls_back_to_the_text() -> None:
    assert to_text(Message(text="A &amp; B")) == "A & B\n"


def test_path_link_is_shown_as_code() -> None:
    local = replace(DISCLOSURE, link="/data/raw/105/2023 <预算>.pdf")
    summary = sections(root_message(local, [], status="passing"))[0]
    assert "*文档：* `/data/raw/105/2023 &lt;预算&gt;.pdf`" in summary


def test_deep_link_quotes_ids() -> None:
    odd = replace(TOTAL_ROW, fingerprint="a|b&c")
    text = sections(root_message(replace(DISCLOSURE, doc_id="x y"), [odd], status="failing"))[-1]
    assert text.endswith("<http://localhost:8501/?doc=x%20y&amp;finding=a%7Cb%26c|在看板中查看>")


def test_a_tables_findings_stay_together_in_document_order() -> None:
    later_in_expenditure = replace(TOTAL_ROW, fingerprint="fp-total-300", line=300)
    message = reminder(
        DISCLOSURE, still_open=[THREE_PUBLIC, later_in_expenditure, TOTAL_ROW], hours=24
    )
    assert headings(message) == [
        "*[错误] 支出预算总表 第88行*",
        "*[错误] 支出预算总表 第300行*",
        "*[错误] “三公”经费支出表 第268行*",
    ]


def test_a_disclosure_at_a_huge_url_with_a_huge_name_still_fits_slack() -> None:
    """20,000 characters of URL and of department name (a hostile listing or document)."""
    huge = replace(
        DISCLOSURE,
        link="https://www.example.gov.cn/" + "a/" * 10_000,
        department_name="部门" * 10_000,
    )
    findings = many_findings(30)
    for message in (
        root_message(huge, findings, status="failing"),
        thread_reply(huge, new=findings[3:6], resolved=findings[:3], still_open=24),
        reminder(huge, still_open=findings, hours=24),
    ):
        assert_within_slack_limits(message)
    root = root_message(huge, findings, status="failing")
    assert "链接过长" in sections(root)[0]
