"""Error localization (Fellegi–Holt): which cells are wrong, what they should be, and why.

The rule engine records every linear relation it evaluates (:class:`~juesuan.rules.engine.
RelationRecord`). :func:`localize` turns them into constraints over cells, makes the cells of the
failing relations variables (everything else stays as printed), splits them into connected
components and, for each, finds the smallest weighted sets of cells whose change makes every
relation hold within its rounding tolerance (:mod:`.solver`, HiGHS). Each repaired value is
re-verified exactly in ``Decimal``; each suspect gets a likely cause (:mod:`.causes`); ties are
reported as ambiguous, never silently resolved. See docs/localization.md.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Cell, Disclosure
from ..results import Finding, Location, RelationRecord
from ..rules.refs import CellRef, cell_location
from ..textnorm import format_decimal
from .causes import CAUSES, SPECIFIC, classify_value, digits

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Iterable, Sequence

Key = tuple[int, int, str]  # (table index, row index, column id) in the disclosure

MAX_VARIABLES = 600
CONFIDENCE_LABELS = ((0.8, "高"), (0.5, "中"), (0.0, "低"))


def default_time_limit() -> float:
    """Seconds allowed for localizing one document (``JUESUAN_LOCATE_TIME_LIMIT``, default 2)."""
    try:
        return float(os.environ.get("JUESUAN_LOCATE_TIME_LIMIT", "2"))
    except ValueError:
        return 2.0


def confidence_label(c: float) -> str:
    return next(label for bound, label in CONFIDENCE_LABELS if c >= bound)


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Suspect:
    """A cell the localization changes: where it is printed, its printed and repaired values."""

    key: Key
    location: Location
    printed: Decimal | None  # None: printed blank or "—"
    suggested: Decimal | None  # None: not determined by the relations (see low/high)
    places: int = 2
    low: Decimal | None = None
    high: Decimal | None = None
    cause: str = "other"
    note: str = ""  # Chinese: what the cause means for this cell
    # the values the relations allow within their rounding tolerance (the other cells as printed)
    allowed: tuple[Decimal, Decimal] | None = None

    def describe(self) -> str:
        loc = self.location
        printed = loc.value if loc.value is not None else "空白"
        where = f"《{loc.table}》“{loc.row}”行“{loc.column}”列"
        if self.suggested is None:
            if self.low is not None and self.high is not None:
                return f"{where}印为{printed}，按勾稽关系应在{self.fmt(self.low)}至{self.fmt(self.high)}之间"
            return f"{where}印为{printed}，按勾稽关系应予更正"
        text = f"{where}印为{printed}，应为{self.fmt(self.suggested)}"
        return text + (f"（{self.note}）" if self.note else "")

    def fmt(self, v: Decimal) -> str:
        return format_decimal(v.quantize(Decimal(1).scaleb(-self.places)))

    def to_dict(self) -> dict[str, Any]:
        d = self.location.to_dict()
        d["suggested"] = self.fmt(self.suggested) if self.suggested is not None else None
        if self.suggested is None and self.low is not None and self.high is not None:
            d["suggested_range"] = [self.fmt(self.low), self.fmt(self.high)]
        d["cause"] = self.cause
        d["cause_text"] = CAUSES[self.cause]
        return d


@dataclass
class Group:
    """Related findings explained together: the minimal set(s) of cells to change."""

    status: str  # localized | ambiguous | not_localized
    findings: list[int]  # indexes into the report's findings
    cells: list[Suspect] = field(default_factory=list)  # the (first) minimal set
    alternatives: list[list[Suspect]] = field(default_factory=list)  # other minimal sets (ties)
    cause: str | None = None
    confidence: float = 0.0
    message: str = ""
    severity: str = "error"
    verified: bool = False  # every relation of the group holds with the suggested values (exactly)
    cost: float | None = None
    margin: float | None = None  # cost of the next-best (larger) set minus this one
    preferred: bool = False  # chosen among equally small sets by its recognizable slip
    truncated: bool = False  # there are more equally small sets than listed

    @property
    def confidence_label(self) -> str:
        return confidence_label(self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "findings": self.findings,
            "severity": self.severity,
            "cells": [s.to_dict() for s in self.cells],
            "alternatives": [[s.to_dict() for s in alt] for alt in self.alternatives],
            "cause": self.cause,
            "cause_text": CAUSES.get(self.cause or "", None),
            "confidence": self.confidence,
            "confidence_label": self.confidence_label,
            "verified": self.verified,
            "alternatives_truncated": self.truncated,
            "message": self.message,
        }


# --------------------------------------------------------------------------------------------
# Constraints from the recorded relations


@dataclass
class _Constraint:
    """A recorded relation as a linear constraint on cells' printed values (in 元)."""

    coefs: dict[Key, Decimal]  # 元 per printed unit of the cell
    op: str
    tol: Decimal  # 元
    diff: Decimal  # Σ coef × printed value, 元
    failing: bool
    finding: Finding | None
    rule: str
    tables: int

    def bad(self, diff: Decimal) -> Decimal:
        return abs(diff) if self.op == "=" else (diff if self.op == "<=" else -diff)


