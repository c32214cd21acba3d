"""Reading single cells: amounts, codes and names, project codes broken by the PDF converter."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetdq.parse.cells import (
    UnreadableAmount,
    join_wrapped,
    parse_amount,
    reassemble_project_code,
    split_code_name,
    to_wan,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("8,827.585913", Decimal("8827.585913")),
        ("20030.070000", Decimal("20030.070000")),
        ("79,625.00", Decimal("79625.00")),
        ("0", Decimal("0")),
        ("", None),
    ],
)
def test_parse_amount(text: str, value: Decimal | None) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["#####", "12.3?", "一般公共预算", "1,23.4"])
def test_unreadable_amount(text: str) -> None:
    with pytest.raises(UnreadableAmount):
        parse_amount(text)


def test_to_wan_is_exact() -> None:
    assert to_wan(Decimal("79625.00"), "元") == Decimal("7.9625")
    assert to_wan(Decimal("1.5"), "万元") == Decimal("1.5")


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("2240101-行政运行", "2240101", "行政运行"),
        ("042008 -北京市应急管理科学技术研究院", "042008", "北京市应急管理科学技术研究院"),
        ("A-货物", "A", "货物"),
        ("合 计", None, "合计"),
    ],
)
def test_split_code_name(text: str, code: str | None, name: str) -> None:
    assert split_code_name(text) == (code, name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "11010522T00000039 5378-公共事务协管经费",
            ("11010522T000000395378", "公共事务协管经费", False),
        ),
        (
            "11010524T0 0000321018 2-人才局交流合作经费",
            ("11010524T000003210182", "人才局交流合作经费", False),
        ),
        ("11010523T0000002096361-危化品专项", ("11010523T0000002096361", "危化品专项", False)),
        (
            "11010522T00000046 保障经费-朝阳区风 险管理工作",
            ("11010522T00000046", "保障经费-朝阳区风险管理工作", True),
        ),
        ("11000022T0000004531", ("11000022T0000004531", "", True)),
    ],
)
def test_reassemble_project_code(text: str, expected: tuple[str, str, bool]) -> None:
    assert reassemble_project_code(text) == expected


def test_join_wrapped_keeps_ascii_spaces() -> None:
    assert join_wrapped("系统的 安全 and 系统测评") == "系统的安全 and 系统测评"
