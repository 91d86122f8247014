"""The parts of a 决算 besides its tables, drafted from the derived figures as model objects: the
cover line and the 情况说明 as paragraphs (its figures with their shares, year-on-year changes and
budget completion, so the narrative agrees with the tables), the 绩效 self-evaluation parts as
:class:`juesuan.model.PerformanceTable` printed as the layout data's forms say (``performance``:
title and rows of each part, filled with :func:`performance_values`) and the 部门整体支出绩效自评情况
as paragraphs under their headings (:func:`text_parts`): what a reader gives back from the printed
document, built directly.

:mod:`.document` writes the whole document as text (``render_text``), with known errors planted
(``plant_errors``), and the bundled example (``python -m juesuan.generate.document OUTDIR``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from ..layouts import Layouts
from ..model import Paragraph, PerformanceTable
from .derive import Accounts, derive, grand_total, source_amounts, spending_amounts
from .spec import CENT, DASH, ZERO, DisclosureSpec, NarrativeSpec, SpecError
from .tables import LayoutError

Cells = list[str]

# the 绩效 parts a 决算 can print (layouts: performance), in printed order
PERFORMANCE_KINDS = ("department_narrative", "department", "project")
_PARTS = ("other", "funds", "indicators")


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


def _fund_sentence(year: int, source: str, amount: Decimal, carry_in: Decimal = ZERO, carry_out: Decimal = ZERO) -> str:
    """The 情况说明 paragraph on the 政府性基金 or 国有资本经营 appropriations (spent on projects) with
    their 年初 and 年末结转和结余."""
    if not (amount or carry_in or carry_out):
        return f"本部门{year}年度无{source}收入和支出。"
    spent = amount + carry_in - carry_out
    if not (carry_in or carry_out):
        return (
            f"本部门{year}年度{source}收入{amount:.2f}万元，{source}支出{spent:.2f}万元，全部为项目支出；"
            "年初、年末无结转和结余。"
        )
    return (
        f"本部门{year}年度{source}年初结转和结余{carry_in:.2f}万元，{source}收入{amount:.2f}万元，"
        f"{source}支出{spent:.2f}万元，全部为项目支出；{source}年末结转和结余{carry_out:.2f}万元。"
    )


def narrative_lines(acc: Accounts, n: NarrativeSpec) -> list[str]:
    """The 情况说明, one paragraph a line: every figure is either derived from the tables or given
    by ``n``."""
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
    fiscal_total = t.fiscal + t.fiscal_carry_in  # = 财政拨款支出 + 年末财政拨款结转和结余
    carried = bool(t.fiscal_carry_in or t.fiscal_carry_out)
    if t.fiscal == t.general:
        fiscal_line = f"{year}年度财政拨款收入支出总计{fiscal_total:.2f}万元，全部为一般公共预算财政拨款。"
    else:
        listed = "；".join(f"{name}{v:.2f}万元，占{_share(v, t.fiscal)}" for name, v in fiscal_sources if v)
        fiscal_line = f"{year}年度财政拨款收入支出总计{fiscal_total:.2f}万元，其中：{listed}。"
        if carried:  # the shares are of the year's appropriations
            fiscal_line = f"{year}年度财政拨款收入支出总计{fiscal_total:.2f}万元。本年财政拨款收入{t.fiscal:.2f}万元，其中：{listed}。"
    if carried:
        fiscal_line += (
            f"年初财政拨款结转和结余{t.fiscal_carry_in:.2f}万元，本年财政拨款支出{t.fiscal_spending:.2f}万元，"
            f"年末财政拨款结转和结余{t.fiscal_carry_out:.2f}万元。"
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
        _fund_sentence(year, "政府性基金预算财政拨款", t.fund, t.fund_carry_in, t.fund_carry_out),
        "十、国有资本经营预算财政拨款收入支出决算情况说明",
        _fund_sentence(year, "国有资本经营预算财政拨款", t.capital, t.capital_carry_in, t.capital_carry_out),
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
    return lines


# -- 绩效 ---------------------------------------------------------------------------------------------------


def _pct(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100).quantize(CENT)}%" if whole else DASH


def _rows(rows: list[Cells]) -> list[Cells]:
    """The printed texts of each row (blank cells left out, as :class:`PerformanceTable` keeps them);
    rows without text dropped."""
    out = [[c.strip() for c in r if c.strip()] for r in rows]
    return [r for r in out if r]


def _fields(rows: list[Cells]) -> dict[str, str]:
    """The key/value rows of a 绩效 table's header and closing parts: two texts, a short key (as
    :func:`juesuan.recognize.recognize` keeps them)."""
    return {r[0]: r[1] for r in rows if len(r) == 2 and len(r[0]) <= 12}


def _title(layouts: Layouts, kind: str, year: int) -> str:
    """The printed title of the 绩效 table ``kind``: the year and the layout data's name."""
    return f"{year}年度{layouts.performance[kind][0]}"


_SLOT = re.compile(r"\{(\w+)\}")


