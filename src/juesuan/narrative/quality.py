"""Text quality: years, template leftovers, truncated sentences and empty headings, renamed
classification subjects, 部门 wording in a 单位 document, the department's name, stray lines and
repeated words."""

from __future__ import annotations

import re

from .context import Context
from .text import norm_key

_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})年(度)?")
_TITLE_YEAR = re.compile(r"(?<!\d)(20\d{2})年度?(?:部门|单位)?(?:决算|预算)")
_SELF = re.compile(r"本部门|我部门|本单位|我单位|本局|我局|本中心|我中心")
_REPEAT = re.compile(r"([\u4e00-\u9fff]{4,12})\1")
# what a section heading ends with (a numbered sentence such as "(十)完成交办的其他任务。" is not one)
_HEADING_END = re.compile(
    r"(情况|说明|概况|构成|职责|职能|结论|问题|措施|做法|应用|目的|过程|解释|事项|目标|分析|总结|制度|机制|收入|支出|经费|资产|采购|评价)$"
)
_LONE_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$")


def check(ctx: Context) -> None:
    sentences = ctx.nar.sentences
    if not sentences:
        for rid in (
            "narrative.stale_year",
            "narrative.placeholder",
            "narrative.truncated",
            "narrative.old_name",
            "narrative.scope_wording",
            "narrative.department_name",
            "narrative.repeated_words",
            "narrative.malformed_number",
        ):
            ctx.unresolved(rid, "insufficient_data", "未识别出文字说明")
    else:
        _years(ctx)
        _placeholders(ctx)
        _truncated(ctx)
        _old_names(ctx)
        _scope(ctx)
        _department(ctx)
        _repeats(ctx)
        _malformed(ctx)
    _stray(ctx)


# -- malformed figures --------------------------------------------------------------------------------


def _malformed(ctx: Context) -> None:
    """A figure printed with a separator where its leading digits belong ("支出总计,867.48万元",
    "共计 ,0 个"): a digit lost or a stray mark, either way the figure cannot be trusted."""
    rule = "narrative.malformed_number"
    for s in ctx.nar.sentences:
        ctx.check(rule)
        for rx in ctx.cfg.malformed_numbers:
            m = rx.search(s.norm)
            if m:
                ctx.report(
                    rule,
                    "warning",
                    f"数字书写有误：“{s.quote(m.start())}”中的“{m.group(0)}”以分隔符开头，疑漏印数字",
                    [ctx.text_location(s, m.group(0))],
                )
                break


# -- years ----------------------------------------------------------------------------------------


def _inside_title(text: str, pos: int) -> bool:
    """Inside 《…》 (a document's title) or [...] (a document number)."""
    before = text[:pos]
    return before.rfind("《") > before.rfind("》") or before.rfind("[") > before.rfind("]")


