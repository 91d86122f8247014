"""The text parts drafted from the derived figures: the cover line, the 情况说明 (its figures with
their shares, year-on-year changes and budget completion, so the narrative agrees with the tables)
and the 绩效 self-evaluation parts, as lines of cells (:func:`text_parts`).

:mod:`.document` writes the whole document as text (``render_text``), with known errors planted
(``plant_errors``), and the bundled example (``python -m juesuan.generate.document OUTDIR``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .derive import Accounts, derive, grand_total, source_amounts, spending_amounts
from .spec import CENT, DASH, ZERO, DisclosureSpec, NarrativeSpec, SpecError

Cells = list[str]


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
