"""Synthetic disclosures: the figures of a complete, internally consistent 决算 disclosure derived
from a small spec, and the text parts drafted from them.

The spec (:class:`DisclosureSpec`) holds only the primary figures: the 支出功能分类 项 with their
income by source and spending by type, the economic lines of the general-budget basic and project
spending, the "三公" budgets and statistics, and the asset block. Every total printed in the
document (类/款 roll-ups, 合计 rows, the 总表, the 财政拨款 tables, 人员经费/公用经费, the "三公"
finals, the asset totals) is derived from those figures (:func:`derive` → :class:`Accounts`), so
the document is consistent by construction; :func:`derive` rejects a spec whose parts cannot agree.
The 情况说明 (a :class:`NarrativeSpec`) states the derived figures with their shares, year-on-year
changes and budget completion, so the narrative agrees with the tables too (:func:`text_parts`:
the cover line, the 情况说明 and the 绩效 self-evaluation parts as lines of cells).

The tables are laid out from the layouts data by :mod:`juesuan.generate` (:mod:`.generate.final`);
:mod:`juesuan.generate.document` writes the whole document as text (``render_text``), with known
errors planted (``plant_errors``), and the bundled example (``python -m juesuan.generate.document
OUTDIR``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from . import catalog

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DASH = "—"

Cells = list[str]


def money(value: Decimal | int | str) -> Decimal:
    """An amount as a Decimal with exactly two places (``D("12.3")`` → ``Decimal("12.30")``).
    Floats are refused: they are not exact."""
    if isinstance(value, (float, bool)):
        raise TypeError(f"amounts must be Decimal, int or str, not {type(value).__name__}: {value!r}")
    d = Decimal(value)
    q = d.quantize(CENT)
    if q != d:
        raise ValueError(f"amount {value!r} has more than two decimal places")
    return q


D = money


def _money_fields(obj: object, names: Sequence[str]) -> None:
    """Validate the amount fields of a frozen spec dataclass and store them with two places."""
    for name in names:
        object.__setattr__(obj, name, money(getattr(obj, name)))


class SpecError(ValueError):
    """The spec's figures cannot form a consistent disclosure."""


# =============================================================================================
# The spec


@dataclass(frozen=True)
class FunctionItem:
    """One 支出功能分类 项 (7-digit code) with its income by source and spending by type.

    Income by source: ``general`` 一般公共预算财政拨款, ``fund`` 政府性基金预算财政拨款, ``capital``
    国有资本经营预算财政拨款, ``superior`` 上级补助收入, ``business`` 事业收入, ``operating`` 经营收入,
    ``affiliated`` 附属单位上缴收入, ``other`` 其他收入. Spending by type: ``basic`` 基本支出,
    ``project`` 项目支出 (of all sources), ``to_superior`` 上缴上级支出, ``operating_spending`` 经营支出,
    ``to_affiliated`` 对附属单位补助支出. ``general_project`` is the part of the general-budget
    appropriation spent on projects (the rest is basic spending); ``general_carry_in`` and
    ``general_carry_out`` are its 年初/年末 一般公共预算财政拨款结转和结余 (the general-budget
    spending of the 项 is ``general + general_carry_in - general_carry_out``); the 政府性基金 and
    国有资本经营 appropriations are spent on projects in the year. Income equals spending on every 项
    unless the department has carry-overs (:class:`BalanceSpec`, which includes the 财政拨款 ones):
    then only the totals must balance.
    """

    code: str
    general: Decimal = ZERO
    business: Decimal = ZERO
    other: Decimal = ZERO
    basic: Decimal = ZERO
    project: Decimal = ZERO
    general_project: Decimal = ZERO
    fund: Decimal = ZERO
    capital: Decimal = ZERO
    superior: Decimal = ZERO
    operating: Decimal = ZERO
    affiliated: Decimal = ZERO
    to_superior: Decimal = ZERO
    operating_spending: Decimal = ZERO
    to_affiliated: Decimal = ZERO
    general_carry_in: Decimal = ZERO
    general_carry_out: Decimal = ZERO

    def __post_init__(self) -> None:
        _money_fields(self, tuple(n for n in self.__dataclass_fields__ if n != "code"))

    @property
    def general_basic(self) -> Decimal:
        """The general-budget basic spending: what the appropriation and its carry-overs leave
        after the project spending."""
        return self.general + self.general_carry_in - self.general_carry_out - self.general_project


@dataclass(frozen=True)
class EconomicLine:
    """One 支出经济分类 款 (5-digit code, e.g. 30201) with its amount."""

    code: str
    amount: Decimal

    def __post_init__(self) -> None:
        _money_fields(self, ("amount",))


@dataclass(frozen=True)
class ThreePublicSpec:
    """ "三公" budgets and statistics. The finals are derived from the economic lines: 因公出国（境）费
    = 30212, 公务用车购置费 = 31013 + 30913, 公务用车运行维护费 = 30231, 公务接待费 = 30217 (basic plus
    project lines). All reception is domestic, and all "三公" spending is general-budget spending
    (公开10 and 公开11 print the same figures). The department is taken to be a 非参公 public
    institution, so 机关运行经费 is printed as "—"."""

    car_operation_budget: Decimal = ZERO
    car_operation_full_budget: Decimal = ZERO
    reception_budget: Decimal = ZERO
    reception_full_budget: Decimal = ZERO
    abroad_budget: Decimal = ZERO
    abroad_full_budget: Decimal = ZERO
    car_purchase_budget: Decimal = ZERO
    car_purchase_full_budget: Decimal = ZERO
    car_stock: int = 0
    reception_batches: int = 0
    reception_people: int = 0
    abroad_groups: int = 0
    abroad_people: int = 0
    car_purchase_count: int = 0

    def __post_init__(self) -> None:
        _money_fields(
            self,
            (
                "car_operation_budget",
                "car_operation_full_budget",
                "reception_budget",
                "reception_full_budget",
                "abroad_budget",
                "abroad_full_budget",
                "car_purchase_budget",
                "car_purchase_full_budget",
            ),
        )


@dataclass(frozen=True)
class AssetSpec:
    """The 国有资产使用情况表 figures; totals are derived."""

    current: Decimal
    building_original: Decimal = ZERO
    building_net: Decimal = ZERO
    vehicle_original: Decimal = ZERO
    vehicle_net: Decimal = ZERO
    other_fixed_original: Decimal = ZERO
    other_fixed_net: Decimal = ZERO
    equipment_original: Decimal = ZERO
    equipment_net: Decimal = ZERO
    investment: Decimal = ZERO
    construction: Decimal = ZERO
    intangible_original: Decimal = ZERO
    intangible_net: Decimal = ZERO
    other_original: Decimal = ZERO
    other_net: Decimal = ZERO

    def __post_init__(self) -> None:
        _money_fields(self, tuple(self.__dataclass_fields__))


