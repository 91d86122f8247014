"""绩效自评 checks: the 项目支出绩效自评表 (execution rate and its score, weights, total, grade,
indicators) and the 部门整体支出绩效自评表 (tasks against their approved amounts and the 决算
tables, targets across years), and the narrative's statements about the self-evaluation.

The recognizer keeps each printed row of a 绩效 table as the list of its non-empty cells, so the
rows are read from their ends: a row's 分值 and 得分 are its last two numbers, its 指标性质 (≥, ≤,
=) anchors 指标值, 度量单位 and 实际完成值. A row that cannot be read this way is left out and the
rules that need it report insufficient data rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..model import PerformanceTable
from ..rounding import tolerance
from .context import HUNDRED, Context, fmt, half_unit, q2
from .settings import performance_settings
from .text import norm_key

_NUM = re.compile(r"-?\d+(?:\.\d+)?")
_PCT_CELL = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")
_OP_TAIL = re.compile(r"(>=|<=|≥|≤|=|＝|>|<)$")
_UNITLIKE = re.compile(r"^[^\d≥≤<>=]{1,6}$")


def _dec(text: str) -> Decimal | None:
    t = norm_key(text).replace(",", "").rstrip("分")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return None


def _num_in(text: str) -> Decimal | None:
    m = _NUM.search(norm_key(text).replace(",", ""))
    return Decimal(m.group(0)) if m else None


@dataclass
class Indicator:
    """A row of a performance table's indicators: target, actual value, weight and score."""

    name: str
    op: str | None  # ge | le | eq | qualitative | None
    op_text: str
    target: str
    unit: str
    actual: str
    weight: Decimal | None = None
    score: Decimal | None = None
    reason: str = ""
    row: list[str] = field(default_factory=list)


@dataclass
class Funds:
    """A performance table's funds part: its headers and values."""

    headers: list[str]
    values: dict[str, str]


def _op(ctx: Context, text: str) -> str | None:
    t = norm_key(text)
    for op, words in ctx.perf.operators.items():
        if t in words:
            return op
    return None


def _is_header(ctx: Context, row: list[str]) -> bool:
    """An indicator table's header row (its words: data/narrative/performance.yaml)."""
    words = ctx.perf.header_words
    return any(norm_key(c).startswith(words) for c in row[:2]) or any(
        w in "".join(row) for w in ctx.perf.header_anywhere
    )


def parse_indicators(ctx: Context, table: PerformanceTable, weighted: bool) -> tuple[list[Indicator], int]:
    """The indicator rows of ``table`` and how many rows could not be read."""
    out: list[Indicator] = []
    unread = 0
    for row in table.indicators:
        cells = [c.strip() for c in row if c.strip()]
        if not cells or _is_header(ctx, cells):
            continue
        if norm_key(cells[0]).startswith(("其他需", "总分", "备注")):
            continue
        weight = score = None
        end = len(cells)
        if weighted:
            nums = [(i, _dec(c)) for i, c in enumerate(cells)]
            # the last two numbers, with at most text (the 偏差原因) after them
            idx = [i for i, v in nums if v is not None]
            tail_ok = len(idx) >= 2 and idx[-1] == idx[-2] + 1 and all(_dec(c) is None for c in cells[idx[-1] + 1 :])
            if not tail_ok:
                unread += 1
                continue
            weight, score = nums[idx[-2]][1], nums[idx[-1]][1]
            reason = "".join(cells[idx[-1] + 1 :])
            end = idx[-2]
        k = next((i for i, c in enumerate(cells[:end]) if _op(ctx, c) is not None), None)
        if k is not None and k >= 1:
            name, op_text, rest = cells[k - 1], cells[k], cells[k + 1 : end]
        else:
            k = next(
                (i for i, c in enumerate(cells[:end]) if _OP_TAIL.search(norm_key(c)) and len(norm_key(c)) > 1), None
            )
            if k is None:
                unread += 1
                continue
            m = _OP_TAIL.search(norm_key(cells[k]))
            assert m is not None
            name, op_text, rest = norm_key(cells[k])[: m.start()], m.group(1), cells[k + 1 : end]
        if not weighted:
            reason = "".join(rest[3:]) if len(rest) > 3 else ""
            rest = rest[:3]
        if len(rest) == 3:
            target, unit, actual = rest
        elif len(rest) == 2:
            target, actual = rest
            unit = ""
            if _UNITLIKE.match(norm_key(actual)) and not weighted:
                unit, actual = actual, ""
        else:
            unread += 1
            continue
        out.append(Indicator(name, _op(ctx, op_text), op_text, target, unit, actual, weight, score, reason, cells))
    return out, unread


