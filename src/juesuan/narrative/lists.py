"""Counts and lists: "共设置8个内设机构，包括：A、B、…" has 8 names; "对N个项目进行绩效自评" matches
the 项目支出绩效自评表 attached; a 预算's "编报绩效目标的项目N个" the 项目支出绩效目标表 attached. (Staff breakdowns such as 编制 = 行政 + 事业 + 工勤 are "其中"
breakdowns: see arithmetic.py.)"""

from __future__ import annotations

import re

from .context import Context

_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_N = r"(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})"
_WHAT = r"(?P<what>内设机构|职能科室|科室|处室|股室|机构|部门|下属单位|直属单位|所属单位|二级单位|事业单位|单位|中心|分中心)"
# "共设置8个内设机构，包括：A、B、C。"
_AFTER = re.compile(
    rf"(?:共|共有|共设|共设置|设置|设有|下设|内设|下辖|所属)了?{_N}个{_WHAT}[,]?"
    r"(?:包括|分别是|分别为|即|为|有|具体为|具体是|具体包括)[:]?(?P<list>[^。;,!?]+)"
)
# "内设综合科、数据资源科、平台运维科3个科室"
_BEFORE = re.compile(
    rf"(?:内设|下设|设有|设置|包括|下辖)(?P<list>[^。;:,!?]{{2,240}}?)(?P<etc>等)?(?:共)?{_N}个{_WHAT}"
)


def cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if len(text) == 1:
        return _CN.get(text)
    if text.startswith("十") and len(text) == 2:
        return 10 + _CN.get(text[1], 0)
    if text.endswith("十") and len(text) == 2:
        return _CN.get(text[0], 0) * 10
    if len(text) == 3 and text[1] == "十":
        return _CN.get(text[0], 0) * 10 + _CN.get(text[2], 0)
    return None


def _split(text: str) -> list[str]:
    """Split a list at 、 outside brackets ("办公室(含财务、人事)、监督科" is two names)."""
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch in "(（[":
            depth += 1
        elif ch in ")）]" and depth:
            depth -= 1
        if ch == "、" and not depth:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    return [x.strip() for x in items if x.strip()]


def _items(text: str) -> tuple[list[str], bool]:
    t = text.strip()
    items = _split(t)
    # "…、监督科等" or "…、监督科等科室": the list is not complete
    partial = any("等" in i[1:] for i in items[-1:]) or t.endswith("等")
    if items and partial:
        items[-1] = items[-1].split("等")[0] or items[-1]
    return items, partial


def check(ctx: Context) -> None:
    _lists(ctx)
    _evaluated(ctx)
    _targets(ctx)


def _lists(ctx: Context) -> None:
    if not ctx.nar.sentences:
        ctx.unresolved("narrative.list_count", "insufficient_data", "未识别出文字说明")
        return
    for s in ctx.nar.sentences:
        for rx in (_AFTER, _BEFORE):
            for m in rx.finditer(s.norm):
                n = cn_number(m.group("n"))
                items, partial = _items(m.group("list"))
                if n is None or len(items) < 2:
                    continue
                partial = partial or bool(m.groupdict().get("etc"))
                ctx.check("narrative.list_count")
                count = len(items)
                joined = any(("和" in i or "及" in i) for i in items[-1:])
                if count == n or (joined and count + 1 == n) or (partial and count <= n):
                    continue
                what = m.group("what")
                ctx.report(
                    "narrative.list_count",
                    "error" if not partial else "warning",
                    f"所列名称个数与总数不符：“{s.quote(m.start())}”称{m.group('n')}个{what}，列出{count}个（{'、'.join(items)}）",
                    [ctx.text_location(s, f"{m.group('n')}个{what}")],
                    expected=str(n),
                    actual=str(count),
                    difference=str(count - n),
                )
            if rx is _AFTER and _AFTER.search(s.norm):
                break


def _evaluated(ctx: Context) -> None:
    rule = "narrative.self_evaluated_projects"
    projects = [p for p in ctx.doc.performance if p.kind == "project"]
    required = "project" in ctx.variant.performance
    stated = []
    for s in ctx.nar.sentences:
        for rx in ctx.perf.narrative["evaluated"]:
            m = rx.search(s.norm)
            if m:
                stated.append((s, int(m.group(1)), m))
                break
    if not stated:
        if not ctx.nar.sentences:
            ctx.unresolved(rule, "insufficient_data", "未识别出文字说明")
        else:
            ctx.unresolved(rule, "not_applicable", "文字说明中未提及自评项目个数")
        return
    if not required and not projects:
        ctx.unresolved(rule, "not_applicable", f"本版式不要求附{ctx.perf.table_name('project')}")
        return
    table = ctx.perf.table_name("project")
    for s, n, m in stated:
        ctx.check(rule)
        if n == len(projects):
            continue
        names = "、".join(p.fields.get("项目名称", "（未列名称）") for p in projects) or "无"
        ctx.report(
            rule,
            "warning",
            f"自评项目个数与所附自评表不符：“{s.quote(m.start())}”称{n}个项目进行绩效自评，"
            f"但文件只附{len(projects)}张《{table}》（{names}）",
            [
                ctx.text_location(s, m.group(0)),
                *(
                    ctx.where(p.provenance, table, p.fields.get("项目名称", ""), "项目名称", p.fields.get("项目名称"))
                    for p in projects
                ),
            ],
            expected=str(len(projects)),
            actual=str(n),
            difference=str(n - len(projects)),
        )


def _targets(ctx: Context) -> None:
    """The count "编报绩效目标的项目N个" (patterns: performance.yaml ``narrative.target_projects``) against the
    number of 项目支出绩效目标表 attached (one per project), in a 预算 (a 决算: not applicable). Without
    such tables nothing gives the count: insufficient data, never a finding. A mismatch is a warning (a document may attach the
    tables of some projects only)."""
    rule = "narrative.target_projects"
    if ctx.doc.kind != "预算":  # a 决算 attaches no 项目支出绩效目标表: the statement is not this rule's
        ctx.unresolved(rule, "not_applicable", "本项只核对预算公开文件（所附项目支出绩效目标表）")
        return
    stated = []
    for s in ctx.nar.sentences:
        for rx in ctx.perf.narrative.get("target_projects", []):
            m = rx.search(s.norm)
            if m:
                stated.append((s, int(m.group(1)), m))
                break
    if not stated:
        if not ctx.nar.sentences:
            ctx.unresolved(rule, "insufficient_data", "未识别出文字说明")
        else:
            ctx.unresolved(rule, "not_applicable", "文字说明中未提及编报绩效目标的项目个数")
        return
    tables = [p for p in ctx.doc.performance if p.kind == "target"]
    name = ctx.perf.table_name("target")
    if not tables:
        ctx.unresolved(rule, "insufficient_data", f"文件未附《{name}》，无法核对编报绩效目标的项目个数")
        return
    for s, n, m in stated:
        ctx.check(rule)
        if n == len(tables):
            continue
        names = "、".join(p.fields.get("项目名称", "（未列名称）") for p in tables)
        ctx.report(
            rule,
            "warning",
            f"编报绩效目标的项目个数与所附绩效目标表不符：“{s.quote(m.start())}”称{n}个项目，"
            f"但文件附{len(tables)}张《{name}》（{names}）",
            [
                ctx.text_location(s, m.group(0)),
                *(
                    ctx.where(p.provenance, name, p.fields.get("项目名称", ""), "项目名称", p.fields.get("项目名称"))
                    for p in tables
                ),
            ],
            expected=str(len(tables)),
            actual=str(n),
            difference=str(n - len(tables)),
        )