class _Index:
    def __init__(self, doc: Disclosure):
        self.doc = doc
        self.tables = {id(t): i for i, t in enumerate(doc.tables)}
        self.rows = {id(r): j for t in doc.tables for j, r in enumerate(t.rows)}
        self.refs: dict[Key, CellRef] = {}

    def key(self, ref: CellRef) -> Key | None:
        if ref.row is None or id(ref.table) not in self.tables:
            return None
        k = (self.tables[id(ref.table)], self.rows[id(ref.row)], ref.column.id)
        self.refs.setdefault(k, ref)
        return k


_ZERO = Decimal(0)


def _constraints(index: _Index, records: Iterable[RelationRecord]) -> list[_Constraint]:
    out = []
    for rec in records:
        severity = rec.rule.severity
        if severity == "info":
            continue
        f = rec.finding
        if f is not None and f.kind != "rounding" and f.severity != severity:
            # downgraded: the parts are printed as "—" (not broken down); not a value error
            continue
        coefs: dict[Key, Decimal] = {}
        tables = set()
        for sign, terms in ((1, rec.left), (-1, rec.right)):
            for t in terms:
                w = sign * t.weight * t.factor  # (the term's coefficient, once a term)
                for c in t.cells:
                    k = index.key(c)
                    if k is None:
                        continue
                    tables.add(k[0])
                    coefs[k] = coefs.get(k, _ZERO) + w
        coefs = {k: v for k, v in coefs.items() if v != 0}
        if not coefs:
            continue
        out.append(_Constraint(coefs, rec.op, rec.tol, rec.diff, rec.failed, f, rec.rule.id, len(tables)))
    return out


def _value(ref: CellRef) -> Decimal:
    return ref.cell.amount if ref.cell is not None else Decimal(0)


def _places(table) -> int:
    """Decimals printed in a table (the most common among its numbers; 2 when unknown)."""
    counts: dict[int, int] = {}
    for row in table.rows:
        for cell in row.cells.values():
            if cell.value is not None and cell.kind == "number" and "." in (cell.raw or ""):
                p = len(cell.raw.rsplit(".", 1)[1].strip())
                if 0 < p <= 4:
                    counts[p] = counts.get(p, 0) + 1
    return max(counts, key=lambda p: counts[p]) if counts else 2


def _weight(ref: CellRef, cross: bool) -> float:
    """Cost of changing a cell: grand totals and figures printed in several tables are more
    reliable (dearer to change), OCR'd values less."""
    w = 1.0
    row = ref.row
    label = (row.label or "").replace(" ", "") if row else ""
    if row is not None and ((row.concept or "").endswith(("total", "grand_total")) or label in ("合计", "总计")):
        w += 0.5
    if cross:
        w += 0.5
    if ref.cell is not None and ref.cell.kind == "dash":
        w += 0.5  # a printed "—" is a deliberate statement that there is nothing
    prov = ref.cell.provenance if ref.cell is not None and ref.cell.provenance else None
    if prov is not None and prov.ocr:
        w *= 0.6
    return w


# --------------------------------------------------------------------------------------------
# Localization