def parse_funds(table: PerformanceTable) -> Funds | None:
    headers: list[str] = []
    for row in table.funds:
        keys = [norm_key(c) for c in row]
        if any(k.startswith("年初预算数") or k.startswith("全年预算数") for k in keys):
            headers = [norm_key(c) for c in row if not norm_key(c).startswith("项目资金")]
            continue
        if keys and keys[0].startswith("年度资金总额") and headers:
            values = row[1:]
            if len(values) != len(headers):
                return Funds(headers, {})
            return Funds(headers, dict(zip(headers, values)))
    return None


def _total_row(table: PerformanceTable) -> list[str] | None:
    for row in table.other + table.indicators:
        if row and norm_key(row[0]).startswith("总分"):
            return row
    return None


def _name(table: PerformanceTable) -> str:
    return table.fields.get("项目名称") or table.fields.get("部门名称") or ""


def _title(table: PerformanceTable) -> str:
    base = performance_settings().table_name(table.kind, table.title)
    name = _name(table)
    return f"{base}（{name}）" if name else base


PROJECT_RULES = (
    "performance.execution_rate",
    "performance.execution_score",
    "performance.score_cap",
    "performance.weight_total",
    "performance.total_score",
    "performance.grade",
    "performance.projects_vs_tables",
)
INDICATOR_RULES = (
    "performance.deviation_reason",
    "performance.negative_indicator",
    "performance.vague_target",
    "performance.percent_value",
    "performance.copied_actuals",
)
DEPARTMENT_RULES = ("performance.task_execution", "performance.task_vs_tables", "performance.targets_across_years")


def check(ctx: Context) -> None:
    projects = [p for p in ctx.doc.performance if p.kind == "project"]
    departments = [p for p in ctx.doc.performance if p.kind == "department"]
    required = set(ctx.variant.performance)

    def absent(rules: tuple[str, ...], kind: str, label: str) -> None:
        status = "insufficient_data" if kind in required else "not_applicable"
        reason = f"缺少《{label}》" if kind in required else f"本版式不要求《{label}》"
        for r in rules:
            ctx.unresolved(r, status, reason)

    if projects:
        for p in projects:
            _project(ctx, p)
        _projects_vs_tables(ctx, projects)
    else:
        absent(PROJECT_RULES, "project", ctx.perf.table_name("project"))
    if projects or departments:
        for p in projects + departments:
            inds, unread = parse_indicators(ctx, p, weighted=p.kind == "project")
            _indicators(ctx, p, inds)
            if unread:
                for r in INDICATOR_RULES:
                    ctx.unresolved(r, "insufficient_data", f"《{_title(p)}》有{unread}行指标未能逐栏识别")
    else:
        absent(INDICATOR_RULES, "project", ctx.perf.table_name("project"))
    if departments:
        for p in departments:
            _department(ctx, p)
    else:
        absent(DEPARTMENT_RULES, "department", ctx.perf.table_name("department"))
    _narrative_grades(ctx)


# -- 项目支出绩效自评表 ---------------------------------------------------------------------------------


def _loc(ctx: Context, table: PerformanceTable, row: str, column: str, value: str | None):
    return ctx.where(table.where(row), _title(table), row, column, value)


def _pick(values: dict[str, str], *prefixes: str) -> tuple[str, str] | None:
    for k, v in values.items():
        if k.startswith(prefixes):
            return k, v
    return None


