"""Narrative against the tables (文表): every current-year figure whose concept maps to table cells
is compared with them.

Severity follows the claim's basis. A figure stated as (or, by default in a 决算, taken as) the
决算 that matches no 决算 cell is an error; a figure stated as a budget, or whose basis is
ambiguous (no basis word in a paragraph that speaks of budgets) and for which a budget figure
exists, is a warning that says so. A figure that matches the table in another unit (元 for 万元)
is reported as a unit slip. A gap within the rounding allowance is an info.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ..rounding import tolerance
from .claims import MONEY, Claim
from .context import Candidate, Context, fmt, half_unit, number_part

BASIS_NAMES = {"final": "决算数", "budget": "预算数", "full_budget": "全年预算数", "ambiguous": "决算数"}
UNIT_NAMES = {Decimal(1): "元", Decimal(10000): "万元", Decimal(100000000): "亿元", Decimal(1000): "千元"}


def _refs(concept, basis: str, doc_kind: str = "决算") -> tuple[list, list, str]:
    """(primary refs, alternative refs, name of the alternative basis) for a claim's basis. In a 预算
    document every figure is compared with the document's own 预算 tables (basis ``plan``)."""
    if doc_kind == "预算":
        return list(concept.refs.get("plan", [])), [], ""
    final = list(concept.refs.get("final", []))
    budget = list(concept.refs.get("budget", []))
    full = list(concept.refs.get("full_budget", []))
    if basis == "budget":
        return budget + full, final, "决算数"
    if basis == "full_budget":
        return full + budget, final, "决算数"
    return final, budget + full, "预算数"


def _match(claim: Claim, cand: Candidate) -> str:
    """exact | rounding | none."""
    if claim.kind == "count":
        return "exact" if claim.value == cand.yuan else "none"
    diff = abs(claim.yuan - cand.yuan)
    half = half_unit(number_part(claim.raw)) * claim.factor
    if diff <= half:
        return "exact"
    if diff <= half + tolerance(len(cand.cells), cand.factor):
        return "rounding"
    return "none"


def check(ctx: Context) -> None:
    rules = ("narrative.table_amounts", "narrative.table_counts", "narrative.unit_slip", PATH_RULE)
    if not ctx.nar.sentences:
        for rid in rules:
            ctx.unresolved(rid, "insufficient_data", "未识别出文字说明")
        return
    if ctx.doc.kind not in ("决算", "预算"):
        for rid in rules:
            ctx.unresolved(rid, "not_applicable", f"{ctx.doc.kind}文件的文字说明暂不与表格核对")
        return
    if not any(c.concept_from == "path" for c in ctx.ex.claims):
        ctx.unresolved(PATH_RULE, "not_applicable", "文中没有“类、款、项”科目路径")
    for claim in ctx.ex.claims:
        if claim.concept_from == "path":
            if claim.concept is None:
                _unmatched_path(ctx, claim)
            elif ctx.doc.tables:
                ctx.check(PATH_RULE)
        if claim.role != "level" or claim.concept is None or claim.approx or claim.period != "current":
            continue
        concept = ctx.concept(claim.concept)
        if concept is None or concept.kind != claim.kind or not (concept.refs or concept.upper):
            continue
        rule = "narrative.table_amounts" if claim.kind == "money" else "narrative.table_counts"
        primary_refs, alt_refs, alt_name = _refs(concept, claim.basis, ctx.doc.kind)
        if not primary_refs:
            ctx.verdict(claim, "unchecked")
            if (claim.basis in ("final", "ambiguous") or ctx.doc.kind == "预算") and concept.upper:
                _upper(ctx, claim, concept)  # (a 预算's figures are bounded by its own tables)
            continue
        primary = ctx.candidates(primary_refs, claim.kind, rule)
        if not primary:
            ctx.verdict(claim, "unchecked")  # the table holding the figure is absent or unreadable
            if claim.basis in ("final", "ambiguous") and concept.upper:
                _upper(ctx, claim, concept)
            continue
        ctx.check(rule)
        if claim.kind == "money":
            ctx.check("narrative.unit_slip")
        matches = [(_match(claim, c), c) for c in primary]
        if concept.match != "any":
            # equivalent cells: the first printed one is authoritative
            head = matches[0][0]
            if head == "exact":
                ctx.verdict(claim, "agree")
                _upper(ctx, claim, concept)
                continue
            if head == "rounding":
                _report(ctx, rule, "info", claim, primary[0], "（舍入差异）", kind="rounding")
                continue
            other = next((c for m, c in matches[1:] if m != "none"), None)
            if other is not None:
                _report(
                    ctx,
                    rule,
                    _cap("warning", concept.severity),
                    claim,
                    primary[0],
                    f"该数与{other.describe()}一致，但两表本身不一致（见表间核对），请核实哪一个正确",
                    others=[],
                )
                continue
        else:
            if any(m == "exact" for m, _ in matches):
                ctx.verdict(claim, "agree")
                _upper(ctx, claim, concept)
                continue
            rounding = next((c for m, c in matches if m == "rounding"), None)
            if rounding is not None:
                _report(ctx, rule, "info", claim, rounding, "（舍入差异）", kind="rounding")
                continue
        if claim.kind == "money" and _unit_slip(ctx, claim, primary):
            continue
        alt = ctx.candidates(alt_refs, claim.kind, rule) if alt_refs else []
        alt_match = next((c for c in alt if _match(claim, c) != "none"), None)
        first = primary[0]
        basis_name = BASIS_NAMES[claim.basis]
        if ctx.doc.kind == "预算":
            # a 预算's 编制说明 states the figures of its own tables; a 决算 figure quoted in it is
            # another year's and the mapping looser (warning)
            note = ""
            severity = "warning" if claim.basis == "final" else "error"
        elif claim.basis in ("budget", "full_budget"):
            note = f"文中为{basis_name}口径；"
            if alt_match is not None:
                note += f"该数与{alt_match.describe()}（{alt_name}）一致，疑为口径混用"
            severity = "warning"
        elif claim.basis == "ambiguous":
            words = "、".join(claim.sentence.budget_words[:3])
            has_budget = any(not c.blank for c in alt)
            if alt_match is not None:
                note = f"文中未说明口径（所在段落提到“{words}”），该数与{alt_match.describe()}（{alt_name}）一致，疑将预算数作为决算数表述"
                severity = "warning"
            elif has_budget:
                note = f"文中未说明口径（所在段落提到“{words}”），也不等于表中的{alt_name}"
                severity = "warning"
            else:
                note = ""
                severity = "error"
        else:
            note = ""
            if alt_match is not None:
                note = f"该数与{alt_match.describe()}（{alt_name}）一致，疑将{alt_name}作为决算数"
            severity = "error"
        if first.blank and claim.value != 0 and (claim.basis_explicit or claim.basis == "final"):
            # the table prints nothing where the text states a figure: the table omits it (or the
            # text invents it) — a contradiction whatever the basis, not a check to skip
            note = "表中该项为空白，而文中有数（表格漏填或文字有误）" + (f"；{note}" if note else "")
            severity = "error"
        severity = _cap(severity, concept.severity)
        _report(ctx, rule, severity, claim, first, note, others=primary[1:])
        if severity == "error" and claim.kind == "money" and not first.blank:
            claim.table_yuan, claim.table_half = first.yuan, Decimal("0.005") * first.factor * len(first.cells)


