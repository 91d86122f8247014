"""The table-side check of the real 2023 Yunnan seed disclosure, verified by hand.

Each finding pinned here was verified against the seed text: the 收入决算表 合计 row prints the
315.04 事业收入 under 上级补助收入; 公开05表 and 公开09表 are missing; the 项目支出表 lists 20921
under 309; 302 = Σ款 is one cent off (rounding); the 公开08 empty table has no 无数据 note.
"""

from __future__ import annotations

from collections import Counter

import pytest


def _table_rule(rule: str) -> bool:
    """The table rule packs; the narrative and 绩效 findings are pinned in tests/test_narrative_seed.py."""
    return not rule.startswith(("narrative.", "performance."))


def _by_rule(report, severity):
    return Counter(f.rule for f in report.findings if f.severity == severity and _table_rule(f.rule))


def test_error_findings_are_exactly_the_real_errors(seed_report):
    assert _by_rule(seed_report, "error") == Counter(
        {
            "completeness.required_tables": 2,
            "completeness.form_numbering": 2,
            "income.hierarchy": 2,
            "cross.summary_income.superior": 1,
            "cross.summary_income.business": 1,
            "codes.project.scheme": 1,
            "codes.project.parent": 1,
        }
    )


def test_missing_tables_named_with_form_numbers(seed_report):
    msgs = [f.message for f in seed_report.findings if f.rule == "completeness.required_tables"]
    assert any("公开05表" in m and "一般公共预算财政拨款收入支出决算表" in m for m in msgs)
    assert any("公开09表" in m and "国有资本经营" in m for m in msgs)


def test_income_total_row_column_shift_located(seed_report):
    found = [f for f in seed_report.findings if f.rule == "income.hierarchy"]
    superior = next(f for f in found if f.locations[0].column == "上级补助收入")
    assert superior.locations[0].row == "合计"
    assert superior.locations[0].value == "315.04"
    assert superior.actual == "315.04" and superior.expected == "0.00"
    business = next(f for f in found if f.locations[0].column.startswith("事业收入"))
    assert business.locations[0].value is None  # the 合计 cell is blank
    assert any(loc.row == "212 城乡社区支出" and loc.value == "315.04" for loc in business.locations)
    cross = next(f for f in seed_report.findings if f.rule == "cross.summary_income.superior")
    assert cross.difference == "-315.04"
    assert {loc.table for loc in cross.locations} == {"收入支出决算总表", "收入决算表"}


def test_economic_code_in_wrong_class(seed_report):
    f = next(f for f in seed_report.findings if f.rule == "codes.project.scheme")
    assert "20921" in f.message and "30921" in f.message
    assert f.locations[0].line == 229
    parent = next(f for f in seed_report.findings if f.rule == "codes.project.parent")
    assert "309" in parent.message
    # an unknown code is only a warning
    known = next(f for f in seed_report.findings if f.rule == "codes.project.known")
    assert known.severity == "warning"


def test_rounding_gap_is_info_not_error(seed_report):
    infos = [f for f in seed_report.findings if f.severity == "info" and _table_rule(f.rule)]
    assert [f.rule for f in infos] == ["basic.hierarchy"]
    assert infos[0].kind == "rounding"
    assert infos[0].locations[0].row == "302 商品和服务支出"
    assert infos[0].difference == "0.01"


def test_undivided_budget_items_are_warnings(seed_report):
    warns = [
        f for f in seed_report.findings if f.rule in ("three_public_stats.reception", "three_public_general.reception")
    ]
    assert len(warns) == 4
    assert all(f.severity == "warning" and "—" in f.message for f in warns)
    # the 决算 column holds: 公务接待费 2.00 = 国内 2.00
    assert not any("决算统计数" in f.message for f in warns)


def test_warnings(seed_report):
    assert _by_rule(seed_report, "warning") == Counter(
        {
            "completeness.no_data_note": 1,
            "codes.basic.name": 1,
            "codes.project.known": 1,
            "three_public_stats.reception": 2,
            "three_public_general.reception": 2,
        }
    )


HOLDING = [
    "summary.income_total",
    "summary.expenditure_total",
    "summary.income_grand_total",
    "summary.expenditure_grand_total",
    "summary.balanced",
    "income.row_sum",
    "expenditure.row_sum",
    "expenditure.hierarchy",
    "fiscal_summary.income_total",
    "fiscal_summary.row_sum",
    "fiscal_summary.expenditure_total",
    "fiscal_summary.balanced",
    "fiscal_summary.flow.general",
    "basic.personnel",
    "basic.public",
    "basic.hierarchy",
    "project.hierarchy",
    "cross.summary_income.total",
    "cross.summary_income.fiscal",
    "cross.summary_expenditure.total",
    "cross.summary_expenditure.classes",
    "cross.summary_fiscal.general",
    "cross.income_fiscal.total",
    "cross.fiscal_general.basic_plus_project",
    "cross.fiscal_le_expenditure.classes",
    "cross.general_le_expenditure.basic",
    "cross.fund_table_presence",
    "three_public_stats.total",
    "three_public_stats.car",
    "three_public_general.total",
    "three_public_general.car",
    "cross.three_public_general_le_stats",
    "cross.three_public_econ.abroad",
    "cross.three_public_econ.reception",
    "cross.three_public_econ.car_operation",
    "three_public_stats.stats.car_operation",
    "three_public_stats.stats.domestic",
    "three_public_stats.stats.people_ge_batches",
    "cross.car_stock_assets",
    "assets.total",
    "assets.original_total",
    "assets.fixed_original",
    "assets.fixed_net",
    "assets.net_le_original",
    "codes.income.known",
    "codes.income.name",
    "codes.expenditure.known",
    "codes.expenditure.parent",
]


@pytest.mark.parametrize("rule", HOLDING)
def test_holding_identities_pass(seed_report, rule):
    status = {r.id: r for r in seed_report.rules}[rule]
    assert status.status == "pass", (rule, status)
    assert status.checked > 0
    assert not [f for f in seed_report.findings if f.rule == rule and f.severity != "info"]


def test_coverage_is_honest(seed_report):
    status = {r.id: r for r in seed_report.rules}
    applied = [r for r in seed_report.rules if r.status in ("pass", "fail")]
    assert len(applied) >= 60
    # rules that need the missing 公开05表 could not run and are not counted as passed
    for rid in ("general_budget.row_sum", "cross.general_basic.total", "cross.project_general.total"):
        assert status[rid].status == "insufficient_data"
        assert "一般公共预算财政拨款收入支出决算表" in status[rid].reason
    # the national "三公" table is not part of the Yunnan set
    assert "three_public.total" not in status


def test_document_metadata(seed_report):
    doc = seed_report.document
    assert doc.department == "曲靖市公共资源交易中心"
    assert doc.year == 2023
    assert doc.variant == "yunnan"
    assert [t.form for t in doc.tables] == [f"公开{n:02d}表" for n in (1, 2, 3, 4, 6, 7, 8, 10, 11, 12)]
    assert {p.kind for p in doc.performance} == {"department_narrative", "department", "project"}
