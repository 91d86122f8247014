"""The budget (预算) variant of the generator: a :class:`BudgetSpec` of primary figures → the
disclosure model of a 预算 variant (the 9-table 部门预算 / 单位预算 set of ``layouts/budget.yaml``).

- primary figures: one line per 支出功能分类 项 (基本/项目 by funding source: 一般公共预算,
  政府性基金, 国有资本经营预算 appropriations; 事业收入, 事业单位经营收入, 其他收入 with the part
  spent on 基本支出), the 一般公共预算基本支出 by 经济分类 款 (人员经费 / 公用经费), the "三公" and
  机关运行经费 budgets, last year's budget for the comparisons, and what figures cannot give
  (reasons, 政府采购, 绩效目标);
- :func:`derive` sums them (类/款 rows, every total); amounts in 元 (the "三公" table in 万元, as
  Shanghai prints them);
- :func:`budget_tables` lays every table out from the layout data: a grid's columns are the
  layout's columns (ids and printed headers), its rows the 类/款/项 of the 支出功能分类 (or 经济分类)
  and the layout's total row; a side-by-side table's blocks, block headers, row concepts and labels
  come from the layout's blocks and rows. Only which derived figure fills which column id is code
  (:data:`VALUES`);
- :func:`budget_narrative` drafts the 编制说明 and the 其他相关情况说明 from the figures, with a
  【请填写：…】 marker wherever a reason must be written by a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable

from .. import catalog
from ..layouts import Layouts, TableLayout
from ..layouts import load as load_layouts
from ..model import Cell, Column, Disclosure, Paragraph, PerformanceTable, Row, Table
from ..textnorm import CellKind

ZERO = Decimal(0)
WAN = Decimal(10000)
CENT = Decimal("0.01")
VARIANTS = ("budget_shanghai", "budget_national")
UNIT = "元"
THREE_PUBLIC_UNIT = "万元"
PERSONNEL_CLASSES = ("301", "303")  # 工资福利支出, 对个人和家庭的补助; the rest is 公用经费
BASIC_CLASSES = ("301", "302", "303")  # the 经济分类 类 of 基本支出 (部门预算支出经济分类)
CN_NUMBERS = "一二三四五六七八九十"


class BudgetSpecError(ValueError):
    """The parts of a budget spec cannot agree (message in Chinese)."""


@dataclass(frozen=True)
class BudgetItem:
    """One 支出功能分类 项 (7-digit code), in 元."""

    code: str
    general_basic: Decimal = ZERO
    general_project: Decimal = ZERO
    fund_basic: Decimal = ZERO
    fund_project: Decimal = ZERO
    capital_basic: Decimal = ZERO
    capital_project: Decimal = ZERO
    business: Decimal = ZERO  # 事业收入
    operating: Decimal = ZERO  # 事业单位经营收入
    other: Decimal = ZERO  # 其他收入
    own_basic: Decimal = ZERO  # of 事业收入 + 经营收入 + 其他收入: the part spent on 基本支出
    purpose: str = ""  # 主要用于…

    @property
    def general(self) -> Decimal:
        return self.general_basic + self.general_project

    @property
    def fund(self) -> Decimal:
        return self.fund_basic + self.fund_project

    @property
    def capital(self) -> Decimal:
        return self.capital_basic + self.capital_project

    @property
    def fiscal(self) -> Decimal:
        return self.general + self.fund + self.capital

    @property
    def own(self) -> Decimal:
        return self.business + self.operating + self.other

    @property
    def total(self) -> Decimal:
        return self.fiscal + self.own

    @property
    def basic(self) -> Decimal:
        return self.general_basic + self.fund_basic + self.capital_basic + self.own_basic

    @property
    def project(self) -> Decimal:
        return self.total - self.basic


@dataclass(frozen=True)
class BudgetEconomicLine:
    """One 经济分类 款 (5-digit code) of the 一般公共预算基本支出, in 元."""

    code: str
    personnel: Decimal = ZERO
    public: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.personnel + self.public


@dataclass(frozen=True)
class ThreePublicBudget:
    """The "三公" and 机关运行经费 budgets, in 万元 (as the table prints them)."""

    abroad: Decimal = ZERO
    reception: Decimal = ZERO
    car_purchase: Decimal = ZERO
    car_operation: Decimal = ZERO
    operation_cost: Decimal = ZERO  # 机关运行经费

    @property
    def car(self) -> Decimal:
        return self.car_purchase + self.car_operation

    @property
    def total(self) -> Decimal:
        return self.abroad + self.reception + self.car


@dataclass(frozen=True)
class PriorBudget:
    """Last year's budget, for the year-on-year statements: amounts in 元, the "三公" in 万元."""

    income_total: Decimal = ZERO
    fiscal: Decimal = ZERO
    general: Decimal = ZERO
    fund: Decimal = ZERO
    capital: Decimal = ZERO
    three_public: ThreePublicBudget = field(default_factory=ThreePublicBudget)


