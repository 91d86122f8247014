"""Arithmetic inside the narrative (文内): changes against last year and their rates, direction
words, shares and their sum, budget completion rates, "其中" breakdowns, and the same item quoted
twice with different amounts.

Every figure is taken as printed, rounded to its last digit: a relation holds when some values
within half a unit of each printed figure satisfy it exactly; a gap of one unit of the last
printed digit beyond that is a rounding hint (info); anything larger is a finding.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..rounding import CENT, tolerance
from .claims import Claim
from .context import HUNDRED, Context, fmt, half_unit, number_part, q2
from .text import ITEM_RE, Sentence, heading_level

ONE_CENT = CENT


def _h(c: Claim) -> Decimal:
    """Half a unit of the claim's last printed digit, in the claim's own measure (元 for money)."""
    return half_unit(number_part(c.raw)) * (c.factor if c.kind == "money" else 1)


def _hv(c: Claim) -> Decimal:
    """The rounding of ``_v(c)``: the table's for a figure reported as differing from the table."""
    return c.table_half if c.table_half is not None else _h(c)


def _v(c: Claim) -> Decimal:
    """The claim's value (元 for money), or the table's for a figure already reported wrong."""
    return c.table_yuan if c.table_yuan is not None else c.yuan


def _interval(num: Decimal, num_h: Decimal, den: Decimal, den_h: Decimal) -> tuple[Decimal, Decimal] | None:
    lo_d, hi_d = den - den_h, den + den_h
    if lo_d <= 0:
        return None
    lo_n, hi_n = max(num - num_h, Decimal(0)), num + num_h
    return lo_n / hi_d * HUNDRED, hi_n / lo_d * HUNDRED


def _verdict(printed: Claim, interval: tuple[Decimal, Decimal]) -> tuple[str, Decimal]:
    """pass | rounding | fail, and the gap between the printed percentage and what the figures give."""
    p = abs(printed.value)
    hp = half_unit(number_part(printed.raw))
    lo, hi = interval
    if p + hp < lo:
        gap = lo - (p + hp)
    elif p - hp > hi:
        gap = (p - hp) - hi
    else:
        return "pass", Decimal(0)
    return ("rounding" if gap <= ONE_CENT + Decimal("0.000001") else "fail"), gap


def _money(c: Claim | None) -> bool:
    return c is not None and c.kind == "money"


def check(ctx: Context) -> None:
    if not ctx.nar.sentences:
        for rid in (
            "narrative.change",
            "narrative.direction",
            "narrative.zero_base",
            "narrative.share",
            "narrative.share_sum",
            "narrative.completion",
            "narrative.breakdown_sum",
            "narrative.repeated_figure",
            "narrative.balanced",
        ):
            ctx.unresolved(rid, "insufficient_data", "未识别出文字说明")
        return
    _changes(ctx)
    _respectively(ctx)
    _shares(ctx)
    _completion(ctx)
    _completion_words(ctx)
    _breakdowns(ctx)
    _repeated(ctx)
    _balanced(ctx)


# -- changes -------------------------------------------------------------------------------------


def _subject(ctx: Context, change: Claim) -> tuple[Claim | None, bool]:
    if change.link is not None:
        return change.link, change.link_inherited
    if change.concept is not None:
        # the change names its subject ("与上年相比，收入支出总计增加…"): the figure stated for that
        # subject just before is a firm link
        found = ctx.level_before(change.concept, change.sentence)
        if found is not None:
            return found, False
    return None, False


def _changes(ctx: Context) -> None:
    claims = ctx.ex.claims
    rates_by_change = {
        id(r.link): r for r in claims if r.role == "rate" and r.link is not None and r.link.role == "change"
    }
    for c in claims:
        if c.role == "change" and c.kind == "money":
            rate = rates_by_change.get(id(c))
            _direction_of_change(ctx, c, rate)
            subject, inherited = _subject(ctx, c)
            if (
                rate is None
                or subject is None
                or not _money(subject)
                or subject.basis not in ("final", "ambiguous", "budget", "full_budget")
            ):
                continue
            _rate(ctx, subject, c, rate, inherited)
        elif c.role == "rate" and c.link is not None and c.link.role == "level" and c.kind == "percent":
            # a rate stated without the amount: the base is unknown, but growth from nothing is not a rate
            pass


def _direction_of_change(ctx: Context, c: Claim, rate: Claim | None) -> None:
    s = c.sentence
    if c.value < 0:
        ctx.check("narrative.direction")
        word = "增加" if c.direction == "up" else "减少"
        ctx.report(
            "narrative.direction",
            "error",
            f"增减方向表述矛盾：“{s.quote(c.start)}”用“{word}”表述负数{c.raw}",
            [ctx.text_location(s, c.raw)],
        )
        return
    if rate is None or rate.direction not in ("up", "down"):
        return
    ctx.check("narrative.direction")
    if rate.direction != c.direction:
        a = "增加" if c.direction == "up" else "减少"
        b = "增长" if rate.direction == "up" else "下降"
        ctx.report(
            "narrative.direction",
            "error",
            f"增减方向表述矛盾：“{s.quote(c.start)}”中增减额用“{a}”（{c.raw}），增减率却用“{b}”（{rate.raw}）",
            [ctx.text_location(s, c.raw), ctx.text_location(s, rate.raw)],
        )


def _rate_holds(subject: Claim, change: Claim, rate: Claim, sign: int) -> bool:
    """Whether the printed figures give the printed rate (within their rounding)."""
    last = subject.yuan - sign * change.yuan
    h = _h(subject) + _h(change)
    if last <= h:
        return False  # a zero or negative base from the printed figures: try the table's value
    iv = _interval(change.yuan, _h(change), last, h)
    return iv is not None and _verdict(rate, iv)[0] != "fail"


