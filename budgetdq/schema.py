"""The columns of every table kind, defined once for the readers, the lake and the checks.

Every row carries the provenance columns (`doc_id`, `kind`, `line`, `raw` …). Amount columns are
`Decimal` in the table's published unit and, in the lake, also `<column>_wan` in 万元.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

__all__ = ["AMOUNT_TYPE", "KINDS", "PROVENANCE", "TableSchema", "arrow_schema", "schema_of"]

AMOUNT_TYPE = pa.decimal128(18, 6)

PROVENANCE: tuple[tuple[str, pa.DataType], ...] = (
    ("doc_id", pa.string()),
    ("kind", pa.string()),
    ("seq", pa.int32()),
    ("line", pa.int32()),
    ("raw", pa.string()),
    ("is_total", pa.bool_()),
    # A row the column sums skip: it adds up the rows below it (a 类 or 款 row above its 项 rows, a
    # 小计 above its items) or restates part of the row above (a 其中 line).
    ("is_subtotal", pa.bool_()),
    ("left_filled", pa.bool_()),
    ("unit", pa.string()),
    # PDF only: the page (1-based) and the row's box on it, [x0, top, x1, bottom] in points.
    ("page", pa.int32()),
    ("bbox", pa.list_(pa.float64(), 4)),
)


@dataclass(frozen=True)
class TableSchema:
    """A table kind: its label (text) columns and its amount columns, in published order."""

    kind: str
    title: str
    labels: tuple[str, ...]
    amounts: tuple[str, ...]
    extra: tuple[tuple[str, pa.DataType], ...] = ()
    header_only: tuple[str, ...] = ()
    """Amount columns only a header-driven reader fills (national layouts), after `amounts`."""

    @property
    def all_amounts(self) -> tuple[str, ...]:
        return self.amounts + self.header_only


_CODE_NAMES = {
    "function": ("function_code", "function_name"),
    "gov_econ": ("gov_econ_code", "gov_econ_name"),
    "dept_econ": ("dept_econ_code", "dept_econ_name"),
    "unit": ("unit_code", "unit_name"),
}
_ECONOMIC_GRID = (
    *_CODE_NAMES["function"],
    *_CODE_NAMES["gov_econ"],
    *_CODE_NAMES["dept_econ"],
)
_SIDES = ("side", "label", "role", "function_class")
_INDICATOR = ("level1", "level2", "level3", "nature", "target", "measure_unit")

KINDS: dict[str, TableSchema] = {
    schema.kind: schema
    for schema in (
        TableSchema("summary", "收支总表", _SIDES, ("amount",)),
        TableSchema(
            "income",
            "收入总表",
            (*_CODE_NAMES["unit"], *_CODE_NAMES["function"]),
            (
                "total",
                "income_subtotal",
                "general_budget",
                "gov_fund",
                "state_capital",
                "special_account",
                "business_income",
                "business_operation",
                "superior_subsidy",
                "affiliated_remit",
                "other_income",
                "carryover_subtotal",
                "carryover_general",
                "carryover_fund",
                "carryover_state_capital",
                "carryover_special",
                "unit_funds",
            ),
            header_only=("fiscal",),
        ),
        TableSchema(
            "expenditure",
            "支出预算总表",
            _ECONOMIC_GRID,
            (
                "total",
                "basic",
                "project",
                "business_operation",
                "remit_superior",
                "subsidy_affiliated",
            ),
            header_only=("reserve", "carry_forward"),
        ),
        TableSchema(
            "projects",
            "项目支出表",
            (
                *_CODE_NAMES["unit"],
                "unit_type_code",
                "unit_type",
                "project_name",
                *_ECONOMIC_GRID,
            ),
            (
                "total",
                "approp_general",
                "approp_fund",
                "approp_state_capital",
                "carryover_general",
                "carryover_fund",
                "carryover_state_capital",
                "special_account",
                "unit_funds",
            ),
        ),
        TableSchema(
            "procurement", "政府采购预算明细表", ("category_code", "category_name"), ("amount",)
        ),
        TableSchema("fiscal_summary", "财政拨款收支预算总表", _SIDES, ("amount",)),
        TableSchema(
            "general_budget",
            "一般公共预算财政拨款支出表",
            (*_CODE_NAMES["unit"], *_CODE_NAMES["function"]),
            (
                "total",
                "basic_subtotal",
                "personnel",
                "public_use",
                "project_total",
                "project_excl_capital",
            ),
        ),
        TableSchema(
            "basic_expenditure",
            "一般公共预算财政拨款基本支出表",
            (*_CODE_NAMES["gov_econ"], *_CODE_NAMES["dept_econ"]),
            ("total", "personnel", "public_use"),
        ),
        TableSchema(
            "fund_budget",
            "政府性基金预算财政拨款支出表",
            _ECONOMIC_GRID,
            ("total", "basic", "project"),
            header_only=("carryover_begin", "income_year", "carryover_end"),
        ),
        TableSchema(
            "state_capital",
            "国有资本经营预算财政拨款支出表",
            _ECONOMIC_GRID,
            ("total", "basic", "project"),
            header_only=("carryover_begin", "income_year", "carryover_end"),
        ),
        TableSchema(
            "three_public",
            "“三公”经费支出表",
            (),
            (
                "total",
                "overseas",
                "reception",
                "vehicle_subtotal",
                "vehicle_purchase",
                "vehicle_operation",
            ),
            header_only=("meeting", "training", "grand_total", "operating_costs"),
            extra=(("year", pa.int32()),),
        ),
        TableSchema(
            "fiscal_expenditure",
            "财政拨款支出预算表（功能科目）",
            _CODE_NAMES["function"],
            ("total", "basic", "project"),
        ),
        TableSchema(
            "fiscal_basic",
            "财政拨款基本支出预算表（经济科目）",
            _CODE_NAMES["dept_econ"],
            ("total", "personnel", "public_use"),
        ),
        TableSchema(
            "operating_costs",
            "机关运行经费支出预算表",
            _CODE_NAMES["dept_econ"],
            ("total",),
        ),
        TableSchema(
            "narrative",
            "情况说明",
            (
                "role",
                "section",
                "subject",
                "subject_name",
                "sentence",
                "relation",
                "base",
                "named",
                "expected_name",
                "table_kind",
                "table_title",
                "printed",
                "prior_printed",
                "change_printed",
                "percent_printed",
                "table_printed",
            ),
            (
                "value",
                "tolerance",
                "prior_value",
                "change_amount",
                "change_tolerance",
                "table_value",
            ),
            extra=(
                ("percent", AMOUNT_TYPE),
                ("percent_tolerance", AMOUNT_TYPE),
                ("table_line", pa.int32()),
                ("table_page", pa.int32()),
                ("year_named", pa.int32()),
                ("year_expected", pa.int32()),
                ("agrees", pa.bool_()),
            ),
        ),
        TableSchema(
            "purchased_services",
            "政府购买服务预算财政拨款明细表",
            (
                "project_code",
                "project_name",
                "catalog_l1_code",
                "catalog_l1_name",
                "catalog_l2_code",
                "catalog_l2_name",
                "catalog_l3",
                "service_area_code",
                "service_area_name",
            ),
            ("amount",),
        ),
        TableSchema(
            "project_performance",
            "年度项目支出绩效表",
            (
                "row_type",
                "project_code",
                "project_name",
                "unit_code",
                "unit_name",
                "category",
                "owner",
                "phone",
                "goal",
                *_INDICATOR,
                "direction",
            ),
            ("project_total", "fiscal_funds", "other_funds"),
            extra=(("project_seq", pa.int32()), ("target_value", AMOUNT_TYPE)),
        ),
        TableSchema(
            "department_performance",
            "部门整体支出绩效目标表",
            (
                "row_type",
                "department_name",
                "activity",
                *_INDICATOR,
            ),
            (
                "total",
                "fiscal_total",
                "fiscal_basic",
                "fiscal_project",
                "other_total",
                "other_basic",
            ),
            extra=(("target_value", AMOUNT_TYPE),),
        ),
    )
}


def schema_of(kind: str) -> TableSchema:
    return KINDS[kind]


def arrow_schema(kind: str) -> pa.Schema:
    """The Parquet schema of a kind: provenance, labels, extras, amounts and amounts in 万元."""
    table = KINDS[kind]
    fields = [pa.field(name, type_) for name, type_ in PROVENANCE]
    fields += [pa.field(name, pa.string()) for name in table.labels]
    fields += [pa.field(name, type_) for name, type_ in table.extra]
    fields += [pa.field(name, AMOUNT_TYPE) for name in table.all_amounts]
    fields += [pa.field(f"{name}_wan", AMOUNT_TYPE) for name in table.all_amounts]
    return pa.schema(fields)