def localize(
    doc: Disclosure,
    records: Sequence[RelationRecord],
    findings: Sequence[Finding] | None = None,
    time_limit: float | None = None,
    max_sets: int = 8,
) -> list[Group]:
    """Localize the errors behind the failing linear relations of ``doc``.

    ``records`` are the relations recorded by :func:`~juesuan.rules.engine.evaluate`; ``findings``
    the report's findings (their order gives the indexes in each group's ``findings``)."""
    start = time.perf_counter()
    deadline = start + (default_time_limit() if time_limit is None else time_limit)
    index = _Index(doc)
    cons = _constraints(index, records)
    order = {id(f): i for i, f in enumerate(findings or [])}
    failing = [c for c in cons if c.failing]
    if not failing:
        return _rounding_groups(cons, order, set())
    variables: dict[Key, None] = {}
    for c in failing:
        for k in c.coefs:
            variables.setdefault(k, None)
    # connected components of variables (through any relation, passing or failing)
    parent = {k: k for k in variables}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    touching: list[_Constraint] = []
    for c in cons:
        ks = [k for k in c.coefs if k in variables]
        if not ks:
            continue
        touching.append(c)
        for k in ks[1:]:
            a, b = find(ks[0]), find(k)
            if a != b:
                parent[a] = b
    comps: dict[Key, list[Key]] = {}
    for k in variables:
        comps.setdefault(find(k), []).append(k)
    cross = {k for c in cons if c.tables > 1 for k in c.coefs if k in variables}
    groups = []
    for members in comps.values():
        mset = set(members)
        ccons = [c for c in touching if any(k in mset for k in c.coefs)]
        try:
            groups.append(_localize_component(index, members, ccons, cross, order, deadline, max_sets))
        except Exception as exc:  # localization must never break the check itself
            if os.environ.get("JUESUAN_DEBUG"):
                raise
            idx = sorted(
                {order[id(c.finding)] for c in ccons if c.failing and c.finding is not None and id(c.finding) in order}
            )
            reason = "未安装求解器 highspy" if isinstance(exc, ImportError) else f"内部错误：{type(exc).__name__}"
            groups.append(Group("not_localized", idx, message=f"未能定位（{reason}）"))
    groups = _merge_shifts(index, groups)
    # a gap within the rounding allowance that a suspect cell caused belongs to its group
    owner = {c.key: g for g in groups for c in g.cells}
    claimed: set[int] = set()
    for c in cons:
        if c.finding is None or c.finding.kind != "rounding" or id(c.finding) not in order:
            continue
        g = next((owner[k] for k in c.coefs if k in owner), None)
        if g is not None:
            i = order[id(c.finding)]
            g.findings = sorted(set(g.findings) | {i})
            claimed.add(i)
    for g in groups:
        if g.status != "not_localized":
            g.message = _message(g)
    groups.sort(key=lambda g: min(g.findings) if g.findings else 1 << 30)
    return groups + _rounding_groups(cons, order, claimed)


def _merge_shifts(index: _Index, groups: list[Group]) -> list[Group]:
    """Two localized groups whose cells exchange a value in one row (or column) are one column
    (row) shift: merge them under that cause."""
    out = list(groups)
    merged = True
    while merged:
        merged = False
        for g1 in out:
            for g2 in out:
                if g1 is g2 or g1.status != "localized" or g2.status != "localized":
                    continue
                if any(_exchange(a, b) or _exchange(b, a) for a in g1.cells for b in g2.cells):
                    cells = g1.cells + g2.cells
                    for c in cells:
                        c.cause, c.note = "other", ""
                    _classify(index, cells)
                    g1.cells = cells
                    g1.findings = sorted(set(g1.findings) | set(g2.findings))
                    g1.severity = min((g1.severity, g2.severity), key=["error", "warning", "info"].index)
                    g1.verified = g1.verified and g2.verified
                    g1.alternatives = g1.alternatives + g2.alternatives
                    g1.preferred = g1.preferred or g2.preferred
                    g1.margin = min((m for m in (g1.margin, g2.margin) if m is not None), default=None)
                    _finish(g1)
                    out.remove(g2)
                    merged = True
                    break
            if merged:
                break
    return out