def _rate_of(text: str) -> tuple[Decimal, Decimal] | None:
    """A printed execution rate as a percentage and half its last digit ("100.00%", "1.00" → 100)."""
    t = norm_key(text)
    m = _PCT_CELL.match(t)
    if m:
        return Decimal(m.group(1)), half_unit(m.group(1))
    v = _dec(t)
    if v is None:
        return None
    if v <= Decimal("1.5"):
        return v * HUNDRED, half_unit(t) * HUNDRED
    return v, half_unit(t)


def _project(ctx: Context, table: PerformanceTable) -> None:
    title = _title(table)
    funds = parse_funds(table)
    weight_total = Decimal(0)
    score_total = Decimal(0)
    funds_ok = False
    if funds is None or not funds.values:
        for r in ("performance.execution_rate", "performance.execution_score"):
            ctx.unresolved(r, "insufficient_data", f"《{title}》项目资金行未能逐栏识别")
    else:
        v = funds.values
        budget = _pick(v, "全年预算数", "调整后预算数")
        executed = _pick(v, "全年执行数", "执行数")
        rate = _pick(v, "执行率")
        weight = _pick(v, "分值")
        score = _pick(v, "得分")
        b = _dec(budget[1]) if budget else None
        e = _dec(executed[1]) if executed else None
        w = _dec(weight[1]) if weight else None
        w = w if w is not None else Decimal(ctx.perf.execution_weight)
        sc = _dec(score[1]) if score else None
        weight_total += w
        if sc is not None:
            score_total += sc
            funds_ok = True
            _cap_check(ctx, table, "年度资金总额（执行率）", w, sc)
        if b is None or e is None or b == 0:
            for r in ("performance.execution_rate", "performance.execution_score"):
                ctx.unresolved(r, "insufficient_data", f"《{title}》缺少全年预算数或全年执行数")
        else:
            assert budget is not None and executed is not None  # b and e were read from them
            hb, he = half_unit(budget[1]), half_unit(executed[1])
            lo, hi = max(e - he, Decimal(0)) / (b + hb) * HUNDRED, (e + he) / (b - hb) * HUNDRED
            exact = e / b * HUNDRED
            printed = _rate_of(rate[1]) if rate else None
            if printed is not None and rate is not None:
                ctx.check("performance.execution_rate")
                p, hp = printed
                if p + hp < lo - Decimal("0.01") or p - hp > hi + Decimal("0.01"):
                    ctx.report(
                        "performance.execution_rate",
                        "error",
                        f"执行率计算有误：《{title}》全年执行数{executed[1]}÷全年预算数{budget[1]}＝{q2(exact)}%，表中执行率为{rate[1]}",
                        [
                            _loc(ctx, table, "年度资金总额", "执行率", rate[1]),
                            _loc(ctx, table, "年度资金总额", "全年执行数", executed[1]),
                            _loc(ctx, table, "年度资金总额", "全年预算数", budget[1]),
                        ],
                        expected=fmt(exact),
                        actual=fmt(p),
                        difference=fmt(p - exact),
                    )
            if sc is not None:
                assert score is not None  # sc was read from it
                ctx.check("performance.execution_score")
                s_lo = min(lo, HUNDRED) / HUNDRED * w
                s_hi = min(hi, HUNDRED) / HUNDRED * w
                hs = half_unit(norm_key(score[1]))
                if sc + hs < s_lo - Decimal("0.01") or sc - hs > s_hi + Decimal("0.01"):
                    expected = min(exact, HUNDRED) / HUNDRED * w
                    ctx.report(
                        "performance.execution_score",
                        "error",
                        f"执行率得分有误：《{title}》执行率{q2(exact)}%，分值{fmt(w)}，得分应为min(执行率,1)×分值＝{q2(expected)}，表中为{score[1]}",
                        [_loc(ctx, table, "年度资金总额", "得分", score[1])],
                        expected=fmt(expected),
                        actual=fmt(sc),
                        difference=fmt(sc - expected),
                    )
    inds, unread = parse_indicators(ctx, table, weighted=True)
    for ind in inds:
        assert ind.weight is not None and ind.score is not None
        weight_total += ind.weight
        score_total += ind.score
        _cap_check(ctx, table, ind.name, ind.weight, ind.score)
    total = _total_row(table)
    printed_weight = printed_score = None
    grade = None
    if total is not None:
        nums = [(c, _dec(c)) for c in total[1:]]
        values = [v for _, v in nums if v is not None]
        texts = [c for c, v in nums if v is None and norm_key(c)]
        if len(values) >= 2:
            printed_weight, printed_score = values[-2], values[-1]
        elif len(values) == 1:
            printed_score = values[0]
        grade = texts[-1] if texts else None
    complete = funds_ok and not unread and inds
    if complete:
        ctx.check("performance.weight_total")
        expected_total = Decimal(ctx.perf.total_weight)
        if weight_total != expected_total or (printed_weight is not None and printed_weight != weight_total):
            shown = f"，总分行印为{fmt(printed_weight)}" if printed_weight is not None else ""
            ctx.report(
                "performance.weight_total",
                "error",
                f"分值合计不为{expected_total}：《{title}》执行率分值与各指标分值合计{fmt(weight_total)}{shown}",
                [_loc(ctx, table, "总分", "分值", fmt(printed_weight) if printed_weight is not None else None)],
                expected=fmt(expected_total),
                actual=fmt(weight_total),
                difference=fmt(weight_total - expected_total),
            )
        if printed_score is not None:
            ctx.check("performance.total_score")
            n = len(inds) + 1
            gap = abs(printed_score - score_total)
            if gap:
                msg = f"总分与各项得分之和不符：《{title}》各项得分合计{fmt(score_total)}，总分印为{fmt(printed_score)}"
                loc = [_loc(ctx, table, "总分", "得分", fmt(printed_score))]
                if gap <= tolerance(n):
                    ctx.report(
                        "performance.total_score",
                        "info",
                        msg + "（舍入差异）",
                        loc,
                        expected=fmt(score_total),
                        actual=fmt(printed_score),
                        difference=fmt(printed_score - score_total),
                        kind="rounding",
                    )
                else:
                    ctx.report(
                        "performance.total_score",
                        "error",
                        msg,
                        loc,
                        expected=fmt(score_total),
                        actual=fmt(printed_score),
                        difference=fmt(printed_score - score_total),
                    )
    else:
        for r in ("performance.weight_total", "performance.total_score"):
            ctx.unresolved(r, "insufficient_data", f"《{title}》的分值、得分未能逐行识别")
    basis = printed_score if printed_score is not None else (score_total if complete else None)
    if grade is not None and basis is not None:
        _grade(ctx, table, basis, grade)
    elif grade is None:
        ctx.unresolved("performance.grade", "insufficient_data", f"《{title}》未见评价等级")


