"""Slack messages about one disclosure: the root message, thread replies, reminders.

Pure functions from a `Disclosure` and its `AlertFinding`s to a `Message` (fallback text plus Block
Kit blocks), in Simplified Chinese for finance staff. Everything taken from a document (messages,
table titles, figures, names) is escaped for Slack mrkdwn, so it is never read as a link or mention.

Slack's limits are kept here, once: at most 50 blocks, at most 3,000 characters per section and
for the fallback text, at most 150 for the header. Findings that do not fit are counted in a final
「另有 N 项（错误 a，警告 b，提示 c）」 line that links to the document in the dashboard.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from budgetdq.alerts.model import AlertFinding, Disclosure
from budgetdq.departments import department_label
from budgetdq.findings import SEVERITY_LABELS, SUITE_NAMES

__all__ = [
    "MAX_DETAILED",
    "Message",
    "quarantine_message",
    "reminder",
    "root_message",
    "thread_reply",
    "to_text",
]

MAX_SECTION_CHARS = 3_000
MAX_TEXT_CHARS = 3_000
MAX_HEADER_CHARS = 150
MAX_LINK_CHARS = 2_000
"""A longer URL (from a listing page) is shown cut, as text: a link cannot be cut."""
MAX_NAME_CHARS = 200
"""A department name comes from the document: whatever it holds, it takes one line."""

MAX_DETAILED = 20
"""Findings shown in full in one message.

Twenty sections are about two phone screens: enough for the errors of a typical disclosure, few
enough that the message stays a notification rather than a report (the dashboard holds the rest).
With the header, summary and overflow blocks a message stays near 30 blocks, under Slack's 50.
"""

MAX_DETAILED_CHARS = 12_000
"""Characters of finding sections per message; a few very long findings push the rest to overflow."""

STATUS_LABELS = {"failing": "🔴 未通过", "warning": "🟠 有警告", "passing": "🟢 已通过"}

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>")
_BARE_LINK = re.compile(r"<([^<>|]+)>")
_MARKERS = re.compile(r"([*~])([^*~\n]+)\1")


@dataclass(frozen=True)
class Message:
    """A Slack message: `text` is the notification/fallback text, `blocks` the Block Kit layout."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def root_message(disclosure: Disclosure, findings: list[AlertFinding], *, status: str) -> Message:
    """The first message of a disclosure's thread.

    `status` is "failing", "warning" or "passing". Shows the status, the document link, counts by
    suite and severity, then up to `MAX_DETAILED` findings, most important first (errors, warnings,
    info; within a severity by table, then line).
    """
    if status not in STATUS_LABELS:
        raise ValueError(f"unknown status {status!r}; expected one of {sorted(STATUS_LABELS)}")
    title = f"{_name(disclosure)}{disclosure.year}年部门预算 数据质量检查"
    summary = [
        f"*状态：* {STATUS_LABELS[status]}（{_severity_phrase(findings)}）",
        f"*文档：* {_document_link(disclosure)}",
        f"*看板：* {_link(_doc_url(disclosure), '在看板中查看本文档')}",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:MAX_HEADER_CHARS]}},
        _section("\n".join(summary)),
    ]
    if findings:
        blocks += [_section(_suite_counts(findings)), {"type": "divider"}]
        blocks += _finding_blocks(disclosure, _by_importance(findings), MAX_DETAILED)
    else:
        blocks.append(_section("全部检查通过，未发现问题。"))
    text = f"{_escape(title)}：{STATUS_LABELS[status]}（{_severity_phrase(findings)}）"
    return Message(text=_cut(text, MAX_TEXT_CHARS), blocks=blocks)


def thread_reply(
    disclosure: Disclosure,
    *,
    new: list[AlertFinding],
    resolved: list[AlertFinding],
    still_open: int,
) -> Message:
    """The reply posted in the thread when a corrected version of the disclosure was checked.

    Lists resolved findings (✅, heading struck) and new ones (like the root), then the number still
    open. New findings get the larger share of the `MAX_DETAILED` slots: resolved ones keep up to
    five (more when there are fewer new ones); each group has its own overflow line.
    """
    shown_new = min(len(new), MAX_DETAILED - min(len(resolved), 5))
    shown_resolved = min(len(resolved), MAX_DETAILED - shown_new)
    counts = f"已解决 {len(resolved)} 项，新增 {len(new)} 项，仍未解决 {still_open} 项"
    blocks: list[dict[str, Any]] = [
        _section(
            f"*更正版本已检查*（{_escape(disclosure.doc_id)}）\n{counts}\n"
            f"*文档：* {_document_link(disclosure)}"
        )
    ]
    if resolved:
        blocks.append(_section(f"*✅ 已解决 {len(resolved)} 项*"))
        blocks += _finding_blocks(
            disclosure, _by_importance(resolved), shown_resolved, resolved_style=True
        )
    if new:
        blocks.append(_section(f"*🆕 新增 {len(new)} 项*"))
        blocks += _finding_blocks(disclosure, _by_importance(new), shown_new)
    blocks.append(
        _context(f"仍未解决 {still_open} 项，请{_link(_doc_url(disclosure), '在看板中查看')}")
    )
    text = f"{_escape(_department(disclosure))}：更正版本已检查，{counts}"
    return Message(text=_cut(text, MAX_TEXT_CHARS), blocks=blocks)


