"""The national layouts' readers on small cases: what they refuse is an `info`, never a crash."""

from __future__ import annotations

from budgetdq.parse.document import read_document

INCOME_LIST = "\n".join(
    [
        "2025年部门收入预算总表",
        "编制部门：测试部门 单位：元",
        "项目名称\t\t金额",
        "收入总计\t\t100",
        "一般公共预算资金\t小计\t这不是数字",
    ]
)


def test_a_list_of_sources_it_cannot_read_is_not_understood_not_a_reader_failure() -> None:
    document = read_document(INCOME_LIST.encode("utf-8"))
    (table,) = document.tables
    assert (table.kind, table.understood, table.rows, table.unit) == ("income", False, [], "元")
    checks = [(f.check, f.severity) for f in document.findings]
    assert checks == [("table_not_understood", "info")]
    assert "第5行" in document.findings[0].message