@dataclass(frozen=True)
class Indicator:
    """A 绩效 indicator row: 一级/二级/三级指标, 指标性质, 指标值, 度量单位, 实际完成值, 分值, 得分."""

    level1: str
    level2: str
    level3: str
    nature: str
    target: str
    unit: str
    actual: str
    weight: Decimal = ZERO
    score: Decimal = ZERO

    def __post_init__(self) -> None:
        _money_fields(self, ("weight", "score"))


@dataclass(frozen=True)
class ProjectEvaluation:
    """The 项目支出绩效自评表 of one project; its executed amount is the general-budget project
    spending of the 项 ``item_code``."""

    name: str
    item_code: str
    goal: str
    initial_budget: Decimal
    full_budget: Decimal
    indicators: tuple[Indicator, ...]

    def __post_init__(self) -> None:
        _money_fields(self, ("initial_budget", "full_budget"))


@dataclass(frozen=True)
class PerformanceSpec:
    """Texts of the 绩效 parts (document text, Chinese)."""

    overview: str
    duties: str
    goal: str
    department_indicators: tuple[Indicator, ...]
    project: ProjectEvaluation
    # The 部门年度目标 of the two following years (printed in the 部门整体支出绩效自评表); when
    # empty, ``goal`` is repeated.
    later_goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class NarrativeSpec:
    """What the 情况说明 states that the tables do not hold: the organisation and staff, last
    year's figures for the year-on-year comparisons, the 年初预算, and 政府采购. Every other figure
    of the narrative is taken from the derived tables, so the narrative agrees with them."""

    offices: tuple[str, ...]
    staff_quota: tuple[int, int, int]  # 行政编制, 事业编制, 工勤人员编制
    staff_actual: tuple[int, int, int]  # 财政全额保障, 财政差额补助, 单位资金保障
    retirees: tuple[int, int]  # 离休, 退休
    prior_total: Decimal  # 上年收入支出总计
    prior_general: Decimal  # 上年一般公共预算财政拨款支出
    prior_three_public: Decimal  # 上年一般公共预算财政拨款"三公"经费支出决算
    initial_general: Decimal  # 一般公共预算财政拨款支出年初预算
    procurement: tuple[Decimal, Decimal, Decimal]  # 货物, 工程, 服务
    # The reasons a person states (Chinese, without the final 。). An empty reason prints a visible
    # 【请填写：…】 marker, which `check` reports as a template leftover until it is replaced.
    reason_total: str = "数据共享平台运行维护支出增加"
    reason_general: str = "项目支出增加"
    reason_budget: str = "部分项目按实际进度结算"
    reason_three_public: str = "严格控制公务接待和公务用车支出"
    # The 绩效 grade bands (label, minimum score), best first, as the region prints them.
    grades: tuple[tuple[str, int], ...] = (("优", 90), ("良", 80), ("中", 60), ("差", 0))

    def __post_init__(self) -> None:
        _money_fields(self, ("prior_total", "prior_general", "prior_three_public", "initial_general"))
        object.__setattr__(self, "procurement", tuple(money(v) for v in self.procurement))


@dataclass(frozen=True)
class BalanceSpec:
    """The department's 结转结余 of all sources (总表): 年初结转和结余, 使用非财政拨款结余 (使用专用结余,
    用事业基金弥补收支差额), 结余分配, 年末结转和结余. 本年收入合计 + use + carry_in = 本年支出合计 +
    distribution + carry_out."""

    carry_in: Decimal = ZERO
    use_balance: Decimal = ZERO
    distribution: Decimal = ZERO
    carry_out: Decimal = ZERO

    def __post_init__(self) -> None:
        _money_fields(self, tuple(self.__dataclass_fields__))

    def __bool__(self) -> bool:
        return any((self.carry_in, self.use_balance, self.distribution, self.carry_out))


@dataclass(frozen=True)
class DisclosureSpec:
    """A department's 决算 of one fiscal year: the primary figures everything else is derived from.
    Codes are checked against the bundled catalogs of ``year``; amounts are in ``unit``."""

    department: str
    year: int
    items: tuple[FunctionItem, ...]
    basic_lines: tuple[EconomicLine, ...]
    project_lines: tuple[EconomicLine, ...]
    three_public: ThreePublicSpec
    assets: AssetSpec
    performance: PerformanceSpec
    unit: str = "万元"
    narrative: NarrativeSpec | None = None  # the 情况说明 (printed after 公开12表) when given
    balances: BalanceSpec = field(default_factory=BalanceSpec)


# =============================================================================================
# Derived figures


FIGURE_FIELDS = (
    "general",
    "business",
    "other",
    "basic",
    "project",
    "general_basic",
    "general_project",
    "fund",
    "capital",
    "superior",
    "operating",
    "affiliated",
    "to_superior",
    "operating_spending",
    "to_affiliated",
    "general_carry_in",
    "general_carry_out",
)


@dataclass(frozen=True)
class Figures:
    """Amounts of one 支出功能分类 subject (or of a total): the fields of :class:`FunctionItem` and
    ``general_basic``."""

    general: Decimal = ZERO
    business: Decimal = ZERO
    other: Decimal = ZERO
    basic: Decimal = ZERO
    project: Decimal = ZERO
    general_basic: Decimal = ZERO
    general_project: Decimal = ZERO
    fund: Decimal = ZERO
    capital: Decimal = ZERO
    superior: Decimal = ZERO
    operating: Decimal = ZERO
    affiliated: Decimal = ZERO
    to_superior: Decimal = ZERO
    operating_spending: Decimal = ZERO
    to_affiliated: Decimal = ZERO
    general_carry_in: Decimal = ZERO
    general_carry_out: Decimal = ZERO

    def __add__(self, o: Figures) -> Figures:
        return Figures(*(a + b for a, b in zip(self.as_tuple(), o.as_tuple())))

    def as_tuple(self) -> tuple[Decimal, ...]:
        return tuple(getattr(self, n) for n in FIGURE_FIELDS)

    @property
    def fiscal(self) -> Decimal:
        """财政拨款收入."""
        return self.general + self.fund + self.capital

    @property
    def general_spending(self) -> Decimal:
        """一般公共预算财政拨款支出: the appropriation with its carry-overs (年初 in, 年末 out)."""
        return self.general_basic + self.general_project

    @property
    def fiscal_spending(self) -> Decimal:
        """财政拨款支出 (政府性基金 and 国有资本经营 appropriations are spent in the year)."""
        return self.general_spending + self.fund + self.capital

    @property
    def income(self) -> Decimal:
        return self.fiscal + self.superior + self.business + self.operating + self.affiliated + self.other

    @property
    def spending(self) -> Decimal:
        return self.basic + self.project + self.to_superior + self.operating_spending + self.to_affiliated

    @classmethod
    def of(cls, item: FunctionItem) -> Figures:
        return cls(**{n: item.general_basic if n == "general_basic" else getattr(item, n) for n in FIGURE_FIELDS})


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class EconomicRow:
    code: str
    name: str
    amount: Decimal