def reminder(disclosure: Disclosure, *, still_open: list[AlertFinding], hours: int) -> Message:
    """A re-notification in the thread: these findings are still open after `hours` hours."""
    heading = f"以下问题已超过 {hours} 小时仍未解决"
    blocks: list[dict[str, Any]] = [
        _section(
            f"*⏰ {heading}*（{len(still_open)} 项）\n"
            f"{_escape(_department(disclosure))}，文档 {_document_link(disclosure)}"
        )
    ]
    blocks += _finding_blocks(disclosure, _by_importance(still_open), MAX_DETAILED)
    text = (
        f"{_escape(_department(disclosure))}：{len(still_open)} 项问题已超过 {hours} 小时仍未解决"
    )
    return Message(text=_cut(text, MAX_TEXT_CHARS), blocks=blocks)


def to_text(message: Message) -> str:
    """Plain text for a person reading an outbox file: one paragraph per block.

    Links `<url|label>` become `label (url)`, `*bold*` and `~struck~` markers are dropped and
    entities unescaped. A message without blocks renders its fallback text.
    """
    if not message.blocks:
        return _plain(message.text) + "\n"
    paragraphs: list[str] = []
    for block in message.blocks:
        kind = block.get("type")
        if kind == "header":
            paragraphs.append(block["text"]["text"])
        elif kind == "section":
            paragraphs.append(_plain(block["text"]["text"]))
        elif kind == "context":
            paragraphs.append(" ".join(_plain(e["text"]) for e in block["elements"]))
        elif kind == "divider":
            paragraphs.append("─" * 24)
    return "\n\n".join(paragraphs) + "\n"


def _finding_blocks(
    disclosure: Disclosure,
    ordered: list[AlertFinding],
    limit: int,
    *,
    resolved_style: bool = False,
) -> list[dict[str, Any]]:
    """Sections for the first `limit` findings (within `MAX_DETAILED_CHARS`), then the overflow line."""
    blocks: list[dict[str, Any]] = []
    used = 0
    for finding in ordered[:limit]:
        text = _finding_text(disclosure, finding, resolved_style=resolved_style)
        if blocks and used + len(text) > MAX_DETAILED_CHARS:
            break
        blocks.append(_section(text))
        used += len(text)
    hidden = ordered[len(blocks) :]
    if hidden:
        blocks.append(
            _context(
                f"另有 {len(hidden)} 项（{_severity_phrase(hidden)}），"
                f"请{_link(_doc_url(disclosure), '在看板中查看全部')}"
            )
        )
    return blocks


def _finding_text(disclosure: Disclosure, f: AlertFinding, *, resolved_style: bool) -> str:
    """`*[错误] 支出预算总表 第88行*`, the message, `实际：… 应为：…` and a dashboard deep link.

    The message is cut (ending in "…") so that the whole section stays within 3,000 characters.
    """
    label = SEVERITY_LABELS.get(f.severity, f.severity)
    where = _cut(_escape(f.table_title or f.table or "文档"), 100)
    if f.page is not None:
        where += f" 第{f.page}页"
    if f.line is not None:
        where += f" 第{f.line}行"
    heading = f"✅ ~[{label}] {where}~" if resolved_style else f"*[{label}] {where}*"
    tail: list[str] = []
    figures = []
    if f.observed is not None:
        figures.append(f"实际：{_clip(f.observed, 300)}")
    if f.expected is not None:
        figures.append(f"应为：{_clip(f.expected, 300)}")
    if figures:
        tail.append("　".join(figures))
    if not resolved_style:
        tail.append(_link(_finding_url(disclosure, f), "在看板中查看"))
    room = MAX_SECTION_CHARS - len(heading) - sum(len(t) + 1 for t in tail) - 1
    return "\n".join([heading, _clip(f.message, room), *tail])


def _by_importance(findings: Iterable[AlertFinding]) -> list[AlertFinding]:
    """Errors, then warnings, then info; within a severity by table, then line.

    Tables come in document order (by the first line any finding points at), so a table's
    findings stay together and read top to bottom; findings without a line come last.
    """
    findings = list(findings)
    rank = {severity: i for i, severity in enumerate(SEVERITY_LABELS)}
    no_line = sys.maxsize
    first_line: dict[str, int] = {}
    for f in findings:
        table = _table_key(f)
        first_line[table] = min(
            first_line.get(table, no_line), no_line if f.line is None else f.line
        )
    return sorted(
        findings,
        key=lambda f: (
            rank.get(f.severity, len(rank)),
            first_line[_table_key(f)],
            _table_key(f),
            no_line if f.line is None else f.line,
            f.suite,
            f.check,
            f.fingerprint,
        ),
    )