def _exchange(a: Suspect, b: Suspect) -> bool:
    """``a``'s printed value belongs in ``b`` (same row or nearby in the same column)."""
    zero = Decimal(0)
    if a.suggested is None or b.suggested is None:
        return False
    pa, pb = a.printed or zero, b.printed or zero
    if pa == 0 or b.suggested != pa or a.suggested not in (pb, zero):
        return False
    same_row = a.key[:2] == b.key[:2]
    same_col = a.key[0] == b.key[0] and a.key[2] == b.key[2] and abs(a.key[1] - b.key[1]) <= 3
    return same_row or same_col


def _rounding_groups(cons: list[_Constraint], order: dict[int, int], claimed: set[int]) -> list[Group]:
    """All rounding gaps (within tolerance) of the document not caused by a suspect cell,
    explained together: nothing to correct."""
    idx = sorted(
        {
            order[id(c.finding)]
            for c in cons
            if c.finding is not None and c.finding.kind == "rounding" and id(c.finding) in order
        }
        - claimed
    )
    if not idx:
        return []
    lead = f"{len(idx)}处差异均" if len(idx) > 1 else "该差异"
    return [
        Group(
            "rounding",
            idx,
            cause="rounding",
            confidence=0.95,
            severity="info",
            verified=True,
            message=f"{lead}在舍入允许范围内（每个加数0.01），属各数分别四舍五入所致，无需更正",
        )
    ]


def _localize_component(
    index: _Index,
    members: list[Key],
    cons: list[_Constraint],
    cross: set[Key],
    order: dict[int, int],
    deadline: float,
    max_sets: int,
) -> Group:
    findings = sorted(
        {order[id(c.finding)] for c in cons if c.failing and c.finding is not None and id(c.finding) in order}
    )
    severities = [c.finding.severity for c in cons if c.failing and c.finding is not None]
    severity = "error" if "error" in severities else ("warning" if "warning" in severities else "info")
    group = Group("not_localized", findings, severity=severity)
    if len(members) > MAX_VARIABLES:
        group.message = f"未能定位：涉及{len(members)}个单元格，超出定位范围"
        return group
    from . import program

    pos = {k: i for i, k in enumerate(members)}
    refs = [index.refs[k] for k in members]
    values = [_value(r) for r in refs]
    rows: list[program.Row] = []
    bounds = [0.0] * len(members)
    for c in cons:
        scale = max(abs(a) for a in c.coefs.values())
        idx, coef = [], []
        for k, a in c.coefs.items():
            if k in pos:
                idx.append(pos[k])
                coef.append(float(a / scale))
        tol = float(c.tol / scale)
        lo = -tol if c.op in ("=", ">=") else -program.INF
        hi = tol if c.op in ("=", "<=") else program.INF
        rows.append(program.Row(idx, coef, float(c.diff / scale), lo, hi, len(c.coefs)))
        total = float(sum(abs(a * _value(index.refs[k])) for k, a in c.coefs.items()) + c.tol)
        for k, a in c.coefs.items():
            if k in pos:
                i = pos[k]
                bounds[i] = max(bounds[i], 2.0 * total / float(abs(a)) + 2.0 * float(abs(values[i])) + 1.0)
    weights = [_weight(r, k in cross) for k, r in zip(members, refs)]
    # amounts are not negative, except balances (结转/结余) and values printed negative
    lower = [-b if _may_be_negative(r) else -float(v) for b, r, v in zip(bounds, refs, values)]
    # one cell explaining everything is solved exactly without HiGHS (and numpy): .program
    result = program.one_cell(len(members), weights, lower, bounds, rows)
    if result is None:
        from . import solver  # HiGHS (and numpy) are loaded only when a larger program needs them

        result = solver.minimal_supports(len(members), weights, lower, bounds, rows, deadline, max_sets)
    if result.status == "timeout":
        group.message = "未能定位（超出时间限制）"
        return group
    if result.status == "infeasible" or not result.supports:
        group.message = "未能定位：找不到使全部勾稽关系成立的改法"
        return group
    places = {i: _places(index.doc.tables[i]) for i in {k[0] for k in members}}
    sets: list[tuple[list[Suspect], bool]] = []
    for sup in result.supports[:max_sets]:
        if time.perf_counter() > deadline:
            break
        rep = program.repair_one(sup.cells[0], lower, bounds, rows) if len(sup.cells) == 1 else None
        if rep is None:
            from . import solver

            rep = solver.repair_values(list(sup.cells), lower, bounds, rows, deadline)
        suspects = []
        for i in sup.cells:
            k = members[i]
            p = places[k[0]]
            q = Decimal(1).scaleb(-p)
            ref = refs[i]
            printed = ref.cell.value if ref.cell is not None else None
            s = Suspect(k, cell_location(ref), printed, None, p)
            if rep.feasible:
                if i in rep.allowed:
                    a_lo, a_hi = rep.allowed[i]
                    s.allowed = (values[i] + Decimal(repr(a_lo)), values[i] + Decimal(repr(a_hi)))
                lo, hi = rep.ranges.get(i, (rep.values[i], rep.values[i]))
                if hi - lo < 0.5 * float(q):
                    s.suggested = _money(values[i] + Decimal(repr(rep.values[i])), q)
                else:
                    s.low = _money(values[i] + Decimal(repr(lo)), q)
                    s.high = _money(values[i] + Decimal(repr(hi)), q)
            suspects.append(s)
        _classify(index, suspects)
        verified = rep.feasible and _verify(cons, suspects, {members[i]: values[i] for i in sup.cells})
        sets.append((suspects, verified))
    if not sets:
        group.message = "未能定位（超出时间限制）"
        return group
    # Among equally small sets, one whose values show a recognizable slip (digits swapped or
    # dropped, a unit or sign slip, a shift) is preferred; the others stay listed as alternatives.
    scores = [_plausibility(s) for s, _ in sets]
    best = max(range(len(sets)), key=lambda i: scores[i])
    preferred = len(sets) > 1 and scores.count(scores[best]) == 1 and scores[best] > 0
    if preferred:
        sets.insert(0, sets.pop(best))
    group.cells, group.verified = sets[0]
    group.alternatives = [s for s, _ in sets[1:]]
    group.preferred = preferred
    group.truncated = len(result.supports) > max_sets
    group.cost = result.supports[0].cost
    group.margin = result.margin
    group.status = "ambiguous" if group.alternatives and not preferred else "localized"
    _finish(group)
    return group


