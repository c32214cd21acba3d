"""The narrative of a national-layout disclosure (部门概况, 情况说明, 名词解释, notes under tables),
read into one table of kind `narrative` that the narrative suite checks against the other tables.

Each row has a `role`:

    line         a line of the narrative, with the section it is in: the narrative kept
    statement    a figure a sentence states (`收入预算18,976.76万元`): its subject, value (万元),
                 the change clause after it (`比2024年预算增加3,355.65万元`, `增长10.15%`, `持平`),
                 and, when bound, the table figure it restates (`table_kind`, `table_line`)
    empty_note   a note under a table that declares it empty (`故本表为空表`): the fund it names
                 and the sum of the figures the table prints
    placeholder  a template left unfilled (`上海市XX局`, `××`, `[ ]`)
    year         a date or a heading with a year (`截至2024年12月31日`): the year it names and the
                 year it should name
    publisher    a department the narrative or a table header names, and the publisher

Precision first: a sentence is a statement only when a pattern below reads it whole, and bound
only when its table figure is found without doubt; anything else is kept as a line, never judged.
All figures are exact `Decimal`s in 万元 (元 ÷ 10,000, 亿元 × 10,000); `tolerance` is half a unit of
the last digit the sentence printed, in 万元.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from budgetdq.parse.catalogue import compact, is_page_furniture
from budgetdq.parse.cells import to_wan
from budgetdq.parse.facts import named_publisher
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import Table

__all__ = ["read_narrative"]

_UNIT_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
_AMOUNT = r"(?P<v>\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|元)"
_IS = r"(?:预算支出|支出预算|预算数|预算|决算数|支出)?\s*(?:为|是)?\s*"
_NOT_PART = r"(?<!拨款)(?<!公共预算)(?<!基金)(?<!事业)(?<!经营)(?<!其他)(?<!基本)(?<!项目)(?<!资金)"

# subject → (Chinese name, pattern ending in the amount). Lookbehinds keep one subject from
# reading another's words (`财政拨款收入预算` is no 收入预算).
_SUBJECTS: dict[str, tuple[str, str]] = {
    "income_total": (
        "收入预算",
        _NOT_PART + r"(?:(?:本年)?收入预算(?:总计|合计)?|本年收入合计)\s*(?:为)?\s*",
    ),
    "fiscal_income": (
        "财政拨款收入",
        r"(?<!一般公共预算)财政拨款收入(?:预算)?(?:总计)?\s*(?:为)?\s*",
    ),
    "expenditure_total": (
        "支出预算",
        _NOT_PART + r"(?:(?:本年)?支出预算(?:总计|合计)?|本年支出合计)\s*(?:为)?\s*",
    ),
    "fiscal_expenditure": ("财政拨款支出预算", r"(?<![算金营])财政拨款支出预算\s*(?:为)?\s*"),
    "general_budget": (
        "一般公共预算拨款支出",
        r"一般公共预算(?:财政)?拨款支出(?:预算)?\s*(?:为)?\s*",
    ),
    "gov_fund": (
        "政府性基金拨款支出",
        r"政府性基金(?:预算)?(?:财政)?拨款支出(?:预算)?\s*(?:为)?\s*",
    ),
    "state_capital": (
        "国有资本经营预算拨款支出",
        r"国有资本经营预算(?:财政)?拨款支出(?:预算)?\s*(?:为)?\s*",
    ),
    "three_public": ("“三公”经费", r"[“\"]三公[”\"]经费" + _IS),
    "overseas": ("因公出国（境）费", r"因公出国[（(]境[）)]费" + _IS),
    "vehicle_subtotal": ("公务用车购置及运行费", r"公务用车购置及运行(?:维护)?费" + _IS),
    "vehicle_purchase": ("公务用车购置费", r"公务用车购置费" + _IS),
    "vehicle_operation": ("公务用车运行费", r"公务用车运行(?:维护)?费" + _IS),
    "reception": ("公务接待费", r"公务接待费" + _IS),
    "operating_costs": ("机关运行经费", r"机关运行经费" + _IS),
    "procurement": ("政府采购预算", r"政府采购(?:支出)?预算(?:总额)?\s*(?:为)?\s*"),
    "procurement_goods": ("政府采购货物预算", r"(?:政府采购货物预算|拟采购货物支出)\s*(?:为)?\s*"),
    "procurement_works": ("政府采购工程预算", r"(?:政府采购工程预算|拟采购工程支出)\s*(?:为)?\s*"),
    "procurement_services": (
        "政府采购服务预算",
        r"(?:政府采购服务预算|拟购买服务支出)\s*(?:为)?\s*",
    ),
}
_FIGURE = re.compile(_AMOUNT)
# What a figure states: the words right before it (searched in a window that ends at the figure,
# so that reading is linear in the text and costs only where there are figures).
_LEAD = re.compile(
    "(?:" + "|".join(f"(?P<{name}>{lead})" for name, (_, lead) in _SUBJECTS.items()) + ")$"
)
_LEAD_WINDOW = 40
_PROJECTS = re.compile(
    r"编报绩效目标的(?:\d{4}年度?)?项目(?:共)?\s*(?P<n>\d+)\s*个"
    r"(?:[，,]\s*涉及(?:项目)?预算(?:资金|金额)\s*(?:为)?\s*" + _AMOUNT + ")?"
)
_ITEM = re.compile(
    r"[“\"](?P<cls>[^”\"（()]+)[（(]类[）)](?P<kuan>[^”\"（()]+)[（(]款[）)](?P<xiang>[^”\"（()]+)"
    r"[（(]项[）)][”\"](?:科目)?\s*(?:为)?\s*" + _AMOUNT
)
# The change clause right after a figure: `，比2024年预算增加3,355.65万元`, `。与2024年预算持平`.
_CHANGE = re.compile(
    r"[，,。]?\s*(?:比|与|较)\s*(?:(?P<year>\d{4})\s*年度?|上一?年度?)"
    r"(?P<base>[^，,。；;增减持]{0,16}?)"
    r"(?:相比)?[，,]?\s*(?P<rel>增加|减少|持平|增长|下降)了?\s*"
    r"(?:(?P<dv>\d[\d,]*(?:\.\d+)?)\s*(?P<du>亿元|万元|元)[，,]?\s*"
    r"(?:(?:增长|下降|减少|增加|增幅|降幅)\s*)?)?"
    r"(?:(?P<pct>\d+(?:\.\d+)?)\s*[%％])?"
)
# `2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%`
_EXECUTION = re.compile(
    r"(?P<py>\d{4})年当年预算执行数为\s*(?P<pv>\d[\d,]*(?:\.\d+)?)\s*(?P<pu>亿元|万元|元)[，,]\s*"
    r"\d{4}年预算安排\s*(?P<v>\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|元)[，,]\s*"
    r"比(?P=py)年预算执行数(?P<rel>增加|减少|持平)\s*(?:(?P<pct>\d+(?:\.\d+)?)\s*[%％])?"
)
# 决算: `全年预算为 52.00 万元，支出决算为 51.32 万元，完成全年预算数的 98.69%。决算数小于全年预算数`
_FINAL = re.compile(
    r"全年预算(?:数)?为\s*(?P<pv>\d[\d,]*(?:\.\d+)?)\s*(?P<pu>亿元|万元|元)[，,]\s*"
    r"支出决算(?:数)?为\s*(?P<v>\d[\d,]*(?:\.\d+)?)\s*(?P<u>亿元|万元|元)"
    r"(?:[，,。]\s*完成(?P<of>全年|年初)?预算(?:数)?的\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％])?"
    r"(?:[。，,]?\s*决算数(?:与全年预算数)?(?P<rel>大于|小于|等于|持平))?"
)
_EMPTY = re.compile(r"空表")
_FUNDS = {  # what a note under a table may name, and the tables that are that fund's
    "政府性基金": ("fund_budget",),
    "国有资本经营": ("state_capital",),
    "“三公”经费": ("three_public",),
    "三公": ("three_public",),
    "机关运行经费": ("three_public", "operating_costs"),
    "一般公共预算": ("general_budget", "basic_expenditure"),
}
_PLACEHOLDER = re.compile(r"[XＸ]{2,}|×{2,}|＊{2,}|\*{2,}|\[\s*\]|【\s*】")
_AS_OF = re.compile(r"截至\s*(?P<y>\d{4})\s*年\s*12\s*月\s*31\s*日")
_HEADING_YEAR = re.compile(
    r"^(?P<y>\d{4})\s*年度?\s*(?:部门|单位)?(?:预算|决算)(?:编制)?(?:说明|情况说明)?$"
)
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_SECTION = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|名词解释)")
_NARRATIVE_PUBLISHER = re.compile(
    r"\d{4}\s*年度?[，,]\s*(?:本部门[（(])?(?P<name>[^，,。；;\d“”]{4,40}?)[）)]?(?:收入预算|收入支出预算)"
)

# The table figure each subject restates: (table kind, column); the table's total row.
_BOUND = {
    "income_total": ("income", "total"),
    "fiscal_income": ("income", "fiscal"),
    "expenditure_total": ("expenditure", "total"),
    "general_budget": ("general_budget", "total"),
    "gov_fund": ("fund_budget", "total"),
    "state_capital": ("state_capital", "total"),
    "three_public": ("three_public", "total"),
    "overseas": ("three_public", "overseas"),
    "vehicle_subtotal": ("three_public", "vehicle_subtotal"),
    "vehicle_purchase": ("three_public", "vehicle_purchase"),
    "vehicle_operation": ("three_public", "vehicle_operation"),
    "reception": ("three_public", "reception"),
    "operating_costs": ("three_public", "operating_costs"),
}


@dataclass
class _Text:
    """The narrative's lines joined, with where each line's text begins."""

    text: str
    starts: list[tuple[int, Line]]

    def line_at(self, offset: int) -> Line:
        index = bisect.bisect_right(self.starts, offset, key=lambda start: start[0]) - 1
        return self.starts[max(index, 0)][1]


def read_narrative(
    narrative: list[Line],
    tables: list[Table],
    notes: list[tuple[Line, Table]],
    year: int | None,
    final: bool,
    publisher: str | None,
    lines: list[Line],
    max_lines: int,
) -> Table:
    """The narrative table of a document (see the module docstring); its first `max_lines` lines
    are kept as rows (the document itself is kept whole), all of it is read for statements."""
    rows: list[dict[str, Any]] = []
    first = narrative[0].no if narrative else (notes[0][0].no if notes else 0)
    table = Table("narrative", "情况说明", first, "万元", True, rows)
    section = ""
    for line in narrative:
        if line.blank:
            continue
        if len(rows) == max_lines:
            break
        text = line.text.strip()
        if _SECTION.match(text) and len(text) <= 40:
            section = text
        rows.append(_row(line, "line", section=section, sentence=text))
    joined = _joined(narrative)
    if joined is not None:
        rows.extend(_statements(joined, tables))
    rows.extend(_empty_notes(notes))
    rows.extend(_placeholders(narrative, tables, lines))
    if year is not None:
        rows.extend(_years(narrative, year, final))
    if publisher:
        rows.extend(_publishers(narrative, lines, publisher))
    for seq, row in enumerate(rows):
        row["seq"] = seq
    return table


def _row(line: Line, role: str, **values: Any) -> dict[str, Any]:
    return {
        "kind": "narrative",
        "line": line.no,
        "raw": line.text,
        "is_total": False,
        "is_subtotal": False,
        "left_filled": False,
        "unit": "万元",
        "role": role,
        **values,
    }


def _joined(narrative: list[Line]) -> _Text | None:
    """The narrative as one text: lines joined (a sentence wraps over lines and pages), page
    numbers left out, white space next to Chinese dropped (`2019 年 度` → `2019年度`), and a line
    break after a heading."""
    starts: list[tuple[int, Line]] = []
    parts: list[str] = []
    length = 0
    for line in narrative:
        content = line.text.strip()
        if line.blank or is_page_furniture(content):
            continue
        starts.append((length, line))
        part = _CJK_SPACE.sub("", content) + ("\n" if _is_heading(content) else "")
        parts.append(part)
        length += len(part)
    return _Text("".join(parts), starts) if starts else None


def _is_heading(text: str) -> bool:
    """A section heading (`二、机关运行经费预算`, `2025年部门预算编制说明`): numbered, or a short
    line that ends without punctuation."""
    return bool(_SECTION.match(text)) or (len(text) <= 24 and text[-1] not in "。；，、：:,;")


def _amount(value: str, unit: str) -> tuple[Decimal, Decimal]:
    """The figure in 万元 and half a unit of its last printed digit, in 万元."""
    number = Decimal(value.replace(",", ""))
    decimals = max(-int(number.as_tuple().exponent), 0)
    scale = _UNIT_WAN[unit]
    return number * scale, Decimal(5) / Decimal(10) ** (decimals + 1) * scale


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around `text[start:end]` (from the last 。 before to the next 。)."""
    floor, ceiling = max(start - 300, 0), min(end + 300, len(text))
    begin = max(text.rfind("。", floor, start), text.rfind("\n", floor, start), floor - 1) + 1
    stops = [i for i in (text.find("。", end, ceiling), text.find("\n", end, ceiling)) if i >= 0]
    stop = min(stops) if stops else ceiling
    return text[begin : stop + 1].strip()[:300]