def _cap_check(ctx: Context, table: PerformanceTable, row: str, weight: Decimal, score: Decimal) -> None:
    ctx.check("performance.score_cap")
    if score > weight:
        ctx.report(
            "performance.score_cap",
            "error",
            f"得分超过分值：《{_title(table)}》“{row}”分值{fmt(weight)}，得分{fmt(score)}",
            [_loc(ctx, table, row, "得分", fmt(score))],
            expected=fmt(weight),
            actual=fmt(score),
            difference=fmt(score - weight),
        )


def _band(ctx: Context, score: Decimal) -> str:
    for band in sorted(ctx.perf.bands(ctx.doc.variant), key=lambda b: -b.min):
        if score >= Decimal(str(band.min)):
            return band.label
    return ctx.perf.bands(ctx.doc.variant)[-1].label


def _grade(ctx: Context, table: PerformanceTable, score: Decimal, printed: str) -> None:
    ctx.check("performance.grade")
    label = ctx.perf.aliases.get(norm_key(printed), norm_key(printed))
    labels = [b.label for b in ctx.perf.bands(ctx.doc.variant)]
    expected = _band(ctx, score)
    title = _title(table)
    loc = [_loc(ctx, table, "总分", "评价等级", printed)]
    if label not in labels:
        ctx.report(
            "performance.grade",
            "warning",
            f"评价等级“{printed}”不在本地区等级（{'/'.join(labels)}）之中：《{title}》总分{fmt(score)}，应为“{expected}”",
            loc,
        )
    elif label != expected:
        bands = "，".join(f"{b.label}≥{b.min:g}" for b in ctx.perf.bands(ctx.doc.variant))
        ctx.report(
            "performance.grade",
            "error",
            f"评价等级与总分不符：《{title}》总分{fmt(score)}应为“{expected}”（{bands}），表中为“{printed}”",
            loc,
        )