def _years(ctx: Context) -> None:
    fy = ctx.doc.year
    rule = "narrative.stale_year"
    if fy is None:
        ctx.unresolved(rule, "insufficient_data", "未识别出决算年度")
        return
    cfg = ctx.cfg
    # a 预算 (budget) document states the assets at the end of the year before its fiscal year (a
    # fragment's kind comes from its own words: juesuan.kinds.fragment_kind, set when it is loaded)
    budget_doc = ctx.doc.kind == "预算"
    for s in ctx.nar.sentences:
        t = s.norm
        for m in _YEAR.finditer(t):
            if _inside_title(t, m.start()):
                continue
            y = int(m.group(1))
            ctx.check(rule)
            if y == fy or y > fy:
                continue
            before = t[max(0, m.start() - 6) : m.start()]
            after = t[m.end() : m.end() + 24]
            comparing = before.endswith(("较", "比", "与", "同", "比上", "对比", "较上")) or after.startswith(
                ("相比", "比较", "对比", "同期")
            )
            if comparing and y == fy - 1:
                continue  # "比2023年预算数减少…" in a 2024 document: the previous year, as it should be
            tm = _TITLE_YEAR.match(t, m.start())
            if tm and tm.start() == m.start():
                ctx.report(
                    rule,
                    "warning",
                    f"年度有误：“{s.quote(m.start())}”写作{y}年度，本文件为{fy}年度决算",
                    [ctx.text_location(s, m.group(0))],
                )
                continue
            if comparing:
                # a further comparison (“比2019年（疫情前）…”) beside the one with last year is no mistake
                if y != fy - 1 and not re.search(r"(?:较|比|与)上(?:年|一年)", t[: m.start()]):
                    ctx.report(
                        rule,
                        "warning",
                        f"比较年度有误：“{s.quote(m.start())}”与{y}年比较，{fy}年度决算应与上年（{fy - 1}年）比较",
                        [ctx.text_location(s, m.group(0))],
                    )
                continue
            if any(before.endswith(w) or w in before for w in cfg.statistic_date_words) and not (
                budget_doc and y == fy - 1
            ):
                ctx.report(
                    rule,
                    "warning",
                    f"统计时点不是决算年度：“{s.quote(m.start())}”的统计截至{y}年，本文件为{fy}年度决算，应为{fy}年末的情况",
                    [ctx.text_location(s, m.group(0))],
                )
                continue
            at_start = (
                m.start() == 0
                or t[m.start() - 1] in ",:;。("
                or re.match(r"^(\(\w{1,3}\)|\d{1,2}[、.])$", t[: m.start()] or "x")
            )
            if at_start and any(w in after for w in cfg.achievement_words):
                ctx.report(
                    rule,
                    "warning",
                    f"年份与决算年度不符：“{s.quote(m.start())}”将{y}年的工作情况写入{fy}年度决算的本年度评价",
                    [ctx.text_location(s, m.group(0))],
                )


# -- template leftovers ------------------------------------------------------------------------------


def _placeholders(ctx: Context) -> None:
    rule = "narrative.placeholder"
    texts = [(s, s.norm) for s in ctx.nar.sentences]
    for s, t in texts:
        ctx.check(rule)
        for rx, severity, what in ctx.cfg.placeholders:
            hits = list(dict.fromkeys(m.group(0) for m in rx.finditer(t)))
            if hits:
                first = rx.search(t)
                assert first is not None
                shown = "”“".join(hits)
                ctx.report(
                    rule,
                    severity,
                    f"残留模板内容（{what}）：“{s.quote(first.start())}”中的“{shown}”",
                    [ctx.text_location(s, hits[0])],
                )
    for h in ctx.nar.headings:
        for rx, severity, what in ctx.cfg.placeholders:
            m = rx.search(h.norm)
            if m:
                ctx.report(
                    rule,
                    severity,
                    f"标题残留模板内容（{what}）：“{h.raw}”",
                    [ctx.where(h.provenance, h.group, h.raw, "标题", m.group(0))],
                )
                break


# -- truncation -------------------------------------------------------------------------------------------


def _truncated(ctx: Context) -> None:
    rule = "narrative.truncated"
    for s in ctx.nar.sentences:
        ctx.check(rule)
        body = s.norm.rstrip("。!?")
        for rx in ctx.cfg.truncated:
            if rx.search(body):
                ctx.report(rule, "warning", f"语句不完整：“{s.raw.strip()}”在应有内容处中断", [ctx.text_location(s)])
                break
    _empty_headings(ctx)


def _positions(ctx: Context) -> list[tuple[int, int]]:
    out = []
    for t in ctx.doc.tables:
        if t.provenance is not None:
            out.append((t.provenance.page or 0, t.provenance.line or 0))
    for p in ctx.doc.performance:
        if p.provenance is not None:
            out.append((p.provenance.page or 0, p.provenance.line or 0))
    return out


def _pos(p) -> tuple[int, int]:
    return (p.page or 0, p.line or 0) if p is not None else (0, 0)


