"""The 决算 tables of the model, laid out from the derived figures (:class:`.derive.Accounts`)
through the layouts data (:mod:`.tables`).

This module only says which figure goes in which row and column id: headers, column sets, form
numbers and printed names come from ``layouts/*.yaml`` and ``variants/*.yaml``. The tables are the
Yunnan set (公开01–12表, the largest); :mod:`.model` keeps and re-titles those another variant
prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from ..model import Table
from .derive import INCOME_SOURCES, SUMMARY_CLASSES, Accounts, EconomicRow, Figures, grand_total
from .draft import chinese_number
from .spec import DASH, ZERO
from .tables import Line, Style, Value, layout_table

__all__ = ["SOURCE", "final_tables"]

# The variant whose table set and form numbers the generator lays out first.
SOURCE = "yunnan"

FISCAL_SOURCES = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
_SOURCE_CONCEPTS = ("general", "fund", "capital", "superior", "business", "operating", "affiliated", "other")


def _table(
    acc: Accounts,
    table_id: str,
    lines: Sequence[Line],
    notes: Sequence[str],
    style: Style = "blank",
    title: str | None = None,
) -> Table:
    return layout_table(
        table_id,
        lines,
        variant=SOURCE,
        department=acc.spec.department,
        unit=acc.spec.unit,
        notes=notes,
        style=style,
        title=title,
    )


# -- side-by-side 总表 --------------------------------------------------------------------------


def _class_lines(acc: Accounts, first: int, values: Callable[[Figures], Mapping[str, Value]]) -> list[Line]:
    """The 总表 row of every printed 类 ("一、一般公共服务支出"), 行次 from ``first``."""
    return [
        Line(
            f"{chinese_number(i + 1)}、{acc.class_names[code]}",
            values(acc.class_totals[code]),
            code=code,
            code_inferred=True,
            block="expenditure",
            line_no=str(first + i),
        )
        for i, code in enumerate(SUMMARY_CLASSES)
    ]


def _summary(acc: Accounts) -> Table:
    t, b = acc.total, acc.spec.balances
    n = len(SUMMARY_CLASSES) + 4  # rows per side: the 类, then 本年合计, two balance rows, 总计
    amounts = (t.general, t.fund, t.capital, t.superior, t.business, t.operating, t.affiliated, t.other)
    grand = grand_total(acc)
    lines = [
        Line(
            f"{chinese_number(i + 1)}、{name}",
            {"amount": v},
            concept=f"income_{concept}",
            block="income",
            line_no=str(i + 1),
        )
        for i, (name, concept, v) in enumerate(zip(INCOME_SOURCES, _SOURCE_CONCEPTS, amounts))
    ]
    k = len(SUMMARY_CLASSES)
    for j, (label, concept, v) in enumerate(
        (
            ("本年收入合计", "income_total", t.income),
            ("使用专用结余", "use_balance", b.use_balance),
            ("年初结转和结余", "carry_in", b.carry_in),
            ("总计", "income_grand_total", grand),
        )
    ):
        lines.append(Line(label, {"amount": v}, concept=concept, block="income", line_no=str(k + j + 1)))
    lines += _class_lines(acc, n + 1, lambda f: {"amount": f.spending})
    for j, (label, concept, v) in enumerate(
        (
            ("本年支出合计", "expenditure_total", t.spending),
            ("结余分配", "balance_distribution", b.distribution),
            ("年末结转和结余", "carry_out", b.carry_out),
            ("总计", "expenditure_grand_total", grand),
        )
    ):
        lines.append(Line(label, {"amount": v}, concept=concept, block="expenditure", line_no=str(n + k + j + 1)))
    return _table(
        acc, "summary", lines, ["注：本表反映部门本年度的总收支和年初、年末结转结余情况。"], title="收入支出决算表"
    )


def _fiscal_summary(acc: Accounts) -> Table:
    t = acc.total
    k = len(SUMMARY_CLASSES)
    n = k + 6  # 本年收入合计, 年初结转和结余 and its three sources, 总计
    numbered = [f"{chinese_number(i + 1)}、{name}" for i, name in enumerate(FISCAL_SOURCES)]
    lines = [
        Line(label, {"amount": v}, concept=f"income_{concept}", block="income", line_no=str(i + 1))
        for i, (label, concept, v) in enumerate(zip(numbered, _SOURCE_CONCEPTS, (t.general, t.fund, t.capital)))
    ]
    # 财政拨款 carry-overs by source (a source without any is left blank, as the form prints it)
    carry_in: tuple[Value, ...] = (
        t.general_carry_in,
        t.fund_carry_in or t.fund_carry_out or None,
        t.capital_carry_in or t.capital_carry_out or None,
    )
    tail: list[tuple[str, str, Value]] = [
        ("本年收入合计", "income_total", t.fiscal),
        ("年初财政拨款结转和结余", "carry_in", t.fiscal_carry_in),
        *((label, f"carry_in_{c}", v) for label, c, v in zip(numbered, _SOURCE_CONCEPTS, carry_in)),
        ("总计", "income_grand_total", t.fiscal + t.fiscal_carry_in),
    ]
    for j, (label, concept, v) in enumerate(tail):
        lines.append(Line(label, {"amount": v}, concept=concept, block="income", line_no=str(k + j + 1)))

    def spent(f: Figures) -> dict[str, Value]:
        return {
            "total": f.fiscal_spending,
            "general": f.general_spending,
            "fund": f.fund_spending,
            "capital": f.capital_spending,
        }

    out: dict[str, Value] = {
        "total": t.fiscal_carry_out,
        "general": t.general_carry_out,
        "fund": t.fund_carry_out,
        "capital": t.capital_carry_out,
    }
    grand = {
        "total": t.fiscal_spending + t.fiscal_carry_out,
        "general": t.general_spending + t.general_carry_out,
        "fund": t.fund_spending + t.fund_carry_out,
        "capital": t.capital_spending + t.capital_carry_out,
    }

    lines += _class_lines(acc, n + 1, spent)
    lines.append(
        Line("本年支出合计", spent(t), concept="expenditure_total", block="expenditure", line_no=str(n + k + 1))
    )
    lines.append(
        Line(
            "年末财政拨款结转和结余",
            out if t.fiscal_carry_out else {},
            concept="carry_out",
            block="expenditure",
            line_no=str(n + k + 2),
        )
    )
    # three blank 年末 rows by source follow (printed without labels), then the 总计
    lines.append(Line("总计", grand, concept="expenditure_grand_total", block="expenditure", line_no=str(n + k + 6)))
    return _table(
        acc,
        "fiscal_summary",
        lines,
        [
            "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年初、年末结转结余情况。"
        ],
        title="财政拨款收入支出决算表",
    )


# -- 支出功能分类 grids ---------------------------------------------------------------------------


def _functional(
    acc: Accounts,
    table_id: str,
    values: Callable[[Figures], dict[str, Value]],
    notes: Sequence[str],
    only: Callable[[Figures], object] | None = None,
) -> Table:
    """The 合计 row and a row per subject (those where ``only`` is non-zero, when given)."""
    subjects = [s for s in acc.subjects if only(s.figures)] if only else acc.subjects
    lines = [Line("合计", values(acc.total), concept="total")]
    lines += [Line(s.name, values(s.figures), code=s.code) for s in subjects]
    return _table(acc, table_id, lines, notes)


def _income(acc: Accounts) -> Table:
    return _functional(
        acc,
        "income",
        lambda f: {
            "total": f.income,
            "fiscal": f.fiscal,
            "superior": f.superior,
            "business": f.business,
            "business_of_which": ZERO,
            "operating": f.operating,
            "affiliated": f.affiliated,
            "other": f.other,
        },
        ["注：本表反映部门本年度取得的各项收入情况。"],
    )


def _expenditure(acc: Accounts) -> Table:
    return _functional(
        acc,
        "expenditure",
        lambda f: {
            "total": f.spending,
            "basic": f.basic,
            "project": f.project,
            "to_superior": f.to_superior,
            "operating": f.operating_spending,
            "to_affiliated": f.to_affiliated,
        },
        ["注：本表反映部门本年度各项支出情况。"],
    )


def _flow(
    income: Decimal, basic: Decimal, project: Decimal, carry_in: Decimal = ZERO, carry_out: Decimal = ZERO
) -> dict[str, Value]:
    """A 财政拨款 flow row: 年初结转和结余 + 本年收入 - 本年支出 = 年末结转和结余."""
    return {
        "carry_in": carry_in,
        "income": income,
        "total": basic + project,
        "basic": basic,
        "project": project,
        "carry_out": carry_out,
    }


def _general_budget(acc: Accounts) -> Table:
    return _functional(
        acc,
        "general_budget",
        lambda f: _flow(f.general, f.general_basic, f.general_project, f.general_carry_in, f.general_carry_out),
        ["注：本表反映部门本年度一般公共预算财政拨款收支和年初、年末结转结余情况。"],
        only=lambda f: f.general or f.general_carry_in or f.general_carry_out,
    )


def _fund_flow(
    acc: Accounts,
    table_id: str,
    what: str,
    flow: Callable[[Figures], tuple[Decimal, Decimal, Decimal]],
) -> Table:
    """The 项 with appropriations or carry-overs of one 财政拨款 source (``flow``: its 本年收入,
    年初 and 年末结转和结余; what is spent goes to projects), or the empty form with its "无数据" note
    when the department has none."""
    if not any(flow(acc.total)):
        return _functional(
            acc,
            table_id,
            lambda f: _flow(ZERO, ZERO, ZERO),
            [f"注：本单位无{what}，故本表无数据。"],
            only=lambda f: ZERO,
        )

    def values(f: Figures) -> dict[str, Value]:
        income, carry_in, carry_out = flow(f)
        return _flow(income, ZERO, income + carry_in - carry_out, carry_in, carry_out)

    return _functional(
        acc,
        table_id,
        values,
        [f"注：本表反映部门本年度{what}和年初、年末结转结余情况。"],
        only=lambda f: any(flow(f)),
    )


# -- 经济分类 blocks ------------------------------------------------------------------------------


def _economic_lines(blocks: Sequence[Sequence[EconomicRow]], block_ids: Sequence[str]) -> list[Line]:
    return [
        Line(r.name, {"amount": r.amount}, code=r.code, block=bid)
        for rows, bid in zip(blocks, block_ids, strict=True)
        for r in rows
    ]


def _basic(acc: Accounts) -> Table:
    lines = _economic_lines(acc.basic_blocks, ("personnel", "public", "public_2"))
    lines.append(Line("人员经费合计", {"amount": acc.personnel_total}, concept="personnel_total", block="personnel"))
    lines.append(Line("公用经费合计", {"amount": acc.public_total}, concept="public_total", block="public"))
    return _table(acc, "basic", lines, ["注：本表反映部门本年度一般公共预算财政拨款基本支出经济分类支出情况。"])


def _project(acc: Accounts) -> Table:
    ids = [f"block_{k}" for k in range(1, len(acc.project_blocks) + 1)]
    return _table(
        acc,
        "project",
        _economic_lines(acc.project_blocks, ids),
        ["注：本表反映部门本年度一般公共预算财政拨款项目支出经济分类支出情况。"],
    )


# -- "三公" ----------------------------------------------------------------------------------------

_SANGONG_COLUMNS = ("budget", "full_budget", "final")


def _money_lines(acc: Accounts, numbered: bool) -> list[Line]:
    tp = acc.three_public
    rows: tuple[tuple[str, str, str, Sequence[Decimal] | None], ...] = (
        ("heading", "一、“三公”经费支出", "“三公”经费支出", None),
        ("total", "（一）支出合计", "(一) 支出合计", tp.total),
        ("abroad", "1. 因公出国（境）费", "1. 因公出国（境）费", tp.abroad),
        ("car", "2. 公务用车购置及运行维护费", "2. 公务用车购置及运行维护费", tp.car),
        ("car_purchase", "（1）公务用车购置费", "(1) 公务用车购置费", tp.car_purchase),
        ("car_operation", "（2）公务用车运行维护费", "(2) 公务用车运行维护费", tp.car_operation),
        ("reception", "3. 公务接待费", "3. 公务接待费", tp.reception),
        ("reception_domestic", "（1）国内接待费", "(1) 国内接待费", tp.reception),
        ("reception_foreign_affairs", "其中：外事接待费", "其中：外事接待费", None),
        ("reception_overseas", "（2）国（境）外接待费", "(2) 国（境）外接待费", None),
    )
    return [
        Line(
            stats if numbered else general,
            dict(zip(_SANGONG_COLUMNS, values if values is not None else (DASH,) * 3)),
            concept=concept,
            line_no=str(i + 1),
        )
        for i, (concept, stats, general, values) in enumerate(rows)
    ]


def _count(n: int | None) -> str:
    return str(n) if n else DASH


def _three_public_stats(acc: Accounts) -> Table:
    tp = acc.spec.three_public
    lines = _money_lines(acc, numbered=True)
    stats: tuple[tuple[str, str, int | None], ...] = (
        ("stats_heading", "（二）相关统计数", None),
        ("abroad_groups", "1. 因公出国（境）团组数（个）", tp.abroad_groups),
        ("abroad_people", "2. 因公出国（境）人次数（人）", tp.abroad_people),
        ("car_purchase_count", "3. 公务用车购置数（辆）", tp.car_purchase_count),
        ("car_stock", "4. 公务用车保有量（辆）", tp.car_stock),
        ("domestic_batches", "5. 国内公务接待批次（个）", tp.reception_batches),
        ("foreign_affairs_batches", "其中：外事接待批次（个）", 0),
        ("domestic_people", "6. 国内公务接待人次（人）", tp.reception_people),
        ("foreign_affairs_people", "其中：外事接待人次（人）", 0),
        ("overseas_batches", "7. 国（境）外公务接待批次（个）", 0),
        ("overseas_people", "8. 国（境）外公务接待人次（人）", 0),
        ("admin_cost", "二、机关运行经费", None),
        ("admin_cost_admin", "（一）行政单位", None),
        ("admin_cost_civil", "（二）参照公务员法管理事业单位", None),
    )
    for concept, label, count in stats:
        values = {"budget": DASH, "full_budget": DASH, "final": _count(count)}
        lines.append(Line(label, values, concept=concept, line_no=str(len(lines) + 1)))
    notes = [
        "注：1. 财政拨款“三公”经费为单位使用一般公共预算、政府性基金和国有资本经营预算安排的支出，包括当年财政拨款和以前年度财政拨款结转结余资金安排的实际支出。“三公”经费相关统计数是指使用财政拨款负担费用的相关批次、人次及车辆情况。",
        "2. “机关运行经费”填列行政单位和参照公务员法管理的事业单位财政拨款基本支出中的公用经费支出；本单位为非参公管理事业单位，故不填列。",
    ]
    return _table(acc, "three_public_stats", lines, notes, style="dash")


def _three_public_general(acc: Accounts) -> Table:
    notes = [
        "注：本表所列“三公”经费为单位使用一般公共预算财政拨款安排的支出，包括当年一般公共预算财政拨款和以前年度一般公共预算财政拨款结转结余资金安排的实际支出。"
    ]
    return _table(acc, "three_public_general", _money_lines(acc, numbered=False), notes, style="dash")


# -- 国有资产 --------------------------------------------------------------------------------------


def _assets(acc: Accounts) -> Table:
    a = acc.spec.assets
    values: dict[str, Value] = {
        "total": acc.assets_total,
        "original_total": acc.assets_original_total,
        "current": a.current,
        "fixed_original": acc.fixed_original,
        "fixed_net": acc.fixed_net,
        "building_original": a.building_original,
        "building_net": a.building_net,
        "vehicle_original": a.vehicle_original,
        "vehicle_net": a.vehicle_net,
        "equipment_original": a.equipment_original,
        "equipment_net": a.equipment_net,
        "other_fixed_original": a.other_fixed_original,
        "other_fixed_net": a.other_fixed_net,
        "investment": a.investment,
        "construction": a.construction,
        "intangible_original": a.intangible_original,
        "intangible_net": a.intangible_net,
        "other_original": a.other_original,
        "other_net": a.other_net,
    }
    notes = [
        "注：1. 资产总额=流动资产+固定资产（净值）+对外投资/有价证券+在建工程+无形资产（净值）+其他资产（净值）；",
        "2. 资产原值合计=流动资产+固定资产（原值）+对外投资/有价证券+在建工程+无形资产（原值）+其他资产（原值）。",
    ]
    return _table(acc, "assets", [Line("合计", values, concept="total", line_no="1")], notes, style="grouped")


def final_tables(acc: Accounts) -> list[Table]:
    """The 公开01–12表 of ``acc`` (the Yunnan set, in its order)."""
    return [
        _summary(acc),
        _income(acc),
        _expenditure(acc),
        _fiscal_summary(acc),
        _general_budget(acc),
        _basic(acc),
        _project(acc),
        _fund_flow(acc, "fund", "政府性基金预算财政拨款收支", lambda f: (f.fund, f.fund_carry_in, f.fund_carry_out)),
        _fund_flow(
            acc,
            "state_capital",
            "国有资本经营预算财政拨款收支",
            lambda f: (f.capital, f.capital_carry_in, f.capital_carry_out),
        ),
        _three_public_stats(acc),
        _three_public_general(acc),
        _assets(acc),
    ]