def _projects_vs_tables(ctx: Context, projects: list[PerformanceTable]) -> None:
    rule = "performance.projects_vs_tables"
    executed = Decimal(0)
    read = 0
    for p in projects:
        f = parse_funds(p)
        pick = _pick(f.values, "全年执行数", "执行数") if f and f.values else None
        v = _dec(pick[1]) if pick else None
        if v is not None:
            executed += v
            read += 1
    if not read:
        ctx.unresolved(rule, "insufficient_data", f"{ctx.perf.table_name('project')}的执行数未能识别")
        return
    cands = ctx.candidates(["expenditure.total.project"], "money", rule)
    if not cands:
        return
    c = cands[0]
    ctx.check(rule)
    project_total = c.yuan / c.factor
    if executed > project_total + Decimal("0.01") * read:
        ctx.report(
            rule,
            "warning",
            f"项目自评表的全年执行数合计{fmt(executed)}万元大于{c.describe()}{fmt(project_total)}{c.unit}",
            [*(_loc(ctx, p, "年度资金总额", "全年执行数", None) for p in projects), *ctx.cell_locations(c)],
            expected=fmt(project_total),
            actual=fmt(executed),
            difference=fmt(executed - project_total),
        )


# -- indicators -------------------------------------------------------------------------------------------


def _value(text: str) -> Decimal | None:
    return _num_in(text)


def _indicators(ctx: Context, table: PerformanceTable, inds: list[Indicator]) -> None:
    title = _title(table)
    perf = ctx.perf
    pairs = 0
    equal = 0
    for ind in inds:
        name = norm_key(ind.name)
        # negative indicators with a lower bound
        ctx.check("performance.negative_indicator")
        word = next((w for w in perf.negative_words if w in name), None)
        if word and ind.op == "ge" and not any(x in name for x in perf.negative_exceptions):
            ctx.report(
                "performance.negative_indicator",
                "warning",
                f"反向指标设置了下限：《{title}》指标“{ind.name}”（{word}越低越好）的指标性质为“{ind.op_text}”{ind.target}{ind.unit}，应为“≤”上限",
                [_loc(ctx, table, ind.name, "指标性质", ind.op_text)],
            )
        # vague targets
        ctx.check("performance.vague_target")
        for rx, what in perf.vague:
            if rx.search(norm_key(ind.target)):
                ctx.report(
                    "performance.vague_target",
                    "warning",
                    f"指标值不明确：《{title}》指标“{ind.name}”的指标值为“{ind.target}”，{what}",
                    [_loc(ctx, table, ind.name, "指标值", ind.target)],
                )
                break
        # percentage indicators whose value is not a percentage
        if norm_key(ind.unit) == "%":
            ctx.check("performance.percent_value")
            for col, val in (("指标值", ind.target), ("实际完成值", ind.actual)):
                shown = norm_key(val)
                if shown and not _is_percent(shown):
                    ctx.report(
                        "performance.percent_value",
                        "warning",
                        f"度量单位为%，{col}却不是百分数：《{title}》指标“{ind.name}”的{col}为“{val}”",
                        [_loc(ctx, table, ind.name, col, val)],
                    )
                    break
        # unmet targets need a reason
        t, a = _value(ind.target), _value(ind.actual)
        if t is not None and a is not None and ind.op in ("ge", "le", "eq"):
            ctx.check("performance.deviation_reason")
            unmet = (ind.op == "ge" and a < t) or (ind.op == "le" and a > t) or (ind.op == "eq" and a != t)
            reason = norm_key(ind.reason)
            if unmet and (not reason or reason in perf.empty_reasons):
                ctx.report(
                    "performance.deviation_reason",
                    "warning",
                    f"未完成的指标未说明偏差原因：《{title}》指标“{ind.name}”指标值{ind.op_text}{ind.target}{ind.unit}，实际完成值{ind.actual}",
                    [_loc(ctx, table, ind.name, "偏差原因分析及改进措施", ind.reason or None)],
                )
        if norm_key(ind.target) and norm_key(ind.actual):
            pairs += 1
            same = norm_key(ind.target) == norm_key(ind.actual) or (
                t is not None and a is not None and t == a and _same_text(ind.target, ind.actual)
            )
            equal += same
    if pairs >= 3:
        ctx.check("performance.copied_actuals")
        if equal == pairs:
            ctx.report(
                "performance.copied_actuals",
                "warning",
                f"实际完成值与指标值全部相同：《{title}》{pairs}项指标的实际完成值均照录指标值，疑未如实填报完成情况",
                [_loc(ctx, table, inds[0].name, "实际完成值", inds[0].actual)],
            )