def _empty_headings(ctx: Context) -> None:
    rule = "narrative.truncated"
    heads = ctx.nar.headings
    texts = [h.norm.rstrip("。.") for h in heads]
    tables = _positions(ctx)
    paragraphs = ctx.doc.paragraphs
    for i, h in enumerate(heads):
        ctx.check(rule)
        if texts.count(texts[i]) > 1:
            continue  # a table-of-contents entry: the heading is printed again where its text is
        run = [j for j in range(len(heads)) if heads[j].position == h.position and heads[j].group == h.group]
        if len(run) >= 5:
            continue  # a long run of headings with no text between them: a table of contents
        if h.level == 0 or not _HEADING_END.search(h.norm.rstrip("。.")):
            continue
        nxt = heads[i + 1] if i + 1 < len(heads) else None
        if h.inline and h.closes_paragraph:
            following = paragraphs[h.paragraph + 1] if h.paragraph + 1 < len(paragraphs) else None
            same = following is not None and (following.section or "") == (paragraphs[h.paragraph].section or "")
            if same and not (nxt is not None and nxt.paragraph == h.paragraph + 1 and nxt.level <= h.level):
                continue
        else:
            if nxt is not None and (nxt.position != h.position or nxt.level > h.level or nxt.group != h.group):
                continue
            if nxt is None and any(s.group == h.group for s in ctx.nar.sentences[h.position :]):
                continue
        start = _pos(h.provenance)
        end = _pos(paragraphs[h.paragraph + 1].provenance) if h.paragraph + 1 < len(paragraphs) else (10**9, 0)
        if any(start < t < end for t in tables):
            continue  # a table follows the heading
        ctx.report(
            rule,
            "warning",
            f"标题下无内容：“{h.raw}”之后没有相应的说明文字",
            [ctx.where(h.provenance, h.group, h.raw, "标题", None)],
        )


# -- names -------------------------------------------------------------------------------------------


def _old_names(ctx: Context) -> None:
    rule = "narrative.old_name"
    fy = ctx.doc.year or 0
    names = [(norm_key(o["old"]), o) for o in ctx.cfg.old_names if fy >= int(o.get("since", 0))]
    for s in ctx.nar.sentences:
        ctx.check(rule)
        for old, o in names:
            k = s.norm.find(old)
            if k >= 0:
                ctx.report(
                    rule,
                    "warning",
                    f"使用了已停用的科目名称：“{s.quote(k)}”中的“{o['old']}”自{o['since']}年起为“{o['new']}”（{o['code']}）",
                    [ctx.text_location(s, o["old"])],
                )


def _scope(ctx: Context) -> None:
    rule = "narrative.scope_wording"
    bad = ctx.cfg.scope_words.get(ctx.doc.scope or "", [])
    for s in ctx.nar.sentences:
        for m in _SELF.finditer(s.norm):
            ctx.check(rule)
            if m.group(0) in bad:
                ctx.report(
                    rule,
                    "warning",
                    f"单位决算中使用了部门表述：“{s.quote(m.start())}”中的“{m.group(0)}”，本文件为单位决算，应表述为“本单位”",
                    [ctx.text_location(s, m.group(0))],
                )
    if not ctx.out(rule).checked:
        ctx.unresolved(rule, "not_applicable", "文字说明中没有“本部门”“本单位”等自称")


def _variant_names(name: str, text: str, suffix: str) -> list[tuple[int, str]]:
    """Names in ``text`` that end like ``name`` and nearly equal it: (position, printed name)."""
    out = []
    start = 0
    while True:
        k = text.find(suffix, start)
        if k < 0:
            break
        end = k + len(suffix)
        start = end
        best = None
        for length in range(max(len(suffix) + 2, len(name) - 4), len(name) + 4):
            if end - length < 0:
                break
            cand = text[end - length : end]
            if re.search(r"[,。;:!?、()\"《》]", cand):
                continue
            if cand == name:
                best = (1.0, cand)
                break
            if cand[:2] != name[:2]:
                continue
            import difflib  # here: only a near miss of a name needs it, not every start

            ratio = difflib.SequenceMatcher(None, cand, name).ratio()
            if ratio >= 0.85 and (best is None or ratio > best[0]):
                best = (ratio, cand)
        if best is not None:
            out.append((end - len(best[1]), best[1]))
    return out