PATH_RULE = "narrative.path_unmatched"
_PATH_CLASS = re.compile(r"^(?:\d{1,2}[.、]|\(\d{1,2}\))?(?P<c>[^()]{2,20}?)\(类\)")


def _unmatched_path(ctx: Context, claim: Claim) -> None:
    """A "X（类）Y（款）Z（项）" path that names no single row of the classification (a 款 or 项
    name the catalog does not hold under that 类, or holds twice): its figure is compared with
    nothing, which the reader is told — only when the document's tables print the 款/项 rows of that
    类 (a path about a 类 the tables do not detail, or a fragment without tables, is not a problem)."""
    if claim.role != "level" or claim.approx or claim.period != "current" or claim.kind != "money":
        return
    m = _PATH_CLASS.match(claim.label or "")
    ex = ctx.ex.extractor
    if m is None or ex is None:
        return
    name = m.group("c")
    hits = ex.fcat.by_name(name, level=1) or ex.fcat.by_name(name + "支出", level=1)
    if not hits:
        return
    code = hits[0].code
    tables = [
        t
        for t in ctx.doc.tables
        if not t.unreliable and any(r.code and len(r.code) > len(code) and r.code.startswith(code) for r in t.rows)
    ]
    if not tables:
        return
    ctx.check(PATH_RULE)
    s = claim.sentence
    ctx.report(
        PATH_RULE,
        "warning",
        f"未能对应到表格：“{s.quote(claim.start)}”中的科目“{claim.label}”在支出功能分类科目中找不到唯一对应的"
        f"款、项（名称有误或不完整），{claim.raw}未与表格中“{hits[0].code} {hits[0].name}”类下的科目核对",
        [ctx.text_location(s, claim.raw)],
    )


def _cap(severity: str, limit: str | None) -> str:
    if limit == "warning" and severity == "error":
        return "warning"
    return severity