def _same_text(a: str, b: str) -> bool:
    """Equal but for a % sign or a 达到/完成 prefix ("100" and "100%")."""
    strip = lambda s: re.sub(r"^(达到|完成|实现)", "", norm_key(s)).rstrip("%")  # noqa: E731
    return strip(a) == strip(b)


def _is_percent(t: str) -> bool:
    if not _NUM.search(t):
        return False
    rest = re.sub(r"[\d.%≥≤<>=]", "", t)
    return (
        t.endswith("%")
        or not rest
        or rest in ("达到", "不低于", "不高于", "大于", "小于", "节约", "提高", "降低", "提升", "减少", "增长", "完成")
    )


# -- 部门整体支出绩效自评表 ------------------------------------------------------------------------------


@dataclass
class Task:
    """A task of a 部门整体支出绩效自评表: approved and actual amounts as printed and read."""

    name: str
    approved: Decimal
    approved_text: str
    actual: Decimal
    actual_text: str
    rate_text: str | None


def parse_tasks(table: PerformanceTable) -> tuple[list[Task], int]:
    tasks: list[Task] = []
    unread = 0
    started = False
    for row in table.funds:
        keys = [norm_key(c) for c in row]
        if not keys:
            continue
        if keys[0].startswith("任务名称") or keys[0] in ("总额", "财政拨款"):
            started = True
            continue
        if not started:
            continue
        cells = list(row)
        while cells and _dec(cells[-1]) is None and _rate_of(cells[-1]) is None:
            cells.pop()
        nums = []
        for c in reversed(cells):
            if _dec(c) is not None or _PCT_CELL.match(norm_key(c)):
                nums.append(c)
            else:
                break
        nums.reverse()
        picked = _task_amounts(nums)
        if picked is None:
            unread += 1
            continue
        approved_text, actual_text, rate_text = picked
        a, b = _dec(actual_text), _dec(approved_text)
        if a is None or b is None:
            unread += 1
            continue
        tasks.append(Task(row[0], b, approved_text, a, actual_text, rate_text))
    return tasks, unread


def _task_amounts(nums: list[str]) -> tuple[str, str, str] | None:
    """(批复总额, 实际支出, 预算执行率) of a task row's trailing numbers, or None when the blanks the
    row lost make it ambiguous. Columns: 总额 | 财政拨款 | 其他资金 | 实际支出 | 执行率."""
    if len(nums) < 3:
        return None
    rate = _rate_of(nums[-1])
    last = _dec(nums[-1])
    if rate is None or ("%" not in nums[-1] and last is not None and last > Decimal("1.5")):
        return None  # the last number is no rate: the 执行率 cell is blank
    amounts = nums[:-1]
    parsed = [_dec(x) for x in amounts]
    values = [v for v in parsed if v is not None]
    if len(values) < len(parsed):
        return None
    if len(amounts) == 4:
        return amounts[0], amounts[3], nums[-1]
    if len(amounts) == 3:
        total, second, third = values
        if total == second:
            return amounts[0], amounts[2], nums[-1]  # 其他资金 blank (or 财政拨款 blank)
        return None  # 总额 = 财政拨款 + 其他资金 with the 实际支出 blank, or worse: do not guess
    if len(amounts) == 2:
        total, second = values
        p, _ = rate
        if total and abs(second / total * HUNDRED - p) <= Decimal("0.5"):
            return amounts[0], amounts[1], nums[-1]
    return None