@dataclass(frozen=True)
class ThreePublicFigures:
    """One column set (budget, full-year budget, final) per item."""

    abroad: tuple[Decimal, Decimal, Decimal]
    car_purchase: tuple[Decimal, Decimal, Decimal]
    car_operation: tuple[Decimal, Decimal, Decimal]
    reception: tuple[Decimal, Decimal, Decimal]

    @property
    def car(self) -> tuple[Decimal, ...]:
        return tuple(a + b for a, b in zip(self.car_purchase, self.car_operation))

    @property
    def total(self) -> tuple[Decimal, ...]:
        return tuple(a + b + c for a, b, c in zip(self.abroad, self.car, self.reception))


@dataclass(frozen=True)
class Accounts:
    """Everything the writer prints, derived from a spec."""

    spec: DisclosureSpec
    subjects: list[Subject]  # 类, 款, 项 in print order
    total: Figures
    class_totals: dict[str, Figures]
    class_names: dict[str, str]  # every 类 printed in the 总表, in order
    basic_blocks: list[list[EconomicRow]]
    project_blocks: list[list[EconomicRow]]
    personnel_total: Decimal
    public_total: Decimal
    project_total: Decimal
    three_public: ThreePublicFigures
    assets_total: Decimal
    assets_original_total: Decimal
    fixed_original: Decimal
    fixed_net: Decimal

    def general_subjects(self) -> list[Subject]:
        return [s for s in self.subjects if s.figures.general or s.figures.general_spending]


# The 类 printed in the 总表 and 财政拨款总表 (the form's fixed list).
SUMMARY_CLASSES = (
    "201",
    "202",
    "203",
    "204",
    "205",
    "206",
    "207",
    "208",
    "210",
    "211",
    "212",
    "213",
    "214",
    "215",
    "216",
    "217",
    "219",
    "220",
    "221",
    "222",
    "223",
    "224",
    "229",
    "231",
    "232",
    "234",
)
# Economic 类 printed in each side-by-side block of 公开06 and 公开07.
BASIC_BLOCKS = (("301", "303"), ("302", "307"), ("310", "312", "399"))
PROJECT_BLOCKS = (("301", "303"), ("302", "307"), ("309", "310"), ("311", "312", "313", "399"))
PERSONNEL_CLASSES = ("301", "303")


def _economic_blocks(
    lines: Sequence[EconomicLine], layout: tuple[tuple[str, ...], ...], year: int, table: str
) -> list[list[EconomicRow]]:
    cat = catalog.load("economic", year)
    amounts: dict[str, Decimal] = {}
    allowed = {c for block in layout for c in block}
    for line in lines:
        entry = cat.get(line.code)
        if entry is None or entry.level != 2:
            raise SpecError(f"{table}: {line.code} is not a 5-digit economic code of the {cat.year} catalog")
        if entry.parent not in allowed:
            raise SpecError(f"{table}: {line.code} belongs to class {entry.parent}, which this table does not print")
        if line.code in amounts:
            raise SpecError(f"{table}: economic code {line.code} given twice")
        amounts[line.code] = line.amount
    blocks: list[list[EconomicRow]] = []
    for classes in layout:
        rows: list[EconomicRow] = []
        for cls in classes:
            head = cat.get(cls)
            assert head is not None, cls
            kids = sorted((e for e in cat.entries.values() if e.parent == cls), key=lambda e: e.code)
            rows.append(EconomicRow(cls, head.name, sum((amounts.get(k.code, ZERO) for k in kids), ZERO)))
            rows += [EconomicRow(k.code, k.name, amounts.get(k.code, ZERO)) for k in kids]
        blocks.append(rows)
    return blocks


def _class_sum(
    blocks: list[list[EconomicRow]], classes: Sequence[str] | None = None, exclude: Sequence[str] = ()
) -> Decimal:
    return sum(
        (
            r.amount
            for block in blocks
            for r in block
            if len(r.code) == 3 and (classes is None or r.code in classes) and r.code not in exclude
        ),
        ZERO,
    )


def _line_sum(blocks: list[list[EconomicRow]], *codes: str) -> Decimal:
    return sum((r.amount for block in blocks for r in block if r.code in codes), ZERO)