@dataclass(frozen=True)
class BudgetNotes:
    """What figures cannot give; a reason left empty becomes a 【请填写：…】 marker."""

    duties: str = ""  # 部门主要职能
    organisation: str = ""  # 机构设置
    reason_fiscal: str = ""  # 财政拨款收入支出变动的主要原因
    reason_three_public: str = ""  # "三公"经费预算变动的主要原因
    reason_operation_cost: str = ""  # 机关运行经费 (its scope: which units, or why none)
    procurement: tuple[Decimal, Decimal, Decimal] = (ZERO, ZERO, ZERO)  # 货物, 工程, 服务 (元)
    performance_projects: int = 0  # 编报绩效目标的项目个数
    performance_funds: Decimal = ZERO  # their 项目预算资金 (元)


@dataclass(frozen=True)
class TargetProject:
    """A project with 绩效目标: its 项目支出绩效目标表 (one per project)."""

    name: str
    code: str  # the 支出功能分类 项 it is budgeted under
    amount: Decimal  # 项目资金 (元)
    goal: str = ""  # 年度绩效目标
    indicators: tuple[tuple[str, str, str, str], ...] = ()  # 一级指标, 二级指标, 三级指标, 指标值


@dataclass(frozen=True)
class BudgetSpec:
    department: str
    year: int
    items: tuple[BudgetItem, ...]
    economic: tuple[BudgetEconomicLine, ...] = ()
    three_public: ThreePublicBudget = field(default_factory=ThreePublicBudget)
    prior: PriorBudget = field(default_factory=PriorBudget)
    notes: BudgetNotes = field(default_factory=BudgetNotes)
    scope: str = "部门"  # 部门 | 单位
    unit: str = UNIT
    targets: tuple[TargetProject, ...] = ()  # the 项目支出绩效目标表 attached (none: not attached)

    @property
    def target_count(self) -> int:
        return len(self.targets) or self.notes.performance_projects

    @property
    def target_funds(self) -> Decimal:
        return sum((t.amount for t in self.targets), ZERO) if self.targets else self.notes.performance_funds


# --- derived figures ------------------------------------------------------------------------------

FIELDS = (
    "general_basic",
    "general_project",
    "fund_basic",
    "fund_project",
    "capital_basic",
    "capital_project",
    "business",
    "operating",
    "other",
    "own_basic",
)


def _sum_items(items: Iterable[BudgetItem], code: str = "") -> BudgetItem:
    listed = list(items)
    kw: dict[str, Decimal] = {f: sum((getattr(i, f) for i in listed), ZERO) for f in FIELDS}
    return BudgetItem(code, **kw)  # type: ignore[arg-type]  # every key is a Decimal field


@dataclass
class BudgetAccounts:
    """Every figure of the tables: the 类/款/项 lines of the 支出功能分类 (each 类 and 款 the sum of
    its 项), the 经济分类 类/款 lines, and the totals."""

    spec: BudgetSpec
    lines: list[tuple[str, str, BudgetItem]]  # (code, name, figures) of 类, 款, 项 in order
    total: BudgetItem
    economic: list[tuple[str, str, BudgetEconomicLine]]  # 类 and 款 of 经济分类
    personnel: Decimal
    public: Decimal

    @property
    def classes(self) -> list[tuple[str, str, BudgetItem]]:
        return [line for line in self.lines if len(line[0]) == 3]