def _department(ctx: Context, table: PerformanceTable) -> None:
    title = _title(table)
    tasks, unread = parse_tasks(table)
    if unread:
        ctx.unresolved(
            "performance.task_execution", "insufficient_data", f"《{title}》有{unread}项重点工作任务未能逐栏识别"
        )
    for t in tasks:
        ctx.check("performance.task_execution")
        printed = _rate_of(t.rate_text) if t.rate_text else None
        if printed is None or t.approved == 0:
            continue
        ha, hb = half_unit(t.actual_text), half_unit(t.approved_text)
        lo = max(t.actual - ha, Decimal(0)) / (t.approved + hb) * HUNDRED
        hi = (t.actual + ha) / (t.approved - hb) * HUNDRED
        p, hp = printed
        if p + hp < lo - Decimal("0.01") or p - hp > hi + Decimal("0.01"):
            exact = t.actual / t.approved * HUNDRED
            ctx.report(
                "performance.task_execution",
                "error",
                f"预算执行率计算有误：《{title}》任务“{t.name}”实际支出{t.actual_text}÷批复金额{t.approved_text}＝{q2(exact)}%，表中为{t.rate_text}",
                [_loc(ctx, table, t.name, "预算执行率", t.rate_text)],
                expected=fmt(exact),
                actual=fmt(p),
                difference=fmt(p - exact),
            )
    _tasks_vs_tables(ctx, table, tasks)
    _years(ctx, table)


def _tasks_vs_tables(ctx: Context, table: PerformanceTable, tasks: list[Task]) -> None:
    rule = "performance.task_vs_tables"
    title = _title(table)
    for t in tasks:
        name = norm_key(t.name)
        kind = next(
            (
                k
                for k, spec in ctx.perf.task_concepts.items()
                if any(norm_key(w) in name for w in spec.get("words", []))
            ),
            None,
        )
        if kind is None:
            continue
        cands = ctx.candidates(ctx.perf.task_concepts[kind]["refs"], "money", rule)
        if not cands:
            continue
        ctx.check(rule)
        tol = half_unit(t.actual_text) + Decimal("0.01")
        if any(abs(t.actual - c.yuan / c.factor) <= tol * len(c.cells) for c in cands):
            continue
        shown = "；".join(f"{c.describe()}为{fmt(c.yuan / c.factor)}{c.unit}" for c in cands[:3])
        locs = [_loc(ctx, table, t.name, "实际支出金额", t.actual_text)]
        for c in cands[:3]:
            locs += ctx.cell_locations(c)
        ctx.report(
            rule,
            "warning",
            f"重点工作任务的实际支出与决算表不一致：《{title}》任务“{t.name}”实际支出{t.actual_text}万元，而{shown}",
            locs,
            expected=fmt(cands[0].yuan / cands[0].factor),
            actual=fmt(t.actual),
            difference=fmt(t.actual - cands[0].yuan / cands[0].factor),
        )
    if tasks:
        cands = ctx.candidates(["expenditure.total.total"], "money", rule)
        if cands:
            ctx.check(rule)
            c = cands[0]
            total = sum((t.actual for t in tasks), Decimal(0))
            if total > c.yuan / c.factor + tolerance(len(tasks)):
                ctx.report(
                    rule,
                    "warning",
                    f"重点工作任务的实际支出合计{fmt(total)}万元大于{c.describe()}{fmt(c.yuan / c.factor)}{c.unit}",
                    [_loc(ctx, table, "合计", "实际支出金额", fmt(total)), *ctx.cell_locations(c)],
                    expected=fmt(c.yuan / c.factor),
                    actual=fmt(total),
                    difference=fmt(total - c.yuan / c.factor),
                )