def _unit_slip(ctx: Context, claim: Claim, primary: list[Candidate]) -> bool:
    number = claim.value
    for cand in primary:
        if cand.yuan == 0:
            continue
        if number == 0:
            return False  # "0万元" against a figure: a wrong figure, never a unit slip
        for unit, factor in MONEY.items():
            if unit == "万" or factor == claim.factor:
                continue
            # the digits agree after the shift: the table's figure in that unit, rounded to the
            # claim's printed precision, is the claim's number
            shifted = cand.yuan / factor
            places = number_part(claim.raw).split(".")[1] if "." in number_part(claim.raw) else ""
            if (
                shifted.quantize(Decimal(1).scaleb(-len(places)), rounding=ROUND_HALF_UP) == abs(number)
                and shifted != 0
            ):
                table_value = cand.in_unit(cand.factor)
                s = claim.sentence
                msg = (
                    f"文字说明金额单位有误：“{s.quote(claim.start)}”中{ctx.label(claim)}写作“{claim.raw}”，"
                    f"{cand.describe()}为{fmt(table_value)}{cand.unit}，数字相同而单位应为{unit}"
                    f"（相差{_ratio(factor, claim.factor)}倍）"
                )
                f = ctx.report(
                    "narrative.unit_slip",
                    "error",
                    msg,
                    [ctx.text_location(s, claim.raw), *ctx.cell_locations(cand)],
                    expected=fmt(cand.yuan / claim.factor),
                    actual=fmt(claim.value),
                    difference=fmt(claim.value - cand.yuan / claim.factor),
                )
                claim.table_yuan, claim.table_half = cand.yuan, Decimal("0.005") * cand.factor * len(cand.cells)
                ctx.verdict(claim, "disagree", f)
                return True
    return False


def _ratio(a: Decimal, b: Decimal) -> str:
    r = a / b if a > b else b / a
    return {
        Decimal(10000): "一万",
        Decimal(1000): "一千",
        Decimal(100000000): "一亿",
        Decimal(10000 * 10000): "一亿",
        Decimal(10): "十",
        Decimal("0.1"): "十",
    }.get(r.normalize(), format(r.normalize(), "f"))


def _report(
    ctx: Context,
    rule: str,
    severity: str,
    claim: Claim,
    cand: Candidate,
    note: str,
    *,
    others: list[Candidate] | None = None,
    kind: str = "rule",
) -> None:
    s = claim.sentence
    unit = claim.display_unit
    if claim.kind == "money":
        table_value = cand.yuan / claim.factor
        shown = fmt(table_value)
        diff = claim.value - table_value
        diff_text = fmt(diff)
    else:
        table_value = cand.yuan
        shown = format(table_value.normalize(), "f") if table_value == table_value.to_integral() else fmt(table_value)
        diff = claim.value - table_value
        diff_text = format(diff.normalize(), "f")
    printed = cand.printed()
    table_text = f"{cand.describe()}为{shown}{unit}" + (f"（印为{printed}，按0计）" if printed else "")
    also = ""
    if others:
        also = "；" + "；".join(
            f"{o.describe()}为{fmt(o.yuan / claim.factor) if claim.kind == 'money' else o.yuan}{unit}"
            for o in others[:2]
        )
    what = "文字说明与表格不一致" if kind != "rounding" else "文字说明与表格存在舍入差异"
    msg = (
        f"{what}：“{s.quote(claim.start)}”中{ctx.label(claim)}为{claim.raw}，{table_text}{also}，"
        f"相差{diff_text}{unit}"
        + (f"。{note}" if note and kind != "rounding" else (note if kind == "rounding" else ""))
    )
    locs = [ctx.text_location(s, claim.raw, column=ctx.label(claim)), *ctx.cell_locations(cand)]
    for o in (others or [])[:2]:
        locs += ctx.cell_locations(o)
    f = ctx.report(
        rule,
        severity,
        msg,
        locs,
        expected=fmt(table_value) if claim.kind == "money" else shown,
        actual=fmt(claim.value) if claim.kind == "money" else format(claim.value.normalize(), "f"),
        difference=diff_text,
        kind=kind,
    )
    ctx.verdict(claim, "rounding" if kind == "rounding" else "disagree", f)


def _upper(ctx: Context, claim: Claim, concept) -> None:
    """A figure bounded by a table figure (机关运行经费 ≤ 公用经费): a warning when it exceeds it."""
    if not concept.upper or claim.kind != "money":
        return
    bounds = ctx.candidates(concept.upper, "money", "narrative.table_amounts")
    if bounds:
        ctx.check("narrative.table_amounts")
    for b in bounds:
        if claim.yuan > b.yuan + tolerance(len(b.cells), b.factor):
            s = claim.sentence
            f = ctx.report(
                "narrative.table_amounts",
                "warning",
                f"“{s.quote(claim.start)}”中{ctx.label(claim)}{claim.raw}大于{b.describe()}"
                f"{fmt(b.yuan / claim.factor)}{claim.display_unit}，不应超过该数",
                [ctx.text_location(s, claim.raw), *ctx.cell_locations(b)],
                expected=fmt(b.yuan / claim.factor),
                actual=fmt(claim.value),
                difference=fmt(claim.value - b.yuan / claim.factor),
            )
            ctx.verdict(claim, "disagree", f)
            return