def _statements(joined: _Text, tables: list[Table]) -> Iterator[dict[str, Any]]:
    text = joined.text
    for figure in _FIGURE.finditer(text):
        start = max(figure.start() - _LEAD_WINDOW, 0)
        lead = _LEAD.search(text[start : figure.start()])
        if lead is None:
            continue
        subject = next(name for name in _SUBJECTS if lead.group(name) is not None)
        value, tolerance = _amount(figure.group("v"), figure.group("u"))
        row = _row(
            joined.line_at(figure.start()),
            "statement",
            subject=subject,
            subject_name=_SUBJECTS[subject][0],
            printed=figure.group("v") + figure.group("u"),
            sentence=_sentence(text, start + lead.start(), figure.end()),
            value=value,
            tolerance=tolerance,
            **_change(text, figure.end()),
        )
        row.update(_bind_total(subject, tables))
        yield row
    for match in _ITEM.finditer(text):
        value, tolerance = _amount(match.group("v"), match.group("u"))
        names = tuple(compact(match.group(g)) for g in ("cls", "kuan", "xiang"))
        row = _row(
            joined.line_at(match.start("v")),
            "statement",
            subject="function_item",
            subject_name="".join(
                f"{n}（{level}）" for n, level in zip(names, "类款项", strict=True)
            ),
            sentence=_sentence(text, match.start(), match.end()),
            printed=match.group("v") + match.group("u"),
            value=value,
            tolerance=tolerance,
            **_change(text, match.end()),
        )
        row.update(_bind_item(names, tables))
        yield row
    for match in _EXECUTION.finditer(text):
        yield _compared(joined, match, "execution", "预算安排与上年执行数", text)
    for match in _FINAL.finditer(text):
        yield _compared(joined, match, "final_vs_budget", "决算数与全年预算数", text)
    for match in _PROJECTS.finditer(text):
        sentence = _sentence(text, match.start(), match.end())
        yield _row(
            joined.line_at(match.start("n")),
            "statement",
            subject="performance_projects",
            subject_name="编报绩效目标的项目数",
            printed=match.group("n") + "个",
            sentence=sentence,
            value=Decimal(match.group("n")),
            tolerance=Decimal(0),
        )
        if match.group("v"):
            value, tolerance = _amount(match.group("v"), match.group("u"))
            yield _row(
                joined.line_at(match.start("v")),
                "statement",
                subject="performance_funds",
                subject_name="编报绩效目标的项目资金",
                printed=match.group("v") + match.group("u"),
                sentence=sentence,
                value=value,
                tolerance=tolerance,
            )