def _rate(ctx: Context, subject: Claim, change: Claim, rate: Claim, inherited: bool) -> None:
    s = change.sentence
    sign = 1 if change.direction == "up" else -1
    current, delta = subject.yuan, change.yuan
    if subject.table_yuan is not None and not _rate_holds(subject, change, rate, sign):
        # the subject was reported as differing from its table: the rate holds with the table's value?
        current = subject.table_yuan
    last = current - sign * delta
    h = (_hv(subject) if current != subject.yuan else _h(subject)) + _h(change)
    unit = change.display_unit
    f = change.factor
    if abs(last) <= h and delta == 0 and rate.value == 0:
        ctx.check("narrative.zero_base")  # "增加0万元，增长0%": nothing changed, said so
        return
    if abs(last) <= h:
        ctx.check("narrative.zero_base")
        ctx.report(
            "narrative.zero_base",
            "warning",
            f"上年数为零，不应计算增减率：“{s.quote(rate.start)}”中{ctx.label(subject)}本年{subject.raw}，"
            f"{'增加' if sign > 0 else '减少'}{change.raw}，上年为{fmt(last / f)}{unit}，却表述为{rate.raw}",
            [ctx.text_location(s, rate.raw), ctx.text_location(subject.sentence, subject.raw)],
        )
        return
    ctx.check("narrative.zero_base")
    if last < 0:
        ctx.check("narrative.change")
        ctx.report(
            "narrative.change",
            "warning" if inherited else "error",
            f"增减额大于本年数：“{s.quote(change.start)}”中{ctx.label(subject)}本年{subject.raw}，"
            f"较上年减少{change.raw}，推算的上年数为负数",
            [ctx.text_location(s, change.raw), ctx.text_location(subject.sentence, subject.raw)],
        )
        return
    interval = _interval(delta, _h(change), last, h)
    if interval is None:
        return
    ctx.check("narrative.change")
    verdict, _gap = _verdict(rate, interval)
    if verdict == "fail" and change.concept_from != "window" and change.link is not None:
        # the subject was taken by position ("…，其中：…项目支出b，较上年增加d"): the rate may be
        # about another figure of the sentence; accept it when one fits
        for other in ctx.claims_in(change.sentence):
            if other is subject or other.role != "level" or other.kind != "money" or other.start > change.start:
                continue
            base = other.yuan - sign * delta
            iv = _interval(delta, _h(change), base, _h(other) + _h(change)) if base > 0 else None
            if iv is not None and _verdict(rate, iv)[0] != "fail":
                verdict = "pass"
                break
    if verdict == "pass":
        ctx.verdict(rate, "agree")
        if rate.missing_percent:
            ctx.report(
                "narrative.change",
                "info",
                f"增减率缺少百分号：“{s.quote(rate.start)}”中的“{rate.raw}”应为“{rate.raw}%”",
                [ctx.text_location(s, rate.raw)],
            )
        return
    expected = q2(delta / last * HUNDRED)
    word = "增长" if sign > 0 else "下降"
    msg = (
        f"增减率与增减额不符：“{s.quote(rate.start)}”中{ctx.label(subject)}本年{subject.raw}，"
        f"{'增加' if sign > 0 else '减少'}{change.raw}，上年应为{fmt(last / f)}{unit}，{word}率应为{expected}%，文中为{rate.raw}"
    )
    if rate.missing_percent:
        msg += "（且缺少百分号）"
    locs = [ctx.text_location(s, rate.raw), ctx.text_location(s, change.raw)]
    if subject.sentence is not s:
        locs.append(ctx.text_location(subject.sentence, subject.raw))
    # a subject taken by position from a "其中" list may not be the one the change is about
    weak = inherited or (change.concept_from != "window" and "其中" in subject.sentence.norm[: subject.start])
    finding = ctx.report_gap(
        "narrative.change",
        verdict == "rounding",
        "warning" if weak else "error",
        msg,
        locs,
        expected=fmt(expected),
        actual=fmt(abs(rate.value)),
        difference=fmt(abs(rate.value) - expected),
    )
    ctx.verdict(rate, "rounding" if verdict == "rounding" else "disagree", finding)


# -- figures stated "respectively" ------------------------------------------------------------------

_LNUM = r"\d[\d,]*(?:\.\d+)?"
_LUNIT = r"万元|亿元|千元|元|%"
# "A、B万元" / "A万元、B万元" / "A%、B%": two or more figures joined by 、 , 和 及 与
_LIST = rf"(?P<list>{_LNUM}(?:{_LUNIT})?(?:[,、和及与]{_LNUM}(?:{_LUNIT})?)+)"
_LIST_ITEM = re.compile(rf"(?P<num>{_LNUM})(?P<unit>{_LUNIT})?")


def _change_words(ctx: Context) -> tuple[str, str]:
    up = "|".join(map(re.escape, sorted(ctx.cfg.change_words.get("up", []), key=len, reverse=True)))
    down = "|".join(map(re.escape, sorted(ctx.cfg.change_words.get("down", []), key=len, reverse=True)))
    return up, down


