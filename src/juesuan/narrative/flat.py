"""Tables flattened into the text: rows printed as ``label | amount | amount |`` (a web page's
table stored as text), one row per line or one cell per line. They are not tables the recognizer
reads, but their arithmetic is checked like the narrative's (rule ``narrative.flat_table``):

- the "其中" rows under an item add up to no more than the item (``3.公务用车费 | 0`` above
  ``其中:(1)公务用车运行维护费 | 32.65`` is an error);
- the 合计 row equals the numbered items (``1.`` ``2.`` ``3.``) below it, an item found smaller
  than its "其中" rows counted at the sum of those rows (the error is reported once, at the item).

Every printed figure stands for any value within half its last digit; a gap of one more unit of
the last digit per addend is a rounding hint (info).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..rules.engine import Location
from .context import Context, fmt, half_unit

RULE = "narrative.flat_table"
_NUM = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")
_NUMBERED = re.compile(r"^(?:\d+[.、．]|[一二三四五六七八九十]+、)")  # an item of the total
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计)$")
_UNIT = re.compile(r"单位[:：]\s*(万元|亿元|元)")


@dataclass
class Row:
    """A row of a table printed as plain text in the narrative: its label and values."""

    label: str
    values: list[str]
    line: int | None
    page: int | None
    children: list["Row"] = field(default_factory=list)

    @property
    def child(self) -> bool:
        return self.label.startswith("其中")

    @property
    def numbered(self) -> bool:
        return bool(_NUMBERED.match(self.label))


def _cells(text: str) -> list[str]:
    return [c.strip() for c in text.split("|")]


def _blocks(ctx: Context) -> list[tuple[str, list[Row]]]:
    """Runs of consecutive paragraphs holding a "|" separator, as rows of (label, figures)."""
    out: list[tuple[str, list[Row]]] = []
    tokens: list[tuple[str, int | None, int | None]] = []
    unit = ""

    def close() -> None:
        nonlocal tokens, unit
        rows: list[Row] = []
        cur: Row | None = None
        for tok, line, page in tokens:
            t = tok.replace(" ", "")
            if not t or t in ("?", "？"):
                continue
            if _NUM.match(t):
                if cur is not None:
                    cur.values.append(t.replace(",", ""))
                continue
            cur = Row(t, [], line, page)
            rows.append(cur)
        rows = [r for r in rows if r.values]
        if len(rows) >= 2:
            out.append((unit, rows))
        tokens, unit = [], ""

    for p in ctx.doc.paragraphs:
        if "|" not in p.text:
            if tokens:
                close()
            continue
        m = _UNIT.search(p.text.replace(" ", ""))
        if m:
            unit = m.group(1)
        prov = p.provenance
        for c in _cells(p.text):
            tokens.append((c, prov.line if prov else None, prov.page if prov else None))
    if tokens:
        close()
    return out


def _dec(v: str) -> Decimal | None:
    try:
        return Decimal(v)
    except InvalidOperation:
        return None


def _loc(r: Row, col: int, unit: str) -> Location:
    return Location(
        table="文中表格",
        row=r.label,
        column=f"第{col + 1}列",
        value=r.values[col] if col < len(r.values) else None,
        page=r.page,
        line=r.line,
    )


def check(ctx: Context) -> None:
    blocks = _blocks(ctx)
    if not blocks:
        ctx.unresolved(RULE, "not_applicable", "文中没有以“|”分隔的表格")
        return
    for unit, rows in blocks:
        _check_block(ctx, unit, rows)


def _check_block(ctx: Context, unit: str, rows: list[Row]) -> None:
    # the "其中" rows of an item: from a 其中 row to the next numbered row or total
    parent: Row | None = None
    in_children = False
    for r in rows:
        if _TOTAL.match(r.label) or r.numbered and not r.child:
            parent, in_children = r, False
            continue
        if r.child and parent is not None:
            in_children = True
        # after a 其中 row, every row up to the next item ("(2)…", or unnumbered) is one more part
        if in_children and parent is not None:
            parent.children.append(r)
    ncols = min(len(r.values) for r in rows)
    # an item smaller than its 其中 rows
    corrected: dict[int, list[Decimal | None]] = {}
    for r in rows:
        if not r.children:
            continue
        for col in range(ncols):
            pv = _dec(r.values[col])
            maybe = [_dec(k.values[col]) if col < len(k.values) else None for k in r.children]
            kids = [k for k in maybe if k is not None]
            if pv is None or len(kids) < len(maybe):
                continue
            ksum = sum(kids, Decimal(0))
            tol = half_unit(r.values[col]) + sum(half_unit(k.values[col]) for k in r.children)
            ctx.check(RULE)
            if ksum - pv <= tol:
                continue
            corrected.setdefault(id(r), [None] * ncols)[col] = ksum
            listed = "＋".join(f"{re.sub(r'^其中[:：]?', '', k.label)}{k.values[col]}" for k in r.children)
            ctx.report(
                RULE,
                "error",
                f"文中表格的“其中”项大于其所属项目：“{r.label}”第{col + 1}列为{r.values[col]}{unit}，"
                f"其中{listed}＝{fmt(ksum)}{unit}",
                [_loc(r, col, unit), *(_loc(k, col, unit) for k in r.children)],
                expected=fmt(ksum),
                actual=r.values[col],
                difference=fmt(pv - ksum),
            )
    # the total against its numbered items
    for i, t in enumerate(rows):
        if not _TOTAL.match(t.label):
            continue
        items = []
        for r in rows[i + 1 :]:
            if _TOTAL.match(r.label):
                break
            if r.numbered and not r.child:
                items.append(r)
        if len(items) < 2:
            continue
        for col in range(ncols):
            tv = _dec(t.values[col])
            maybe = [_dec(r.values[col]) for r in items]
            vals = [v for v in maybe if v is not None]
            if tv is None or len(vals) < len(maybe):
                continue
            s = sum(vals, Decimal(0))
            # an item already reported smaller than its parts may be the wrong figure: the total
            # holds when it adds up with the item taken at its parts
            fixed = Decimal(0)
            for r, v in zip(items, vals):
                part = corrected[id(r)][col] if id(r) in corrected else None
                fixed += part if part is not None else v
            h = half_unit(t.values[col]) + sum(half_unit(r.values[col]) for r in items)
            step = Decimal(2) * half_unit(t.values[col]) * (len(items) + 1)
            ctx.check(RULE)
            gap = min(abs(s - tv), abs(fixed - tv))
            if gap <= h:
                continue
            listed = "＋".join(r.values[col] for r in items)
            msg = f"文中表格的合计与各项之和不符：“{t.label}”第{col + 1}列为{t.values[col]}{unit}，各项{listed}＝{fmt(s)}{unit}"
            locs = [_loc(t, col, unit), *(_loc(r, col, unit) for r in items)]
            if gap <= h + step:
                ctx.report(
                    RULE,
                    "info",
                    msg + "（舍入差异）",
                    locs,
                    expected=fmt(s),
                    actual=t.values[col],
                    difference=fmt(tv - s),
                    kind="rounding",
                )
            else:
                ctx.report(RULE, "error", msg, locs, expected=fmt(s), actual=t.values[col], difference=fmt(tv - s))