def derive(spec: BudgetSpec) -> BudgetAccounts:
    """Every total of ``spec``. Raises :class:`BudgetSpecError` when its parts disagree."""
    fcat = catalog.load("functional", spec.year)
    ecat = catalog.load("economic", spec.year)
    if not spec.items:
        raise BudgetSpecError("没有任何支出功能分类科目")
    codes = [i.code for i in spec.items]
    if len(set(codes)) != len(codes):
        raise BudgetSpecError("支出功能分类科目重复")
    lines: list[tuple[str, str, BudgetItem]] = []
    for cls in sorted({c[:3] for c in codes}):
        for code in [cls] + sorted({c[:5] for c in codes if c.startswith(cls)}):
            entry = fcat.get(code)
            if entry is None:
                raise BudgetSpecError(f"科目编码{code}不在支出功能分类科目目录中")
            lines.append((code, entry.name, _sum_items(i for i in spec.items if i.code.startswith(code))))
            if len(code) == 5:
                for item in sorted((i for i in spec.items if i.code.startswith(code)), key=lambda i: i.code):
                    e = fcat.get(item.code)
                    if e is None or e.level != 3:
                        raise BudgetSpecError(f"科目编码{item.code}不是支出功能分类“项”级科目")
                    lines.append((item.code, e.name, item))
    for i in spec.items:
        if i.own_basic > i.own:
            raise BudgetSpecError(f"科目{i.code}：非财政拨款资金用于基本支出的部分大于其收入")
    total = _sum_items(spec.items)
    econ: list[tuple[str, str, BudgetEconomicLine]] = []
    for cls in sorted({line.code[:3] for line in spec.economic}):
        kids = sorted((line for line in spec.economic if line.code[:3] == cls), key=lambda x: x.code)
        head = ecat.get(cls)
        if head is None:
            raise BudgetSpecError(f"经济分类科目{cls}不在目录中")
        econ.append(
            (
                cls,
                head.name,
                BudgetEconomicLine(cls, sum((k.personnel for k in kids), ZERO), sum((k.public for k in kids), ZERO)),
            )
        )
        for k in kids:
            e = ecat.get(k.code)
            if e is None:
                raise BudgetSpecError(f"经济分类科目{k.code}不在目录中")
            econ.append((k.code, e.name, k))
    personnel = sum((x.personnel for x in spec.economic), ZERO)
    public = sum((x.public for x in spec.economic), ZERO)
    if personnel + public != total.general_basic:
        raise BudgetSpecError(
            f"一般公共预算基本支出经济分类合计{_yuan(personnel + public)}元与功能分类基本支出{_yuan(total.general_basic)}元不相等"
        )
    return BudgetAccounts(spec, lines, total, econ, personnel, public)


# --- tables from the layout data ----------------------------------------------------------------------

Value = Callable[[BudgetItem], Decimal]

# Which derived figure fills which column of a 支出功能分类 grid (column ids of layouts/budget.yaml).
VALUES: dict[str, dict[str, Value]] = {
    "budget_income": {
        "total": lambda i: i.total,
        "fiscal": lambda i: i.fiscal,
        "business": lambda i: i.business,
        "operating": lambda i: i.operating,
        "other": lambda i: i.other,
    },
    "budget_expenditure": {"total": lambda i: i.total, "basic": lambda i: i.basic, "project": lambda i: i.project},
    "budget_general": {
        "total": lambda i: i.general,
        "basic": lambda i: i.general_basic,
        "project": lambda i: i.general_project,
    },
    "budget_fund": {"total": lambda i: i.fund, "basic": lambda i: i.fund_basic, "project": lambda i: i.fund_project},
    "budget_capital": {
        "total": lambda i: i.capital,
        "basic": lambda i: i.capital_basic,
        "project": lambda i: i.capital_project,
    },
    # side-by-side tables: the 支出 block's class rows
    "budget_summary": {"amount": lambda i: i.total},
    "budget_fiscal_summary": {
        "total": lambda i: i.fiscal,
        "general": lambda i: i.general,
        "fund": lambda i: i.fund,
        "capital": lambda i: i.capital,
    },
}
# what each table lists: the 项 with a figure in it (the fund tables only their own money)
LISTED: dict[str, Value] = {
    "budget_income": lambda i: i.total,
    "budget_expenditure": lambda i: i.total,
    "budget_general": lambda i: i.general,
    "budget_fund": lambda i: i.fund,
    "budget_capital": lambda i: i.capital,
    "budget_summary": lambda i: i.total,
    "budget_fiscal_summary": lambda i: i.fiscal,
}
EMPTY_SOURCE = {"budget_fund": "政府性基金预算", "budget_capital": "国有资本经营预算"}


