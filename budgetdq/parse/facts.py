"""Document facts: who published the budget and for which year, each with the evidence used."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from budgetdq.parse.catalogue import compact
from budgetdq.parse.normalize import Line
from budgetdq.parse.table import Table

__all__ = ["Facts", "named_publisher", "read_facts"]

_YEAR_STATEMENT = re.compile(r"^[（(]?((?:19|20)\d{2})\s*年度[)）]?$")
_PROJECT_YEAR = re.compile(r"^\d{6}(\d{2})[A-Z]")
_UNIT_SUFFIX = re.compile(r"机关$")
_PUBLISHER_LINE = re.compile(
    r"(?:预算主管部门|预算单位|编制部门|编制单位|部门名称|^部门|表部门)[:：](?P<name>[^:：]+?)(?:单位[:：]|$)"
)
_COVER = re.compile(
    r"^(?P<name>.*?)(?P<year>(?:19|20)\d{2})年度?(?:区级|省级|市级)?(?:部门|单位)(?:预算|决算)"
)
_TITLE_YEAR = re.compile(r"^((?:19|20)\d{2})\s*年")


@dataclass
class Facts:
    """Department, units and budget year of one document, with the evidence for each."""

    department_code: str | None = None
    department_name: str | None = None
    units: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    evidence: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "department": {"code": self.department_code, "name": self.department_name},
            "units": [{"code": code, "name": name} for code, name in sorted(self.units.items())],
            "year": self.year,
            "evidence": self.evidence,
        }


def read_facts(lines: list[Line], tables: list[Table]) -> Facts:
    facts = Facts()
    _read_organisation(facts, tables)
    _read_year(facts, lines, tables)
    _read_publisher(facts, lines, tables)
    return facts


def named_publisher(text: str) -> str | None:
    """The department a labelled line names (`编制部门：… 单位：元`, `预算主管部门：…`), if any."""
    match = _PUBLISHER_LINE.search(compact(text))
    return match.group("name") if match else None


def _read_publisher(facts: Facts, lines: list[Line], tables: list[Table]) -> None:
    """The national layouts print no department code: the publisher is named on a labelled line
    (`预算主管部门：…`, `编制单位：… 单位：元`, `部门：…`) or on the cover (`…2024年度部门决算`), and
    that name is its code; the year is in the cover and the table titles (`2025年部门收入预算总表`)."""
    cover = "".join(compact(line.text) for line in _first_page(lines))
    on_cover = _COVER.search(cover)
    if facts.department_name is None:
        for line in lines:
            name = named_publisher(line.text)
            if name:
                facts.department_name = name
                facts.evidence["department"] = f"第{line.no}行 {line.text.strip()[:40]}"
                break
        else:
            if on_cover:
                facts.department_name = on_cover.group("name")
                facts.evidence["department"] = f"封面 {cover[:40]}"
    if facts.department_code is None and facts.department_name:
        # No code is printed: the name identifies the department (threads, cross-year rules).
        facts.department_code = facts.department_name
    if facts.year is None:
        titled = [
            (table.line, int(match.group(1)))
            for table in tables
            if (match := _TITLE_YEAR.match(table.title))
        ]
        if on_cover:
            facts.year = int(on_cover.group("year"))
            facts.evidence["year"] = f"封面 {cover[:40]}"
        elif titled:
            facts.year = titled[0][1]
            facts.evidence["year"] = f"第{titled[0][0]}行的表题"


def _first_page(lines: list[Line]) -> list[Line]:
    page: list[Line] = []
    for line in lines:
        if line.blank and page:
            break
        if not line.blank:
            page.append(line)
    return page


def _rows(tables: list[Table], kind: str) -> list[dict[str, Any]]:
    return [row for table in tables if table.kind == kind for row in table.rows]


def _read_organisation(facts: Facts, tables: list[Table]) -> None:
    for kind in ("income", "general_budget", "projects", "project_performance"):
        for row in _rows(tables, kind):
            code, name = row.get("unit_code"), row.get("unit_name")
            if code and name and len(code) == 6 and code not in facts.units:
                facts.units[code] = name
    for row in _rows(tables, "income"):
        if row.get("unit_code") and len(row["unit_code"]) == 3:
            facts.department_code, facts.department_name = row["unit_code"], row["unit_name"]
            facts.evidence["department"] = f"收入总表 第{row['line']}行 {row['raw'][:40]}"
            return
    for row in _rows(tables, "department_performance"):
        if row.get("department_name"):
            facts.department_name = row["department_name"]
            facts.evidence["department"] = f"部门整体支出绩效目标表 第{row['line']}行 部门名称"
    if facts.units:
        prefixes = Counter(code[:3] for code in facts.units)
        facts.department_code = prefixes.most_common(1)[0][0]
        if facts.department_name is None:
            first = min(code for code in facts.units if code.startswith(facts.department_code))
            facts.department_name = _UNIT_SUFFIX.sub("", facts.units[first])
            facts.evidence["department"] = f"单位 {first}-{facts.units[first]} 的部门代码与名称"
        else:
            facts.evidence["department"] += f"；部门代码取单位代码前三位 {facts.department_code}"


def _read_year(facts: Facts, lines: list[Line], tables: list[Table]) -> None:
    for line in lines:
        match = _YEAR_STATEMENT.match(line.text.strip())
        if match:
            facts.year = int(match.group(1))
            facts.evidence["year"] = f"第{line.no}行 {line.text.strip()}"
            return
    years = [row["year"] for row in _rows(tables, "three_public") if row.get("year")]
    if years:
        facts.year = max(years)
        facts.evidence["year"] = f"“三公”经费表的年度 {sorted(set(years))}，取最近一年"
        return
    codes = [
        row["project_code"]
        for kind in ("project_performance", "purchased_services")
        for row in _rows(tables, kind)
        if row.get("project_code")
    ]
    project_years = [int(m.group(1)) for code in codes if (m := _PROJECT_YEAR.match(code))]
    if project_years:
        facts.year = 2000 + max(project_years)
        facts.evidence["year"] = (
            f"项目编码中最近的年份 20{max(project_years):02d}（预算年度不早于此年）"
        )