def _department(ctx: Context) -> None:
    rule = "narrative.department_name"
    name = norm_key(ctx.doc.department or "")
    if not name:
        ctx.unresolved(rule, "insufficient_data", "未识别出部门名称")
        return
    suffix = next((s for s in sorted(ctx.cfg.org_suffixes, key=len, reverse=True) if name.endswith(s)), name[-1:])
    suffix = name[-(len(suffix) + 2) :] if len(name) > len(suffix) + 2 else name
    reported: set[str] = set()
    for t in ctx.doc.tables:
        if t.department:
            ctx.check(rule)
            d = norm_key(t.department)
            if d != name and d not in reported:
                reported.add(d)
                p = t.provenance
                ctx.report(
                    rule,
                    "warning",
                    f"部门名称不一致：《{t.name}》表头为“{t.department}”，其他表格为“{ctx.doc.department}”",
                    [ctx.where(p, t.name, "表头", "部门", t.department)],
                )
    for s in ctx.nar.sentences:
        for pos, printed in _variant_names(name, s.norm, suffix):
            ctx.check(rule)
            if printed == name or printed in reported:
                continue
            reported.add(printed)
            ctx.report(
                rule,
                "warning",
                f"部门名称不一致：“{s.quote(pos)}”中写作“{printed}”，表头和封面为“{ctx.doc.department}”",
                [ctx.text_location(s, printed)],
            )
    if not ctx.out(rule).checked:
        ctx.unresolved(rule, "not_applicable", "文字说明和表头中未出现部门名称")


def _repeats(ctx: Context) -> None:
    rule = "narrative.repeated_words"
    for s in ctx.nar.sentences:
        ctx.check(rule)
        for m in _REPEAT.finditer(s.norm):
            ctx.report(
                rule,
                "info",
                f"字词重复：“{s.quote(m.start())}”中“{m.group(1)}”连续出现两次",
                [ctx.text_location(s, m.group(0))],
            )


# -- stray lines -------------------------------------------------------------------------------------------


_LONE_RAW = re.compile(r"\s*[-－]?[\d０-９][\d０-９,，.．\s]*")


def _lone(text: str) -> bool:
    if not _LONE_RAW.fullmatch(text):
        return False
    t = norm_key(text)
    if not _LONE_NUMBER.match(t):
        return False
    # page numbers are small integers: leave them alone
    return "." in t or len(t.replace(",", "").lstrip("-")) >= 4


def _stray(ctx: Context) -> None:
    rule = "narrative.stray_line"
    for para, group in zip(ctx.doc.paragraphs, ctx.nar.groups):
        ctx.check(rule)
        if _lone(para.text):
            ctx.report(
                rule,
                "warning",
                f"孤立的数字行：正文中单独一行“{para.text.strip()}”，前后没有说明，疑为残留或错位内容",
                [ctx.where(para.provenance, group, "正文", "文字", para.text.strip())],
            )
    for p in ctx.doc.performance:
        name = p.fields.get("项目名称") or p.fields.get("部门名称") or ""
        title = ctx.perf.table_name(p.kind, p.title)
        for k, row in enumerate(p.other):
            ctx.check(rule)
            if len(row) == 1 and _lone(row[0]):
                prev = p.other[k - 1][0] if k > 0 and p.other[k - 1] else ""
                ctx.report(
                    rule,
                    "warning",
                    f"孤立的数字行：《{title}》（{name}）“{prev}”行之后单独一行“{row[0]}”，不属于表格任何一栏，疑为残留或错位内容",
                    [
                        ctx.where(
                            p.provenance, f"{title}（{name}）" if name else title, prev or "表尾", "（表外）", row[0]
                        )
                    ],
                )
    if not ctx.out(rule).checked:
        ctx.unresolved(rule, "insufficient_data", "未识别出文字说明")