def _finish(group: Group) -> None:
    group.cause = _group_cause(group.cells)
    group.confidence = _confidence(group, group.margin)
    group.message = _message(group)


STRONG = SPECIFIC - {"copy", "rounding"}


def _plausibility(suspects: list[Suspect]) -> int:
    """How well the suggested changes match a known slip: 2 per strong pattern, 1 per copy of a
    value long enough (4 digits or more) not to be a coincidence."""
    return sum(
        2
        if s.cause in STRONG
        else (1 if s.cause == "copy" and s.printed is not None and len(digits(s.printed, s.places)) >= 4 else 0)
        for s in suspects
    )


def _may_be_negative(ref: CellRef) -> bool:
    if ref.cell is not None and ref.cell.value is not None and ref.cell.value < 0:
        return True
    text = (ref.row.label if ref.row else "") + ref.column.header
    return "结余" in text or "结转" in text


def _money(v: Decimal, q: Decimal) -> Decimal:
    """``v`` quantized to the printed decimals, without a negative zero."""
    v = v.quantize(q)
    return v.copy_abs() if v == 0 else v


def _verify(cons: list[_Constraint], suspects: list[Suspect], printed: dict[Key, Decimal]) -> bool:
    """Every relation of the component holds within its tolerance with the suggested values
    (exact Decimal arithmetic)."""
    change: dict[Key, Decimal] = {}
    for s in suspects:
        if s.suggested is None:
            return False
        change[s.key] = s.suggested - printed[s.key]
    for c in cons:
        diff = c.diff + sum((a * change[k] for k, a in c.coefs.items() if k in change), Decimal(0))
        if c.bad(diff) > c.tol:
            return False
    return True


def _header(index: _Index, key: Key) -> str:
    ref = index.refs[key]
    return ref.table.printed_header(ref.row, ref.column) if ref.row else ref.column.header