def _stated_list(text: str, m: re.Match[str]) -> list[tuple[str, str, int]] | None:
    """The figures of a matched list as (number, unit, position), the unit printed once at the end
    ("1267.86,2570.97万元") applying to all; None when the units differ in kind."""
    start = m.start("list")
    items = [
        (x.group("num").replace(",", ""), x.group("unit") or "", start + x.start())
        for x in _LIST_ITEM.finditer(m.group("list"))
    ]
    # "4125.49,4143.91" is two figures, but "1,267.86" one: a comma before exactly three digits
    # and a non-digit is a thousands separator
    if any(re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", x.group("num")) for x in _LIST_ITEM.finditer(m.group("list"))):
        return None
    last = items[-1][1]
    if not last:
        return None
    out = [(n, u or last, pos) for n, u, pos in items]
    if len({u == "%" for _, u, _ in out}) != 1:
        return None
    return out


def _respectively(ctx: Context) -> None:
    """ "收、支总计各是A、B万元…各减少C、D万元，各下降E%、F%" / "分别增长…": each rate of a list
    stated respectively is checked against the change and the amount at the same place of their
    lists (the amounts in the sentence or the one before it in the paragraph)."""
    up, down = _change_words(ctx)
    resp = r"(?:分别|各)"
    level_re = re.compile(rf"{resp}(?:是|为|达到|达)?:?{_LIST}")
    change_re = re.compile(
        rf"{resp}(?:较上年|比上年|同比)?(?:(?P<up>{up})|(?P<down>{down}))(?:了|额为|额|金额为|为)?:?{_LIST}"
    )
    sentences = ctx.nar.sentences
    for s in sentences:
        changes = [(m, _stated_list(s.norm, m)) for m in change_re.finditer(s.norm)]
        money = [(m, x) for m, x in changes if x and x[0][1] != "%"]
        rates = [(m, x) for m, x in changes if x and x[0][1] == "%"]
        if not money or not rates:
            continue
        cm, cl = money[0]
        rm, rl = next(((m, x) for m, x in rates if m.start() > cm.start() and len(x) == len(cl)), (None, None))
        if rm is None or rl is None:
            continue
        sign = 1 if cm.group("up") else -1
        if (1 if rm.group("up") else -1) != sign:
            continue  # direction words that disagree: narrative.direction's matter
        levels = None
        for t in (s, sentences[s.index - 1] if s.index > 0 else None):
            if t is None or t.paragraph != s.paragraph and t.block != s.block:
                continue
            for m in level_re.finditer(t.norm[: cm.start()] if t is s else t.norm):
                x = _stated_list(t.norm, m)
                if x and len(x) == len(cl) and x[0][1] != "%":
                    levels = (t, x)
            if levels:
                break
        if levels is None:
            continue
        lt, ll = levels
        for k, ((lv, lu, _lpos), (cv, cu, _cpos), (rv, _, rpos)) in enumerate(zip(ll, cl, rl), 1):
            cur, delta = Decimal(lv) * _FACTOR[lu], Decimal(cv) * _FACTOR[cu]
            hl, hc = half_unit(lv) * _FACTOR[lu], half_unit(cv) * _FACTOR[cu]
            last = cur - sign * delta
            if last <= hl + hc:
                continue  # a zero or negative base: another rule's matter
            interval = _interval(delta, hc, last, hl + hc)
            if interval is None:
                continue
            ctx.check("narrative.change")
            p, hp = Decimal(rv), half_unit(rv)
            lo, hi = interval
            gap = lo - (p + hp) if p + hp < lo else (p - hp) - hi if p - hp > hi else Decimal(0)
            if gap <= 0:
                continue
            expected = q2(delta / last * HUNDRED)
            word = "增长" if sign > 0 else "下降"
            msg = (
                f"增减率与增减额不符：“{s.quote(rpos)}”中分别列示的第{k}项本年{lv}{lu}，"
                f"{'增加' if sign > 0 else '减少'}{cv}{cu}，上年应为{fmt(last / _FACTOR[cu])}{cu}，"
                f"{word}率应为{expected}%，文中为{rv}%"
            )
            locs = [ctx.text_location(s, rv), ctx.text_location(s, cv), ctx.text_location(lt, lv)]
            ctx.report_gap(
                "narrative.change",
                gap <= ONE_CENT + Decimal("0.000001"),
                "error",
                msg,
                locs,
                expected=fmt(expected),
                actual=rv,
                difference=fmt(p - expected),
            )


# -- shares ---------------------------------------------------------------------------------------


def _denominator(ctx: Context, share: Claim) -> tuple[Decimal, Decimal, str, list, bool, Claim | None] | None:
    """(value in 元, half unit, description, extra locations, explicit, the claim stating it) of a
    share's whole."""
    part = share.link
    assert part is not None
    s = share.sentence
    if share.denominator is not None:
        found = None
        for c in ctx.claims_in(s):
            if c.start < share.start and c.role == "level" and c.concept == share.denominator and c is not part:
                found = c
        found = found or _any_level(ctx, share.denominator, s)
        if found is not None:
            return (
                found.yuan,
                _h(found),
                f"{ctx.label(found)}{found.raw}",
                [ctx.text_location(found.sentence, found.raw)],
                True,
                found,
            )
        return _from_table(ctx, share.denominator, part)
    head = next((c for c in ctx.claims_in(s) if c.role == "level" and c.kind == part.kind), None)
    if (
        head is not None
        and head is not part
        and head.start < part.start
        and head.concept != part.concept
        and re.search(r"其中|主要用于|包括|构成|分别为|:", s.norm[head.end : part.start])
        and not any(x.role == "share" and x.link is head for x in ctx.claims_in(s))
    ):
        return head.yuan, _h(head), f"{ctx.label(head)}{head.raw}", [], True, head
    # the whole named without a figure at the start of the sentence ("“三公”经费支出决算中，…"):
    # before the sentence's first figure (a sibling part named earlier is not the whole)
    first = min((c.start for c in ctx.claims_in(s)), default=part.start)
    hits = ctx.matches(s.norm[: min(first, part.start)])
    siblings = {x.link.concept for x in ctx.claims_in(s) if x.role == "share" and x.link is not None}
    for _start, _end, _w, cid in hits:
        if cid == part.concept or cid in siblings:
            continue
        found = _any_level(ctx, cid, s)
        if found is not None:
            return (
                found.yuan,
                _h(found),
                f"{ctx.label(found)}{found.raw}",
                [ctx.text_location(found.sentence, found.raw)],
                False,
                found,
            )
        return _from_table(ctx, cid, part)
    return None


def _any_level(ctx: Context, cid: str, before: Sentence) -> Claim | None:
    best = None
    for c in ctx.ex.claims:
        if c.sentence.index > before.index:
            break
        if (
            c.role == "level"
            and c.concept == cid
            and c.period == "current"
            and c.basis in ("final", "ambiguous")
            and not c.approx
        ):
            best = c
    return best


def _from_table(ctx: Context, cid: str, part: Claim) -> tuple[Decimal, Decimal, str, list, bool, Claim | None] | None:
    concept = ctx.concept(cid)
    if concept is None or concept.kind != part.kind or not concept.refs.get("final"):
        return None
    cands = ctx.candidates(concept.refs["final"], concept.kind, "narrative.share")
    if not cands:
        return None
    c = cands[0]
    return (
        c.yuan,
        Decimal("0.005") * c.factor,
        f"{c.describe()}{fmt(c.yuan / part.factor)}{part.display_unit}",
        ctx.cell_locations(c),
        False,
        None,
    )


def _shares(ctx: Context) -> None:
    groups: dict[tuple[int, Decimal], list[tuple[Claim, Claim]]] = {}
    for share in ctx.ex.claims:
        if share.role != "share" or share.link is None or share.kind != "percent":
            continue
        part = share.link
        den = _denominator(ctx, share)
        if den is None:
            continue
        whole, whole_h, what, extra, explicit, whole_claim = den
        s = share.sentence
        ctx.check("narrative.share")
        groups.setdefault((s.index, whole), []).append((part, share))
        if whole == 0:
            if part.yuan != 0 or share.value != 0:
                ctx.check("narrative.zero_base")
                ctx.report(
                    "narrative.zero_base",
                    "warning",
                    f"合计为零，不应计算占比：“{s.quote(share.start)}”中{what}，{ctx.label(part)}占{share.raw}",
                    [ctx.text_location(s, share.raw)],
                )
            continue
        interval = _interval(part.yuan, _h(part), whole, whole_h)
        if interval is None:
            continue
        verdict, _ = _verdict(share, interval)
        if verdict != "pass" and (
            part.table_yuan is not None or (whole_claim is not None and whole_claim.table_yuan is not None)
        ):
            # a figure reported as differing from its table: the share holds with the table's values?
            alt = _interval(
                _v(part),
                _hv(part),
                _v(whole_claim) if whole_claim else whole,
                _hv(whole_claim) if whole_claim else whole_h,
            )
            if alt is not None and _verdict(share, alt)[0] == "pass":
                ctx.verdict(share, "agree")
                continue
        if verdict == "pass":
            ctx.verdict(share, "agree")
            continue
        expected = q2(part.yuan / whole * HUNDRED)
        msg = (
            f"占比计算有误：“{s.quote(share.start)}”中{ctx.label(part)}{part.raw}占{what}的比例应为{expected}%，"
            f"文中为{share.raw}"
        )
        locs = [ctx.text_location(s, share.raw), ctx.text_location(s, part.raw), *extra]
        f = ctx.report_gap(
            "narrative.share",
            verdict == "rounding",
            "error" if explicit else "warning",
            msg,
            locs,
            expected=fmt(expected),
            actual=fmt(share.value),
            difference=fmt(share.value - expected),
        )
        ctx.verdict(share, "rounding" if verdict == "rounding" else "disagree", f)
    for (_si, whole), pairs in groups.items():
        if len(pairs) < 2 or whole == 0:
            continue
        parts = sum((p.yuan for p, _ in pairs), Decimal(0))
        parts_h = sum((_h(p) for p, _ in pairs), Decimal(0))
        if abs(parts - whole) > parts_h + Decimal("0.005") * pairs[0][0].factor:
            continue  # not every part is listed: the shares need not add up to 100%
        total = sum((sh.value for _, sh in pairs), Decimal(0))
        n = len(pairs)
        ctx.check("narrative.share_sum")
        gap = abs(total - HUNDRED)
        if gap <= Decimal("0.005") * n:
            continue
        s = pairs[0][1].sentence
        listed = "＋".join(sh.raw for _, sh in pairs)
        msg = f"各项占比合计不为100%：“{s.quote(pairs[0][1].start)}”中{listed}＝{fmt(total)}%，而各项金额之和等于合计"
        locs = [ctx.text_location(s, sh.raw) for _, sh in pairs]
        ctx.report_gap(
            "narrative.share_sum",
            gap <= tolerance(n),
            "error",
            msg,
            locs,
            expected="100.00",
            actual=fmt(total),
            difference=fmt(total - HUNDRED),
        )


# -- completion --------------------------------------------------------------------------------------


def _pair(ctx: Context, q: Claim) -> tuple[Claim | None, Claim | None]:
    """The 决算 and budget figures a completion rate is computed from: in its sentence, else in the
    previous sentence of the same part."""
    want = q.completion_basis
    candidates = [c for c in ctx.claims_in(q.sentence) if c.start < q.start]
    prev = ctx.nar.sentences[q.sentence.index - 1] if q.sentence.index > 0 else None
    if prev is not None and prev.group == q.sentence.group and prev.heading == q.sentence.heading:
        candidates = [*ctx.claims_in(prev), *candidates]
    final = budget = None
    for c in reversed(candidates):
        if c.role != "level" or c.kind != "money" or c.period != "current":
            continue
        if final is None and c.basis in ("final", "ambiguous") and c.basis_explicit:
            final = c
            continue
        if final is not None and budget is None and c.basis in ("budget", "full_budget") and c.concept == final.concept:
            if want is None or c.basis == want or (want == "budget" and c.basis == "budget"):
                budget = c
                break
    if final is None:
        final = q.link if q.link is not None and q.link.basis in ("final", "ambiguous") else None
    return final, budget


def _completion(ctx: Context) -> None:
    for q in ctx.ex.claims:
        if q.role != "completion" or q.kind != "percent":
            continue
        final, budget = _pair(ctx, q)
        if final is None or final.concept is None:
            continue
        s = q.sentence
        budget_value: Decimal | None = None
        budget_h = Decimal(0)
        budget_text = ""
        locs = [ctx.text_location(s, q.raw), ctx.text_location(final.sentence, final.raw)]
        narrative_budget = budget is not None
        if budget is not None:
            budget_value, budget_h = budget.yuan, _h(budget)
            budget_text = f"{'全年预算' if budget.basis == 'full_budget' else '年初预算'}{budget.raw}"
            locs.append(ctx.text_location(budget.sentence, budget.raw))
        else:
            concept = ctx.concept(final.concept)
            if concept is None:
                continue
            basis = q.completion_basis or "budget"
            refs = concept.refs.get(basis) or ([] if q.completion_basis else concept.refs.get("full_budget", []))
            if not refs:
                continue
            cands = ctx.candidates(refs, "money", "narrative.completion")
            if not cands:
                continue
            c = cands[0]
            budget_value, budget_h = c.yuan, Decimal("0.005") * c.factor
            budget_text = f"{c.describe()}{fmt(c.yuan / final.factor)}{final.display_unit}"
            locs += ctx.cell_locations(c)
        if budget_value is None:
            continue
        ctx.check("narrative.zero_base")
        if abs(budget_value) <= budget_h:
            other = _other_budget(ctx, q, final)
            note = f"（{q.raw}与{other}计算一致）" if other else ""
            ctx.report(
                "narrative.zero_base",
                "warning",
                f"预算数为零，不应表述完成预算的百分比：“{s.quote(q.start)}”中{budget_text}，却称完成{q.raw}{note}",
                locs,
            )
            continue
        interval = _interval(final.yuan, _h(final), budget_value, budget_h)
        if interval is None:
            continue
        ctx.check("narrative.completion")
        verdict, _ = _verdict(q, interval)
        if verdict != "pass" and (
            final.table_yuan is not None or (budget is not None and budget.table_yuan is not None)
        ):
            # a figure reported as differing from its table: the rate holds with the table's values?
            alt = _interval(
                _v(final),
                _hv(final),
                _v(budget) if budget is not None else budget_value,
                _hv(budget) if budget is not None else budget_h,
            )
            if alt is not None and _verdict(q, alt)[0] == "pass":
                ctx.verdict(q, "agree")
                continue
        if verdict == "pass":
            ctx.verdict(q, "agree")
            continue
        expected = q2(final.yuan / budget_value * HUNDRED)
        msg = f"预算完成率计算有误：“{s.quote(q.start)}”中决算{final.raw}÷{budget_text}应为{expected}%，文中为{q.raw}"
        f = ctx.report_gap(
            "narrative.completion",
            verdict == "rounding",
            "error" if narrative_budget else "warning",
            msg,
            locs,
            expected=fmt(expected),
            actual=fmt(q.value),
            difference=fmt(q.value - expected),
            note=("" if narrative_budget else "（预算数取自表格，文中口径可能不同）"),
        )
        ctx.verdict(q, "rounding" if verdict == "rounding" else "disagree", f)


def _other_budget(ctx: Context, q: Claim, final: Claim) -> str:
    """Another budget figure of the sentence the rate matches (全年预算 when 年初预算 is zero)."""
    for c in ctx.claims_in(q.sentence):
        if c.role == "level" and c.basis in ("budget", "full_budget") and c.yuan > 0 and c.start < q.start:
            interval = _interval(final.yuan, _h(final), c.yuan, _h(c))
            if interval and _verdict(q, interval)[0] != "fail":
                return f"{'全年预算' if c.basis == 'full_budget' else '预算'}{c.raw}"
    return ""


_CMP = re.compile(
    r"决算数?(?:(?P<gt>大于|多于|高于|超过|超出)|(?P<lt>小于|少于|低于)|(?P<eq>同|与|和|等于))(?:年初|全年)?预算数?(?P<eq2>持平|一致|相同|相等)?"
)


def _completion_words(ctx: Context) -> None:
    """ "决算数大于/小于预算数", "决算数同预算数持平" against the figures just stated."""
    for s in ctx.nar.sentences:
        m = _CMP.search(s.norm)
        if not m or (m.group("eq") and not m.group("eq2")):
            continue
        pairs = []
        for t in (s, ctx.nar.sentences[s.index - 1] if s.index > 0 else None):
            if t is None or t.group != s.group or t.heading != s.heading:
                continue
            for c in ctx.claims_in(t):
                if c.role == "completion":
                    final, budget = _pair(ctx, c)
                    if final is not None and budget is not None:
                        pairs.append((final, budget))
            if pairs:
                break
        if not pairs:
            _completion_and_difference(ctx, s, m)
            continue
        final, _ = pairs[-1]
        budgets = [b for f, b in pairs if f is final]
        for c in ctx.claims_in(final.sentence):
            if (
                c.role == "level"
                and c.basis in ("budget", "full_budget")
                and c.concept == final.concept
                and c.period == "current"
                and c not in budgets
            ):
                budgets.append(c)
        ctx.check("narrative.direction")
        h = max((_h(final), *(_h(b) for b in budgets)))
        said = "gt" if m.group("gt") else "lt" if m.group("lt") else "eq"

        def fits(b: Claim) -> bool:
            d = final.yuan - b.yuan
            return (said == "gt" and d > h) or (said == "lt" and d < -h) or (said == "eq" and abs(d) <= h)

        if any(fits(b) for b in budgets):
            continue
        b = budgets[-1]
        ctx.report(
            "narrative.direction",
            "error",
            f"决算与预算的比较用语与数值不符：“{s.quote(m.start())}”，而决算数为{final.raw}、预算数为{b.raw}",
            [ctx.text_location(s, m.group(0)), ctx.text_location(final.sentence, final.raw)],
        )


def _completion_and_difference(ctx: Context, s: Sentence, m: re.Match[str]) -> None:
    """ "完成年初预算100%，决算数大于预算数55.93万元": no budget figure is stated, but the rate and
    the difference must agree — the difference gives the budget (决算 − 差额), the rate 决算 ÷ 预算;
    without the 决算 figure, a rate of 100% cannot go with 大于 or 小于."""
    said = "gt" if m.group("gt") else "lt" if m.group("lt") else "eq"
    claims = ctx.claims_in(s)
    q = next(
        (c for c in reversed(claims) if c.role == "completion" and c.kind == "percent" and c.start < m.start()), None
    )
    if q is None:
        return
    diff = next((c for c in claims if c.start >= m.end() - 1 and c.kind == "money" and c.start - m.end() <= 2), None)
    final = q.link if q.link is not None and q.link.kind == "money" and q.link.basis in ("final", "ambiguous") else None
    p, hp = abs(q.value), half_unit(number_part(q.raw))
    if final is not None and diff is not None and said != "eq":
        sign = 1 if said == "gt" else -1
        budget = final.yuan - sign * diff.yuan
        interval = _interval(final.yuan, _h(final), budget, _h(final) + _h(diff)) if budget > 0 else None
        if interval is None:
            return
        ctx.check("narrative.completion")
        if _verdict(q, interval)[0] != "fail":
            return
        expected = q2(final.yuan / budget * HUNDRED)
        ctx.report(
            "narrative.completion",
            "error",
            f"预算完成率与决算、预算的差额矛盾：“{s.quote(q.start)}”中决算{final.raw}，"
            f"{'大于' if sign > 0 else '小于'}预算数{diff.raw}，则预算数为{fmt(budget / final.factor)}{final.display_unit}，"
            f"完成率应为{expected}%，文中为{q.raw}",
            [ctx.text_location(s, q.raw), ctx.text_location(s, diff.raw), ctx.text_location(final.sentence, final.raw)],
            expected=fmt(expected),
            actual=fmt(q.value),
            difference=fmt(q.value - expected),
        )
        return
    ctx.check("narrative.direction")
    fits = (
        (said == "gt" and p + hp > HUNDRED)
        or (said == "lt" and p - hp < HUNDRED)
        or (said == "eq" and p - hp <= HUNDRED <= p + hp)
    )
    if not fits:
        ctx.report(
            "narrative.direction",
            "error",
            f"决算与预算的比较用语与完成率不符：“{s.quote(q.start)}”称完成预算的{q.raw}，又称“{m.group(0)}”",
            [ctx.text_location(s, q.raw), ctx.text_location(s, m.group(0))],
        )


# -- breakdowns -----------------------------------------------------------------------------------------


def _label(c: Claim) -> str:
    w = re.split(r"[,;:、]", c.window.replace("其中", ","))[-1]
    return re.sub(r"(?:为|是|共计|达到|达)$", "", w)


def _item_label(c: Claim) -> str:
    """The name of a numbered item's figure ("3.上年结转和结余190.89万元" → 上年结转和结余)."""
    return re.sub(r"^[\d.、()]+", "", ITEM_RE.sub("", _label(c)))


def _breakdowns(ctx: Context) -> None:
    sentences = ctx.nar.sentences
    for s in sentences:
        claims = ctx.claims_in(s)
        for m in re.finditer(r"其中", s.norm):
            if m.start() > 0:
                before = [
                    c for c in claims if c.end <= m.start() and c.role == "level" and c.kind in ("money", "count")
                ]
                total = before[-1] if before else None
            else:
                prev = sentences[s.index - 1] if s.index > 0 else None
                total = None
                if prev is not None and prev.block == s.block:
                    total = next(
                        (c for c in ctx.claims_in(prev) if c.role == "level" and c.kind in ("money", "count")), None
                    )
            if total is None or total.approx:
                continue
            nxt = s.norm.find("其中", m.end())
            end = len(s.norm)
            if nxt >= 0:
                # the next "其中" belongs to the next total: the list ends with the clause before it
                cut = max(s.norm.rfind(";", m.end(), nxt), s.norm.rfind("。", m.end(), nxt))
                end = cut if cut >= 0 else nxt
            parts = [
                c
                for c in claims
                if m.end() <= c.start < end
                and c.role == "level"
                and c.kind == total.kind
                and (c.kind == "money" or c.unit == total.unit)
                and not _nested(s.norm, c)
                and (c.kind != "money" or (c.period == total.period and _family(c) == _family(total)))
            ]
            if not parts or any(p.approx for p in parts):
                continue
            if total.kind == "money" and sum((p.yuan for p in parts), Decimal(0)) < total.yuan - _h(total) - sum(
                _h(p) for p in parts
            ):
                continued = _continued_by_items(ctx, s, total, parts)
                if continued is not None:
                    _compare_breakdown(ctx, total, continued, continued=True)
                    continue
            _compare_breakdown(ctx, total, parts)


def _item_figures(ctx: Context, s: Sentence, total: Claim) -> list[Claim] | None:
    """The first figure of each numbered item ("1.…收入382.17万元…", "2.…") that details the total
    of ``s`` ("总收入581.45万元，其中本年收入390.55万元。收入具体情况如下。1.…2.…3.…"): the items
    that follow the sentence up to the next heading, when the sentence or the line between says
    "如下". None when there is no such list, an item states no amount, or the text stops in it."""
    sentences = ctx.nar.sentences
    said = "如下" in s.norm
    figures: list[Claim] = []
    for t in sentences[s.index + 1 :]:
        if t.group != s.group or heading_level(t.norm) is not None:
            break
        if not t.item:
            if figures:
                if not t.complete:
                    return None
                if "如下" in t.norm:
                    break  # another list begins ("支出具体情况如下")
                continue  # the item's explanation goes on ("较上年减少…")
            if "如下" in t.norm and not said and not ctx.claims_in(t):
                said = True
                continue
            break
        if not said:
            break
        first = next((c for c in ctx.claims_in(t) if c.kind == "money"), None)
        if first is None or first.role != "level" or first.approx or _nested(t.norm, first):
            return None
        if not t.complete and t.index == len(sentences) - 1:
            return None
        figures.append(first)
    return figures if len(figures) >= 2 else None


def _continued_by_items(ctx: Context, s: Sentence, total: Claim, parts: list[Claim]) -> list[Claim] | None:
    """A "其中" list shorter than its total, continued by the numbered items detailing it: the
    items that add up to a stated part are that part's own (382.17+8.38 = 本年收入390.55), the
    others complete the list (本年收入390.55 + 上年结转和结余190.89 against 总收入581.45). None
    unless the items are seen to fit: some run of them adds up to a stated part, or all of them
    add up to the total within rounding."""
    items = _item_figures(ctx, s, total)
    if items is None:
        return None
    out: list[Claim] = []
    rest = list(items)
    matched = False
    for p in parts:
        acc, h = Decimal(0), _h(p)
        for n, it in enumerate(rest, 1):
            acc += it.yuan
            h += _h(it)
            if abs(acc - p.yuan) <= h:
                rest = rest[n:]
                matched = True
                break
            if acc > p.yuan + h:
                break
        out.append(p)
    if matched and rest:
        return out + rest
    if abs(sum((i.yuan for i in items), Decimal(0)) - total.yuan) <= tolerance(len(items), total.factor):
        return items
    return None


def _family(c: Claim) -> str:
    """Budget figures (年初/全年预算) are parts of a budget total, the others of a 决算 one."""
    return "budget" if c.basis in ("budget", "full_budget") else "final"


def _nested(text: str, c: Claim) -> bool:
    """A figure inside brackets ("（含外宾接待支出0.00万元）") is part of the figure before it."""
    before = text[: c.start]
    return before.rfind("(") > before.rfind(")")


def _prefix_adds_up(total: Claim, parts: list[Claim]) -> bool:
    """The first two or more parts (not all) add up to the total, within rounding."""
    acc, h = Decimal(0), _h(total)
    for i, p in enumerate(parts[:-1]):
        acc += p.yuan
        h += _h(p)
        if i >= 1 and abs(acc - total.yuan) <= h:
            return True
    return False


def _compare_breakdown(ctx: Context, total: Claim, parts: list[Claim], continued: bool = False) -> None:
    s = parts[0].sentence
    label = _label(total)
    rule = next(
        (
            b
            for b in ctx.cfg.breakdowns
            if any(w in label for w in b["labels"])
            and (total.unit in b.get("units", []) if b.get("units") else total.kind == "money")
        ),
        None,
    )
    psum = sum((p.yuan for p in parts), Decimal(0))
    diff = psum - total.yuan
    if diff != 0 and any(c.table_yuan is not None for c in (total, *parts)):
        # a figure here was reported as differing from its table: the list holds with the table's value?
        if sum((_v(p) for p in parts), Decimal(0)) == _v(total):
            ctx.check("narrative.breakdown_sum")
            return
    if diff < 0 and not s.complete:
        return  # the sentence stops mid-way (a cut line): the list may go on beyond it
    ctx.check("narrative.breakdown_sum")
    if diff == 0:
        return
    if diff > 0 and _prefix_adds_up(total, parts):
        return  # "62人，其中…（共62人），退休职工28人": the list goes on past the breakdown
    unit = total.display_unit
    f = total.factor if total.kind == "money" else Decimal(1)
    tol = tolerance(len(parts), f) if total.kind == "money" else Decimal(0)
    listed = "＋".join(p.raw for p in parts)
    shown = fmt(psum / f) if total.kind == "money" else format(psum.normalize(), "f")
    if continued:
        named = "＋".join(f"{_label(p) if p.sentence is s else _item_label(p)}{p.raw}" for p in parts)
        name = re.sub(r"^\([一二三四五六七八九十]+\)|^[一二三四五六七八九十]+、", "", label)
        msg = (
            f"合计与所列各项之和不符：“{total.sentence.quote(total.start)}”中{name or '合计'}{total.raw}，"
            f"而{named}＝{shown}{unit}"
        )
    else:
        msg = f"“其中”各项之和与合计不符：“{s.quote(parts[0].start)}”中{label or '合计'}{total.raw}，其中{listed}＝{shown}{unit}"
    locs = [ctx.text_location(total.sentence, total.raw), *(ctx.text_location(p.sentence, p.raw) for p in parts[:6])]
    exp = fmt(total.yuan / f) if total.kind == "money" else format(total.value.normalize(), "f")
    act = shown
    dtext = fmt(diff / f) if total.kind == "money" else format(diff.normalize(), "f")
    if abs(diff) <= tol:
        ctx.report_gap("narrative.breakdown_sum", True, "info", msg, locs, expected=exp, actual=act, difference=dtext)
        return
    if diff > 0:
        severity = "error" if rule is not None else "warning"
        ctx.report(
            "narrative.breakdown_sum", severity, msg + "，大于合计", locs, expected=exp, actual=act, difference=dtext
        )
    elif rule is not None:
        # the numbered items were given as the total's whole detail ("具体情况如下"): a shortfall is
        # a contradiction, not an item left out of a "其中" aside
        severity = "error" if continued else rule.get("less", "warning")
        note = "，小于合计" + ("" if severity == "error" else "（可能有未列示的项目）")
        ctx.report("narrative.breakdown_sum", severity, msg + note, locs, expected=exp, actual=act, difference=dtext)


# -- repeated figures -------------------------------------------------------------------------------------


_FUNDS = ("一般公共预算", "政府性基金", "国有资本经营", "社会保险基金")


def _fund(ctx: Context, c: Claim) -> str:
    """The fund a total is stated for (a 财政决算 report states one 收入总计 per fund): named in its
    sentence, else in an earlier sentence of its paragraph."""
    s = c.sentence
    for t in [s, *(x for x in ctx.nar.sentences[: s.index][::-1] if x.paragraph == s.paragraph)]:
        found = [f for f in _FUNDS if f in t.norm]
        if found:
            return found[0]
    return ""


def _repeated(ctx: Context) -> None:
    seen: dict[tuple[str, str, str], Claim] = {}
    for c in ctx.ex.claims:
        if c.role != "level" or c.concept is None or c.period != "current" or c.approx or c.kind != "money":
            continue
        concept = ctx.concept(c.concept)
        if concept is None or not concept.unique:
            continue
        k = (c.concept, c.basis if c.basis_explicit else "default", _fund(ctx, c))
        first = seen.get(k)
        if first is None:
            seen[k] = c
            continue
        ctx.check("narrative.repeated_figure")
        if abs(first.yuan - c.yuan) <= _h(first) + _h(c):
            continue
        ctx.report(
            "narrative.repeated_figure",
            "warning",
            f"同一项目前后金额不一致：{concept.label}在“{first.sentence.quote(first.start)}”中为{first.raw}，"
            f"在“{c.sentence.quote(c.start)}”中为{c.raw}",
            [ctx.text_location(first.sentence, first.raw), ctx.text_location(c.sentence, c.raw)],
            expected=fmt(first.yuan / c.factor),
            actual=fmt(c.value),
            difference=fmt(c.value - first.yuan / c.factor),
        )


# -- 收入总计 = 支出总计 ---------------------------------------------------------------------------------

_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_BALANCED = [
    # "收、支总计各是4125.49,4143.91万元", "收支总计分别为A万元、B万元"
    re.compile(
        r"收[、,和与及]?支出?(?:决算)?总计(?:各|分别)(?:是|为)?"
        + _NUMBER
        + r"(万元|亿元|元)?[,、和及]"
        + _NUMBER
        + r"(万元|亿元|元)"
    ),
    # "收入总计A万元，支出总计B万元" in one sentence
    re.compile(
        r"收入(?:决算)?总计(?:为|是)?"
        + _NUMBER
        + r"(万元|亿元|元)[^。;]{0,12}?支出(?:决算)?总计(?:为|是)?"
        + _NUMBER
        + r"(万元|亿元|元)"
    ),
]
_FACTOR = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def _balanced(ctx: Context) -> None:
    """A 决算's 收入总计 and 支出总计 are one amount (income and carry-over in = spending and
    carry-over out): a sentence stating two different ones quotes something else as the totals."""
    rule = "narrative.balanced"
    for s in ctx.nar.sentences:
        for rx in _BALANCED:
            m = rx.search(s.norm)
            if not m:
                continue
            a, ua, b, ub = m.group(1), m.group(2) or m.group(4), m.group(3), m.group(4)
            va = Decimal(a.replace(",", "")) * _FACTOR[ua]
            vb = Decimal(b.replace(",", "")) * _FACTOR[ub]
            h = half_unit(a.replace(",", "")) * _FACTOR[ua] + half_unit(b.replace(",", "")) * _FACTOR[ub]
            ctx.check(rule)
            if abs(va - vb) <= h:
                break
            ctx.report(
                rule,
                "warning",
                f"收入总计与支出总计不相等：“{s.quote(m.start())}”中收入总计{a}{ua}、支出总计{b}{ub}"
                f"（收入总计应等于支出总计，文中可能把本年收入合计、本年支出合计当作总计）",
                [ctx.text_location(s, a), ctx.text_location(s, b)],
                expected=fmt(va / _FACTOR[ub]),
                actual=b,
                difference=fmt((vb - va) / _FACTOR[ub]),
            )
            break