def derive(spec: DisclosureSpec) -> Accounts:
    """All printed figures of ``spec``; raises :class:`SpecError` when its parts cannot agree."""
    fcat = catalog.load("functional", spec.year)
    if not spec.items:
        raise SpecError("the spec has no 支出功能分类 项")
    nodes: dict[str, Figures] = {}
    names: dict[str, str] = {}
    seen: set[str] = set()
    for item in spec.items:
        f = Figures.of(item)
        entry = fcat.get(item.code)
        if entry is None or entry.level != 3:
            raise SpecError(f"{item.code} is not a 7-digit 项 of the {fcat.year} functional catalog")
        if item.code in seen:
            raise SpecError(f"项 {item.code} given twice")
        seen.add(item.code)
        if f.income != f.spending and not spec.balances:
            raise SpecError(f"{item.code}: income {f.income} differs from spending {f.spending} (no carry-overs)")
        if min(f.as_tuple()) < 0:
            raise SpecError(f"{item.code}: negative amount, or general_project larger than the general-budget spending")
        if f.general_project + f.fund + f.capital > f.project or f.general_basic > f.basic:
            raise SpecError(f"{item.code}: 财政拨款 basic/project spending exceeds the 项's basic/project spending")
        if item.code[:3] not in SUMMARY_CLASSES:
            raise SpecError(f"{item.code}: class {item.code[:3]} is not printed in the 总表")
        for code in (item.code[:3], item.code[:5], item.code):
            parent = fcat.get(code)
            if parent is None:
                raise SpecError(f"{code} (parent of {item.code}) is not in the functional catalog")
            names[code] = parent.name
            nodes[code] = nodes.get(code, Figures()) + f
    subjects = [Subject(code, names[code], nodes[code]) for code in sorted(nodes)]
    total = sum((Figures.of(i) for i in spec.items), Figures())
    b = spec.balances
    if total.income + b.use_balance + b.carry_in != total.spending + b.distribution + b.carry_out:
        raise SpecError(
            f"本年收入合计 {total.income} + 使用非财政拨款结余 {b.use_balance} + 年初结转和结余 {b.carry_in} differs from "
            f"本年支出合计 {total.spending} + 结余分配 {b.distribution} + 年末结转和结余 {b.carry_out}"
        )
    if total.general_carry_in > b.carry_in or total.general_carry_out > b.carry_out:
        raise SpecError(
            f"一般公共预算财政拨款年初/年末结转和结余 {total.general_carry_in}/{total.general_carry_out} exceed the "
            f"department's 年初/年末结转和结余 {b.carry_in}/{b.carry_out} (they are part of them)"
        )
    class_names: dict[str, str] = {}
    for code in SUMMARY_CLASSES:
        entry = fcat.get(code)
        if entry is None:
            raise SpecError(f"class {code} missing from the {fcat.year} functional catalog")
        class_names[code] = entry.name
    class_totals = {code: nodes.get(code, Figures()) for code in SUMMARY_CLASSES}

    basic_blocks = _economic_blocks(spec.basic_lines, BASIC_BLOCKS, spec.year, "basic lines")
    project_blocks = _economic_blocks(spec.project_lines, PROJECT_BLOCKS, spec.year, "project lines")
    personnel = _class_sum(basic_blocks, PERSONNEL_CLASSES)
    public = _class_sum(basic_blocks, exclude=PERSONNEL_CLASSES)
    project_total = _class_sum(project_blocks)
    if personnel + public != total.general_basic:
        raise SpecError(
            f"basic economic lines sum to {personnel + public}, but the general-budget basic spending of the 项 is {total.general_basic}"
        )
    if project_total != total.general_project:
        raise SpecError(
            f"project economic lines sum to {project_total}, but the general-budget project spending of the 项 is {total.general_project}"
        )

    both = basic_blocks + project_blocks
    tp = spec.three_public
    three = ThreePublicFigures(
        abroad=(tp.abroad_budget, tp.abroad_full_budget, _line_sum(both, "30212")),
        car_purchase=(tp.car_purchase_budget, tp.car_purchase_full_budget, _line_sum(both, "31013", "30913")),
        car_operation=(tp.car_operation_budget, tp.car_operation_full_budget, _line_sum(both, "30231")),
        reception=(tp.reception_budget, tp.reception_full_budget, _line_sum(both, "30217")),
    )
    stats = (
        (three.abroad[2], {"abroad_groups": tp.abroad_groups, "abroad_people": tp.abroad_people}),
        (three.car_purchase[2], {"car_purchase_count": tp.car_purchase_count}),
        (three.car_operation[2], {"car_stock": tp.car_stock}),
        (three.reception[2], {"reception_batches": tp.reception_batches, "reception_people": tp.reception_people}),
    )
    for final, counts in stats:
        for name, count in counts.items():
            if bool(final) != bool(count):
                raise SpecError(f"三公: {name} must be non-zero exactly when the matching final amount is ({final})")
    if tp.reception_people < tp.reception_batches or tp.abroad_people < tp.abroad_groups:
        raise SpecError("三公: people must not be fewer than batches/groups")

    a = spec.assets
    fixed_original = a.building_original + a.vehicle_original + a.equipment_original + a.other_fixed_original
    fixed_net = a.building_net + a.vehicle_net + a.equipment_net + a.other_fixed_net
    for orig, net in (
        (a.building_original, a.building_net),
        (a.vehicle_original, a.vehicle_net),
        (a.equipment_original, a.equipment_net),
        (a.other_fixed_original, a.other_fixed_net),
        (a.intangible_original, a.intangible_net),
        (a.other_original, a.other_net),
    ):
        if net > orig:
            raise SpecError("assets: a net value exceeds its original value")
    if bool(tp.car_stock) != bool(a.vehicle_original):
        raise SpecError("assets: vehicle original value must be non-zero exactly when the car stock is")
    common = a.current + a.investment + a.construction
    assets_total = common + fixed_net + a.intangible_net + a.other_net
    assets_original = common + fixed_original + a.intangible_original + a.other_original

    perf = spec.performance.project
    evaluated = next((i for i in spec.items if i.code == perf.item_code), None)
    if evaluated is None or not evaluated.general_project:
        raise SpecError(f"the evaluated project's 项 {perf.item_code} has no general-budget project spending")

    return Accounts(
        spec=spec,
        subjects=subjects,
        total=total,
        class_totals=class_totals,
        class_names=class_names,
        basic_blocks=basic_blocks,
        project_blocks=project_blocks,
        personnel_total=personnel,
        public_total=public,
        project_total=project_total,
        three_public=three,
        assets_total=assets_total,
        assets_original_total=assets_original,
        fixed_original=fixed_original,
        fixed_net=fixed_net,
    )


# =============================================================================================
# Text parts: the cover line, the 情况说明 and the 绩效 parts as lines of cells (the tables are laid
# out from the layouts data by juesuan.generate)


@dataclass
class TextBlock:
    """Free lines (cover, 情况说明, 绩效 parts), each a list of cells."""

    lines: list[Cells]


_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 26 → 二十六 (up to 99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _NUMERALS[tens - 1]) + "十"
    if ones:
        text += _NUMERALS[ones - 1]
    return text


# -- figures by income source and spending type ---------------------------------------------------

INCOME_SOURCES = (
    "一般公共预算财政拨款收入",
    "政府性基金预算财政拨款收入",
    "国有资本经营预算财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
)


def source_amounts(t: Figures) -> dict[str, Decimal]:
    """The 本年收入 of ``t`` by source, keyed by the 总表's row names (:data:`INCOME_SOURCES`)."""
    values = (t.general, t.fund, t.capital, t.superior, t.business, t.operating, t.affiliated, t.other)
    return dict(zip(INCOME_SOURCES, values))


def spending_amounts(t: Figures) -> dict[str, Decimal]:
    """The 本年支出 of ``t`` by type, keyed by the 支出决算表's column names."""
    values = (t.basic, t.project, t.to_superior, t.operating_spending, t.to_affiliated)
    return dict(zip(("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"), values))


def grand_total(acc: Accounts) -> Decimal:
    """The 总表's 收入支出总计: 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余."""
    b = acc.spec.balances
    return acc.total.income + b.use_balance + b.carry_in


# -- 情况说明 -------------------------------------------------------------------------------------------------