def performance_values(acc: Accounts) -> tuple[dict[str, str], dict[str, list[Cells]]]:
    """The values the 绩效 forms of the layout data print (``{name}`` in a cell), and the rows they
    print under a name (a row of the one cell ``{name}``: the indicators)."""
    spec = acc.spec
    perf = spec.performance
    year = spec.year
    t = acc.total
    tp = acc.three_public
    p = perf.project
    executed = next(i.general_project for i in spec.items if i.code == p.item_code)
    full = p.full_budget
    rate = executed / full if full else Decimal(0)
    funds_score = (min(rate, Decimal(1)) * 10).quantize(CENT)
    total_score = funds_score + sum((i.score for i in p.indicators), ZERO)
    grade = "优" if total_score >= 90 else "良" if total_score >= 80 else "中" if total_score >= 60 else "差"
    values = {
        "department": spec.department,
        "year": str(year),
        "year_1": str(year + 1),
        "year_2": str(year + 2),
        "overview": perf.overview,
        "duties": perf.duties,
        "goal": perf.goal,
        "goal_1": (perf.later_goals[0:1] or (perf.goal,))[0],
        "goal_2": (perf.later_goals[1:2] or (perf.goal,))[0],
        "income_spending": f"{year}年部门本年收入合计{t.income:.2f}万元，其中："
        + "，".join(f"{name}{v:.2f}万元" for name, v in source_amounts(t).items() if v)
        + f"。本年支出合计{t.spending:.2f}万元，其中："
        + "，".join(f"{name}{v:.2f}万元" for name, v in spending_amounts(t).items() if v)
        + "。",
        "three_public": f"{year}年一般公共预算财政拨款“三公”经费全年预算数{tp.total[1]:.2f}万元，"
        f"决算数{tp.total[2]:.2f}万元，其中公务用车运行维护费{tp.car_operation[2]:.2f}万元，"
        f"公务接待费{tp.reception[2]:.2f}万元。",
        "basic": f"{acc.personnel_total + acc.public_total:.2f}",
        "project": f"{acc.project_total:.2f}",
        "project_name": p.name,
        "project_goal": p.goal,
        "initial_budget": f"{p.initial_budget:.2f}",
        "full_budget": f"{full:.2f}",
        "executed": f"{executed:.2f}",
        "execution_rate": _pct(executed, full),
        "funds_score": f"{funds_score:.2f}",
        "total_score": f"{total_score:.2f}",
        "grade": grade,
    }
    rows = {
        "department_indicators": [
            [i.level1, i.level2, i.level3, i.nature, i.target, i.unit, i.actual] for i in perf.department_indicators
        ],
        "project_indicators": [
            [i.level1, i.level2, i.level3, i.nature, i.target, i.unit, i.actual, f"{i.weight:.2f}", f"{i.score:.2f}"]
            for i in p.indicators
        ],
    }
    return values, rows


def _fill(kind: str, rows: list[Cells], values: dict[str, str], slots: dict[str, list[Cells]]) -> list[Cells]:
    """The rows of a form part with every ``{name}`` replaced by its value, and each slot row by its
    rows; a name the generator does not give is an error of the layout data."""
    out: list[Cells] = []

    def value(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise LayoutError(f"绩效 form {kind}: no value {m.group(0)} (one of {', '.join(sorted(values))})")
        return values[m.group(1)]

    for row in rows:
        slot = _SLOT.fullmatch(row[0]) if len(row) == 1 else None
        if slot and slot.group(1) in slots:
            out += slots[slot.group(1)]
        else:
            out.append([_SLOT.sub(value, c) for c in row])
    return out


def performance_tables(
    acc: Accounts, layouts: Layouts, kinds: Sequence[str] = PERFORMANCE_KINDS
) -> list[PerformanceTable]:
    """The 绩效 self-evaluation parts ``kinds`` (Yunnan's 部门整体支出绩效自评情况, 部门整体支出绩效自评表
    and 项目支出绩效自评表) as model tables, printed as the layout data's forms say (``performance``:
    the title and the ``form`` rows of each part). A reader splits the printed table into the same
    parts: each part opens with a row the layout's ``performance_sections`` name."""
    values, slots = performance_values(acc)
    out = []
    for kind in kinds:
        form = layouts.performance_forms.get(kind)
        if form is None:
            raise LayoutError(f"the layout data has no 绩效 form for {kind}")
        other, funds, indicators = (_rows(_fill(kind, form.get(part, []), values, slots)) for part in _PARTS)
        out.append(
            PerformanceTable(
                kind=kind,
                title=_title(layouts, kind, acc.spec.year),
                fields=_fields(other),
                funds=funds,
                indicators=indicators,
                other=other,
            )
        )
    return out


def performance_paragraphs(table: PerformanceTable) -> list[Paragraph]:
    """The 部门整体支出绩效自评情况 as paragraphs: each row's text under the section its other cells
    name (the table's title when there are none)."""
    return [Paragraph(r[-1], section=" ".join(r[:-1]) or table.title) for r in table.other]


# =============================================================================================
# The parts of a document besides the tables


def cover_line(spec: DisclosureSpec) -> str:
    return f"{spec.department}{spec.year}年度部门决算"


def text_parts(
    spec: DisclosureSpec, layouts: Layouts, kinds: Sequence[str] = PERFORMANCE_KINDS
) -> tuple[list[Paragraph], list[PerformanceTable]]:
    """The paragraphs (the cover line, the 情况说明 when the spec has one, then the 部门整体支出绩效自评情况
    under its headings) and the 绩效 tables ``kinds`` of ``spec``, as model objects. :mod:`.model`
    puts them around the tables laid out from the layouts data."""
    acc = derive(spec)
    lines = [cover_line(spec), *(narrative_lines(acc, spec.narrative) if spec.narrative is not None else [])]
    performance = performance_tables(acc, layouts, kinds)
    paragraphs = [Paragraph(text) for text in lines]
    for table in performance:
        if table.kind == "department_narrative":
            paragraphs += performance_paragraphs(table)
    return paragraphs, performance