def _yuan(v: Decimal) -> str:
    return f"{v:,.2f}"


class _Printer:
    """Amounts as printed: whole 元 when every 元 figure of the budget is whole (as Shanghai prints
    them), else two places; the "三公" table in 万元 with two places."""

    def __init__(self, whole: bool):
        self.whole = whole

    def cell(self, v: Decimal) -> Cell:
        raw = f"{v:,.0f}" if self.whole else f"{v:,.2f}"
        return Cell(raw, CellKind.NUMBER, v)

    @staticmethod
    def wan(v: Decimal) -> Cell:
        return Cell(f"{v:,.2f}", CellKind.NUMBER, v)


def _columns(specs: list, block: str = "main") -> list[Column]:
    return [Column(c.id, c.header, block=block) for c in specs]


def _title(spec: BudgetSpec, lay: TableLayout) -> str:
    who = "部门" if spec.scope == "部门" else "预算单位"
    return f"{spec.year}年{who}{lay.name}"


def _grid(acc: BudgetAccounts, lay: TableLayout, pr: _Printer) -> Table:
    """A 支出功能分类 grid: 类, 款, 项 rows of the 项 the table lists, then the layout's total row."""
    values = VALUES[lay.id]
    listed = LISTED[lay.id]
    columns = _columns(lay.columns)
    rows: list[Row] = []
    for code, name, fig in acc.lines:
        if not listed(fig):
            continue
        rows.append(Row(label=name, code=code, cells={c.id: pr.cell(values[c.id](fig)) for c in columns}))
    total_concept = next(r for r in lay.rows if r.id == "total")
    rows.append(
        Row(
            label=total_concept.aliases[0],
            concept="total",
            cells={c.id: pr.cell(values[c.id](acc.total)) for c in columns},
        )
    )
    notes: list[str] = []
    if lay.id in EMPTY_SOURCE and not listed(acc.total):
        notes.append(
            f"注：本{acc.spec.scope}{acc.spec.year}年无{EMPTY_SOURCE[lay.id]}财政拨款安排的预算，故本表为空表。"
        )
    return _table(acc, lay, columns, rows, notes, UNIT)


def _economic(acc: BudgetAccounts, lay: TableLayout, pr: _Printer) -> Table:
    """The 一般公共预算基本支出 by 经济分类: 类 and 款 rows, then the total row."""
    columns = _columns(lay.columns)
    values: dict[str, Callable[[BudgetEconomicLine], Decimal]] = {
        "total": lambda x: x.total,
        "personnel": lambda x: x.personnel,
        "public": lambda x: x.public,
    }
    rows = [
        Row(label=name, code=code, cells={c.id: pr.cell(values[c.id](line)) for c in columns})
        for code, name, line in acc.economic
    ]
    whole = BudgetEconomicLine("", acc.personnel, acc.public)
    total_concept = next(r for r in lay.rows if r.id == "total")
    rows.append(
        Row(
            label=total_concept.aliases[0], concept="total", cells={c.id: pr.cell(values[c.id](whole)) for c in columns}
        )
    )
    return _table(acc, lay, columns, rows, [], UNIT)


