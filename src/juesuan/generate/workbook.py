"""The fill-in workbook (填报表): written by :func:`write_template`, read by :func:`read_workbook`.

Both sides use the same sheet definitions below, so the reader knows every cell the writer put.
Sheets (all amounts in 万元):

- 单位信息: department facts (name, year, variant, staff, last year's figures, 年初预算);
- 收入决算表 / 支出决算表 / 一般公共预算财政拨款支出决算表 / 政府性基金预算财政拨款收入支出决算表 /
  国有资本经营预算财政拨款支出决算表: one row per 支出功能分类 项 (7-digit code entered once, on
  收入决算表; the other sheets repeat it by formula). 类/款 rows and every 合计 are derived at build
  time; 合计 columns and rows are formulas; the last two take each 项's 年初/年末结转和结余 of those
  appropriations;
- 基本支出决算表 / 项目支出决算表: the 支出经济分类 款 rows of the official blocks, 类 rows as formulas;
- 三公经费: 预算数 and 全年预算数 (input), 决算数 (formulas from the economic lines), statistics;
- 国有资产: 原值 and 净值 of each asset class, totals as formulas;
- 说明填写: what figures cannot give (reasons for changes, 政府采购, 绩效 texts and indicators).

A blank input cell is zero (a fill-in form's convention); text in an amount cell, a moved header,
an unknown code or a missing sheet is a :class:`WorkbookError` naming sheet and cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Sequence

from .. import catalog
from ..errors import InputError, UsageError
from .derive import BASIC_BLOCKS, PROJECT_BLOCKS, Figures
from .spec import (
    ZERO,
    AssetSpec,
    BalanceSpec,
    DisclosureSpec,
    EconomicLine,
    FunctionItem,
    Indicator,
    NarrativeSpec,
    PerformanceSpec,
    ProjectEvaluation,
    ThreePublicSpec,
)

VARIANTS = ("national", "shanghai", "yunnan")
UNIT = "万元"
ITEM_ROWS = 40  # input rows for 支出功能分类 项
INDICATOR_ROWS = 20

# grid sheets: title row 1, note row 2, unit row 3, header row 4, 合计 row 5, data from row 6
HEADER_ROW = 4
TOTAL_ROW = 5
FIRST_ROW = 6

INFO = "单位信息"
INCOME = "收入决算表"
SPENDING = "支出决算表"
GENERAL = "一般公共预算财政拨款支出决算表"
FUND = "政府性基金预算财政拨款收入支出决算表"
CAPITAL = "国有资本经营预算财政拨款支出决算表"
BASIC = "基本支出决算表"
PROJECT = "项目支出决算表"
SANGONG = "三公经费"
ASSETS = "国有资产"
NOTES = "说明填写"
SHEETS = (INFO, INCOME, SPENDING, GENERAL, FUND, CAPITAL, BASIC, PROJECT, SANGONG, ASSETS, NOTES)
# the sheets with a row per 支出功能分类 项
FUNCTION_SHEETS = (INCOME, SPENDING, GENERAL, FUND, CAPITAL)

VARIANT_NAMES = {"national": "全国通用（9张表）", "shanghai": "上海市（9张表）", "yunnan": "云南省（公开01–12表）"}


class WorkbookError(InputError):
    """A filled workbook that cannot be read or whose figures disagree (message in Chinese, naming
    sheet and cell)."""

    def __init__(self, messages: Sequence[str]):
        self.messages = list(messages)
        text = "填报表有问题，未生成任何文件：\n" + "\n".join(f"  - {m}" for m in self.messages)
        super().__init__(text, code="workbook")


# --- sheet definitions ----------------------------------------------------------------------------

# 单位信息: (key, label, kind); kind: text | int | amount | year | variant | list
INFO_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("department", "部门（单位）名称", "text"),
    ("year", "决算年度", "year"),
    ("unit", "金额单位", "text"),
    ("variant", "公开格式（national / shanghai / yunnan）", "variant"),
    ("offices", "内设机构（用顿号“、”分隔）", "list"),
    ("quota_admin", "行政编制（人）", "int"),
    ("quota_public", "事业编制（人）", "int"),
    ("quota_worker", "工勤人员编制（人）", "int"),
    ("actual_full", "在职实有：财政全额保障（人）", "int"),
    ("actual_partial", "在职实有：财政差额补助（人）", "int"),
    ("actual_own", "在职实有：单位资金保障（人）", "int"),
    ("retired_early", "离休人员（人）", "int"),
    ("retired", "退休人员（人）", "int"),
    ("prior_total", "上年收入支出总计（万元）", "amount"),
    ("prior_general", "上年一般公共预算财政拨款支出（万元）", "amount"),
    ("prior_three_public", "上年一般公共预算财政拨款“三公”经费支出（万元）", "amount"),
    ("initial_general", "本年一般公共预算财政拨款支出年初预算（万元）", "amount"),
    ("carry_in", "年初结转和结余（万元，各项资金）", "amount"),
    ("use_balance", "使用非财政拨款结余（使用专用结余、用事业基金弥补收支差额，万元）", "amount"),
    ("distribution", "结余分配（万元）", "amount"),
    ("carry_out", "年末结转和结余（万元，各项资金）", "amount"),
)
# the 单位信息 fields of :class:`.spec.BalanceSpec`
BALANCE_FIELDS = ("carry_in", "use_balance", "distribution", "carry_out")

# 说明填写 key/value part
NOTE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("reason_total", "收入支出总计较上年变动的主要原因", "text"),
    ("reason_general", "一般公共预算财政拨款支出较上年变动的主要原因", "text"),
    ("reason_budget", "一般公共预算财政拨款支出决算数与年初预算数差异的主要原因", "text"),
    ("reason_three_public", "“三公”经费支出较上年变动的主要原因", "text"),
    ("procurement_goods", "政府采购：货物采购金额（万元）", "amount"),
    ("procurement_works", "政府采购：工程采购金额（万元）", "amount"),
    ("procurement_services", "政府采购：服务采购金额（万元）", "amount"),
    ("overview", "绩效：部门基本情况概述", "text"),
    ("duties", "绩效：部门主要职能", "text"),
    ("goal", "绩效：部门年度目标", "text"),
    ("later_goal_1", "绩效：下一年度部门目标（可不填）", "text"),
    ("later_goal_2", "绩效：再下一年度部门目标（可不填）", "text"),
    ("project_name", "绩效自评项目：项目名称", "text"),
    ("project_code", "绩效自评项目：支出功能分类科目编码（7位）", "text"),
    ("project_goal", "绩效自评项目：年度目标", "text"),
    ("project_initial", "绩效自评项目：年初预算数（万元）", "amount"),
    ("project_full", "绩效自评项目：全年预算数（万元）", "amount"),
)
INDICATOR_HEADERS = (
    "类别（部门/项目）",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "实际完成值",
    "分值",
    "得分",
)

# 三公经费: money rows (label, economic codes of the 决算数 or None for a derived row)
SANGONG_MONEY: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("abroad", "因公出国（境）费", ("30212",)),
    ("car", "公务用车购置及运行维护费", None),
    ("car_purchase", "其中：公务用车购置费", ("31013", "30913")),
    ("car_operation", "其中：公务用车运行维护费", ("30231",)),
    ("reception", "公务接待费", ("30217",)),
)
SANGONG_STATS: tuple[tuple[str, str], ...] = (
    ("abroad_groups", "因公出国（境）团组数（个）"),
    ("abroad_people", "因公出国（境）人次数（人）"),
    ("car_purchase_count", "公务用车购置数（辆）"),
    ("car_stock", "公务用车保有量（辆）"),
    ("reception_batches", "国内公务接待批次（个）"),
    ("reception_people", "国内公务接待人次（人）"),
)
# 国有资产: (field prefix, label, has separate 原值/净值)
ASSET_ROWS: tuple[tuple[str, str, bool], ...] = (
    ("current", "流动资产", False),
    ("building", "固定资产：房屋构筑物", True),
    ("vehicle", "固定资产：车辆", True),
    ("equipment", "固定资产：单价200万以上大型设备", True),
    ("other_fixed", "固定资产：其他固定资产", True),
    ("investment", "对外投资/有价证券", False),
    ("construction", "在建工程", False),
    ("intangible", "无形资产", True),
    ("other", "其他资产", True),
)

# columns of the three functional sheets: (header, role); role: code | name | input:<field> | formula
# The amount columns of the three functional sheets: (layout table, layout column id, role); the
# headers are the printed headers of the layout data (layouts/national.yaml), in its order. Roles:
# an input field of :class:`.spec.FunctionItem`, ``sum`` (the row's total, a formula),
# ``general_total`` / ``general_basic`` (formulas), ``=fund`` / ``=capital`` (the 收入决算表's
# appropriation, a formula), ``flow_total`` (年初 + 本年收入 - 年末, a formula).
FUNCTION_AMOUNTS = {
    INCOME: (
        ("income", "total", "sum"),
        ("fiscal_summary", "general", "general"),  # 财政拨款收入 by budget (the 财政拨款总表's columns)
        ("fiscal_summary", "fund", "fund"),
        ("fiscal_summary", "capital", "capital"),
        ("income", "superior", "superior"),
        ("income", "business", "business"),
        ("income", "operating", "operating"),
        ("income", "affiliated", "affiliated"),
        ("income", "other", "other"),
    ),
    SPENDING: (
        ("expenditure", "total", "sum"),
        ("expenditure", "basic", "basic"),
        ("expenditure", "project", "project"),
        ("expenditure", "to_superior", "to_superior"),
        ("expenditure", "operating", "operating_spending"),
        ("expenditure", "to_affiliated", "to_affiliated"),
    ),
    GENERAL: (
        ("general_budget", "total", "general_total"),
        ("general_budget", "basic", "general_basic"),
        ("general_budget", "project", "general_project"),
        ("general_budget", "carry_in", "general_carry_in"),
        ("general_budget", "carry_out", "general_carry_out"),
    ),
    # 政府性基金 / 国有资本经营: what is spent goes to projects (本年支出 = 年初 + 本年收入 - 年末)
    FUND: (
        ("fund", "carry_in", "fund_carry_in"),
        ("fund", "income", "=fund"),
        ("fund", "total", "flow_total"),
        ("fund", "carry_out", "fund_carry_out"),
    ),
    CAPITAL: (
        ("state_capital", "carry_in", "capital_carry_in"),
        ("state_capital", "income", "=capital"),
        ("state_capital", "total", "flow_total"),
        ("state_capital", "carry_out", "capital_carry_out"),
    ),
}
# (sheet, column of 年初, column of 年末, FunctionItem field prefix, name) of the 财政拨款 carry-overs
CARRY_COLUMNS = (
    (GENERAL, 6, 7, "general", "一般公共预算"),
    (FUND, 3, 6, "fund", "政府性基金预算"),
    (CAPITAL, 3, 6, "capital", "国有资本经营预算"),
)


FUNCTION_FIELDS = frozenset(n for n in FunctionItem.__dataclass_fields__ if n != "code")


def function_columns(sheet: str) -> tuple[tuple[str, str], ...]:
    """(header, role) of every column of a functional sheet: code and name, then the amounts."""
    from ..layouts import load

    tables = load().tables
    lead = (
        (("科目编码", "code"), ("科目名称", "name")) if sheet == INCOME else (("科目编码", "ref"), ("科目名称", "ref"))
    )
    amounts = []
    for table, column, role in FUNCTION_AMOUNTS[sheet]:
        lay = tables[table]
        columns = list(lay.columns) + [c for v in lay.variants for c in v] + [c for b in lay.blocks for c in b.columns]
        spec = next(c for c in columns if c.id == column)
        amounts.append((spec.header.split("/")[-1], role))
    return lead + tuple(amounts)


FUNCTION_NOTES = {
    INCOME: "只填“项”级（7位）科目，每行一个；类、款和合计在生成时汇总。财政拨款收入按一般公共预算、政府性基金预算、国有资本经营预算分列（后两者的支出全部计为项目支出，结转结余填在各自的工作表）。",
    SPENDING: "科目取自“收入决算表”；无结转结余时每个科目的支出合计应等于其收入合计，有结转结余时（填在“单位信息”）收支总计应平衡。",
    GENERAL: "只填项目支出和年初、年末结转和结余；合计=“收入决算表”的一般公共预算财政拨款+年初结转和结余-年末结转和结余，"
    "基本支出=合计-项目支出。年初结转和结余即上年年末结转和结余；财政拨款结转结余包含在“单位信息”的结转和结余中。",
    FUND: "只填年初、年末结转和结余；本年收入取自“收入决算表”，本年支出合计=年初结转和结余+本年收入-年末结转和结余"
    "（全部为项目支出，计入“支出决算表”的项目支出），年末结转和结余不能大于年初结转和结余与本年收入之和。",
    CAPITAL: "只填年初、年末结转和结余；本年收入取自“收入决算表”，本年支出合计=年初结转和结余+本年收入-年末结转和结余"
    "（全部为项目支出，计入“支出决算表”的项目支出），年末结转和结余不能大于年初结转和结余与本年收入之和。",
}


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def economic_rows(year: int, blocks: tuple[tuple[str, ...], ...]) -> list[tuple[str, str]]:
    """(code, name) of the economic sheet rows: each 类 of the blocks followed by its 款."""
    cat = catalog.load("economic", year)
    rows: list[tuple[str, str]] = []
    for classes in blocks:
        for cls in classes:
            head = cat.get(cls)
            assert head is not None, cls
            rows.append((cls, head.name))
            kids = sorted((e for e in cat.entries.values() if e.parent == cls), key=lambda e: e.code)
            rows += [(k.code, k.name) for k in kids]
    return rows


# --- writing --------------------------------------------------------------------------------------


@dataclass
class _Style:
    title: Any
    bold: Any
    plain: Any
    grey: Any
    border: Any
    open: Any
    locked: Any
    wrap: Any


def _style() -> _Style:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin")
    return _Style(
        title=Font(name="宋体", size=14, bold=True),
        bold=Font(name="宋体", size=10, bold=True),
        plain=Font(name="宋体", size=10),
        grey=PatternFill("solid", fgColor="E7E6E6"),
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        open=Protection(locked=False),
        locked=Protection(locked=True),
        wrap=Alignment(wrap_text=True, vertical="center"),
    )


def _protect(ws: Any) -> None:
    ws.protection.sheet = True  # no password: protects the formulas from slips, not from people
    ws.protection.formatRows = False
    ws.protection.formatColumns = False


def _head(ws: Any, st: _Style, title: str, note: str, width: int) -> None:
    ws.cell(row=1, column=1, value=title).font = st.title
    ws.cell(row=2, column=1, value=note).font = st.plain
    ws.cell(row=3, column=1, value=f"单位：{UNIT}").font = st.plain
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _amount_validation(ws: Any) -> Any:
    return _validation(ws, "decimal", "金额有误", "请填写不小于0的数字（单位：万元，最多两位小数）")


def _count_validation(ws: Any) -> Any:
    return _validation(ws, "whole", "数量有误", "请填写不小于0的整数")


def _validation(ws: Any, kind: str, title: str, message: str) -> Any:
    """A data validation of the sheet: a number (``decimal``) or a whole number (``whole``) ≥ 0."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(
        type=kind,
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=message,
    )
    ws.add_data_validation(dv)
    return dv


