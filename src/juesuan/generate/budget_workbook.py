"""The budget fill-in workbook (预算填报表): written by :func:`write_budget_template`, read by
:func:`read_budget_workbook` from the same sheet definitions. Amounts in 元 (as Shanghai prints its
budget tables), the "三公" sheet in 万元 (as its table prints it):

- 单位信息: name, year, variant, scope (部门/单位), last year's budget figures;
- 功能分类预算: one row per 支出功能分类 项 (7-digit code): 基本/项目支出 of each 财政拨款 source,
  事业收入 / 事业单位经营收入 / 其他收入 and the part of them spent on 基本支出, its main use; the
  row's 合计 is a formula; 类/款 and every total are derived at build time;
- 基本支出经济分类: 人员经费 and 公用经费 of the 一般公共预算基本支出 by 经济分类 款 (类 rows are
  formulas);
- 三公经费: this year's and last year's "三公" and 机关运行经费 budgets;
- 说明填写: 主要职能, 机构设置, reasons for changes, 政府采购预算, 绩效目标 (number and funds of the
  projects when their tables are not attached);
- 绩效目标: the projects with 绩效目标 (a row with a 项目名称 starts a project: its 项, funds and
  年度绩效目标; the rows under it add its indicators), printed as 项目支出绩效目标表.

A blank input cell is zero; text in an amount cell, a moved header, an unknown code, a missing
sheet, or figures that disagree are a :class:`~juesuan.generate.workbook.WorkbookError` naming
sheet and cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import catalog
from ..errors import InputError, UsageError
from . import workbook as wbk
from .budget import (
    TargetProject,
    BASIC_CLASSES,
    PERSONNEL_CLASSES,
    JIANGSU,
    VARIANTS,
    ZERO,
    BudgetEconomicLine,
    BudgetItem,
    BudgetNotes,
    BudgetSpec,
    PriorBudget,
    ThreePublicBudget,
)
from .workbook import FIRST_ROW, HEADER_ROW, TOTAL_ROW, WorkbookError

UNIT = "元"
JIANGSU_UNIT = "江苏表式以万元保留两位小数列示"
ITEM_ROWS = 60

INFO = "单位信息"
FUNCTIONS = "功能分类预算"
ECONOMIC = "基本支出经济分类"
SANGONG = "三公经费"
NOTES = "说明填写"
TARGETS = "绩效目标"
SHEETS = (INFO, FUNCTIONS, ECONOMIC, SANGONG, NOTES, TARGETS)
TARGET_ROWS = 60
TARGET_COLUMNS = (
    "项目名称",
    "功能分类科目编码",
    "项目资金（元）",
    "年度绩效目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
)
# the Jiangsu 2019 form prints every table in 万元 with two places, has no 国有资本经营预算, gives the
# 财政拨款基本支出 by the 一般公共预算 经济分类 and the 机关运行经费 by 经济分类 (its 公用经费)
JIANGSU_HINT = (
    "江苏表式各表以万元列示：金额须为百元的整数倍；不填国有资本经营预算和政府性基金基本支出；"
    "机关运行经费应等于基本支出经济分类的公用经费合计。"
)
MARK_SHEET = FUNCTIONS  # a workbook with this sheet is a budget workbook

VARIANT_NAMES = {
    "budget_shanghai": "上海市部门（单位）预算（9张表）",
    "budget_national": "部门（单位）预算（9张表）",
    "budget_jiangsu": "江苏省部门预算（2019年表式，12张表，万元）",
}

INFO_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("department", "部门（单位）名称", "text"),
    ("year", "预算年度", "year"),
    ("unit", "金额单位", "text"),
    ("variant", "公开格式（budget_shanghai / budget_national）", "variant"),
    ("scope", "预算范围（部门 / 单位）", "text"),
    ("prior_income_total", "上年收入预算（元）", "amount"),
    ("prior_fiscal", "上年财政拨款收入预算（元）", "amount"),
    ("prior_general", "上年一般公共预算拨款支出预算（元）", "amount"),
    ("prior_fund", "上年政府性基金拨款支出预算（元）", "amount"),
    ("prior_capital", "上年国有资本经营预算拨款支出预算（元）", "amount"),
)
NOTE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("duties", "主要职能", "text"),
    ("organisation", "机构设置", "text"),
    ("reason_fiscal", "财政拨款收入支出较上年预算变动的主要原因", "text"),
    ("reason_three_public", "“三公”经费预算较上年变动的主要原因", "text"),
    (
        "reason_operation_cost",
        "机关运行经费的范围（如“下属1家机关和1家参公事业单位”；无机关运行经费时写明原因）",
        "text",
    ),
    ("procurement_goods", "政府采购货物预算（元）", "amount"),
    ("procurement_works", "政府采购工程预算（元）", "amount"),
    ("procurement_services", "政府采购服务预算（元）", "amount"),
    ("performance_projects", "编报绩效目标的项目个数（个）", "int"),
    ("performance_funds", "编报绩效目标的项目涉及项目预算资金（元）", "amount"),
)
# 功能分类预算 columns: (header, role); role: code | name | sum | purpose | a BudgetItem field
FUNCTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("科目编码", "code"),
    ("科目名称", "name"),
    ("合计", "sum"),
    ("一般公共预算：基本支出", "general_basic"),
    ("一般公共预算：项目支出", "general_project"),
    ("政府性基金预算：基本支出", "fund_basic"),
    ("政府性基金预算：项目支出", "fund_project"),
    ("国有资本经营预算：基本支出", "capital_basic"),
    ("国有资本经营预算：项目支出", "capital_project"),
    ("事业收入", "business"),
    ("事业单位经营收入", "operating"),
    ("其他收入", "other"),
    ("其中：事业、经营、其他收入用于基本支出", "own_basic"),
    ("主要用途（可不填）", "purpose"),
)
AMOUNT_ROLES = tuple(r for _, r in FUNCTION_COLUMNS if r not in ("code", "name", "sum", "purpose"))
SUMMED = tuple(r for r in AMOUNT_ROLES if r != "own_basic")
ECONOMIC_COLUMNS = ("科目编码", "科目名称", "合计", "人员经费", "公用经费")
# 三公经费 rows: (key, label, parts summed by formula or None for an input row)
SANGONG_ROWS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("total", "“三公”经费合计", ("abroad", "reception", "car")),
    ("abroad", "因公出国（境）费", None),
    ("reception", "公务接待费", None),
    ("car", "公务用车购置及运行费", ("car_purchase", "car_operation")),
    ("car_purchase", "其中：公务用车购置费", None),
    ("car_operation", "其中：公务用车运行费", None),
    ("operation_cost", "机关运行经费", None),
)
SANGONG_COLUMNS = ("项目", "本年预算数", "上年预算数")


def budget_years() -> list[int]:
    """The years a budget can be made for: the catalogs' years and the year after the latest
    (a budget is made before the next year's catalog is bundled)."""
    years = sorted(set(catalog.available_years("functional")) & set(catalog.available_years("economic")))
    return years + [years[-1] + 1] if years else []


def economic_rows(year: int) -> list[tuple[str, str]]:
    """(code, name) of the 基本支出经济分类 sheet: each 类 of 基本支出 followed by its 款."""
    return wbk.economic_rows(year, (BASIC_CLASSES,))


def is_budget_workbook(path: Path) -> bool:
    """True when ``path`` is a workbook with the budget sheets (else it is read as a 决算 one)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # not a workbook: the 决算 reader says so in Chinese
        return False
    try:
        return MARK_SHEET in wb.sheetnames
    finally:
        wb.close()


# --- writing --------------------------------------------------------------------------------------


def _unit_line(ws: Any, st: Any, unit: str) -> None:
    ws.cell(row=3, column=1, value=f"单位：{unit}").font = st.plain


def _amount_validation(ws: Any, unit: str) -> Any:
    return wbk._validation(ws, "decimal", "金额有误", f"请填写不小于0的数字（单位：{unit}，最多两位小数）")


def write_budget_template(
    path: Path,
    variant: str = "budget_shanghai",
    year: int = 2025,
    spec: BudgetSpec | None = None,
    prior: PriorBudget | None = None,
) -> Path:
    """Write the budget fill-in workbook for ``variant`` and ``year``; filled with ``spec`` when
    given (the examples), with last year's budget ``prior`` when given (``--previous``)."""
    from openpyxl import Workbook

    if variant not in VARIANTS:
        raise UsageError(f"未知的预算公开格式“{variant}”：应为 {' / '.join(VARIANTS)}")
    if year not in budget_years():
        raise UsageError(
            f"没有{year}年预算可用的政府收支分类科目目录（可选年度：{'、'.join(map(str, budget_years()))}）"
        )
    st = wbk._style()
    wb = Workbook()
    ws = wb.active
    ws.title = INFO
    info: dict[str, Any] = {"year": year, "unit": UNIT, "variant": variant, "scope": "部门"}
    if spec is not None:
        info.update(department=spec.department, scope=spec.scope)
    p = prior or (spec.prior if spec is not None else None)
    if p is not None:
        info.update(
            prior_income_total=p.income_total or None,
            prior_fiscal=p.fiscal or None,
            prior_general=p.general or None,
            prior_fund=p.fund or None,
            prior_capital=p.capital or None,
        )
    wbk._key_value_sheet(
        ws,
        st,
        f"{year}年部门（单位）预算填报表：单位信息",
        f"灰色单元格由模板给出或自动计算，请只填白色单元格。公开格式：{VARIANT_NAMES[variant]}。金额单位：元。"
        + (JIANGSU_HINT if variant == JIANGSU else ""),
        INFO_FIELDS,
        info,
    )
    wbk._protect(ws)

    ws = wb.create_sheet(FUNCTIONS)
    cols = FUNCTION_COLUMNS
    wbk._head(
        ws,
        st,
        "支出功能分类预算",
        "只填“项”级（7位）科目，每行一个；基本支出、项目支出按资金来源分列，类、款和各表合计在生成时汇总。",
        len(cols),
    )
    _unit_line(ws, st, UNIT)
    for c, (header, _) in enumerate(cols, start=1):
        wbk._fixed(ws, st, HEADER_ROW, c, header, bold=True)
    last = FIRST_ROW + ITEM_ROWS - 1
    wbk._fixed(ws, st, TOTAL_ROW, 1, "")
    wbk._fixed(ws, st, TOTAL_ROW, 2, "合计", bold=True)
    for c, (_, role) in enumerate(cols, start=1):
        if role in AMOUNT_ROLES or role == "sum":
            L = wbk._col(c)
            wbk._fixed(ws, st, TOTAL_ROW, c, f"=SUM({L}{FIRST_ROW}:{L}{last})", fmt="#,##0.00")
        elif c > 2:
            wbk._fixed(ws, st, TOTAL_ROW, c, "")
    dv = _amount_validation(ws, UNIT)
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
    fcat = catalog.load("functional", year)
    items = list(spec.items) if spec else []
    summed = [wbk._col(c) for c, (_, r) in enumerate(cols, start=1) if r in SUMMED]
    for k in range(ITEM_ROWS):
        r = FIRST_ROW + k
        item = items[k] if k < len(items) else None
        for c, (_, role) in enumerate(cols, start=1):
            if role == "code":
                wbk._input(ws, st, r, c, item.code if item else None, codes, "@")
            elif role == "name":
                entry = fcat.get(item.code) if item else None
                wbk._input(ws, st, r, c, entry.name if entry else None)
            elif role == "sum":
                wbk._fixed(ws, st, r, c, "=" + "+".join(f"{L}{r}" for L in summed), fmt="#,##0.00")
            elif role == "purpose":
                wbk._input(ws, st, r, c, item.purpose or None if item else None)
            else:
                v = getattr(item, role) if item else ZERO
                wbk._input(ws, st, r, c, v or None, dv, "#,##0.00")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 30
    for c in range(3, len(cols) + 1):
        ws.column_dimensions[wbk._col(c)].width = 16
    ws.column_dimensions[wbk._col(len(cols))].width = 36
    ws.freeze_panes = f"C{FIRST_ROW}"
    wbk._protect(ws)

    ws = wb.create_sheet(ECONOMIC)
    wbk._head(
        ws,
        st,
        "一般公共预算基本支出经济分类",
        "按支出经济分类“款”填写一般公共预算基本支出的人员经费和公用经费；合计应等于“功能分类预算”的一般公共预算基本支出合计。",
        len(ECONOMIC_COLUMNS),
    )
    _unit_line(ws, st, UNIT)
    for c, header in enumerate(ECONOMIC_COLUMNS, start=1):
        wbk._fixed(ws, st, HEADER_ROW, c, header, bold=True)
    amounts = {line.code: line for line in (spec.economic if spec else ())}
    rows = economic_rows(year)
    dv = _amount_validation(ws, UNIT)
    class_rows: list[int] = []
    for k, (code, label) in enumerate(rows):
        r = FIRST_ROW + k
        bold = len(code) == 3
        wbk._fixed(ws, st, r, 1, code, bold=bold)
        wbk._fixed(ws, st, r, 2, label, bold=bold)
        wbk._fixed(ws, st, r, 3, f"=D{r}+E{r}", bold=bold, fmt="#,##0.00")
        if bold:
            class_rows.append(r)
            end = r + 1
            while end - FIRST_ROW < len(rows) and len(rows[end - FIRST_ROW][0]) == 5:
                end += 1
            for L in "DE":
                wbk._fixed(ws, st, r, "CDE".index(L) + 3, f"=SUM({L}{r + 1}:{L}{end - 1})", bold=True, fmt="#,##0.00")
        else:
            line = amounts.get(code)
            wbk._input(ws, st, r, 4, (line.personnel or None) if line else None, dv, "#,##0.00")
            wbk._input(ws, st, r, 5, (line.public or None) if line else None, dv, "#,##0.00")
    wbk._fixed(ws, st, TOTAL_ROW, 1, "")
    wbk._fixed(ws, st, TOTAL_ROW, 2, "合计", bold=True)
    for L in "CDE":
        wbk._fixed(
            ws,
            st,
            TOTAL_ROW,
            "CDE".index(L) + 3,
            "=" + "+".join(f"{L}{r}" for r in class_rows),
            bold=True,
            fmt="#,##0.00",
        )
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 36
    for L in "CDE":
        ws.column_dimensions[L].width = 16
    ws.freeze_panes = f"C{FIRST_ROW}"
    wbk._protect(ws)

    ws = wb.create_sheet(SANGONG)
    wbk._head(ws, st, "“三公”经费和机关运行经费预算", "合计和公务用车购置及运行费自动汇总；金额单位：万元。", 3)
    _unit_line(ws, st, "万元")
    for c, header in enumerate(SANGONG_COLUMNS, start=1):
        wbk._fixed(ws, st, HEADER_ROW, c, header, bold=True)
    tp = spec.three_public if spec else ThreePublicBudget()
    prior_tp = p.three_public if p is not None else ThreePublicBudget()
    at = {key: TOTAL_ROW + k for k, (key, _, _) in enumerate(SANGONG_ROWS)}
    dv = _amount_validation(ws, "万元")
    for key, label, parts in SANGONG_ROWS:
        r = at[key]
        wbk._fixed(ws, st, r, 1, label, bold=key == "total")
        for c, source in ((2, tp), (3, prior_tp)):
            if parts:
                L = wbk._col(c)
                wbk._fixed(ws, st, r, c, "=" + "+".join(f"{L}{at[p]}" for p in parts), fmt="#,##0.00")
            else:
                wbk._input(ws, st, r, c, getattr(source, key) or None, dv, "#,##0.00")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 16
    wbk._protect(ws)

    ws = wb.create_sheet(NOTES)
    notes: dict[str, Any] = {}
    if spec is not None:
        n = spec.notes
        notes = {
            "duties": n.duties,
            "organisation": n.organisation,
            "reason_fiscal": n.reason_fiscal,
            "reason_three_public": n.reason_three_public,
            "reason_operation_cost": n.reason_operation_cost,
            "procurement_goods": n.procurement[0] or None,
            "procurement_works": n.procurement[1] or None,
            "procurement_services": n.procurement[2] or None,
            "performance_projects": n.performance_projects or None,
            "performance_funds": n.performance_funds or None,
        }
    wbk._key_value_sheet(
        ws,
        st,
        "编制说明填写",
        "原因不填的，生成的编制说明中会留下“【请填写：…】”标记，发布前须改写（juesuan check 会报告残留标记）。",
        NOTE_FIELDS,
        notes,
    )
    wbk._protect(ws)

    ws = wb.create_sheet(TARGETS)
    wbk._head(
        ws,
        st,
        "项目支出绩效目标",
        "每个项目一张项目支出绩效目标表：填项目名称的行开始一个项目（科目编码、项目资金、年度绩效目标），"
        "其下不填项目名称的行为该项目的其他绩效指标。不附绩效目标表的，在“说明填写”中填项目个数和涉及资金。",
        len(TARGET_COLUMNS),
    )
    _unit_line(ws, st, UNIT)
    for c, header in enumerate(TARGET_COLUMNS, start=1):
        wbk._fixed(ws, st, HEADER_ROW, c, header, bold=True)
    dv = _amount_validation(ws, UNIT)
    target_lines: list[list[Any]] = []
    for t in spec.targets if spec else ():
        inds = list(t.indicators) or [("", "", "", "")]
        for k, ind in enumerate(inds):
            head: list[Any] = [t.name, t.code, t.amount, t.goal] if k == 0 else [None, None, None, None]
            target_lines.append(head + [x or None for x in ind])
    for k in range(TARGET_ROWS):
        r = TOTAL_ROW + k
        values = target_lines[k] if k < len(target_lines) else [None] * len(TARGET_COLUMNS)
        for c, v in enumerate(values, start=1):
            if c == 3:
                wbk._input(ws, st, r, c, v, dv, "#,##0.00")
            else:
                wbk._input(ws, st, r, c, v, None, "@" if c == 2 else None)
    for c, width in enumerate((28, 14, 16, 40, 12, 12, 24, 14), start=1):
        ws.column_dimensions[wbk._col(c)].width = width
    wbk._protect(ws)
    wb.save(path)
    return path


# --- reading --------------------------------------------------------------------------------------


class _Reader(wbk._Reader):
    """The 决算 workbook reader's checks, with the amount unit of the sheet in its messages."""

    def unit_of(self, ws: Any) -> str:
        return "万元" if ws.title == SANGONG else UNIT


@dataclass
class BudgetWorkbook:
    spec: BudgetSpec
    variant: str
    item_rows: dict[str, int]  # 项 code -> row of the 功能分类预算 sheet


def read_budget_workbook(path: Path) -> BudgetWorkbook:
    """Read a filled budget workbook. Raises :class:`WorkbookError` (every problem found, each
    naming sheet and cell) when it cannot give a consistent budget."""
    rd = _Reader(wbk.open_workbook(path))
    sheets = {name: rd.sheet(name) for name in SHEETS}
    if rd.problems:
        raise WorkbookError(rd.problems)
    info = rd.key_values(sheets[INFO], INFO_FIELDS)
    notes = rd.key_values(sheets[NOTES], NOTE_FIELDS)
    if rd.problems:
        raise WorkbookError(rd.problems)

    def info_cell(key: str) -> str:
        k = [f[0] for f in INFO_FIELDS].index(key)
        return rd.where(sheets[INFO], HEADER_ROW + 1 + k, 2)

    def note_cell(key: str) -> str:
        k = [f[0] for f in NOTE_FIELDS].index(key)
        return rd.where(sheets[NOTES], HEADER_ROW + 1 + k, 2)

    variant = info["variant"] or "budget_shanghai"
    if variant not in VARIANTS:
        rd.problems.append(f"{info_cell('variant')}的公开格式“{variant}”未知：应为 {' / '.join(VARIANTS)}")
    year = info["year"]
    if year not in budget_years():
        rd.problems.append(f"{info_cell('year')}的预算年度“{year}”没有可用的科目目录")
        raise WorkbookError(rd.problems)
    if not info["department"]:
        rd.problems.append(f"{info_cell('department')}未填写部门（单位）名称")
    if (info["unit"] or UNIT) != UNIT:
        rd.problems.append(
            f"{info_cell('unit')}的金额单位应为“{UNIT}”（预算填报表的金额以元填写，“三公经费”以万元填写）"
        )
    scope = info["scope"] or "部门"
    if scope not in ("部门", "单位"):
        rd.problems.append(f"{info_cell('scope')}的预算范围应为“部门”或“单位”，实际为“{scope}”")
    for key in ("prior_income_total", "prior_fiscal"):
        if not info[key]:
            rd.problems.append(f"{info_cell(key)}未填写（编制说明与上年预算比较需要，应大于0）")

    ws = sheets[FUNCTIONS]
    before = len(rd.problems)
    for c, (header, _) in enumerate(FUNCTION_COLUMNS, start=1):
        rd.expect(ws, HEADER_ROW, c, header)
    if len(rd.problems) > before:
        raise WorkbookError(rd.problems)
    fcat = catalog.load("functional", year)
    col_of = {role: c for c, (_, role) in enumerate(FUNCTION_COLUMNS, start=1)}
    items: list[BudgetItem] = []
    item_rows: dict[str, int] = {}
    for r in range(FIRST_ROW, max(ws.max_row, FIRST_ROW + ITEM_ROWS - 1) + 1):
        code = rd.text(ws, r, col_of["code"])
        fields = {role: rd.amount(ws, r, col_of[role]) for role in AMOUNT_ROLES}
        purpose = rd.text(ws, r, col_of["purpose"])
        if not code:
            if any(fields.values()):
                rd.problems.append(f"{rd.where(ws, r, 1)}未填科目编码，但该行填了金额")
            continue
        entry = fcat.get(code)
        if entry is None or entry.level != 3:
            what = "不是7位“项”级科目" if entry is not None else f"不在{fcat.year}年支出功能分类科目目录中"
            rd.problems.append(f"{rd.where(ws, r, 1)}的科目编码“{code}”{what}")
            continue
        if code in item_rows:
            rd.problems.append(f"{rd.where(ws, r, 1)}的科目编码{code}与第{item_rows[code]}行重复")
            continue
        item = BudgetItem(code, purpose=purpose, **fields)
        if not item.total:
            rd.problems.append(f"{rd.where(ws, r, 1)}的科目{code}没有填任何金额")
            continue
        if item.own_basic > item.own:
            rd.problems.append(
                f"科目{code}：{rd.where(ws, r, col_of['own_basic'])}的用于基本支出{item.own_basic:,.2f}元大于"
                f"事业收入、事业单位经营收入和其他收入之和{item.own:,.2f}元"
            )
        item_rows[code] = r
        items.append(item)
    if not items:
        rd.problems.append(f"{rd.where(ws, FIRST_ROW, 1)}起未填任何支出功能分类科目")
    if variant == JIANGSU:
        for item in items:
            r = item_rows[item.code]
            for role in AMOUNT_ROLES:
                v = getattr(item, role)
                if role in ("capital_basic", "capital_project", "fund_basic") and v:
                    what = "国有资本经营预算" if role.startswith("capital") else "政府性基金基本支出"
                    rd.problems.append(f"{rd.where(ws, r, col_of[role])}：江苏表式没有{what}，不能填写（{v:,.2f}元）")
                elif v % 100:
                    rd.problems.append(f"{rd.where(ws, r, col_of[role])}的{v:,.2f}元不是百元的整数倍（{JIANGSU_UNIT}）")

    ws = sheets[ECONOMIC]
    for c, header in enumerate(ECONOMIC_COLUMNS, start=1):
        rd.expect(ws, HEADER_ROW, c, header)
    econ: list[BudgetEconomicLine] = []
    for k, (code, _label) in enumerate(economic_rows(year)):
        r = FIRST_ROW + k
        if rd.text(ws, r, 1) != code:
            rd.problems.append(
                f"{rd.where(ws, r, 1)}应为经济分类科目“{code}”，实际为“{rd.text(ws, r, 1)}”：行被移动、插入或删除"
            )
            break
        if len(code) == 5:
            personnel, public = rd.amount(ws, r, 4), rd.amount(ws, r, 5)
            if personnel and code[:3] not in PERSONNEL_CLASSES:
                rd.problems.append(f"{rd.where(ws, r, 4)}：{code}属于公用经费，不应填在人员经费列")
            if public and code[:3] in PERSONNEL_CLASSES:
                rd.problems.append(f"{rd.where(ws, r, 5)}：{code}属于人员经费，不应填在公用经费列")
            if personnel or public:
                econ.append(BudgetEconomicLine(code, personnel, public))
            if variant == JIANGSU:
                for c, v in ((4, personnel), (5, public)):
                    if v % 100:
                        rd.problems.append(f"{rd.where(ws, r, c)}的{v:,.2f}元不是百元的整数倍（{JIANGSU_UNIT}）")
    general_basic = sum((i.general_basic for i in items), ZERO)
    econ_total = sum((x.total for x in econ), ZERO)
    if not rd.problems and econ_total != general_basic:
        basic_col = wbk._col(col_of["general_basic"])
        rd.problems.append(
            f"工作表“{ECONOMIC}”的合计{econ_total:,.2f}元（单元格C{TOTAL_ROW}）与工作表“{FUNCTIONS}”的一般公共预算基本支出"
            f"合计{general_basic:,.2f}元（单元格{basic_col}{TOTAL_ROW}）不相等（相差{econ_total - general_basic:,.2f}元）"
        )

    ws = sheets[SANGONG]
    for c, header in enumerate(SANGONG_COLUMNS, start=1):
        rd.expect(ws, HEADER_ROW, c, header)
    now: dict[str, Decimal] = {}
    before_tp: dict[str, Decimal] = {}
    for k, (key, label, parts) in enumerate(SANGONG_ROWS):
        r = TOTAL_ROW + k
        if rd.expect(ws, r, 1, label) and parts is None:
            now[key], before_tp[key] = rd.amount(ws, r, 2), rd.amount(ws, r, 3)
    reception_econ = sum((x.total for x in econ if x.code == "30217"), ZERO)
    if "reception" in now and now["reception"] * 10000 < reception_econ:
        r = TOTAL_ROW + [k for k, _, _ in SANGONG_ROWS].index("reception")
        rd.problems.append(
            f"{rd.where(ws, r, 2)}的公务接待费预算{now['reception']:,.2f}万元小于工作表“{ECONOMIC}”30217公务接待费"
            f"{reception_econ:,.2f}元"
        )

    public_total = sum((x.public for x in econ), ZERO)
    if variant == JIANGSU and "operation_cost" in now and now["operation_cost"] * 10000 != public_total:
        r = TOTAL_ROW + [k for k, _, _ in SANGONG_ROWS].index("operation_cost")
        rd.problems.append(
            f"{rd.where(ws, r, 2)}的机关运行经费{now['operation_cost']:,.2f}万元与工作表“{ECONOMIC}”的公用经费合计"
            f"{public_total:,.2f}元（单元格E{TOTAL_ROW}）不相等：江苏表式按经济分类列示机关运行经费（其公用经费）"
        )
    if variant == JIANGSU:
        for key in ("procurement_goods", "procurement_works", "procurement_services"):
            if notes[key] % 100:
                rd.problems.append(f"{note_cell(key)}的{notes[key]:,.2f}元不是百元的整数倍（{JIANGSU_UNIT}）")

    project_total = sum((i.project for i in items), ZERO)
    ws = sheets[TARGETS]
    for c, header in enumerate(TARGET_COLUMNS, start=1):
        rd.expect(ws, HEADER_ROW, c, header)
    targets: list[TargetProject] = []
    current: dict[str, Any] | None = None
    projects_of = {i.code: i.project for i in items}
    funds_by_code: dict[str, Decimal] = {}
    target_rows: dict[str, int] = {}

    def close() -> None:
        if current is not None:
            targets.append(TargetProject(**current))

    for r in range(TOTAL_ROW, max(ws.max_row, TOTAL_ROW + TARGET_ROWS - 1) + 1):
        name, code, goal = rd.text(ws, r, 1), rd.text(ws, r, 2), rd.text(ws, r, 4)
        amount = rd.amount(ws, r, 3)
        ind = tuple(rd.text(ws, r, c) for c in range(5, 9))
        if name:
            close()
            if name in target_rows:
                rd.problems.append(f"{rd.where(ws, r, 1)}的项目“{name}”与第{target_rows[name]}行重复")
            target_rows[name] = r
            if code not in projects_of:
                rd.problems.append(f"{rd.where(ws, r, 2)}的科目编码“{code}”不是“{FUNCTIONS}”中填报的科目")
            elif not amount:
                rd.problems.append(f"{rd.where(ws, r, 3)}未填项目“{name}”的项目资金")
            funds_by_code[code] = funds_by_code.get(code, ZERO) + amount
            current = {"name": name, "code": code, "amount": amount, "goal": goal, "indicators": ()}
        elif code or amount or goal:
            rd.problems.append(f"{rd.where(ws, r, 1)}未填项目名称，但该行填了科目编码、项目资金或年度绩效目标")
            continue
        if any(ind):
            if current is None:
                rd.problems.append(f"{rd.where(ws, r, 5)}的绩效指标之前没有项目名称")
                continue
            current["indicators"] = (*current["indicators"], ind)
    close()
    for code, funds in funds_by_code.items():
        if code in projects_of and funds > projects_of[code]:
            rd.problems.append(
                f"工作表“{TARGETS}”中科目{code}的项目资金合计{funds:,.2f}元大于工作表“{FUNCTIONS}”第{item_rows[code]}行"
                f"该科目的项目支出{projects_of[code]:,.2f}元"
            )
    if targets and (notes["performance_projects"] or notes["performance_funds"]):
        rd.problems.append(
            f"已在工作表“{TARGETS}”中填了{len(targets)}个项目：{note_cell('performance_projects')}和"
            f"{note_cell('performance_funds')}应留空（只在不附绩效目标表时填写）"
        )
    if notes["performance_funds"] > project_total and items:
        rd.problems.append(
            f"{note_cell('performance_funds')}的绩效目标项目资金{notes['performance_funds']:,.2f}元大于项目支出预算合计"
            f"{project_total:,.2f}元"
        )
    if bool(notes["performance_projects"]) != bool(notes["performance_funds"]):
        rd.problems.append(
            f"{note_cell('performance_projects')}的项目个数与{note_cell('performance_funds')}的涉及资金应同时填写"
        )
    if rd.problems:
        raise WorkbookError(rd.problems)
    spec = BudgetSpec(
        department=info["department"],
        year=year,
        scope=scope,
        items=tuple(items),
        economic=tuple(econ),
        three_public=ThreePublicBudget(**now),
        prior=PriorBudget(
            income_total=info["prior_income_total"],
            fiscal=info["prior_fiscal"],
            general=info["prior_general"],
            fund=info["prior_fund"],
            capital=info["prior_capital"],
            three_public=ThreePublicBudget(**before_tp),
        ),
        notes=BudgetNotes(
            duties=notes["duties"],
            organisation=notes["organisation"],
            reason_fiscal=notes["reason_fiscal"],
            reason_three_public=notes["reason_three_public"],
            reason_operation_cost=notes["reason_operation_cost"],
            procurement=(notes["procurement_goods"], notes["procurement_works"], notes["procurement_services"]),
            performance_projects=notes["performance_projects"],
            performance_funds=notes["performance_funds"],
        ),
        targets=tuple(targets),
    )
    return BudgetWorkbook(spec, variant, item_rows)


def prior_from_workbook(path: Path) -> PriorBudget:
    """Last year's budget from last year's filled budget workbook: its own totals."""
    from .budget import derive

    spec = read_budget_workbook(path).spec
    t = derive(spec).total
    return PriorBudget(
        income_total=t.total,
        fiscal=t.fiscal,
        general=t.general,
        fund=t.fund,
        capital=t.capital,
        three_public=spec.three_public,
    )


def prior_from_document(doc: Any, name: str) -> PriorBudget:
    """Last year's budget from last year's 预算 disclosure (any readable format): 收入总计 and
    财政拨款收入 of the 财务收支预算总表, the 财政拨款支出 by source of the 财政拨款收支预算总表, the
    "三公" and 机关运行经费 budgets; amounts converted from the tables' units (元 / 万元)."""
    from ..textnorm import UNIT_FACTORS

    if doc.kind != "预算":
        raise InputError(f"上年公开文件不是预算公开文件（识别为{doc.kind}）：{name}", code="previous")

    def value(table_id: str, concept: str, column: str, unit: str = UNIT) -> Decimal | None:
        for t in doc.tables:
            if t.id != table_id:
                continue
            factor = UNIT_FACTORS.get(t.unit or "", None)
            for row in t.rows:
                cell = row.cells.get(column)
                if row.concept == concept and cell is not None and cell.value is not None and factor is not None:
                    return (cell.value * factor / UNIT_FACTORS[unit]).quantize(Decimal("0.01"))
        return None

    def first(*found: Decimal | None) -> Decimal | None:
        return next((v for v in found if v is not None), None)

    # the Jiangsu 2019 form: 财政拨款 by source in the 收入 block of the 财政拨款收支预算总表, the "三公"
    # in its own table, the 机关运行经费 the total of its 经济分类 table
    found = {
        "income_total": value("budget_summary", "income_grand_total", "amount"),
        "fiscal": value("budget_summary", "income_fiscal", "amount"),
        "general": first(
            value("budget_fiscal_summary", "expenditure_grand_total", "general"),
            value("budget_fiscal_summary", "income_general", "amount"),
        ),
        "fund": first(
            value("budget_fiscal_summary", "expenditure_grand_total", "fund"),
            value("budget_fiscal_summary", "income_fund", "amount"),
        ),
        "capital": value("budget_fiscal_summary", "expenditure_grand_total", "capital"),
    }
    tp = {
        key: first(
            value("budget_three_public", "total", key, "万元"), value("budget_js_three_public", "total", key, "万元")
        )
        for key in ("abroad", "reception", "car_purchase", "car_operation", "operation_cost")
    }
    if tp["operation_cost"] is None:
        tp["operation_cost"] = value("budget_js_operation", "total", "amount", "万元")
    if found["income_total"] is None and found["fiscal"] is None:
        raise InputError(f"未能从上年公开文件中读出收入总计或财政拨款收入：{name}", code="previous")
    return PriorBudget(
        **{k: v if v is not None else ZERO for k, v in found.items()},
        three_public=ThreePublicBudget(**{k: v if v is not None else ZERO for k, v in tp.items()}),
    )