def _three_public(acc: BudgetAccounts, lay: TableLayout) -> Table:
    """The one-row "三公" and 机关运行经费 table (万元)."""
    tp = acc.spec.three_public
    values = {
        "total": tp.total,
        "abroad": tp.abroad,
        "reception": tp.reception,
        "car": tp.car,
        "car_purchase": tp.car_purchase,
        "car_operation": tp.car_operation,
        "operation_cost": tp.operation_cost,
    }
    columns = _columns(lay.columns)
    total_concept = next(r for r in lay.rows if r.id == "total")
    label = total_concept.aliases[-1]  # 预算数
    row = Row(label=label, concept="total", cells={c.id: _Printer.wan(values[c.id]) for c in columns})
    return _table(acc, lay, columns, [row], [f"注：本表金额单位为{THREE_PUBLIC_UNIT}。"], THREE_PUBLIC_UNIT)


def _numbered(label: str, top: int | None, sub: int | None) -> str:
    if sub is not None:
        return f"{sub}. {label}"
    assert top is not None
    return f"{CN_NUMBERS[top - 1] if top <= 10 else top}、{label}"


def _blocks(acc: BudgetAccounts, lay: TableLayout, pr: _Printer, sources: dict[str, Decimal]) -> Table:
    """A side-by-side table (收入 | 支出): the rows of the layout whose figure ``sources`` gives,
    numbered as printed (一、… with 1. 2. under the row they follow), the 类 rows of the class block,
    and the grand totals; each block's columns and header from the layout."""
    columns: list[Column] = []
    block_ids: dict[str, list[str]] = {}
    class_block = lay.class_rows_block
    values = VALUES[lay.id]
    listed = LISTED[lay.id]
    for b in lay.blocks:
        if b.id != class_block and not any(r.block == b.id and r.id in sources for r in lay.rows):
            continue  # a block of another form (Jiangsu's 支出用途)
        wanted = [c for c in b.columns if b.id != class_block or c.id in values]
        if b.id != class_block:
            wanted = wanted[:1]
        block_ids[b.id] = [c.id for c in wanted]
        # a column id printed in several blocks (预算数) is one column of the model, as read back
        columns += [c for c in _columns(wanted, b.id) if c.id not in {k.id for k in columns}]
    by_id = {c.id: c for c in columns}
    rows: list[Row] = []
    for b in lay.blocks:
        if b.id not in block_ids:
            continue
        block_cols = [by_id[i] for i in block_ids[b.id]]
        top = 0
        sub = 0
        concepts = [r for r in lay.rows if r.block == b.id and r.id in sources]
        grand = [r for r in concepts if r.id.endswith("grand_total")]
        for r in concepts:
            if r in grand:
                continue
            if r.after:
                sub += 1
                label = _numbered(r.aliases[0], None, sub)
            else:
                top += 1
                sub = 0
                label = _numbered(r.aliases[0], top, None)
            rows.append(Row(label=label, block=b.id, concept=r.id, cells={block_cols[0].id: pr.cell(sources[r.id])}))
        if b.id == class_block:
            k = 0
            for code, name, fig in acc.classes:
                if not listed(fig):
                    continue
                k += 1
                cells = {c.id: pr.cell(values[c.id](fig)) for c in block_cols}
                rows.append(Row(label=_numbered(name, k, None), block=b.id, code=code, code_inferred=True, cells=cells))
        for r in grand:
            if b.id == class_block:
                cells = {c.id: pr.cell(values[c.id](acc.total)) for c in block_cols}
            else:
                cells = {block_cols[0].id: pr.cell(sources[r.id])}
            rows.append(Row(label=r.aliases[0], block=b.id, concept=r.id, cells=cells))
    table = _table(acc, lay, columns, rows, [], UNIT)
    table.block_headers = {b.id: b.header for b in lay.blocks if b.header and any(r.block == b.id for r in rows)}
    return table


def _table(
    acc: BudgetAccounts, lay: TableLayout, columns: list[Column], rows: list[Row], notes: list[str], unit: str
) -> Table:
    return Table(
        id=lay.id,
        name=lay.name,
        title=_title(acc.spec, lay),
        unit=unit,
        department=acc.spec.department,
        columns=columns,
        rows=rows,
        notes=notes,
    )