def _classify(index: _Index, suspects: list[Suspect]) -> None:
    done: set[int] = set()
    zero = Decimal(0)
    # pairs exchanging a value: column shift (same row) or row shift (same column)
    for a_i, a in enumerate(suspects):
        for b_i, b in enumerate(suspects):
            if a_i == b_i or a_i in done or b_i in done or a.suggested is None or b.suggested is None:
                continue
            if not _exchange(a, b):
                continue
            pa = a.printed or zero
            same_row = a.key[:2] == b.key[:2]
            val = a.fmt(pa)
            if same_row:
                a.cause = b.cause = "column_shift"
                a.note = f"金额{val}应在“{_header(index, b.key)}”列而非“{_header(index, a.key)}”列"
            else:
                a.cause = b.cause = "row_shift"
                a.note = f"金额{val}应在“{b.location.row}”行而非“{a.location.row}”行"
            b.note = a.note
            done.update((a_i, b_i))
    for i, s in enumerate(suspects):
        if i in done:
            continue
        if s.suggested is None:
            unit = Decimal(1).scaleb(-s.places)
            near = (
                s.low is not None
                and s.high is not None
                and abs(s.low - (s.printed or zero)) <= 2 * unit
                and abs(s.high - (s.printed or zero)) <= 2 * unit
            )
            s.cause = "rounding" if near else "other"
            continue
        printed = s.printed or zero
        cause = classify_value(printed, s.suggested, s.places)
        if cause in (None, "rounding") and len(suspects) == 1:
            # a slip whose exact value the relations allow within their rounding tolerance
            found = _pattern_within(s, printed)
            if found is not None:
                s.suggested, cause = found
        if cause is None and printed != 0:
            src = _copied_from(index, s)
            if src is not None:
                cause = "copy"
                s.note = f"与“{src[0]}”行“{src[1]}”列的数值相同，疑为照抄"
        if cause is None:
            cause = "omitted" if printed == 0 else ("spurious" if s.suggested == 0 else "other")
        s.cause = cause
        if not s.note and cause != "other":
            s.note = CAUSES[cause]


def _pattern_within(s: Suspect, printed: Decimal) -> tuple[Decimal, str] | None:
    """A value undoing a unit, decimal-point or sign slip of ``printed`` that the relations allow
    (within their rounding tolerance), when the exact fit is off from it by a rounding gap."""
    if s.allowed is None or printed == 0 or s.suggested is None:
        return None
    q = Decimal(1).scaleb(-s.places)
    lo, hi = s.allowed
    unit = q * 2
    for k, cause in ((10000, "unit"), (1000, "unit"), (100, "decimal_point"), (10, "decimal_point")):
        for exact in (printed / k, printed * k):
            cand = exact.quantize(q) if exact == exact.quantize(q) else None
            if cand is not None and lo - q / 2 <= cand <= hi + q / 2 and abs(cand - s.suggested) <= unit:
                return cand, cause
    cand = -printed
    if lo - q / 2 <= cand <= hi + q / 2 and abs(cand - s.suggested) <= unit:
        return cand, "sign"
    return None


def _copied_from(index: _Index, s: Suspect) -> tuple[str, str] | None:
    """A nearby cell of the same table printing the same (suspect) value: same column nearest
    row first, then the same row, then anywhere in the table."""
    ti, ri, col = s.key
    table = index.doc.tables[ti]
    printed = s.printed
    cands = []
    for j, row in enumerate(table.rows):
        for cid, cell in row.cells.items():
            if (j, cid) == (ri, col) or cell.value is None or cell.value != printed:
                continue
            rank = (0 if cid == col else (1 if j == ri else 2), abs(j - ri))
            cands.append((rank, row, cid))
    if not cands:
        return None
    _, row, cid = min(cands, key=lambda c: c[0])
    column = table.column(cid)
    return row.display, table.printed_header(row, column) if column else cid


def _group_cause(suspects: list[Suspect]) -> str:
    causes = [s.cause for s in suspects]
    specific = [c for c in causes if c in SPECIFIC]
    pool = specific or causes
    return max(pool, key=pool.count) if pool else "other"