def _change(text: str, end: int) -> dict[str, Any]:
    """The change clause right after a figure (which ends at `end`), if any."""
    match = _CHANGE.match(text, end)
    if match is None:
        return {}
    relation = {"增长": "增加", "下降": "减少"}.get(match.group("rel"), match.group("rel"))
    change: dict[str, Any] = {
        "relation": relation,
        "base": compact(match.group("base")) or "上年",
        "year_named": int(match.group("year")) if match.group("year") else None,
    }
    if match.group("dv"):
        amount, change_tolerance = _amount(match.group("dv"), match.group("du"))
        change |= {
            "change_amount": amount,
            "change_tolerance": change_tolerance,
            "change_printed": match.group("dv") + match.group("du"),
        }
    if match.group("pct"):
        change |= _percent(match.group("pct"))
    return change


def _percent(printed: str) -> dict[str, Any]:
    """A printed percentage and one unit of its last digit (publishers round or truncate)."""
    number = Decimal(printed)
    return {
        "percent": number,
        "percent_tolerance": Decimal(1).scaleb(number.as_tuple().exponent),
        "percent_printed": f"{printed}%",
    }


def _compared(
    joined: _Text, match: re.Match[str], subject: str, name: str, text: str
) -> dict[str, Any]:
    """Two figures a sentence compares (`…执行数为…，…预算安排…，比…减少57.14%`)."""
    value, tolerance = _amount(match.group("v"), match.group("u"))
    prior, prior_tolerance = _amount(match.group("pv"), match.group("pu"))
    row = _row(
        joined.line_at(match.start("v")),
        "statement",
        subject=subject,
        subject_name=name,
        sentence=_sentence(text, match.start(), match.end()),
        printed=match.group("v") + match.group("u"),
        value=value,
        tolerance=tolerance + prior_tolerance,
        prior_value=prior,
        prior_printed=match.group("pv") + match.group("pu"),
        relation=match.group("rel"),
    )
    if match.group("pct") and (subject != "final_vs_budget" or match.group("of") != "年初"):
        row |= _percent(match.group("pct"))
        row["base"] = "完成" if subject == "final_vs_budget" else "变动"
    return row