def budget_tables(acc: BudgetAccounts, variant: str, layouts: Layouts | None = None) -> list[Table]:
    """The tables of ``variant`` (its variant file's list and order), laid out from the layouts."""
    layouts = layouts or load_layouts()
    v = layouts.variants[variant]
    t = acc.total
    pr = _Printer(
        all(getattr(i, f) == getattr(i, f).to_integral_value() for i in acc.spec.items for f in FIELDS)
        and all(x.total == x.total.to_integral_value() for x in acc.spec.economic)
    )
    summary = {
        "income_fiscal": t.fiscal,
        "income_general": t.general,
        "income_fund": t.fund,
        "income_capital": t.capital,
        "income_business": t.business,
        "income_operating": t.operating,
        "income_other": t.other,
        "income_grand_total": t.total,
        "expenditure_grand_total": t.total,
    }
    fiscal = {
        "income_general": t.general,
        "income_fund": t.fund,
        "income_capital": t.capital,
        "income_grand_total": t.fiscal,
        "expenditure_grand_total": t.fiscal,
    }
    tables: list[Table] = []
    for vt in v.tables:
        lay = layouts.tables[vt.table]
        if lay.id == "budget_summary":
            table = _blocks(acc, lay, pr, summary)
        elif lay.id == "budget_fiscal_summary":
            table = _blocks(acc, lay, pr, fiscal)
        elif lay.id == "budget_basic":
            table = _economic(acc, lay, pr)
        elif lay.id == "budget_three_public":
            table = _three_public(acc, lay)
        elif lay.id in VALUES:
            table = _grid(acc, lay, pr)
        else:
            raise BudgetSpecError(f"公开格式{variant}的表“{lay.name}”尚不能生成")
        table.form = vt.printed_form
        tables.append(table)
    return tables


# --- 编制说明 -------------------------------------------------------------------------------------------


