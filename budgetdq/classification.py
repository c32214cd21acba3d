"""The national classification codes budgets are written in (DOMAIN §4)."""

from __future__ import annotations

import re

__all__ = ["FUNCTION_CLASSES", "function_class_of_label"]

# 支出功能分类科目, 类 level: code → name as printed in the summary tables (without 支出).
FUNCTION_CLASSES: dict[str, str] = {
    "201": "一般公共服务",
    "202": "外交",
    "203": "国防",
    "204": "公共安全",
    "205": "教育",
    "206": "科学技术",
    "207": "文化旅游体育与传媒",
    "208": "社会保障和就业",
    "209": "社会保险基金",
    "210": "卫生健康",
    "211": "节能环保",
    "212": "城乡社区",
    "213": "农林水",
    "214": "交通运输",
    "215": "资源勘探工业信息等",
    "216": "商业服务业等",
    "217": "金融",
    "219": "援助其他地区",
    "220": "自然资源海洋气象等",
    "221": "住房保障",
    "222": "粮油物资储备",
    "223": "国有资本经营预算",
    "224": "灾害防治及应急管理",
    "227": "预备费",
    "229": "其他",
    "230": "转移性",
    "231": "债务还本",
    "232": "债务付息",
    "233": "债务发行费用",
    "234": "抗疫特别国债安排",
}
_BY_NAME = {name: code for code, name in FUNCTION_CLASSES.items()}
_ENUMERATOR = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）]?[、.]?\s*")


def function_class_of_label(label: str) -> str | None:
    """The class code a summary line such as `二十三、灾害防治及应急管理支出` names, if any."""
    name = _ENUMERATOR.sub("", label.strip())
    name = re.sub(r"(?:的)?支出$", "", name)
    return _BY_NAME.get(name)