def _total_row(table: Table) -> dict[str, Any] | None:
    totals = [row for row in table.rows if row["is_total"]]
    if len(totals) == 1:
        return totals[0]
    details = [row for row in table.rows if not row["is_total"]]
    return details[0] if not totals and len(details) == 1 else None  # a one-row table (三公)


def _bind_total(subject: str, tables: list[Table]) -> dict[str, Any]:
    if subject not in _BOUND:
        return {}
    kind, column = _BOUND[subject]
    found = [t for t in tables if t.kind == kind and t.understood and column in t.established]
    if len(found) != 1:
        return {}
    row = _total_row(found[0])
    if row is None or row.get(column) is None:
        return {}
    return _bound(found[0], row, column)


def _bind_item(names: tuple[str, str, str], tables: list[Table]) -> dict[str, Any]:
    """The 项 row of the 一般公共预算 (or 政府性基金) table under the named 类 and 款."""
    for kind in ("general_budget", "fund_budget"):
        for table in (t for t in tables if t.kind == kind and t.understood):
            by_code = {
                row["function_code"]: compact(row.get("function_name") or "")
                for row in table.rows
                if row.get("function_code")
            }
            matches = [
                row
                for row in table.rows
                if len(row.get("function_code") or "") == 7
                and compact(row.get("function_name") or "") == names[2]
                and by_code.get(row["function_code"][:5]) == names[1]
                and by_code.get(row["function_code"][:3]) == names[0]
                and row.get("total") is not None
            ]
            if len(matches) == 1:
                return _bound(table, matches[0], "total")
    return {}