def wan(v: Decimal) -> Decimal:
    """元 → 万元 with two places, rounded half up (as the 编制说明 prints them)."""
    return (v / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def fill_marker(what: str) -> str:
    return f"【请填写：{what}】"


def _reason(text: str, what: str) -> str:
    return text.strip().rstrip("。；;") or fill_marker(what)


def _versus(current: Decimal, prior: Decimal, year: int, in_wan: bool = True) -> str:
    """“比2024年预算增加12.00万元，增长3.45%” (or 减少/下降, or 持平) of ``current`` against last
    year's budget ``prior`` (both in 元, or both in 万元 when ``in_wan`` is false)."""
    a, b = (wan(current), wan(prior)) if in_wan else (current, prior)
    delta = a - b
    if not delta:
        return f"与{year - 1}年预算持平"
    up = delta > 0
    text = f"比{year - 1}年预算{'增加' if up else '减少'}{abs(delta):,.2f}万元"
    if b:
        text += f"，{'增长' if up else '下降'}{share(abs(delta), b)}"
    return text


def _path(acc: BudgetAccounts, code: str) -> str:
    names = {c: n for c, n, _ in acc.lines}
    return f"“{names[code[:3]]}（类）{names[code[:5]]}（款）{names[code]}（项）”"


def budget_narrative(acc: BudgetAccounts) -> list[str]:
    """The paragraphs before the tables: title, 主要职能, 机构设置, 编制说明 and 其他相关情况说明."""
    spec = acc.spec
    n, p, tp, pt = spec.notes, spec.prior, spec.three_public, spec.prior.three_public
    dept, year, scope = spec.department, spec.year, spec.scope
    t = acc.total
    out = [f"{dept}{year}年{scope}预算"]
    out += ["一、主要职能", n.duties.strip() or fill_marker("部门主要职能")]
    out += ["二、机构设置", n.organisation.strip() or fill_marker("机构设置")]
    out.append(f"三、{year}年{scope}预算编制说明")
    incomes = [
        ("财政拨款收入", t.fiscal, p.fiscal),
        ("事业收入", t.business, None),
        ("事业单位经营收入", t.operating, None),
        ("其他收入", t.other, None),
    ]
    parts = []
    for name, v, prior in incomes:
        text = f"{name}{wan(v):,.2f}万元" + (f"，占{share(v, t.total)}" if v else "")
        if prior is not None:
            text += f"，{_versus(v, prior, year)}"
        parts.append(text)
    out.append(
        f"{year}年，{dept}收入预算{wan(t.total):,.2f}万元，{_versus(t.total, p.income_total, year)}。"
        f"其中：{'；'.join(parts)}。"
    )
    out.append(
        f"支出预算{wan(t.total):,.2f}万元，其中：基本支出{wan(t.basic):,.2f}万元，占{share(t.basic, t.total)}；"
        f"项目支出{wan(t.project):,.2f}万元，占{share(t.project, t.total)}。"
    )
    out.append(
        f"财政拨款支出预算{wan(t.fiscal):,.2f}万元，{_versus(t.fiscal, p.fiscal, year)}。财政拨款支出预算中，"
        f"一般公共预算拨款支出预算{wan(t.general):,.2f}万元，{_versus(t.general, p.general, year)}；"
        f"政府性基金拨款支出预算{wan(t.fund):,.2f}万元，{_versus(t.fund, p.fund, year)}；"
        f"国有资本经营预算拨款支出预算{wan(t.capital):,.2f}万元，{_versus(t.capital, p.capital, year)}。"
    )
    if t.fiscal != p.fiscal:
        word = "增加" if t.fiscal > p.fiscal else "减少"
        out.append(f"财政拨款收入支出{word}的主要原因是{_reason(n.reason_fiscal, '财政拨款收入支出变动的主要原因')}。")
    out.append("一般公共预算拨款支出主要内容如下：")
    k = 0
    for code, name, fig in acc.lines:
        if len(code) != 7 or not fig.general:
            continue
        k += 1
        purpose = fig.purpose.strip().rstrip("。") or name
        out.append(f"{k}. {_path(acc, code)}科目{wan(fig.general):,.2f}万元，主要用于{purpose}。")
    out.append(
        f"一般公共预算基本支出预算{wan(t.general_basic):,.2f}万元，其中：人员经费{wan(acc.personnel):,.2f}万元，"
        f"公用经费{wan(acc.public):,.2f}万元。"
    )
    out.append("四、其他相关情况说明")
    out.append(f"（一）{year}年“三公”经费预算情况说明")
    out.append(
        f"{year}年“三公”经费预算数为{tp.total:,.2f}万元，{_versus(tp.total, pt.total, year, in_wan=False)}。其中："
        f"因公出国（境）费{tp.abroad:,.2f}万元，{_versus(tp.abroad, pt.abroad, year, in_wan=False)}；"
        f"公务用车购置及运行费{tp.car:,.2f}万元，{_versus(tp.car, pt.car, year, in_wan=False)}，其中：公务用车购置费"
        f"{tp.car_purchase:,.2f}万元，公务用车运行费{tp.car_operation:,.2f}万元；"
        f"公务接待费{tp.reception:,.2f}万元，{_versus(tp.reception, pt.reception, year, in_wan=False)}。"
    )
    if tp.total != pt.total:
        out.append(f"“三公”经费预算变动的主要原因是{_reason(n.reason_three_public, '“三公”经费预算变动的主要原因')}。")
    out.append("（二）机关运行经费预算")
    if tp.operation_cost:
        scope_text = n.reason_operation_cost.strip().rstrip("。")
        lead = f"{year}年{dept}{scope_text + '，' if scope_text else ''}"
        out.append(f"{lead}机关运行经费预算为{tp.operation_cost:,.2f}万元。")
    else:
        out.append(
            f"{year}年本{scope}{_reason(n.reason_operation_cost, '无机关运行经费预算的原因')}，无机关运行经费预算。"
        )
    goods, works, services = n.procurement
    proc = goods + works + services
    out.append("（三）政府采购预算情况")
    if proc:
        out.append(
            f"{year}年本{scope}政府采购预算{wan(proc):,.2f}万元，其中：政府采购货物预算{wan(goods):,.2f}万元、"
            f"政府采购工程预算{wan(works):,.2f}万元、政府采购服务预算{wan(services):,.2f}万元。"
        )
    else:
        out.append(f"{year}年本{scope}无政府采购预算。")
    out.append("（四）绩效目标设置情况")
    if spec.target_count:
        out.append(
            f"按照预算绩效管理工作的总体要求，本{scope}开展了{year}年项目预算绩效目标编报工作，"
            f"编报绩效目标的项目{spec.target_count}个，涉及项目预算资金{wan(spec.target_funds):,.2f}万元。"
            + ("各项目的绩效目标见所附项目支出绩效目标表。" if spec.targets else "")
        )
    else:
        out.append(f"{year}年本{scope}{fill_marker('绩效目标设置情况（编报绩效目标的项目个数和涉及资金）')}。")
    return out


def build_budget_model(spec: BudgetSpec, variant: str) -> tuple[Disclosure, BudgetAccounts]:
    """The 预算 disclosure of ``spec`` as ``variant`` prints it, and the derived figures."""
    acc = derive(spec)
    layouts = load_layouts()
    if variant not in layouts.variants or layouts.variants[variant].kind != "预算":
        raise BudgetSpecError(f"未知的预算公开格式“{variant}”")
    doc = Disclosure(
        source=f"{spec.department}{spec.year}年{spec.scope}预算",
        department=spec.department,
        year=spec.year,
        kind="预算",
        scope=spec.scope,
        variant=variant,
        tables=budget_tables(acc, variant, layouts),
        paragraphs=[Paragraph(text) for text in budget_narrative(acc)],
        performance=target_tables(spec, layouts),
    )
    return doc, acc


def target_tables(spec: BudgetSpec, layouts: Layouts) -> list[PerformanceTable]:
    """The 项目支出绩效目标表 of the projects (title from the layout data's ``performance: target``):
    项目名称, 主管部门, 功能分类科目, 项目资金 and 年度绩效目标, then the indicators."""
    title = (layouts.performance.get("target") or ["项目支出绩效目标表"])[0]
    names = {c: e.name for c, e in catalog.load("functional", spec.year).entries.items()}
    out = []
    for t in spec.targets:
        other = [
            ["项目名称", t.name],
            ["主管部门", spec.department],
            ["功能分类科目", f"{t.code} {names.get(t.code, '')}".strip()],
            ["项目资金（万元）", f"{wan(t.amount):,.2f}"],
            ["年度绩效目标", t.goal or fill_marker("年度绩效目标")],
        ]
        indicators = [["一级指标", "二级指标", "三级指标", "指标值"], *[list(i) for i in t.indicators]]
        out.append(
            PerformanceTable(
                kind="target",
                title=title,
                fields={"项目名称": t.name, "主管部门": spec.department},
                indicators=indicators if t.indicators else [],
                other=other,
            )
        )
    return out


def budget_charts(acc: BudgetAccounts, font: tuple[str, int]) -> list:
    """收入预算结构, 支出预算结构 (基本/项目) and the "三公" 经费 budgets of last year and this year,
    as PNG charts (amounts in 万元)."""
    from .charts import Chart, _bars

    t, year = acc.total, acc.spec.year
    income = [
        (name, wan(v))
        for name, v in (
            ("一般公共预算", t.general),
            ("政府性基金预算", t.fund),
            ("国有资本经营预算", t.capital),
            ("事业收入", t.business),
            ("事业单位经营收入", t.operating),
            ("其他收入", t.other),
        )
        if v
    ]
    spending = [(name, wan(v)) for name, v in (("基本支出", t.basic), ("项目支出", t.project)) if v]
    out = [
        Chart("收入预算结构", _bars(f"{year}年收入预算结构", income, font, True)),
        Chart("支出预算结构", _bars(f"{year}年支出预算结构", spending, font, True)),
    ]
    prior = acc.spec.prior.three_public.total
    if prior:
        trend = [(f"{year - 1}年预算", prior), (f"{year}年预算", acc.spec.three_public.total)]
        out.append(Chart("“三公”经费预算", _bars("“三公”经费预算", trend, font, False)))
    return out