def _input(ws: Any, st: _Style, row: int, col: int, value: Any = None, dv: Any = None, fmt: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.protection = st.open
    cell.border = st.border
    cell.font = st.plain
    if fmt:
        cell.number_format = fmt
    if dv is not None:
        dv.add(cell.coordinate)


def _fixed(ws: Any, st: _Style, row: int, col: int, value: Any, bold: bool = False, fmt: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.protection = st.locked
    cell.border = st.border
    cell.font = st.bold if bold else st.plain
    cell.fill = st.grey
    if fmt:
        cell.number_format = fmt


def _amount(v: Decimal) -> Decimal | None:
    return v if v else None


def _key_value_sheet(
    ws: Any, st: _Style, title: str, note: str, fields: Sequence[tuple[str, str, str]], values: dict[str, Any]
) -> None:
    _head(ws, st, title, note, 2)
    ws.cell(row=3, column=1, value=None)
    _fixed(ws, st, HEADER_ROW, 1, "项目", bold=True)
    _fixed(ws, st, HEADER_ROW, 2, "填写内容", bold=True)
    amounts, counts = _amount_validation(ws), _count_validation(ws)
    for k, (key, label, kind) in enumerate(fields):
        r = HEADER_ROW + 1 + k
        _fixed(ws, st, r, 1, label)
        dv = amounts if kind == "amount" else counts if kind in ("int", "year") else None
        _input(ws, st, r, 2, values.get(key), dv, "0.00" if kind == "amount" else None)
        ws.cell(row=r, column=2).alignment = st.wrap
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 80


def _info_values(spec: DisclosureSpec | None, variant: str, year: int) -> dict[str, Any]:
    values: dict[str, Any] = {"year": year, "unit": UNIT, "variant": variant}
    if spec is None:
        return values
    values["department"] = spec.department
    n = spec.narrative
    if n is not None:
        values.update(
            offices="、".join(n.offices),
            quota_admin=n.staff_quota[0],
            quota_public=n.staff_quota[1],
            quota_worker=n.staff_quota[2],
            actual_full=n.staff_actual[0],
            actual_partial=n.staff_actual[1],
            actual_own=n.staff_actual[2],
            retired_early=n.retirees[0],
            retired=n.retirees[1],
            prior_total=n.prior_total,
            prior_general=n.prior_general,
            prior_three_public=n.prior_three_public,
            initial_general=n.initial_general,
        )
    for key in BALANCE_FIELDS:
        values[key] = _amount(getattr(spec.balances, key))
    return values


def _note_values(spec: DisclosureSpec | None) -> dict[str, Any]:
    if spec is None:
        return {}
    p = spec.performance
    values: dict[str, Any] = {
        "overview": p.overview,
        "duties": p.duties,
        "goal": p.goal,
        "project_name": p.project.name,
        "project_code": p.project.item_code,
        "project_goal": p.project.goal,
        "project_initial": p.project.initial_budget,
        "project_full": p.project.full_budget,
    }
    for k, g in enumerate(p.later_goals[:2], start=1):
        values[f"later_goal_{k}"] = g
    n = spec.narrative
    if n is not None:
        values.update(
            reason_total=n.reason_total,
            reason_general=n.reason_general,
            reason_budget=n.reason_budget,
            reason_three_public=n.reason_three_public,
            procurement_goods=n.procurement[0],
            procurement_works=n.procurement[1],
            procurement_services=n.procurement[2],
        )
    return values


def write_template(
    path: Path,
    variant: str = "national",
    year: int = 2024,
    spec: DisclosureSpec | None = None,
    prior: dict[str, Any] | None = None,
) -> Path:
    """Write the fill-in workbook for ``variant`` and ``year``; filled with ``spec`` when given
    (the examples), with last year's figures ``prior`` (keys of :data:`INFO_FIELDS`, and
    ``carry_in_items``: 项 code → last year's 财政拨款年末结转和结余 by source, as the fields
    ``general_carry_in`` / ``fund_carry_in`` / ``capital_carry_in`` of this year's 年初 on rows of
    those 项) when given."""
    from openpyxl import Workbook

    if variant not in VARIANTS:
        raise UsageError(f"未知的公开格式“{variant}”：应为 {' / '.join(VARIANTS)}")
    if year not in catalog.available_years("functional") or year not in catalog.available_years("economic"):
        years = "、".join(str(y) for y in catalog.available_years("functional"))
        raise UsageError(f"没有{year}年的政府收支分类科目目录（现有：{years}）")
    st = _style()
    wb = Workbook()
    ws = wb.active
    ws.title = INFO
    info = _info_values(spec, variant, year)
    prior = dict(prior or {})
    # last year's 财政拨款年末结转和结余 by 项 and source: this year's 年初, on rows of their own
    carried: dict[str, dict[str, Decimal]] = prior.pop("carry_in_items", None) or {}
    info.update(prior)
    _key_value_sheet(
        ws,
        st,
        f"{year}年度部门决算填报表：单位信息",
        f"灰色单元格由模板给出或自动计算，请只填白色单元格。公开格式：{VARIANT_NAMES[variant]}。",
        INFO_FIELDS,
        info,
    )
    _protect(ws)

    fcat = catalog.load("functional", year)
    items = (
        list(spec.items)
        if spec
        else [FunctionItem(code, **fields) for code, fields in sorted(carried.items()) if fields]
    )
    for name in FUNCTION_SHEETS:
        ws = wb.create_sheet(name)
        cols = function_columns(name)
        _head(ws, st, name, FUNCTION_NOTES[name], len(cols))
        for c, (header, _) in enumerate(cols, start=1):
            _fixed(ws, st, HEADER_ROW, c, header, bold=True)
        last = FIRST_ROW + ITEM_ROWS - 1
        _fixed(ws, st, TOTAL_ROW, 1, "")
        _fixed(ws, st, TOTAL_ROW, 2, "合计", bold=True)
        for c in range(3, len(cols) + 1):
            _fixed(ws, st, TOTAL_ROW, c, f"=SUM({_col(c)}{FIRST_ROW}:{_col(c)}{last})", fmt="#,##0.00")
        dv = _amount_validation(ws)
        if name == INCOME:
            from openpyxl.worksheet.datavalidation import DataValidation

            codes = DataValidation(
                type="textLength",
                operator="equal",
                formula1="7",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="科目编码有误",
                error="请填写7位支出功能分类“项”级科目编码（文本格式）",
            )
            ws.add_data_validation(codes)
        for k in range(ITEM_ROWS):
            r = FIRST_ROW + k
            item = items[k] if k < len(items) else None
            src = f"'{INCOME}'!"
            for c, (_, role) in enumerate(cols, start=1):
                if role == "code":
                    _input(ws, st, r, c, item.code if item else None, codes, "@")
                elif role == "name":
                    entry = fcat.get(item.code) if item else None
                    _input(ws, st, r, c, entry.name if entry else None)
                elif role == "ref":
                    letter = _col(c)
                    _fixed(ws, st, r, c, f'=IF({src}{letter}{r}="","",{src}{letter}{r})')
                elif role == "sum":
                    _fixed(ws, st, r, c, f"=SUM({_col(c + 1)}{r}:{_col(len(cols))}{r})", fmt="#,##0.00")
                elif role == "general_total":  # 本年收入 + 年初结转和结余 - 年末结转和结余
                    _fixed(ws, st, r, c, f"={src}D{r}+F{r}-G{r}", fmt="#,##0.00")
                elif role == "general_basic":
                    _fixed(ws, st, r, c, f"=C{r}-E{r}", fmt="#,##0.00")
                elif role.startswith("="):  # the 收入决算表's appropriation of this source
                    letter = _col(next(k for k, (_, x) in enumerate(function_columns(INCOME), 1) if x == role[1:]))
                    _fixed(ws, st, r, c, f"={src}{letter}{r}", fmt="#,##0.00")
                elif role == "flow_total":  # 年初结转和结余 + 本年收入 - 年末结转和结余
                    _fixed(ws, st, r, c, f"=C{r}+D{r}-F{r}", fmt="#,##0.00")
                else:
                    _input(ws, st, r, c, _amount(getattr(item, role)) if item else None, dv, "#,##0.00")
        ws.column_dimensions["A"].width = 12
        ws.column_dimensions["B"].width = 36
        for c in range(3, len(cols) + 1):
            ws.column_dimensions[_col(c)].width = 16
        ws.freeze_panes = f"C{FIRST_ROW}"
        _protect(ws)

    sheet_rows: dict[str, dict[str, int]] = {}
    for name, blocks, lines in (
        (BASIC, BASIC_BLOCKS, spec.basic_lines if spec else ()),
        (PROJECT, PROJECT_BLOCKS, spec.project_lines if spec else ()),
    ):
        ws = wb.create_sheet(name)
        amounts = {line.code: line.amount for line in lines}
        _head(
            ws,
            st,
            name,
            "按支出经济分类填写一般公共预算财政拨款"
            + ("基本支出（人员经费与公用经费）" if name == BASIC else "项目支出")
            + "；类级和合计自动汇总。",
            3,
        )
        for c, header in enumerate(("科目编码", "科目名称", "决算数"), start=1):
            _fixed(ws, st, HEADER_ROW, c, header, bold=True)
        rows = economic_rows(year, blocks)
        dv = _amount_validation(ws)
        at: dict[str, int] = {}
        class_rows: list[int] = []
        for k, (code, label) in enumerate(rows):
            r = FIRST_ROW + k
            at[code] = r
            _fixed(ws, st, r, 1, code, bold=len(code) == 3)
            _fixed(ws, st, r, 2, label, bold=len(code) == 3)
            if len(code) == 3:
                class_rows.append(r)
                end = r + 1
                while end - FIRST_ROW < len(rows) and len(rows[end - FIRST_ROW][0]) == 5:
                    end += 1
                _fixed(ws, st, r, 3, f"=SUM(C{r + 1}:C{end - 1})" if end > r + 1 else 0, bold=True, fmt="#,##0.00")
            else:
                _input(ws, st, r, 3, _amount(amounts.get(code, ZERO)), dv, "#,##0.00")
        _fixed(ws, st, TOTAL_ROW, 1, "")
        _fixed(ws, st, TOTAL_ROW, 2, "合计", bold=True)
        _fixed(ws, st, TOTAL_ROW, 3, "=" + "+".join(f"C{r}" for r in class_rows), bold=True, fmt="#,##0.00")
        sheet_rows[name] = at
        ws.column_dimensions["A"].width = 10
        ws.column_dimensions["B"].width = 40
        ws.column_dimensions["C"].width = 16
        ws.freeze_panes = f"C{FIRST_ROW}"
        _protect(ws)

    ws = wb.create_sheet(SANGONG)
    tp = spec.three_public if spec else ThreePublicSpec()
    _head(
        ws,
        st,
        "财政拨款“三公”经费",
        "决算数取自基本支出、项目支出决算表（30212、31013+30913、30231、30217），请只填预算数。",
        4,
    )
    for c, header in enumerate(("项目", "预算数", "全年预算数", "决算数"), start=1):
        _fixed(ws, st, HEADER_ROW, c, header, bold=True)
    _fixed(ws, st, TOTAL_ROW, 1, "合计", bold=True)
    money_row = {key: TOTAL_ROW + 1 + k for k, (key, _, _) in enumerate(SANGONG_MONEY)}
    for c in (2, 3, 4):
        L = _col(c)
        top = [money_row["abroad"], money_row["car"], money_row["reception"]]
        _fixed(ws, st, TOTAL_ROW, c, "=" + "+".join(f"{L}{r}" for r in top), bold=True, fmt="#,##0.00")
    dv = _amount_validation(ws)
    for key, label, codes in SANGONG_MONEY:
        r = money_row[key]
        _fixed(ws, st, r, 1, label)
        if codes is None:
            for c in (2, 3, 4):
                L = _col(c)
                _fixed(ws, st, r, c, f"={L}{money_row['car_purchase']}+{L}{money_row['car_operation']}", fmt="#,##0.00")
            continue
        _input(ws, st, r, 2, _amount(getattr(tp, f"{key}_budget")), dv, "#,##0.00")
        _input(ws, st, r, 3, _amount(getattr(tp, f"{key}_full_budget")), dv, "#,##0.00")
        refs = [
            f"'{sheet}'!C{sheet_rows[sheet][code]}"
            for code in codes
            for sheet in (BASIC, PROJECT)
            if code in sheet_rows[sheet]
        ]
        _fixed(ws, st, r, 4, "=" + "+".join(refs) if refs else 0, fmt="#,##0.00")
    stats_head = TOTAL_ROW + len(SANGONG_MONEY) + 2
    _fixed(ws, st, stats_head, 1, "统计项目", bold=True)
    _fixed(ws, st, stats_head, 2, "数量", bold=True)
    counts = _count_validation(ws)
    for k, (key, label) in enumerate(SANGONG_STATS):
        r = stats_head + 1 + k
        _fixed(ws, st, r, 1, label)
        value = getattr(tp, key)
        _input(ws, st, r, 2, value if value else None, counts)
    ws.column_dimensions["A"].width = 34
    for letter in "BCD":
        ws.column_dimensions[letter].width = 16
    _protect(ws)

    ws = wb.create_sheet(ASSETS)
    a = spec.assets if spec else None
    _head(ws, st, "国有资产占有使用情况", "年末数；流动资产、对外投资、在建工程只填原值（净值同原值）。", 3)
    for c, header in enumerate(("项目", "原值", "净值"), start=1):
        _fixed(ws, st, HEADER_ROW, c, header, bold=True)
    last = TOTAL_ROW + len(ASSET_ROWS)
    _fixed(ws, st, TOTAL_ROW, 1, "合计（资产原值合计 / 资产总额）", bold=True)
    for c in (2, 3):
        L = _col(c)
        _fixed(ws, st, TOTAL_ROW, c, f"=SUM({L}{TOTAL_ROW + 1}:{L}{last})", bold=True, fmt="#,##0.00")
    dv = _amount_validation(ws)
    for k, (key, label, pair) in enumerate(ASSET_ROWS):
        r = TOTAL_ROW + 1 + k
        _fixed(ws, st, r, 1, label)
        if pair:
            orig = getattr(a, f"{key}_original") if a else ZERO
            net = getattr(a, f"{key}_net") if a else ZERO
            _input(ws, st, r, 2, _amount(orig), dv, "#,##0.00")
            _input(ws, st, r, 3, _amount(net), dv, "#,##0.00")
        else:
            _input(ws, st, r, 2, _amount(getattr(a, key)) if a else None, dv, "#,##0.00")
            _fixed(ws, st, r, 3, f"=B{r}", fmt="#,##0.00")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 16
    _protect(ws)

    ws = wb.create_sheet(NOTES)
    _key_value_sheet(
        ws,
        st,
        "情况说明填写",
        "原因不填的，生成的情况说明中会留下“【请填写：…】”标记，发布前须改写（juesuan check 会报告残留标记）。",
        NOTE_FIELDS,
        _note_values(spec),
    )
    head_row = indicator_header_row()
    for c, header in enumerate(INDICATOR_HEADERS, start=1):
        _fixed(ws, st, head_row, c, header, bold=True)
    indicators: list[tuple[str, Indicator]] = []
    if spec:
        indicators = [("部门", i) for i in spec.performance.department_indicators] + [
            ("项目", i) for i in spec.performance.project.indicators
        ]
    dv = _amount_validation(ws)
    for k in range(INDICATOR_ROWS):
        r = head_row + 1 + k
        ind = indicators[k] if k < len(indicators) else None
        values: list[Any] = [None] * len(INDICATOR_HEADERS)
        if ind:
            i = ind[1]
            values = [ind[0], i.level1, i.level2, i.level3, i.nature, i.target, i.unit, i.actual]
            values += [_amount(i.weight), _amount(i.score)]
        for c, value in enumerate(values, start=1):
            _input(ws, st, r, c, value, dv if c > 8 else None, "0.00" if c > 8 else "@")
    _protect(ws)
    wb.save(path)
    return path


def indicator_header_row() -> int:
    return HEADER_ROW + len(NOTE_FIELDS) + 2


# --- reading --------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, wb: Any):
        self.wb = wb
        self.problems: list[str] = []

    def sheet(self, name: str) -> Any:
        if name not in self.wb.sheetnames:
            self.problems.append(f"缺少工作表“{name}”（请使用 juesuan template 生成的填报表）")
            return None
        return self.wb[name]

    def where(self, ws: Any, r: int, c: int) -> str:
        return f"工作表“{ws.title}”单元格{_col(c)}{r}"

    def expect(self, ws: Any, r: int, c: int, text: str) -> bool:
        got = ws.cell(row=r, column=c).value
        if str(got or "").strip() != text:
            self.problems.append(
                f"{self.where(ws, r, c)}应为“{text}”，实际为“{got or ''}”：表头或行被移动、修改（请勿改动灰色单元格）"
            )
            return False
        return True

    def amount(self, ws: Any, r: int, c: int) -> Decimal:
        v = ws.cell(row=r, column=c).value
        if v is None or (isinstance(v, str) and not v.strip()):
            return ZERO
        if isinstance(v, bool):
            self.problems.append(f"{self.where(ws, r, c)}应填金额，实际为“{v}”")
            return ZERO
        if isinstance(v, (int, float)):
            d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
        else:
            text = str(v).strip().replace(",", "").replace("，", "")
            try:
                d = Decimal(text)
            except InvalidOperation:
                self.problems.append(f"{self.where(ws, r, c)}应填金额（数字），实际为文字“{v}”")
                return ZERO
        if not d.is_finite():
            self.problems.append(f"{self.where(ws, r, c)}应填金额（数字），实际为“{v}”")
            return ZERO
        if d < 0:
            self.problems.append(f"{self.where(ws, r, c)}的金额{d}为负数")
            return ZERO
        if d != d.quantize(Decimal("0.01")):
            self.problems.append(f"{self.where(ws, r, c)}的金额{v}超过两位小数（单位：{self.unit_of(ws)}）")
            return ZERO
        return d.quantize(Decimal("0.01"))

    def unit_of(self, ws: Any) -> str:
        """The amount unit of sheet ``ws`` (named in the messages)."""
        return "万元"

    def count(self, ws: Any, r: int, c: int) -> int:
        v = ws.cell(row=r, column=c).value
        if v is None or (isinstance(v, str) and not v.strip()):
            return 0
        try:
            d = Decimal(str(v).strip())
        except InvalidOperation:
            d = Decimal(-1)
        if not d.is_finite() or d < 0 or d != int(d):
            self.problems.append(f"{self.where(ws, r, c)}应填不小于0的整数，实际为“{v}”")
            return 0
        return int(d)

    def text(self, ws: Any, r: int, c: int) -> str:
        v = ws.cell(row=r, column=c).value
        if v is None:
            return ""
        if isinstance(v, float) and v == int(v):
            v = int(v)
        return str(v).strip()

    def key_values(self, ws: Any, fields: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.expect(ws, HEADER_ROW, 1, "项目")
        for k, (key, label, kind) in enumerate(fields):
            r = HEADER_ROW + 1 + k
            if not self.expect(ws, r, 1, label):
                continue
            if kind == "amount":
                out[key] = self.amount(ws, r, 2)
            elif kind in ("int", "year"):
                out[key] = self.count(ws, r, 2)
            else:
                out[key] = self.text(ws, r, 2)
        return out


@dataclass
class Workbook:
    """What a filled workbook holds: the spec, the variant, and where each input came from."""

    spec: DisclosureSpec
    variant: str
    item_rows: dict[str, int]  # 项 code -> row of the functional sheets


def open_workbook(path: Path) -> Any:
    """The filled workbook at ``path`` (openpyxl, formulas as written); an :class:`InputError` when
    it is absent or not a workbook."""
    from openpyxl import load_workbook

    try:
        return load_workbook(path, data_only=False)
    except FileNotFoundError:
        raise InputError(f"找不到填报表：{path}", code="not_found") from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        err = InputError(f"无法读取填报表（不是有效的 .xlsx 文件）：{path}", code="unreadable")
        err.details["detail"] = f"{type(exc).__name__}: {exc}"
        raise err from None


# sheets a workbook written by an earlier template lacks (then without those carry-overs)
LATER_SHEETS = (FUND, CAPITAL)


def read_workbook(path: Path, earlier: bool = False) -> Workbook:
    """Read a filled workbook. Raises :class:`WorkbookError` (every problem found, each naming
    sheet and cell) when it cannot give a consistent disclosure. ``earlier``: accept a workbook of
    an earlier template, without the :data:`LATER_SHEETS` (last year's workbook for ``--previous``)."""
    rd = _Reader(open_workbook(path))
    skip = set(LATER_SHEETS) if earlier and not set(LATER_SHEETS) & set(rd.wb.sheetnames) else set()
    sheets = {name: rd.sheet(name) for name in SHEETS if name not in skip}
    function_sheets = [name for name in FUNCTION_SHEETS if name in sheets]
    if rd.problems:
        raise WorkbookError(rd.problems)
    info = rd.key_values(sheets[INFO], INFO_FIELDS)
    notes = rd.key_values(sheets[NOTES], NOTE_FIELDS)
    if rd.problems:
        raise WorkbookError(rd.problems)
    ws_info = sheets[INFO]

    def info_cell(key: str) -> str:
        k = [f[0] for f in INFO_FIELDS].index(key)
        return rd.where(ws_info, HEADER_ROW + 1 + k, 2)

    variant = info["variant"] or "national"
    if variant not in VARIANTS:
        rd.problems.append(f"{info_cell('variant')}的公开格式“{variant}”未知：应为 {' / '.join(VARIANTS)}")
    year = info["year"]
    if year not in catalog.available_years("functional"):
        rd.problems.append(f"{info_cell('year')}的决算年度“{year}”没有对应的科目目录")
        raise WorkbookError(rd.problems)
    if not info["department"]:
        rd.problems.append(f"{info_cell('department')}未填写部门（单位）名称")
    if (info["unit"] or UNIT) != UNIT:
        rd.problems.append(f"{info_cell('unit')}的金额单位应为“{UNIT}”（填报表的金额一律以万元填写）")

    # 支出功能分类 项
    fcat = catalog.load("functional", year)
    ws_in, ws_sp, ws_gen = sheets[INCOME], sheets[SPENDING], sheets[GENERAL]
    before = len(rd.problems)
    for name in function_sheets:
        for c, (header, _) in enumerate(function_columns(name), start=1):
            rd.expect(sheets[name], HEADER_ROW, c, header)
    if len(rd.problems) > before:
        raise WorkbookError(rd.problems)
    items: list[FunctionItem] = []
    item_rows: dict[str, int] = {}
    # the input columns of each functional sheet: (column, FunctionItem field)
    inputs = {
        name: [(c, role) for c, (_, role) in enumerate(function_columns(name), start=1) if role in FUNCTION_FIELDS]
        for name in function_sheets
    }
    has_balances = any(info.get(key) for key in BALANCE_FIELDS)
    income_column = {role: c for c, (_, role) in enumerate(function_columns(INCOME), start=1)}
    r = FIRST_ROW
    while r <= max(ws_in.max_row, FIRST_ROW + ITEM_ROWS - 1):
        code = rd.text(ws_in, r, 1)
        fields = {role: rd.amount(sheets[name], r, c) for name, cols in inputs.items() for c, role in cols}
        general_project = fields["general_project"]
        if not code:
            if any(fields.values()):
                rd.problems.append(f"{rd.where(ws_in, r, 1)}未填科目编码，但该行填了金额")
            r += 1
            continue
        entry = fcat.get(code)
        if entry is None or entry.level != 3:
            what = "不是7位“项”级科目" if entry is not None else f"不在{fcat.year}年支出功能分类科目目录中"
            rd.problems.append(f"{rd.where(ws_in, r, 1)}的科目编码“{code}”{what}")
            r += 1
            continue
        if code in item_rows:
            rd.problems.append(f"{rd.where(ws_in, r, 1)}的科目编码{code}与第{item_rows[code]}行重复")
            r += 1
            continue
        item_rows[code] = r
        item = FunctionItem(code, **fields)
        f = Figures.of(item) if item.general_basic >= 0 else None
        if f is not None and f.income != f.spending and not has_balances:
            rd.problems.append(
                f"科目{code}：{rd.where(ws_in, r, 3)}收入合计{f.income:.2f}与{rd.where(ws_sp, r, 3)}支出合计{f.spending:.2f}不相等"
                "（不含结转结余，收入应等于支出）"
            )
        if f is None:
            rd.problems.append(
                f"科目{code}：{rd.where(ws_gen, r, 5)}一般公共预算项目支出{general_project:.2f}大于一般公共预算财政拨款支出"
                f"{item.general_basic + general_project:.2f}（财政拨款收入{item.general:.2f}+{rd.where(ws_gen, r, 6)}年初结转和结余"
                f"{item.general_carry_in:.2f}-{rd.where(ws_gen, r, 7)}年末结转和结余{item.general_carry_out:.2f}）"
            )
        for sheet, c_in, c_out, source, label in CARRY_COLUMNS[1:]:
            # 年末 above what the 项 had of the appropriation: 年初结转和结余 + 本年收入
            carry_in, carry_out = getattr(item, f"{source}_carry_in"), getattr(item, f"{source}_carry_out")
            available = getattr(item, source) + carry_in
            if carry_out > available:
                f = None
                rd.problems.append(
                    f"科目{code}：{rd.where(sheets[sheet], r, c_out)}{label}财政拨款年末结转和结余{carry_out:.2f}"
                    f"大于可用的{available:.2f}（{rd.where(sheets[sheet], r, c_in)}年初结转和结余{carry_in:.2f}"
                    f"+{rd.where(ws_in, r, income_column[source])}本年收入{getattr(item, source):.2f}）"
                )
        if f is not None and (
            general_project + f.fund_spending + f.capital_spending > item.project or item.general_basic > item.basic
        ):
            rd.problems.append(
                f"科目{code}：{rd.where(ws_gen, r, 4)}/{_col(5)}{r}的一般公共预算基本/项目支出（连同政府性基金、"
                f"国有资本经营预算财政拨款，计为项目支出）超过{rd.where(ws_sp, r, 4)}/{_col(5)}{r}的基本/项目支出"
            )
        items.append(item)
        r += 1
    if has_balances and items and not rd.problems:
        total = sum((Figures.of(i) for i in items), Figures())
        b = {key: info[key] for key in BALANCE_FIELDS}
        left = total.income + b["use_balance"] + b["carry_in"]
        right = total.spending + b["distribution"] + b["carry_out"]
        if left != right:
            rd.problems.append(
                f"收支不平衡：本年收入合计{total.income:.2f}（{rd.where(ws_in, TOTAL_ROW, 3)}）+ 使用非财政拨款结余"
                f"{b['use_balance']:.2f}（{info_cell('use_balance')}）+ 年初结转和结余{b['carry_in']:.2f}（{info_cell('carry_in')}）"
                f"= {left:.2f}，而本年支出合计{total.spending:.2f}（{rd.where(ws_sp, TOTAL_ROW, 3)}）+ 结余分配"
                f"{b['distribution']:.2f} + 年末结转和结余{b['carry_out']:.2f}（{info_cell('carry_out')}）= {right:.2f}"
            )
    if items and not rd.problems:
        total = sum((Figures.of(i) for i in items), Figures())
        for field, label in (("carry_in", "年初"), ("carry_out", "年末")):
            fiscal = getattr(total, f"fiscal_{field}")
            if fiscal > (info.get(field) or ZERO):
                where = "+".join(
                    rd.where(sheets[sheet], TOTAL_ROW, c_in if field == "carry_in" else c_out)
                    for sheet, c_in, c_out, source, _ in CARRY_COLUMNS
                    if getattr(total, f"{source}_{field}") or sheet == GENERAL
                )
                rd.problems.append(
                    f"{label}财政拨款结转和结余{fiscal:.2f}（{where}）大于单位的{label}结转和结余"
                    f"{info.get(field) or ZERO:.2f}（{info_cell(field)}）：财政拨款结转结余是其中的一部分"
                )
    if not items:
        rd.problems.append(f"{rd.where(ws_in, FIRST_ROW, 1)}起未填任何支出功能分类科目")

    lines: dict[str, list[EconomicLine]] = {}
    sums: dict[str, Decimal] = {}
    cells: dict[str, dict[str, str]] = {}
    for name, blocks in ((BASIC, BASIC_BLOCKS), (PROJECT, PROJECT_BLOCKS)):
        ws = sheets[name]
        for c, header in enumerate(("科目编码", "科目名称", "决算数"), start=1):
            rd.expect(ws, HEADER_ROW, c, header)
        got: list[EconomicLine] = []
        cells[name] = {}
        for k, (code, _label) in enumerate(economic_rows(year, blocks)):
            r = FIRST_ROW + k
            if rd.text(ws, r, 1) != code:
                rd.problems.append(
                    f"{rd.where(ws, r, 1)}应为经济分类科目“{code}”，实际为“{rd.text(ws, r, 1)}”：行被移动、插入或删除"
                )
                break
            cells[name][code] = f"{_col(3)}{r}"
            if len(code) == 5:
                v = rd.amount(ws, r, 3)
                if v:
                    got.append(EconomicLine(code, v))
        lines[name] = got
        sums[name] = sum((line.amount for line in got), ZERO)
    general_basic = sum((i.general_basic for i in items), ZERO)
    general_project_total = sum((i.general_project for i in items), ZERO)
    if not rd.problems:
        if sums[BASIC] != general_basic:
            rd.problems.append(
                f"工作表“{BASIC}”的合计{sums[BASIC]:.2f}与“{GENERAL}”基本支出合计{general_basic:.2f}不相等"
                f"（相差{sums[BASIC] - general_basic:.2f}）"
            )
        if sums[PROJECT] != general_project_total:
            rd.problems.append(
                f"工作表“{PROJECT}”的合计{sums[PROJECT]:.2f}与“{GENERAL}”项目支出合计{general_project_total:.2f}不相等"
                f"（相差{sums[PROJECT] - general_project_total:.2f}）"
            )

    ws = sheets[SANGONG]
    for c, header in enumerate(("项目", "预算数", "全年预算数", "决算数"), start=1):
        rd.expect(ws, HEADER_ROW, c, header)
    tp_values: dict[str, Any] = {}
    for k, (key, label, codes) in enumerate(SANGONG_MONEY):
        r = TOTAL_ROW + 1 + k
        if rd.expect(ws, r, 1, label) and codes is not None:
            tp_values[f"{key}_budget"] = rd.amount(ws, r, 2)
            tp_values[f"{key}_full_budget"] = rd.amount(ws, r, 3)
    stats_head = TOTAL_ROW + len(SANGONG_MONEY) + 2
    stat_cells: dict[str, str] = {}
    for k, (key, label) in enumerate(SANGONG_STATS):
        r = stats_head + 1 + k
        if rd.expect(ws, r, 1, label):
            tp_values[key] = rd.count(ws, r, 2)
            stat_cells[key] = rd.where(ws, r, 2)
    finals = {
        key: sum((line.amount for ls in lines.values() for line in ls if line.code in codes), ZERO)
        for key, _, codes in SANGONG_MONEY
        if codes is not None
    }
    pairs = (
        ("abroad", ("abroad_groups", "abroad_people")),
        ("car_purchase", ("car_purchase_count",)),
        ("car_operation", ("car_stock",)),
        ("reception", ("reception_batches", "reception_people")),
    )
    for money_key, count_keys in pairs:
        for ck in count_keys:
            if ck in tp_values and bool(finals[money_key]) != bool(tp_values[ck]):
                label = dict(SANGONG_STATS)[ck]
                money_label = next(m[1] for m in SANGONG_MONEY if m[0] == money_key)
                rd.problems.append(
                    f"{stat_cells[ck]}的{label}为{tp_values[ck]}，而{money_label}决算数为{finals[money_key]:.2f}："
                    "有支出就应有相应统计数，反之亦然"
                )
    for many, few in (("reception_people", "reception_batches"), ("abroad_people", "abroad_groups")):
        if tp_values.get(many, 0) < tp_values.get(few, 0):
            rd.problems.append(f"{stat_cells[many]}的人次少于{stat_cells[few]}的批次/团组数")

    ws = sheets[ASSETS]
    for c, header in enumerate(("项目", "原值", "净值"), start=1):
        rd.expect(ws, HEADER_ROW, c, header)
    asset_values: dict[str, Decimal] = {}
    for k, (key, label, pair) in enumerate(ASSET_ROWS):
        r = TOTAL_ROW + 1 + k
        if not rd.expect(ws, r, 1, label):
            continue
        if pair:
            orig, net = rd.amount(ws, r, 2), rd.amount(ws, r, 3)
            if net > orig:
                rd.problems.append(f"{rd.where(ws, r, 3)}的净值{net:.2f}大于原值{orig:.2f}")
            asset_values[f"{key}_original"], asset_values[f"{key}_net"] = orig, net
        else:
            asset_values[key] = rd.amount(ws, r, 2)
    car_stock = tp_values.get("car_stock", 0)
    if bool(car_stock) != bool(asset_values.get("vehicle_original", ZERO)):
        rd.problems.append(
            f"{rd.where(ws, TOTAL_ROW + 3, 2)}的车辆原值与“{SANGONG}”的公务用车保有量（{car_stock}辆）不一致：有车辆就应有原值"
        )

    # 绩效
    ws_notes = sheets[NOTES]
    top = indicator_header_row()
    for c, header in enumerate(INDICATOR_HEADERS, start=1):
        rd.expect(ws_notes, top, c, header)
    dept_ind: list[Indicator] = []
    proj_ind: list[Indicator] = []
    for k in range(INDICATOR_ROWS + 200):
        r = top + 1 + k
        if r > ws_notes.max_row:
            break
        texts = [rd.text(ws_notes, r, c) for c in range(1, 9)]
        if not any(texts):
            continue
        kind = texts[0]
        if kind not in ("部门", "项目"):
            rd.problems.append(f"{rd.where(ws_notes, r, 1)}的类别应为“部门”或“项目”，实际为“{kind}”")
            continue
        level1, level2, level3, nature, target, unit, actual = texts[1:8]
        ind = Indicator(
            level1, level2, level3, nature, target, unit, actual, rd.amount(ws_notes, r, 9), rd.amount(ws_notes, r, 10)
        )
        (dept_ind if kind == "部门" else proj_ind).append(ind)
    notes_ws_cell = {key: rd.where(ws_notes, HEADER_ROW + 1 + k, 2) for k, (key, _, _) in enumerate(NOTE_FIELDS)}
    for key in ("overview", "duties", "goal", "project_name", "project_goal"):
        if not notes["" + key]:
            rd.problems.append(f"{notes_ws_cell[key]}未填写（绩效自评需要）")
    project_code = notes["project_code"]
    evaluated = next((i for i in items if i.code == project_code), None)
    if project_code and (evaluated is None or not evaluated.general_project):
        rd.problems.append(
            f"{notes_ws_cell['project_code']}的绩效自评项目科目“{project_code}”在“{GENERAL}”中没有一般公共预算项目支出"
        )
    elif not project_code:
        rd.problems.append(f"{notes_ws_cell['project_code']}未填写绩效自评项目的科目编码")
    for key in ("prior_total", "prior_general", "prior_three_public", "initial_general"):
        if not info.get(key):
            rd.problems.append(f"{info_cell(key)}未填写（情况说明的同比和预算完成情况需要，应大于0）")
    if not info["offices"]:
        rd.problems.append(f"{info_cell('offices')}未填写内设机构")
    if rd.problems:
        raise WorkbookError(rd.problems)

    narrative = NarrativeSpec(
        offices=tuple(
            o.strip() for o in info["offices"].replace(",", "、").replace("，", "、").split("、") if o.strip()
        ),
        staff_quota=(info["quota_admin"], info["quota_public"], info["quota_worker"]),
        staff_actual=(info["actual_full"], info["actual_partial"], info["actual_own"]),
        retirees=(info["retired_early"], info["retired"]),
        prior_total=info["prior_total"],
        prior_general=info["prior_general"],
        prior_three_public=info["prior_three_public"],
        initial_general=info["initial_general"],
        procurement=(notes["procurement_goods"], notes["procurement_works"], notes["procurement_services"]),
        reason_total=notes["reason_total"],
        reason_general=notes["reason_general"],
        reason_budget=notes["reason_budget"],
        reason_three_public=notes["reason_three_public"],
    )
    performance = PerformanceSpec(
        overview=notes["overview"],
        duties=notes["duties"],
        goal=notes["goal"],
        department_indicators=tuple(dept_ind),
        project=ProjectEvaluation(
            name=notes["project_name"],
            item_code=project_code,
            goal=notes["project_goal"],
            initial_budget=notes["project_initial"],
            full_budget=notes["project_full"],
            indicators=tuple(proj_ind),
        ),
        later_goals=tuple(g for g in (notes["later_goal_1"], notes["later_goal_2"]) if g),
    )
    spec = DisclosureSpec(
        department=info["department"],
        year=year,
        items=tuple(items),
        basic_lines=tuple(lines[BASIC]),
        project_lines=tuple(lines[PROJECT]),
        three_public=ThreePublicSpec(**tp_values),
        assets=AssetSpec(**asset_values),
        performance=performance,
        unit=UNIT,
        narrative=narrative,
        balances=BalanceSpec(**{key: info[key] for key in BALANCE_FIELDS}),
    )
    return Workbook(spec, variant, item_rows)