def _bound(table: Table, row: dict[str, Any], column: str) -> dict[str, Any]:
    return {
        "table_kind": table.kind,
        "table_title": table.title,
        "table_line": row["line"],
        "table_value": to_wan(row[column], table.unit),
        "table_printed": f"{row[column]:,}{table.unit}",
    }


def _empty_notes(notes: list[tuple[Line, Table]]) -> Iterator[dict[str, Any]]:
    """A note under a table that says the table is empty: the fund it names, what the table holds."""
    for line, table in notes:
        text = compact(line.text)
        if not _EMPTY.search(text):
            continue
        named = next((fund for fund in _FUNDS if fund in text), None)
        figures = [
            abs(to_wan(value, table.unit) or Decimal(0))
            for row in table.rows
            for name in table.established
            if isinstance(value := row.get(name), Decimal)
        ]
        expected = "、".join(
            f for f, kinds in _FUNDS.items() if table.kind in kinds and f != "三公"
        )
        yield _row(
            line,
            "empty_note",
            sentence=text,
            named=named,
            expected_name=expected or None,
            table_kind=table.kind,
            table_title=table.title,
            table_line=table.line,
            table_value=sum(figures, Decimal(0)) if table.understood else None,
            table_printed=f"{sum(figures, Decimal(0)).normalize():f}万元",
        )


