"""The figures of a complete, internally consistent 决算 disclosure derived from a spec.

Every total printed in the document (类/款 roll-ups, 合计 rows, the 总表, the 财政拨款 tables,
人员经费/公用经费, the "三公" finals, the asset totals) is derived from the spec's primary figures
(:func:`derive` → :class:`Accounts`), so the document is consistent by construction; :func:`derive`
rejects a spec whose parts cannot agree (:class:`.spec.SpecError`). The tables are laid out from
these figures through the layouts data by :mod:`.final`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Sequence

from .. import catalog
from .spec import ZERO, DisclosureSpec, EconomicLine, FunctionItem, SpecError


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
    fund_carry_in: Decimal = ZERO
    fund_carry_out: Decimal = ZERO
    capital_carry_in: Decimal = ZERO
    capital_carry_out: Decimal = ZERO

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
    def fund_spending(self) -> Decimal:
        """政府性基金预算财政拨款支出 (all on projects): the appropriation with its carry-overs."""
        return self.fund + self.fund_carry_in - self.fund_carry_out

    @property
    def capital_spending(self) -> Decimal:
        """国有资本经营预算财政拨款支出 (all on projects): the appropriation with its carry-overs."""
        return self.capital + self.capital_carry_in - self.capital_carry_out

    @property
    def fiscal_spending(self) -> Decimal:
        """财政拨款支出 of the three sources."""
        return self.general_spending + self.fund_spending + self.capital_spending

    @property
    def fiscal_carry_in(self) -> Decimal:
        """年初财政拨款结转和结余 of the three sources."""
        return self.general_carry_in + self.fund_carry_in + self.capital_carry_in

    @property
    def fiscal_carry_out(self) -> Decimal:
        """年末财政拨款结转和结余 of the three sources."""
        return self.general_carry_out + self.fund_carry_out + self.capital_carry_out

    @property
    def income(self) -> Decimal:
        return self.fiscal + self.superior + self.business + self.operating + self.affiliated + self.other

    @property
    def spending(self) -> Decimal:
        return self.basic + self.project + self.to_superior + self.operating_spending + self.to_affiliated

    @classmethod
    def of(cls, item: FunctionItem) -> Figures:
        return cls(**{n: item.general_basic if n == "general_basic" else getattr(item, n) for n in FIGURE_FIELDS})


# the amounts in field order (as_tuple, the sum of two); general_basic is FunctionItem's property
FIGURE_FIELDS = tuple(f.name for f in fields(Figures))


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
        if f.fund_spending < 0 or f.capital_spending < 0:
            raise SpecError(
                f"{item.code}: 政府性基金/国有资本经营 年末结转和结余 {f.fund_carry_out}/{f.capital_carry_out} exceed "
                f"the 年初结转和结余 and 本年收入 available ({f.fund + f.fund_carry_in}/{f.capital + f.capital_carry_in})"
            )
        if f.general_project + f.fund_spending + f.capital_spending > f.project or f.general_basic > f.basic:
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
    if total.fiscal_carry_in > b.carry_in or total.fiscal_carry_out > b.carry_out:
        raise SpecError(
            f"财政拨款年初/年末结转和结余 {total.fiscal_carry_in}/{total.fiscal_carry_out} exceed the "
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