def _share(part: Decimal, whole: Decimal) -> str:
    """A percentage with two places, rounded half up (as the narrative prints it)."""
    return f"{(part / whole * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def _change(current: Decimal, prior: Decimal, noun: str) -> str:
    """ "增加12.00万元，增长3.45%" (or 减少/下降, or 持平) of ``current`` against ``prior``."""
    delta = current - prior
    if not delta:
        return f"{noun}与上年持平"
    up = delta > 0
    return (
        f"{noun}{'增加' if up else '减少'}{abs(delta):.2f}万元，{'增长' if up else '下降'}{_share(abs(delta), prior)}"
    )


_ECON_PERSONNEL = ("301", "303")


def fill_marker(what: str) -> str:
    """The visible marker printed where a person must write ``what`` (a reason)."""
    return f"【请填写：{what}】"


def _reason(text: str, what: str) -> str:
    return text.strip().rstrip("。；;") or fill_marker(what)


def _fund_sentence(year: int, source: str, amount: Decimal) -> str:
    """The 情况说明 paragraph on the 政府性基金 or 国有资本经营 appropriations (all spent on projects in
    the year: there are no 财政拨款 carry-overs)."""
    if not amount:
        return f"本部门{year}年度无{source}收入和支出。"
    return (
        f"本部门{year}年度{source}收入{amount:.2f}万元，{source}支出{amount:.2f}万元，全部为项目支出；"
        "年初、年末无结转和结余。"
    )


def _narrative(acc: Accounts, n: NarrativeSpec) -> TextBlock:
    """The 情况说明: every figure is either derived from the tables or given by ``n``."""
    spec = acc.spec
    dept, year = spec.department, spec.year
    t = acc.total
    tp = acc.three_public
    if n.prior_total <= 0 or n.prior_general <= 0 or n.prior_three_public <= 0 or n.initial_general <= 0:
        raise SpecError("narrative: last year's figures and the 年初预算 must be positive")
    quota, actual = sum(n.staff_quota), sum(n.staff_actual)
    lines: list[str] = [
        f"第三部分 {dept}{year}年度部门决算情况说明",
        "一、部门基本情况",
        f"本部门共设置{len(n.offices)}个内设机构，包括：{'、'.join(n.offices)}。本部门为一级预算单位，无下属单位。",
        f"截至{year}年12月31日，本部门在职人员编制{quota}人，其中：行政编制{n.staff_quota[0]}人，"
        f"事业编制{n.staff_quota[1]}人，工勤人员编制{n.staff_quota[2]}人；在职实有{actual}人，其中：财政全额保障"
        f"{n.staff_actual[0]}人，财政差额补助{n.staff_actual[1]}人，单位资金保障{n.staff_actual[2]}人；离退休人员"
        f"{sum(n.retirees)}人，其中：离休{n.retirees[0]}人，退休{n.retirees[1]}人。",
        "二、收入支出决算总体情况说明",
        f"{year}年度收入支出总计{grand_total(acc):.2f}万元。与{year - 1}年度相比，"
        f"{_change(grand_total(acc), n.prior_total, '收入支出总计')}，主要原因是{_reason(n.reason_total, '收入支出总计变动的主要原因')}。",
        "三、收入决算情况说明",
    ]
    listed = "；".join(f"{name}{v:.2f}万元，占{_share(v, t.income)}" for name, v in source_amounts(t).items() if v)
    lines.append(f"本年收入合计{t.income:.2f}万元，其中：{listed}。")
    b = spec.balances
    if b:
        lines.append(
            f"年初结转和结余{b.carry_in:.2f}万元，使用非财政拨款结余{b.use_balance:.2f}万元；"
            f"结余分配{b.distribution:.2f}万元，年末结转和结余{b.carry_out:.2f}万元。"
        )
    lines.append("四、支出决算情况说明")
    listed = "；".join(f"{name}{v:.2f}万元，占{_share(v, t.spending)}" for name, v in spending_amounts(t).items() if v)
    lines.append(f"本年支出合计{t.spending:.2f}万元，其中：{listed}。")
    fiscal_sources = [
        ("一般公共预算财政拨款", t.general),
        ("政府性基金预算财政拨款", t.fund),
        ("国有资本经营预算财政拨款", t.capital),
    ]
    fiscal_total = t.fiscal + t.general_carry_in  # = 财政拨款支出 + 年末财政拨款结转和结余
    carried = bool(t.general_carry_in or t.general_carry_out)
    if t.fiscal == t.general:
        fiscal_line = f"{year}年度财政拨款收入支出总计{fiscal_total:.2f}万元，全部为一般公共预算财政拨款。"
    else:
        listed = "；".join(f"{name}{v:.2f}万元，占{_share(v, t.fiscal)}" for name, v in fiscal_sources if v)
        fiscal_line = f"{year}年度财政拨款收入支出总计{fiscal_total:.2f}万元，其中：{listed}。"
        if carried:  # the shares are of the year's appropriations
            fiscal_line = f"{year}年度财政拨款收入支出总计{fiscal_total:.2f}万元。本年财政拨款收入{t.fiscal:.2f}万元，其中：{listed}。"
    if carried:
        fiscal_line += (
            f"年初财政拨款结转和结余{t.general_carry_in:.2f}万元，本年财政拨款支出{t.fiscal_spending:.2f}万元，"
            f"年末财政拨款结转和结余{t.general_carry_out:.2f}万元。"
        )
    general = t.general_spending
    lines += [
        "五、财政拨款收入支出决算总体情况说明",
        fiscal_line,
        "六、一般公共预算财政拨款支出决算情况说明",
        "（一）一般公共预算财政拨款支出决算总体情况",
        f"一般公共预算财政拨款支出{general:.2f}万元，占本年支出合计的{_share(general, t.spending)}。"
        f"与{year - 1}年度相比，{_change(general, n.prior_general, '一般公共预算财政拨款支出')}，"
        f"主要原因是{_reason(n.reason_general, '一般公共预算财政拨款支出变动的主要原因')}。",
        "（二）一般公共预算财政拨款支出决算结构情况",
    ]
    classes = [(acc.class_names[c], f.general_spending) for c, f in acc.class_totals.items() if f.general_spending]
    listed = "；".join(f"{name}（类）{v:.2f}万元，占{_share(v, general)}" for name, v in classes)
    lines.append(f"一般公共预算财政拨款支出{general:.2f}万元，主要用于以下方面：{listed}。")
    lines.append("（三）一般公共预算财政拨款支出决算具体情况")
    word = "小于" if general < n.initial_general else "大于" if general > n.initial_general else "等于"
    lines.append(
        f"一般公共预算财政拨款支出年初预算为{n.initial_general:.2f}万元，支出决算为{general:.2f}万元，"
        f"完成年初预算的{_share(general, n.initial_general)}。决算数{word}预算数的主要原因是"
        f"{_reason(n.reason_budget, '决算数与年初预算数差异的主要原因')}。"
    )
    personnel = [
        r.name for b in acc.basic_blocks for r in b if len(r.code) == 5 and r.amount and r.code[:3] in _ECON_PERSONNEL
    ]
    public = [
        r.name
        for b in acc.basic_blocks
        for r in b
        if len(r.code) == 5 and r.amount and r.code[:3] not in _ECON_PERSONNEL
    ]
    lines += [
        "七、一般公共预算财政拨款基本支出决算情况说明",
        f"一般公共预算财政拨款基本支出{acc.personnel_total + acc.public_total:.2f}万元，其中：人员经费"
        f"{acc.personnel_total:.2f}万元，主要包括：{'、'.join(personnel)}；公用经费{acc.public_total:.2f}万元，"
        f"主要包括：{'、'.join(public)}。",
        "八、财政拨款“三公”经费支出决算情况说明",
    ]
    budget, final = tp.total[0], tp.total[2]
    lines.append(
        f"{year}年度一般公共预算财政拨款“三公”经费支出年初预算为{budget:.2f}万元，支出决算为{final:.2f}万元，"
        f"完成年初预算的{_share(final, budget)}，其中：因公出国（境）费支出决算为{tp.abroad[2]:.2f}万元；"
        f"公务用车购置及运行维护费支出决算为{tp.car[2]:.2f}万元；公务接待费支出决算为{tp.reception[2]:.2f}万元。"
    )
    lines.append(
        f"{year}年度一般公共预算财政拨款“三公”经费支出决算比{year - 1}年度"
        f"{_change(final, n.prior_three_public, '')}，主要原因是"
        f"{_reason(n.reason_three_public, '“三公”经费支出变动的主要原因')}。"
    )
    st = spec.three_public
    lines.append(
        f"全年安排因公出国（境）团组{st.abroad_groups}个、{st.abroad_people}人次；购置公务用车{st.car_purchase_count}辆，"
        f"年末公务用车保有量{st.car_stock}辆；国内公务接待{st.reception_batches}批次、{st.reception_people}人次。"
    )
    a = spec.assets
    goods, works, services = n.procurement
    lines += [
        "九、政府性基金预算财政拨款收入支出决算情况说明",
        _fund_sentence(year, "政府性基金预算财政拨款", t.fund),
        "十、国有资本经营预算财政拨款收入支出决算情况说明",
        _fund_sentence(year, "国有资本经营预算财政拨款", t.capital),
        "十一、其他重要事项的情况说明",
        "（一）机关运行经费支出情况",
        "本部门为非参公管理事业单位，无机关运行经费支出。",
        "（二）政府采购支出情况",
        f"本部门{year}年度政府采购金额{goods + works + services:.2f}万元，其中：货物采购金额{goods:.2f}万元、"
        f"工程采购金额{works:.2f}万元、服务采购金额{services:.2f}万元。",
        "（三）国有资产占有使用情况",
        f"截至{year}年12月31日，本部门资产总额{acc.assets_total:.2f}万元，其中：流动资产{a.current:.2f}万元，"
        f"固定资产{acc.fixed_net:.2f}万元，无形资产{a.intangible_net:.2f}万元；共有车辆{st.car_stock}辆。",
    ]
    p = spec.performance.project
    executed = next(i.general_project for i in spec.items if i.code == p.item_code)
    rate = executed / p.full_budget if p.full_budget else Decimal(0)
    score = (min(rate, Decimal(1)) * 10).quantize(CENT) + sum((i.score for i in p.indicators), ZERO)
    grade = next((g for g, low in n.grades if score >= low), n.grades[-1][0])
    counts = {g: int(g == grade) for g, _ in n.grades}
    lines += [
        "十二、预算绩效管理情况",
        f"本部门{year}年度对1个项目开展了绩效自评，涉及资金{p.full_budget:.2f}万元，平均得分{score:.2f}分，其中："
        + "，".join(f"绩效评级为“{g}”的项目{c}个" for g, c in counts.items())
        + "。",
    ]
    return TextBlock([[line] for line in lines])