def _placeholders(
    narrative: list[Line], tables: list[Table], lines: list[Line]
) -> Iterator[dict[str, Any]]:
    """Template text left unfilled, in the narrative, a table title or a department line."""
    by_no = {line.no: line for line in lines}
    titles = [by_no[t.line] for t in tables if t.line in by_no]
    headers = [line for line in lines if named_publisher(line.text)]
    seen: set[int] = set()
    for line in [*narrative, *titles, *headers]:
        match = _PLACEHOLDER.search(line.text)
        if match and line.no not in seen:
            seen.add(line.no)
            yield _row(line, "placeholder", sentence=line.text.strip()[:300], named=match.group(0))


def _years(narrative: list[Line], year: int, final: bool) -> Iterator[dict[str, Any]]:
    """Dates and headings that name a year: `截至…12月31日` is the year's end for a 决算 and the
    year before for a 预算; a heading `2025年部门预算` names the document's own year."""
    for line in narrative:
        if "年" not in line.text:
            continue
        text = compact(line.text)
        for match in _AS_OF.finditer(text):
            expected = year if final else year - 1
            yield _row(
                line,
                "year",
                sentence=text[:300],
                year_named=int(match.group("y")),
                year_expected=expected,
            )
        heading = _HEADING_YEAR.match(text)
        if heading:
            yield _row(
                line, "year", sentence=text, year_named=int(heading.group("y")), year_expected=year
            )


def _publishers(
    narrative: list[Line], lines: list[Line], publisher: str
) -> Iterator[dict[str, Any]]:
    """The department a sentence or a table header names, where it is not the publisher's name
    nor a part of it (`本部门` is skipped)."""
    own = compact(publisher)
    for line in (line for line in narrative if "收" in line.text):
        for match in _NARRATIVE_PUBLISHER.finditer(compact(line.text)):
            yield _publisher_row(line, match.group("name"), own)
    for line in lines:
        if name := named_publisher(line.text):
            yield _publisher_row(line, name, own)


def _publisher_row(line: Line, name: str, own: str) -> dict[str, Any]:
    named = compact(name)
    same = named in own or own in named or named.startswith(("本部门", "本单位"))
    return _row(
        line, "publisher", sentence=line.text.strip()[:300], named=named, expected_name=own
    ) | {"agrees": same}
