"""The spec of a 决算 disclosure: only the primary figures, as a preparer fills them in.

The spec (:class:`DisclosureSpec`) holds the 支出功能分类 项 with their income by source and spending
by type, the economic lines of the general-budget basic and project spending, the "三公" budgets and
statistics, the asset block, the balances, and the narrative and 绩效 inputs that figures cannot
give. Every total printed in the document is derived from those figures by :mod:`.derive`; amounts
are Decimal with two places (:func:`money`). The bundled examples (:func:`example_spec`,
:func:`funded_example_spec`) are fictional departments written by us.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Sequence

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DASH = "—"


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
    spending of the 项 is ``general + general_carry_in - general_carry_out``); ``fund_carry_in`` /
    ``fund_carry_out`` and ``capital_carry_in`` / ``capital_carry_out`` are those of the 政府性基金 and
    国有资本经营 appropriations, whose spending (``fund + fund_carry_in - fund_carry_out``, and the
    same for ``capital``) goes to projects. Income equals spending on every 项 unless the
    department has carry-overs (:class:`BalanceSpec`, which includes the 财政拨款 ones): then only
    the totals must balance.
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
    fund_carry_in: Decimal = ZERO
    fund_carry_out: Decimal = ZERO
    capital_carry_in: Decimal = ZERO
    capital_carry_out: Decimal = ZERO

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
    appropriation spent on projects, each with carry-overs of its own, 年初结转和结余 (with
    一般公共预算财政拨款 carry-overs of a 项), 使用非财政拨款结余, 结余分配, 年末结转和结余."""
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
        # 政府性基金: 30.00 carried in, 10.00 carried out, 140.00 spent; 国有资本经营: 6.00 carried
        # in, 9.00 carried out, 12.00 spent
        FunctionItem(
            "2120803", fund=D("120.00"), fund_carry_in=D("30.00"), fund_carry_out=D("10.00"), project=D("140.00")
        ),
        FunctionItem(
            "2230199", capital=D("15.00"), capital_carry_in=D("6.00"), capital_carry_out=D("9.00"), project=D("12.00")
        ),
    )
    project_lines = tuple(
        replace(line, amount=line.amount + D("8.00")) if line.code == "30227" else line for line in base.project_lines
    )
    # income exceeds spending by the 附属单位上缴收入 (5.00) kept for next year, less the 8.00 spent
    # from the 一般公共预算 carry-overs, the 20.00 from the 政府性基金 ones, plus the 3.00 of
    # 国有资本经营 appropriation kept
    balances = BalanceSpec(carry_in=D("104.00"), use_balance=D("10.00"), distribution=D("2.00"), carry_out=D("92.00"))
    assert base.narrative is not None
    narrative = replace(base.narrative, prior_total=D("880.00"))
    return replace(base, items=items, project_lines=project_lines, balances=balances, narrative=narrative)