def _confidence(group: Group, margin: float | None) -> float:
    c = 0.95
    if group.alternatives and group.preferred:
        c = 0.7
    elif group.alternatives:
        c = 0.6 / (len(group.alternatives) + 1)
    elif margin is not None and margin < 0.5:
        c -= 0.25  # another set differs only by how reliable its cells are
    if any(s.suggested is None for s in group.cells):
        c -= 0.2
    if group.cause not in SPECIFIC:
        c -= 0.15
    if not group.verified:
        c -= 0.3
    return round(min(max(c, 0.05), 0.99), 2)


def _describe_set(suspects: list[Suspect]) -> str:
    parts, seen = [], set()
    for s in suspects:
        if s.cause in ("column_shift", "row_shift"):
            if s.note in seen:
                continue
            seen.add(s.note)
            loc = s.location
            where = f"《{loc.table}》“{loc.row}”行" if s.cause == "column_shift" else f"《{loc.table}》“{loc.column}”列"
            parts.append(f"{where}的{s.note}")
        else:
            parts.append(s.describe())
    return "；".join(parts)


def _message(group: Group) -> str:
    n = len(group.findings)
    lead = f"{n}条发现可由同一原因解释" if n > 1 else "最可能的原因"
    label = f"置信度{group.confidence_label}"
    if group.status == "ambiguous":
        k = len(group.alternatives) + 1
        m = len(group.cells)
        shown = [group.cells, *group.alternatives][:4]
        options = " 或 ".join(f"〔{_describe_set(s)}〕" for s in shown)
        more = "等" if k > len(shown) or group.truncated else ""
        count = f"至少{k}种" if group.truncated else f"{k}种"
        return f"{lead}，但无法唯一定位：有{count}改法同样只需改动{m}个单元格（{label}）：{options}{more}"
    cause = CAUSES.get(group.cause or "other", "")
    if group.cause in (None, "other"):
        lead = f"{n}条发现可由同一处错误解释" if n > 1 else "最可能的错误"
        text = f"{lead}（{label}）：{_describe_set(group.cells)}"
    else:
        text = f"{lead}——{cause}（{label}）：{_describe_set(group.cells)}"
    if group.alternatives:
        text += (
            f"。另有{'至少' if group.truncated else ''}{len(group.alternatives)}种改法同样只需改动{len(group.cells)}个单元格，"
            f"但上述改法的数值特征（{cause}）更为吻合，请核对原始凭证"
        )
    return text


# --------------------------------------------------------------------------------------------
# Repair


@dataclass
class Change:
    """A correction localization proposes: a cell's printed value and the value that fits."""

    table: str
    form: str | None
    row: str
    column: str
    old: str | None
    new: str
    cause: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "form": self.form,
            "row": self.row,
            "column": self.column,
            "old": self.old,
            "new": self.new,
            "cause": self.cause,
            "cause_text": CAUSES[self.cause],
        }


def apply(doc: Disclosure, groups: Sequence[Group]) -> list[Change]:
    """Write the suggested values of the uniquely localized, verified groups into ``doc`` (in
    place). Ambiguous, unverified and not localized groups are left as printed."""
    changes = []
    for g in groups:
        if g.status != "localized" or not g.verified:
            continue
        for s in g.cells:
            assert s.suggested is not None
            ti, ri, col = s.key
            row = doc.tables[ti].rows[ri]
            old = row.cells.get(col)
            raw = s.fmt(s.suggested)
            row.cells[col] = Cell(
                raw=raw, kind="number", value=Decimal(raw), provenance=old.provenance if old else None
            )
            loc = s.location
            changes.append(Change(loc.table, loc.form, loc.row, loc.column, loc.value, raw, s.cause))
    return changes


def locate_document(doc: Disclosure, time_limit: float | None = None) -> tuple[list[Finding], list[Group]]:
    """Evaluate the table rules of ``doc`` and localize their failures (findings in engine order)."""
    from ..layouts import load as load_layouts
    from ..rules.engine import evaluate

    records: list[RelationRecord] = []
    findings, _ = evaluate(doc, load_layouts(), record=records)
    return findings, localize(doc, records, findings, time_limit)


__all__ = ["CAUSES", "Change", "Group", "Suspect", "apply", "locate_document", "localize"]