# -- 绩效 ---------------------------------------------------------------------------------------------------


def _pct(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100).quantize(CENT)}%" if whole else DASH


def _performance(acc: Accounts) -> list[TextBlock]:
    spec = acc.spec
    perf = spec.performance
    dept, year = spec.department, spec.year
    t = acc.total
    tp = acc.three_public
    narrative = [
        [f"{year}年度部门整体支出绩效自评情况"],
        [],
        [f"部门：{dept}"],
        [],
        ["一、部门基本情况", "（一）部门概况", "", perf.overview],
        ["", "（二）部门绩效目标的设立情况", "", perf.goal],
        [
            "",
            "（三）部门整体收支情况",
            "",
            f"{year}年部门本年收入合计{t.income:.2f}万元，其中："
            + "，".join(f"{name}{v:.2f}万元" for name, v in source_amounts(t).items() if v)
            + f"。本年支出合计{t.spending:.2f}万元，其中："
            + "，".join(f"{name}{v:.2f}万元" for name, v in spending_amounts(t).items() if v)
            + "。",
        ],
        [
            "",
            "（四）严控“三公”经费支出情况",
            "",
            f"{year}年一般公共预算财政拨款“三公”经费全年预算数{tp.total[1]:.2f}万元，决算数{tp.total[2]:.2f}万元，"
            f"其中公务用车运行维护费{tp.car_operation[2]:.2f}万元，公务接待费{tp.reception[2]:.2f}万元。",
        ],
        [
            "二、绩效自评工作情况",
            "（一）绩效自评的目的",
            "",
            "通过自评了解资金使用是否达到预期目标、资金管理是否规范、资金使用是否有效，及时总结经验，改进管理措施。",
        ],
        [
            "",
            "（二）自评组织过程",
            "",
            "由财务部门牵头，各业务科室提供佐证材料，对照部门整体支出绩效自评表逐项开展自评。",
        ],
        ["三、评价情况及综合评价结论", "", "", "部门年度目标全部完成，预算执行规范，综合评价结论等级为优。"],
        [
            "四、存在的问题和整改情况",
            "",
            "",
            "部分绩效指标量化程度不高。下一年度将细化分解绩效目标，提高指标的可衡量性。",
        ],
        ["五、绩效自评结果应用", "", "", "自评结果作为下一年度预算安排和项目管理的重要参考。"],
        ["六、主要经验及做法", "", "", "严格预算执行，按月跟踪执行进度，及时调整和优化支出结构。"],
        ["七、其他需说明的情况", "", "", "无。"],
        [],
        ["备注：涉密部门和涉密信息按保密规定不公开。"],
    ]
    basic_general = acc.personnel_total + acc.public_total
    department = [
        [f"{year}年度部门整体支出绩效自评表"],
        [],
        ["部门名称", dept, ""],
        ["", "内容", "说明"],
        ["部门总体目标", "部门职责", perf.duties],
        ["", "总体绩效目标", perf.goal],
        [],
        ["一、部门年度目标"],
        [],
        ["财年", "目标", "实际完成情况"],
        [str(year), perf.goal, "已完成"],
        [str(year + 1), (perf.later_goals[0:1] or (perf.goal,))[0], "---"],
        [str(year + 2), (perf.later_goals[1:2] or (perf.goal,))[0], "---"],
        [],
        ["二、部门年度重点工作任务"],
        [],
        [
            "任务名称",
            "项目级次",
            "主要内容",
            "批复金额（万元）",
            "",
            "",
            "实际支出金额（万元）",
            "预算执行率",
            "预算执行偏低原因及改进措施",
        ],
        ["", "", "", "总额", "财政拨款", "其他资金", "", "", ""],
        [
            f"{dept}基本支出资金",
            "一级",
            "在职人员及机构运转保障",
            f"{basic_general:.2f}",
            f"{basic_general:.2f}",
            "",
            f"{basic_general:.2f}",
            "100.00%",
            "",
        ],
        [
            f"{dept}项目资金",
            "一级",
            "数据共享与政务信息化项目",
            f"{acc.project_total:.2f}",
            f"{acc.project_total:.2f}",
            "",
            f"{acc.project_total:.2f}",
            "100.00%",
            "",
        ],
        [],
        ["三、部门整体支出绩效指标"],
        [],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "偏差原因分析及改进措施"],
    ]
    department += [
        [i.level1, i.level2, i.level3, i.nature, i.target, i.unit, i.actual, ""] for i in perf.department_indicators
    ]
    department += [
        ["其他需说明事项", "无", "", "", "", "", "", ""],
        [],
        ["备注："],
        [],
        ["- 涉密部门和涉密信息按保密规定不公开。"],
        ["- 一级指标包含产出指标、效益指标、满意度指标，二级指标和三级指标根据项目实际情况设置。"],
    ]
    p = perf.project
    executed = next(i.general_project for i in spec.items if i.code == p.item_code)
    full = p.full_budget
    rate = executed / full if full else Decimal(0)
    funds_score = (min(rate, Decimal(1)) * 10).quantize(CENT)
    indicator_score = sum((i.score for i in p.indicators), ZERO)
    total_score = funds_score + indicator_score
    project = [
        [f"{year}年度项目支出绩效自评表"],
        [],
        ["项目名称", "", p.name, "", "", "", "", "", "", ""],
        ["主管部门", "", dept, "", "实施单位", dept, "", "", "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "", ""],
        [
            "",
            "年度资金总额",
            f"{p.initial_budget:.2f}",
            f"{full:.2f}",
            f"{executed:.2f}",
            "10",
            _pct(executed, full),
            f"{funds_score:.2f}",
            "",
            "",
        ],
        ["", "其中：当年财政拨款", f"{p.initial_budget:.2f}", f"{full:.2f}", f"{executed:.2f}", DASH, "", DASH, "", ""],
        ["", "上年结转资金", "", "", "", DASH, "", DASH, "", ""],
        ["", "其他资金", DASH, DASH, DASH, DASH, "", DASH, "", ""],
        ["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", "", "", ""],
        ["", p.goal, "", "", "已完成", "", "", "", "", ""],
        ["绩效指标", "", "", "年度指标值", "", "", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "", "", "", ""],
    ]
    project += [
        [i.level1, i.level2, i.level3, i.nature, i.target, i.unit, i.actual, f"{i.weight:.2f}", f"{i.score:.2f}", ""]
        for i in p.indicators
    ]
    grade = "优" if total_score >= 90 else "良" if total_score >= 80 else "中" if total_score >= 60 else "差"
    project += [
        ["其他需要说明事项", "", "", "无", "", "", "", "", "", ""],
        ["总分", "", "", "", "", "", "", "100", f"{total_score:.2f}", grade],
        [],
        ["备注："],
        [],
        ["1. 涉密部门和涉密信息按保密规定不公开。"],
        ["2. 一级指标包含产出指标、效益指标、满意度指标，二级指标和三级指标根据项目实际情况设置。"],
        ["3. 当年财政拨款指一般公共预算、国有资本经营预算、政府性基金预算安排的资金。"],
        ["4. 全年预算数=年初预算数+调整预算。"],
    ]
    return [TextBlock(narrative), TextBlock(department), TextBlock(project)]


# =============================================================================================
# The text parts of a document


def text_parts(spec: DisclosureSpec) -> list[TextBlock]:
    """The cover line, the 情况说明 (when the spec has one) and the 绩效 parts, as lines of cells.
    :mod:`juesuan.generate.document` prints them around the tables laid out from the layouts data."""
    acc = derive(spec)
    cover = TextBlock([[f"{spec.department}{spec.year}年度部门决算"]])
    return [cover, *([_narrative(acc, spec.narrative)] if spec.narrative is not None else []), *_performance(acc)]


# =============================================================================================
# The bundled example


def example_spec() -> DisclosureSpec:
    """A fictional department, 示例市数据服务中心, fiscal year 2024 (a 非参公 public institution)."""
    basic = (
        ("30101", "120.36"),
        ("30102", "58.20"),
        ("30103", "10.03"),
        ("30107", "95.48"),
        ("30108", "38.52"),
        ("30109", "15.41"),
        ("30110", "17.86"),
        ("30112", "2.14"),
        ("30113", "28.90"),
        ("30307", "1.60"),
        ("30201", "6.35"),
        ("30205", "0.82"),
        ("30206", "4.17"),
        ("30207", "2.46"),
        ("30211", "3.28"),
        ("30213", "1.95"),
        ("30216", "1.10"),
        ("30217", "0.86"),
        ("30228", "4.52"),
        ("30229", "3.30"),
        ("30231", "2.64"),
        ("30239", "5.40"),
        ("31002", "3.58"),
    )
    project = (
        ("30216", "4.80"),
        ("30217", "0.54"),
        ("30226", "24.00"),
        ("30227", "96.50"),
        ("30305", "6.00"),
        ("31007", "68.00"),
    )
    items = (
        FunctionItem("2010350", general=D("328.24"), business=D("45.00"), basic=D("373.24")),
        FunctionItem("2010399", general=D("189.04"), other=D("3.20"), project=D("192.24"), general_project=D("189.04")),
        FunctionItem("2013202", general=D("10.80"), project=D("10.80"), general_project=D("10.80")),
        FunctionItem("2080505", general=D("38.52"), basic=D("38.52")),
        FunctionItem("2080506", general=D("15.41"), basic=D("15.41")),
        FunctionItem("2101102", general=D("17.86"), basic=D("17.86")),
        FunctionItem("2210201", general=D("28.90"), basic=D("28.90")),
    )
    project_indicators = (
        Indicator("产出指标", "数量指标", "接入共享平台的部门数", ">=", "40", "个", "43", D("20.00"), D("20.00")),
        Indicator("产出指标", "质量指标", "平台年度可用率", ">=", "99.5", "%", "99.8", D("20.00"), D("20.00")),
        Indicator("产出指标", "时效指标", "故障响应时间", "<=", "2", "小时", "1.5", D("10.00"), D("10.00")),
        Indicator("效益指标", "社会效益指标", "数据共享调用次数增长率", ">=", "10", "%", "12", D("20.00"), D("20.00")),
        Indicator("满意度指标", "服务对象满意度指标", "使用部门满意度", ">=", "90", "%", "95", D("20.00"), D("20.00")),
    )
    department_indicators = (
        Indicator("产出指标", "数量指标", "政务数据目录编制数", ">=", "300", "项", "326"),
        Indicator("产出指标", "质量指标", "数据共享申请办结率", ">=", "95", "%", "98"),
        Indicator("效益指标", "社会效益指标", "“一网通办”事项数据支撑率", ">=", "90", "%", "93"),
        Indicator("满意度指标", "服务对象满意度指标", "服务对象满意度", ">=", "90", "%", "95"),
    )
    performance = PerformanceSpec(
        overview="本单位为市政府办公室所属公益一类事业单位，内设综合科、数据资源科、平台运维科3个科室，无下属单位。"
        "年末在职人员编制28人，实有27人；公务用车编制1辆，实有1辆。",
        duties="承担全市政务数据资源的汇聚、共享和开放工作；负责市级数据共享交换平台的建设、运行和维护；"
        "为各部门提供数据服务和技术支撑。",
        goal="完成政务数据目录编制和更新，保障数据共享交换平台稳定运行，提升数据共享服务效率和质量。",
        department_indicators=department_indicators,
        project=ProjectEvaluation(
            name="数据共享交换平台运行维护经费",
            item_code="2010399",
            goal="保障市级数据共享交换平台全年稳定运行，完成平台软硬件更新和新增部门接入，提升数据共享服务能力。",
            initial_budget=D("195.00"),
            full_budget=D("190.00"),
            indicators=project_indicators,
        ),
        later_goals=(
            "完成政务数据目录年度更新，推进数据共享交换平台扩容，新增接入部门不少于5个。",
            "建成政务数据质量管理机制，数据共享申请办结率保持在95%以上。",
        ),
    )
    narrative = NarrativeSpec(
        offices=("综合科", "数据资源科", "平台运维科"),
        staff_quota=(0, 28, 0),
        staff_actual=(27, 0, 0),
        retirees=(0, 2),
        prior_total=D("644.80"),
        prior_general=D("600.12"),
        prior_three_public=D("4.40"),
        initial_general=D("650.00"),
        procurement=(D("36.50"), D("0.00"), D("96.50")),
    )
    return DisclosureSpec(
        department="示例市数据服务中心",
        year=2024,
        items=items,
        basic_lines=tuple(EconomicLine(c, D(a)) for c, a in basic),
        project_lines=tuple(EconomicLine(c, D(a)) for c, a in project),
        three_public=ThreePublicSpec(
            car_operation_budget=D("3.00"),
            car_operation_full_budget=D("2.80"),
            reception_budget=D("1.50"),
            reception_full_budget=D("1.50"),
            car_stock=1,
            reception_batches=12,
            reception_people=86,
        ),
        assets=AssetSpec(
            current=D("356.42"),
            building_original=D("1280.00"),
            building_net=D("905.36"),
            vehicle_original=D("24.80"),
            vehicle_net=D("6.20"),
            other_fixed_original=D("612.45"),
            other_fixed_net=D("248.91"),
            intangible_original=D("35.60"),
            intangible_net=D("21.36"),
        ),
        performance=performance,
        narrative=narrative,
    )


def funded_example_spec() -> DisclosureSpec:
    """:func:`example_spec` with every income source and carry-overs: 上级补助收入, 经营收入 (spent as
    经营支出), 附属单位上缴收入, a 政府性基金 (国有土地使用权出让收入安排的支出) and a 国有资本经营预算
    appropriation spent on projects, 年初结转和结余 (with 一般公共预算财政拨款 carry-overs of a 项),
    使用非财政拨款结余, 结余分配, 年末结转和结余."""
    from dataclasses import replace

    base = example_spec()
    first = base.items[0]
    items = (
        replace(
            first,
            superior=D("20.00"),
            operating=D("30.00"),
            affiliated=D("5.00"),
            basic=first.basic + D("20.00"),
            operating_spending=D("30.00"),
        ),
        *(
            # 20.00 of last year's general-budget appropriation carried in, 12.00 carried out: 8.00
            # more spent on projects (委托业务费)
            replace(
                i,
                general_carry_in=D("20.00"),
                general_carry_out=D("12.00"),
                project=D("18.80"),
                general_project=D("18.80"),
            )
            if i.code == "2013202"
            else i
            for i in base.items[1:]
        ),
        FunctionItem("2120803", fund=D("120.00"), project=D("120.00")),
        FunctionItem("2230199", capital=D("15.00"), project=D("15.00")),
    )
    project_lines = tuple(
        replace(line, amount=line.amount + D("8.00")) if line.code == "30227" else line for line in base.project_lines
    )
    # income exceeds spending by the 附属单位上缴收入 (5.00) kept for next year, less the 8.00 spent
    # from the 财政拨款 carry-overs
    balances = BalanceSpec(carry_in=D("68.00"), use_balance=D("10.00"), distribution=D("2.00"), carry_out=D("73.00"))
    assert base.narrative is not None
    narrative = replace(base.narrative, prior_total=D("880.00"))
    return replace(base, items=items, project_lines=project_lines, balances=balances, narrative=narrative)