def _table_key(f: AlertFinding) -> str:
    return f.table or f.table_title or ""


def _severity_phrase(findings: Iterable[AlertFinding]) -> str:
    """`错误 3，警告 1，提示 0`."""
    counts = Counter(f.severity for f in findings)
    return "，".join(f"{label} {counts[s]}" for s, label in SEVERITY_LABELS.items())


def _suite_counts(findings: list[AlertFinding]) -> str:
    """One line per suite with findings, in pipeline order: `合计核对：错误 2，警告 1`."""
    by_suite: dict[str, Counter[str]] = {}
    for f in findings:
        by_suite.setdefault(f.suite, Counter())[f.severity] += 1
    order = [s for s in SUITE_NAMES if s in by_suite] + sorted(set(by_suite) - set(SUITE_NAMES))
    lines = ["*按检查类别*"]
    for suite in order:
        counts = by_suite[suite]
        parts = [f"{label} {counts[s]}" for s, label in SEVERITY_LABELS.items() if counts[s]]
        lines.append(f"{SUITE_NAMES.get(suite) or _cut(_escape(suite), 50)}：{'，'.join(parts)}")
    return _fit_lines(lines, MAX_SECTION_CHARS)


def _department(disclosure: Disclosure) -> str:
    return f"{_name(disclosure)}{disclosure.year}年部门预算"


def _name(disclosure: Disclosure) -> str:
    """The department as named to people, cut (not escaped: callers escape what they show)."""
    name = department_label(disclosure.department_name, disclosure.department_code)
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def _document_link(disclosure: Disclosure) -> str:
    """A link to the published document, or its path as code when it is not a URL."""
    link = disclosure.link
    if link.startswith(("http://", "https://")) and len(link) <= MAX_LINK_CHARS:
        return _link(link, "打开原文")
    if len(link) > MAX_LINK_CHARS:
        return f"`{_clip(link, 300)}`（链接过长，未设为链接；请在看板中查看）"
    return f"`{_cut(_escape(link), 500)}`"


def _doc_url(disclosure: Disclosure) -> str:
    return f"{disclosure.dashboard_url.rstrip('/')}/?doc={quote(disclosure.doc_id, safe='')}"


def _finding_url(disclosure: Disclosure, f: AlertFinding) -> str:
    return f"{_doc_url(disclosure)}&finding={quote(f.fingerprint, safe='')}"


def _link(url: str, label: str) -> str:
    """A mrkdwn link `<url|label>`; `|` in the URL is percent-encoded so it cannot end the URL."""
    return f"<{_escape(url).replace('|', '%7C')}|{_escape(label)}>"


def _section(text: str) -> dict[str, Any]:
    """A section within Slack's limit, whatever it holds (its parts are fitted before)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, MAX_SECTION_CHARS)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _escape(text: str) -> str:
    """Escape `&`, `<`, `>` so Slack shows them as typed."""
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def _clip(text: str, limit: int) -> str:
    """Escape `text` and keep it within `limit` characters, ending in "…" when cut.

    Cuts between characters of the original, so an entity such as `&amp;` is never split.
    """
    escaped = _escape(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    size = 0
    for ch in text:
        piece = _ESCAPES.get(ch, ch)
        if size + len(piece) > limit - 1:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out) + "…"


def _cut(text: str, limit: int) -> str:
    """Cut already-escaped text to `limit` characters, backing off an entity it would split."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head + "…"


def _fit_lines(lines: list[str], limit: int) -> str:
    """Join whole lines while they fit, then "…", so links and entities are never split."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit - 2:
            kept.append("…")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def _plain(mrkdwn: str) -> str:
    """Readable text from mrkdwn: links as `label (url)`, markers dropped, entities unescaped."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", mrkdwn)
    text = _BARE_LINK.sub(lambda m: m.group(1), text)
    text = _MARKERS.sub(r"\2", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quarantine_message(source: str, url: str, reason: str) -> Message:
    """A document that could not be read as a budget: quarantined, with the reason."""
    title = "⛔ 文档无法读取，已隔离"
    body = (
        f"*{title}*\n来源：{_escape(source)}\n文档：{_escape(url)}\n"
        f"原因：{_cut(_escape(reason), 2_000)}\n请核对发布的文件，更正后重新发布即可自动重新检查。"
    )
    text = f"{title}：{url}"
    return Message(
        text=_cut(_escape(text), MAX_TEXT_CHARS),
        blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(body, MAX_SECTION_CHARS)}}
        ],
    )