def _years(ctx: Context, table: PerformanceTable) -> None:
    rule = "performance.targets_across_years"
    rows = [r for r in table.other if len(r) >= 2 and re.fullmatch(r"(19|20)\d{2}", norm_key(r[0]))]
    if len(rows) < 2:
        ctx.unresolved(rule, "not_applicable", f"《{_title(table)}》未分年度列示部门年度目标")
        return
    ctx.check(rule)
    goals = {norm_key(r[1]) for r in rows}
    if len(goals) == 1:
        years = "、".join(r[0] for r in rows)
        ctx.report(
            rule,
            "warning",
            f"各年度目标完全相同：《{_title(table)}》{years}年的部门年度目标逐字相同，未按年度分解",
            [_loc(ctx, table, r[0], "目标", r[1][:20] + ("…" if len(r[1]) > 20 else "")) for r in rows],
        )


# -- narrative about the self-evaluation ---------------------------------------------------------------------


def _narrative_grades(ctx: Context) -> None:
    rule = "performance.narrative_grades"
    cfg = ctx.perf.narrative
    labels = [b.label for b in ctx.perf.bands(ctx.doc.variant)]
    found = False
    for s in ctx.nar.sentences:
        t = s.norm
        n = next((int(m.group(1)) for rx in cfg["evaluated"] for m in [rx.search(t)] if m), None)
        grades = [(m.group(1), int(m.group(2)), m.start()) for m in cfg["grade"].finditer(t)]
        avg = cfg["average"].search(t)
        found_p = cfg["problems_found"].search(t)
        if not (grades or avg or found_p):
            continue
        found = True
        if n is not None and grades:
            ctx.check(rule)
            total = sum(g[1] for g in grades)
            if total != n:
                listed = "、".join(f"{g[0]}{g[1]}个" for g in grades)
                ctx.report(
                    rule,
                    "warning",
                    f"各等级项目数之和与自评项目数不符：“{s.quote(grades[0][2])}”中自评项目{n}个，按等级{listed}，合计{total}个",
                    [ctx.text_location(s, str(n))],
                    expected=str(n),
                    actual=str(total),
                    difference=str(total - n),
                )
        for g, _count, pos in grades:
            ctx.check(rule)
            label = ctx.perf.aliases.get(g, g)
            if label not in labels:
                ctx.report(
                    rule,
                    "warning",
                    f"评价等级“{g}”不是本地区使用的等级（{'/'.join(labels)}）：“{s.quote(pos)}”",
                    [ctx.text_location(s, g)],
                )
        if avg:
            ctx.check(rule)
            v = Decimal(avg.group(1))
            if v > HUNDRED:
                ctx.report(
                    rule,
                    "warning",
                    f"平均得分超过100分：“{s.quote(avg.start())}”",
                    [ctx.text_location(s, avg.group(0))],
                )
        if found_p:
            fixed = cfg["problems_fixed"].search(t)
            fixing = cfg["problems_fixing"].search(t)
            if fixed or fixing:
                ctx.check(rule)
                total = (int(fixed.group(1)) if fixed else 0) + (int(fixing.group(1)) if fixing else 0)
                if total > int(found_p.group(1)):
                    ctx.report(
                        rule,
                        "warning",
                        f"整改问题数多于发现问题数：“{s.quote(found_p.start())}”发现{found_p.group(1)}个，已整改和正在整改合计{total}个",
                        [ctx.text_location(s, found_p.group(0))],
                    )
    if not found:
        status = "insufficient_data" if not ctx.nar.sentences else "not_applicable"
        ctx.unresolved(rule, status, "文字说明中没有按等级统计的自评结果" if ctx.nar.sentences else "未识别出文字说明")
