"""The rule engine: evaluates declarative rule packs (YAML) against a disclosure.

Every rule reports a status per document: pass, fail, not_applicable or insufficient_data. A rule
that could not run is never counted as passed. Arithmetic is exact ``Decimal``; the one rounding
policy is :func:`tolerance`: published amounts are rounded to 0.01 of their unit, so a gap within
0.01 × the number of addends is a rounding hint (info), a larger gap is a finding at the rule's
severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterable

import yaml

from .. import catalog
from ..layouts import Layouts, Variant, _yaml_files, load as load_layouts
from ..model import Disclosure, Row, Table
from ..textnorm import format_decimal, key
from .refs import CellRef, Resolver, Term, Unresolvable, split_ref

SEVERITIES = ("error", "warning", "info")
STATUSES = ("pass", "fail", "not_applicable", "insufficient_data")
CENT = Decimal("0.01")


@dataclass
class Location:
    table: str
    row: str
    column: str
    value: str | None
    page: int | None
    line: int | None
    form: str | None = None
    row_code: str | None = None
    # (x0, top, x1, bottom) in PDF points, top-left origin, on ``page``: where the cell is printed.
    bbox: tuple[float, float, float, float] | None = None
    ocr: bool = False  # the value was read by OCR from a scanned page

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "table": self.table,
            "form": self.form,
            "row": self.row,
            "row_code": self.row_code,
            "column": self.column,
            "value": self.value,
            "page": self.page,
            "line": self.line,
        }
        if self.bbox is not None:
            d["bbox"] = [round(float(v), 2) for v in self.bbox]
        if self.ocr:
            d["ocr"] = True
        return d


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    locations: list[Location] = field(default_factory=list)
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None
    kind: str = "rule"  # rule | rounding | reading

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "locations": [loc.to_dict() for loc in self.locations],
            "expected": self.expected,
            "actual": self.actual,
            "difference": self.difference,
            "kind": self.kind,
        }


@dataclass
class RuleStatus:
    id: str
    status: str
    severity: str
    description: str
    checked: int = 0
    failed: int = 0
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "severity": self.severity,
            "description": self.description,
            "checked": self.checked,
            "failed": self.failed,
            "reason": self.reason,
        }


@dataclass
class Rule:
    id: str
    kind: str
    severity: str
    description: str
    spec: dict[str, Any]
    pack: str


@dataclass
class Outcome:
    """What one rule produced: findings, instance counts, and why it could not run."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    failed: int = 0
    unresolved: list[Unresolvable] = field(default_factory=list)


@dataclass
class RelationRecord:
    """One evaluated linear relation Σleft op Σright (passing or failing), as captured for error
    localization (:mod:`juesuan.locate`). ``tol`` and ``diff`` (= Σleft − Σright) are in 元;
    ``finding`` is the finding the relation produced (None when it held exactly)."""

    rule: Rule
    left: list[Term]
    right: list[Term]
    op: str
    tol: Decimal
    diff: Decimal
    finding: Finding | None = None
    context: str = ""

    @property
    def failed(self) -> bool:
        """The gap exceeds the rounding tolerance (a finding at the rule's severity or lower)."""
        return self.finding is not None and self.finding.kind != "rounding"


def tolerance(addends: int, factor: Decimal) -> Decimal:
    """The rounding allowance in 元 for a relation with ``addends`` rounded amounts in a unit of
    ``factor`` 元: 0.01 of the unit per addend (at least one)."""
    return CENT * factor * max(addends, 1)


# --------------------------------------------------------------------------------------------
# Loading rule packs


def _parse_rule(d: dict[str, Any], pack: str) -> Rule:
    if "id" not in d or "kind" not in d:
        raise ValueError(f"rule pack {pack}: a rule needs an id and a kind: {d}")
    sev = d.get("severity", "error")
    if sev not in SEVERITIES:
        raise ValueError(f"rule {d['id']}: unknown severity {sev}")
    return Rule(d["id"], d["kind"], sev, d.get("message", d["id"]), d, pack)


@lru_cache(maxsize=1)
def load_packs() -> dict[str, list[Rule]]:
    packs: dict[str, list[Rule]] = {}
    for path in _yaml_files("rules"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        name = doc.get("pack", path.stem)
        rules = [_parse_rule(r, name) for r in doc.get("rules", [])]
        packs.setdefault(name, []).extend(rules)
    seen: set[str] = set()
    for rules in packs.values():
        for r in rules:
            if r.id in seen:
                raise ValueError(f"duplicate rule id {r.id}")
            seen.add(r.id)
    return packs


# --------------------------------------------------------------------------------------------
# Evaluation helpers


def cell_location(ref: CellRef) -> Location:
    """Where a referenced cell is printed, as a finding names it."""
    cell = ref.cell
    prov = cell.provenance if cell and cell.provenance else (ref.row.provenance if ref.row else None)
    value = None
    if cell is not None:
        value = format_decimal(cell.value) if cell.value is not None else ("—" if cell.kind == "dash" else cell.raw or None)
    return Location(
        table=ref.table.name,
        form=ref.table.form,
        row=ref.row.display if ref.row else "（未列示）",
        row_code=ref.row.code if ref.row else None,
        column=ref.table.printed_header(ref.row, ref.column) if ref.row else ref.column.header,
        value=value,
        page=prov.page if prov else None,
        line=prov.line if prov else None,
        bbox=prov.bbox if prov else None,
        ocr=bool(prov and prov.ocr),
    )


class Evaluator:
    def __init__(self, doc: Disclosure, variant: Variant, layouts: Layouts):
        self.doc = doc
        self.variant = variant
        self.layouts = layouts
        self.names = {tid: layouts.table_name(tid, variant) for tid in layouts.tables}
        self.resolver = Resolver(doc, set(variant.table_ids()), self.names)
        # When a list, every evaluated linear relation is appended to it (see RelationRecord).
        self.recorder: list[RelationRecord] | None = None

    def _record(self, rule: Rule, left: list[Term], right: list[Term], op: str, tol: Decimal, diff: Decimal,
                finding: Finding | None = None, context: str = "") -> None:
        if self.recorder is not None:
            self.recorder.append(RelationRecord(rule, left, right, op, tol, diff, finding, context))

    # -- formatting ---------------------------------------------------------------------------
    def location(self, ref: CellRef) -> Location:
        return cell_location(ref)

    def fmt(self, yuan: Decimal, factor: Decimal) -> str:
        v = yuan / factor
        return format_decimal(v.quantize(CENT) if v == v.quantize(CENT) else v.normalize())

    # -- core relation --------------------------------------------------------------------------
    def relation(
        self,
        rule: Rule,
        out: Outcome,
        left: list[Term],
        right: list[Term],
        op: str = "=",
        context: str = "",
    ) -> None:
        """Check Σleft op Σright and record a finding when it does not hold."""
        if left and all(t.absent for t in left) and (right and all(t.absent for t in right)):
            return
        if left and left[0].absent and left[0].weight == 1 and any(not t.absent for t in right) and op == "=":
            # The row the relation is about is not printed: it cannot be checked.
            out.unresolved.append(Unresolvable("insufficient_data", f"未找到“{left[0].text}”所在行"))
            return
        unreadable = [c for t in left + right for c in t.cells if c.cell is not None and c.cell.kind == "text"]
        if unreadable:
            # A text where an amount belongs (a header printed in a data row, a shifted extraction):
            # the relation cannot be evaluated. The reading problem was reported by the recognizer.
            c = unreadable[0]
            out.unresolved.append(Unresolvable("insufficient_data", f"《{c.table.name}》“{c.row.label or c.row.code}”/{c.column.header}印为“{c.cell.raw}”，不是金额"))
            return
        out.checked += 1
        lv = sum((t.value_yuan for t in left), Decimal(0))
        rv = sum((t.value_yuan for t in right), Decimal(0))
        factor = max((t.factor for t in left + right), default=Decimal(1))
        display = left[0].factor if left else factor
        n_cells = sum(len(t.cells) for t in left + right)
        tol = tolerance(n_cells - 1, factor)
        diff = lv - rv
        if op == "=":
            bad = abs(diff)
        elif op == "<=":
            bad = diff
        elif op == ">=":
            bad = -diff
        else:  # pragma: no cover - validated by the pack loader
            raise ValueError(op)
        if bad <= 0:
            self._record(rule, left, right, op, tol, diff, None, context)
            return
        side = next((s for s in (left, right) if s and all(t.absent for t in s)), None)
        if side is not None:
            # A side whose rows were not read (a total row, a row of another table) is not a
            # zero: the relation cannot be checked. (An addend not printed among printed ones
            # is an omitted item and counts as zero.)
            missing = side[0]
            out.checked -= 1
            out.unresolved.append(Unresolvable("insufficient_data", f"未找到“{missing.text}”所在行，无法核对"))
            return
        cells = [c for t in left for c in t.cells] + [c for t in right for c in t.cells if c.cell is not None and c.cell.kind != "blank"]
        locations = [self.location(c) for c in cells[:16]]
        detail = self.detail(left, right, op, lv, rv, display)
        prefix = f"{context}：" if context else ""
        if bad <= tol:
            out.findings.append(
                Finding(
                    rule=rule.id,
                    severity="info",
                    message=f"{prefix}{rule.description}（舍入差异）：{detail}",
                    locations=locations,
                    expected=self.fmt(rv, display),
                    actual=self.fmt(lv, display),
                    difference=self.fmt(diff, display),
                    kind="rounding",
                )
            )
            self._record(rule, left, right, op, tol, diff, out.findings[-1], context)
            return
        out.failed += 1
        severity = rule.severity
        note = ""
        smaller = left if lv < rv else right
        smaller_cells = [c.cell for t in smaller for c in t.cells]
        if (severity == "error" and any(t.has_dash for t in smaller)
                and all(c is None or c.kind in ("dash", "blank") for c in smaller_cells)):
            severity = "warning"
            note = "（分项以“—”列示，可能未分解填列）"
        out.findings.append(
            Finding(
                rule=rule.id,
                severity=severity,
                message=f"{prefix}{rule.description}：{detail}{note}",
                locations=locations,
                expected=self.fmt(rv, display),
                actual=self.fmt(lv, display),
                difference=self.fmt(diff, display),
            )
        )
        self._record(rule, left, right, op, tol, diff, out.findings[-1], context)

    def describe(self, terms: list[Term], display: Decimal, same_table: bool) -> str:
        parts = []
        shown = terms
        hidden = 0
        if len(terms) > 6:
            shown = [t for t in terms if t.value_yuan != 0 or t.has_dash]
            hidden = len(terms) - len(shown)
        for t in shown:
            refs = t.cells
            if len(refs) == 1 and refs[0].row is not None:
                label = refs[0].row.display
            elif refs and refs[0].row is None:
                label = t.text.split(".")[-2] if "." in t.text else t.text
            else:
                label = t.text.split(".")[-2] if "." in t.text else t.text
            col = refs[0].column.header if refs else ""
            name = "" if same_table or not refs else f"《{refs[0].table.name}》"
            value = self.fmt(abs(t.value_yuan), display)
            parts.append(("－" if t.weight < 0 else "＋") + f"{name}“{label}”{('/' + col) if col else ''} {value}")
        text = " ".join(parts)
        if hidden:
            text += f"（其余{hidden}项为空或0）"
        return text[1:] if text.startswith("＋") else text

    def detail(self, left: list[Term], right: list[Term], op: str, lv: Decimal, rv: Decimal, display: Decimal) -> str:
        sym = {"=": "≠", "<=": ">", ">=": "<"}[op]
        tables = {id(c.table) for t in left + right for c in t.cells}
        same = len(tables) == 1

        def side(terms: list[Term], total: Decimal) -> str:
            text = self.describe(terms, display, same)
            return text if len(terms) == 1 and len(terms[0].cells) == 1 else f"{text}，合计 {self.fmt(total, display)}"

        return f"{side(left, lv)} {sym} {side(right, rv)}，相差 {self.fmt(lv - rv, display)}"

    # -- rule kinds -----------------------------------------------------------------------------
    def terms(self, items: Iterable[str] | str, table: str | None = None, col: str | None = None) -> list[Term]:
        if isinstance(items, str):
            items = [items]
        return [self.resolver.term(t, table, col) for t in items]

    def condition(self, spec: dict[str, Any] | None, col: str | None = None) -> bool:
        if not spec:
            return True
        for k, ref in spec.items():
            term = self.terms([ref.replace("{col}", col or "")])[0]
            nonzero = term.value_yuan != 0
            if (k == "nonzero" and not nonzero) or (k == "zero" and nonzero):
                return False
        return True

    def run_compare(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        cols = s.get("for_columns") or [None]
        for col in cols:
            sub = (lambda x: [i.replace("{col}", col) for i in ([x] if isinstance(x, str) else x)]) if col else (lambda x: x)
            try:
                if not self.condition(s.get("when"), col):
                    continue
                left = self.terms(sub(s["left"]), s.get("table"), s.get("col"))
                right = self.terms(sub(s["right"]), s.get("table"), s.get("col"))
            except Unresolvable as exc:
                out.unresolved.append(exc)
                continue
            context = ""
            if col and left and left[0].cells:
                context = f"“{left[0].cells[0].column.header}”列"
            self.relation(rule, out, left, right, s.get("op", "="), context)

    def run_row_sum(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        try:
            table = self.resolver.table(s["table"])
            left_col = self.resolver.column(table, s["left"])
            right_cols = [self.resolver.column(table, c.lstrip("-")) for c in s["right"]]
        except Unresolvable as exc:
            out.unresolved.append(exc)
            return
        factor = self.resolver.factor(table)
        for row in table.rows:
            if s.get("block") and row.block != s["block"]:
                continue
            if left_col.id not in row.cells:
                continue
            if all(c.kind in ("blank", "dash") for c in row.cells.values()):
                continue
            left = [Term(left_col.id, 1, [CellRef(table, row, left_col, row.cells.get(left_col.id))], factor)]
            right = [
                Term(c.id, -1 if name.startswith("-") else 1, [CellRef(table, row, c, row.cells.get(c.id))], factor)
                for name, c in zip(s["right"], right_cols)
            ]
            self.relation(rule, out, left, right, "=", f"“{row.display}”行")

    def children(self, table: Table, parent: Row, scheme: str) -> list[Row]:
        if not parent.code:
            return []
        want = len(parent.code) + 2
        return [
            r
            for r in table.rows
            if r.code and len(r.code) == want and r.code.startswith(parent.code) and not r.code_inferred
        ]

    def run_hierarchy(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        try:
            table = self.resolver.table(s["table"])
        except Unresolvable as exc:
            out.unresolved.append(exc)
            return
        factor = self.resolver.factor(table)
        cols = table.columns if s.get("columns", "all") == "all" else [self.resolver.column(table, c) for c in s["columns"]]
        block = s.get("block")
        rows = [r for r in table.rows if block is None or r.block == block]
        total_row = next((r for r in rows if r.concept == s.get("total_row")), None) if s.get("total_row") else None
        classes = [r for r in rows if r.level == 1]
        if s.get("total_row") and total_row is None and classes:
            out.unresolved.append(Unresolvable("insufficient_data", f"《{table.name}》未找到合计行"))
        scheme = s.get("scheme", "functional")
        for col in cols:
            if total_row is not None and col.id in total_row.cells:
                left = [Term("total", 1, [CellRef(table, total_row, col, total_row.cells.get(col.id))], factor)]
                right = [Term(r.code or "", 1, [CellRef(table, r, col, r.cells.get(col.id))], factor) for r in classes]
                self.relation(rule, out, left, right, "=", f"“{col.header}”列合计")
            if s.get("levels", True) is False:
                continue
            for parent in rows:
                if parent.level not in (1, 2) or parent.code_inferred:
                    continue
                kids = [k for k in self.children(table, parent, scheme) if block is None or k.block == block]
                if not kids:
                    continue
                left = [Term(parent.code or "", 1, [CellRef(table, parent, col, parent.cells.get(col.id))], factor)]
                right = [Term(k.code or "", 1, [CellRef(table, k, col, k.cells.get(col.id))], factor) for k in kids]
                self.relation(rule, out, left, right, "=", f"“{col.header}”列")

    def run_match_rows(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        a, b = s["left"], s["right"]
        level = int(s.get("level", 1))
        try:
            ta, tb = self.resolver.table(a["table"]), self.resolver.table(b["table"])
            ca, cb = self.resolver.column(ta, a["col"]), self.resolver.column(tb, b["col"])
        except Unresolvable as exc:
            out.unresolved.append(exc)
            return
        fa, fb = self.resolver.factor(ta), self.resolver.factor(tb)
        rows_a = {r.code: r for r in ta.rows if r.level == level and r.code and (not a.get("block") or r.block == a["block"])}
        rows_b = {r.code: r for r in tb.rows if r.level == level and r.code and (not b.get("block") or r.block == b["block"])}
        for code in sorted(set(rows_a) | set(rows_b)):
            ra, rb = rows_a.get(code), rows_b.get(code)
            left = [Term(code, 1, [CellRef(ta, ra, ca, ra.cells.get(ca.id) if ra else None)], fa, absent=ra is None)]
            right = [Term(code, 1, [CellRef(tb, rb, cb, rb.cells.get(cb.id) if rb else None)], fb, absent=rb is None)]
            if (ra is None or ca.id not in ra.cells) and (rb is None or cb.id not in rb.cells):
                continue
            if left[0].value_yuan == 0 and right[0].value_yuan == 0:
                out.checked += 1
                if not left[0].absent and not right[0].absent:
                    self._record(rule, left, right, s.get("op", "="), tolerance(1, max(fa, fb)), Decimal(0))
                continue
            name = (ra or rb).label if (ra or rb) else code
            self.relation(rule, out, left, right, s.get("op", "="), f"{code} {name}")

    def _nonzero(self, ref: str) -> tuple[bool, list[CellRef]]:
        if ref.startswith("table:"):
            table = self.resolver.table(ref[6:])
            return table.has_data(), []
        term = self.terms([ref])[0]
        return term.value_yuan != 0, term.cells

    def run_presence(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        mode = s.get("mode", "each")
        try:
            a_nz, a_cells = self._nonzero(s["a"])
            bs = [(ref, *self._nonzero(ref)) for ref in s["b"]]
        except Unresolvable as exc:
            out.unresolved.append(exc)
            return
        pairs = [(b_nz, b_cells) for _, b_nz, b_cells in bs]
        if mode == "any":
            pairs = [(any(p[0] for p in pairs), [c for p in pairs for c in p[1]])]
        for b_nz, b_cells in pairs:
            out.checked += 1
            if a_nz == b_nz:
                continue
            out.failed += 1
            cells = a_cells + b_cells
            vals = "；".join(f"{loc.row} {loc.value or '空'}" for loc in map(self.location, cells))
            out.findings.append(
                Finding(rule.id, rule.severity, f"{rule.description}：{vals}", [self.location(c) for c in cells])
            )

    # -- completeness ---------------------------------------------------------------------------
    def run_completeness(self, rule: Rule, out: Outcome) -> None:
        what = rule.spec["check"]
        doc, v = self.doc, self.variant
        if what == "required_tables":
            present = {t.id for t in doc.tables}
            for entry in v.tables:
                if entry.table not in present and doc.unread_pages:
                    # A scanned page was not read: the table may be on it. Say so; don't accuse.
                    out.unresolved.append(self.resolver.absent(entry.table))
                    continue
                out.checked += 1
                if entry.table not in present:
                    out.failed += 1
                    form = f"{entry.form}" if entry.form else ""
                    out.findings.append(
                        Finding(rule.id, rule.severity, f"缺少{form}《{self.names.get(entry.table, entry.table)}》")
                    )
        elif what == "duplicates":
            seen: dict[str, Table] = {}
            for t in doc.tables:
                out.checked += 1
                if t.id in seen:
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"《{t.name}》出现了两次（第{seen[t.id].provenance.line if seen[t.id].provenance else '?'}行和第{t.provenance.line if t.provenance else '?'}行）"))
                seen.setdefault(t.id, t)
        elif what == "form_numbering":
            expected = [e for e in v.tables if e.form]
            if not expected:
                raise Unresolvable("not_applicable", "本版式不印表号")
            printed = {t.form for t in doc.tables if t.form}
            if not printed:
                raise Unresolvable("insufficient_data", "文件中未识别出表号")
            numbers = sorted(int("".join(ch for ch in f if ch.isdigit())) for f in printed if any(ch.isdigit() for ch in f))
            top = max(numbers)
            for entry in expected:
                n = int("".join(ch for ch in entry.form if ch.isdigit()))
                if n > top:
                    continue
                if entry.form not in printed and doc.unread_pages:
                    out.unresolved.append(Unresolvable("insufficient_data", f"未见{entry.form}，第{doc.unread_pages_text()}页未能读取"))
                    continue
                out.checked += 1
                if entry.form not in printed:
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"表号不连续：缺少{entry.form}（应为《{self.names.get(entry.table, entry.table)}》）"))
            for t in doc.tables:
                entry = v.entry(t.id)
                if entry and entry.form and t.form and t.form != entry.form:
                    out.checked += 1
                    out.failed += 1
                    out.findings.append(Finding(rule.id, "warning", f"《{t.name}》印为{t.form}，本版式应为{entry.form}", [Location(t.name, t.title, "", t.form, t.provenance.page if t.provenance else None, t.provenance.line if t.provenance else None, t.form, bbox=t.provenance.bbox if t.provenance else None)]))
        elif what == "no_data_note":
            for t in doc.tables:
                out.checked += 1
                loc = [Location(t.name, "（全表）", "", None, t.provenance.page if t.provenance else None, t.provenance.line if t.provenance else None, t.form, bbox=t.provenance.bbox if t.provenance else None)]
                if not t.has_data() and not t.has_no_data_note():
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"《{t.name}》无数据，但未按要求注明“本单位无此项收支，故本表无数据”等说明", loc))
                elif t.has_data() and any("无数据" in n for n in t.notes):
                    out.failed += 1
                    out.findings.append(Finding(rule.id, "error", f"《{t.name}》注明无数据，但表中有非零金额", loc))
        elif what == "units":
            for t in doc.tables:
                out.checked += 1
                if not t.unit:
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"《{t.name}》未标明金额单位"))
        elif what == "performance":
            if not v.performance:
                raise Unresolvable("not_applicable", "本版式不要求绩效自评表")
            present = {p.kind for p in doc.performance}
            labels = {"department_narrative": "部门整体支出绩效自评情况", "department": "部门整体支出绩效自评表", "project": "项目支出绩效自评表"}
            for kind in v.performance:
                out.checked += 1
                if kind not in present:
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"缺少《{labels.get(kind, kind)}》"))
        elif what == "reading":
            for p in doc.reading_problems:
                out.checked += 1
                out.failed += 1
                out.findings.append(Finding(rule.id, rule.severity, f"读取问题：{p}", kind="reading"))
            for t in doc.tables:
                out.checked += 1
                for p in t.reading_problems:
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"《{t.name}》读取问题：{p}", kind="reading"))
        else:
            raise ValueError(f"unknown completeness check {what}")

    # -- classification codes -------------------------------------------------------------------
    def run_codes(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        try:
            table = self.resolver.table(s["table"])
        except Unresolvable as exc:
            out.unresolved.append(exc)
            return
        scheme = s.get("scheme", "functional")
        check = s["check"]
        cat = catalog.load(scheme, self.doc.year)
        rows = [r for r in table.rows if r.code and not r.code_inferred]
        if not rows:
            raise Unresolvable("not_applicable", f"《{table.name}》未列示科目编码")

        def loc(r: Row) -> list[Location]:
            p = r.provenance
            return [Location(table.name, r.display, "科目编码", r.code, p.page if p else None, p.line if p else None, table.form, r.code, bbox=p.bbox if p else None)]

        for r in rows:
            code = r.code or ""
            entry = cat.get(code)
            if check == "scheme":
                out.checked += 1
                ok = code[:1] in ("3", "5") if scheme == "economic" else code[:1] == "2"
                if not ok:
                    out.failed += 1
                    hint = ""
                    parent = self.printed_parent(table, r)
                    hits = (cat.by_name(r.label, prefix=parent.code) if parent and parent.code else []) or cat.by_name(r.label)
                    if hits:
                        hint = f"；按名称“{r.label}”，应为{hits[0].code}"
                    kind = "经济分类" if scheme == "economic" else "支出功能分类"
                    out.findings.append(Finding(rule.id, rule.severity, f"《{table.name}》中编码{code}不是{kind}科目编码{hint}", loc(r)))
            elif check == "known":
                out.checked += 1
                if entry is None:
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"编码{code}（{r.label}）不在{cat.year}年参考科目目录中（目录非官方版本，请核实）", loc(r)))
            elif check == "name":
                if entry is None or not r.label:
                    continue
                out.checked += 1
                # A template's placeholder rows end in an ellipsis ("高等教育……"): not a misprint.
                if key(entry.name) != key(r.label).rstrip("….·. "):
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"编码{code}的科目名称印为“{r.label}”，参考目录为“{entry.name}”", loc(r)))
            elif check == "parent":
                if len(code) <= 3:
                    continue
                out.checked += 1
                parent = self.printed_parent(table, r)
                if parent is not None and parent.code and not code.startswith(parent.code):
                    out.failed += 1
                    out.findings.append(Finding(rule.id, rule.severity, f"编码{code}（{r.label}）列在“{parent.display}”之下，但不属于该{'类' if len(parent.code) == 3 else '款'}", loc(r)))
            else:
                raise ValueError(f"unknown code check {check}")

    def printed_parent(self, table: Table, row: Row) -> Row | None:
        """The row printed as this row's parent: the nearest row above it in the same block with a
        shorter code (for a 款, the last 类 above; for a 项, the last 款 or 类 above)."""
        idx = table.rows.index(row)
        for r in reversed(table.rows[:idx]):
            if r.block != row.block or not r.code or r.code_inferred:
                continue
            if len(r.code) < len(row.code or ""):
                return r
        return None


KINDS: dict[str, Callable[[Evaluator, Rule, Outcome], None]] = {
    "compare": Evaluator.run_compare,
    "row_sum": Evaluator.run_row_sum,
    "hierarchy": Evaluator.run_hierarchy,
    "match_rows": Evaluator.run_match_rows,
    "presence": Evaluator.run_presence,
    "completeness": Evaluator.run_completeness,
    "codes": Evaluator.run_codes,
}


def rules_for(variant: Variant) -> list[Rule]:
    packs = load_packs()
    rules: list[Rule] = []
    for name in variant.rule_packs:
        if name not in packs:
            raise ValueError(f"variant {variant.id}: unknown rule pack {name}")
        rules.extend(packs[name])
    return rules


def evaluate(
    doc: Disclosure, layouts: Layouts | None = None, record: list[RelationRecord] | None = None
) -> tuple[list[Finding], list[RuleStatus]]:
    """Evaluate every rule of the document's variant. When ``record`` is a list, every evaluated
    linear relation (passing or failing) is appended to it, for error localization."""
    layouts = layouts or load_layouts()
    variant = layouts.variants[doc.variant or "national"]
    ev = Evaluator(doc, variant, layouts)
    ev.recorder = record
    findings: list[Finding] = []
    statuses: list[RuleStatus] = []
    for rule in rules_for(variant):
        out = Outcome()
        try:
            KINDS[rule.kind](ev, rule, out)
        except Unresolvable as exc:
            out.unresolved.append(exc)
        except KeyError as exc:
            if rule.kind not in KINDS:
                raise ValueError(f"rule {rule.id}: unknown kind {rule.kind}") from exc
            raise
        findings.extend(out.findings)
        if out.failed:
            status = "fail"
        elif out.checked:
            status = "pass"
        elif out.unresolved and any(u.status == "insufficient_data" for u in out.unresolved):
            status = "insufficient_data"
        else:
            status = "not_applicable"
        reason = None
        if out.unresolved:
            reasons = sorted({u.reason for u in out.unresolved})
            reason = "；".join(reasons)
        statuses.append(RuleStatus(rule.id, status, rule.severity, rule.description, out.checked, out.failed, reason))
    return findings, statuses


def reference_problems(
    layouts: Layouts, owner: str, text: str, shown: str | None = None, table: str | None = None, col: str | None = None
) -> list[str]:
    """What is wrong with one ``table.row.col`` reference against the layouts (empty when sound).
    ``shown`` is the reference as written, for the message; ``owner`` names the rule or concept."""
    shown = shown or text
    _, tid, row, cid = split_ref(text, table, col)
    layout = layouts.tables.get(tid)
    if layout is None:
        return [f"{owner}: unknown table {tid!r} in {shown}"]
    problems = []
    if cid not in layout.all_column_ids():
        problems.append(f"{owner}: unknown column {cid!r} of {tid} in {shown}")
    if not row.startswith(("code:", "level:")) and row not in {c.id for c in layout.rows}:
        problems.append(f"{owner}: unknown row concept {row!r} of {tid} in {shown}")
    return problems


def validate_packs(layouts: Layouts | None = None) -> list[str]:
    """Static check of every rule pack against the layouts: unknown tables, columns, row concepts
    or kinds. Returns the problems found (empty when the packs are sound)."""
    layouts = layouts or load_layouts()
    problems: list[str] = []

    def check_ref(rule: Rule, ref: str, table: str | None, col: str | None, cols_sub: list[str]) -> None:
        for sub in cols_sub or [""]:
            text = ref.replace("{col}", sub).lstrip("-").strip()
            if text.startswith("table:"):
                if text[6:] not in layouts.tables:
                    problems.append(f"{rule.id}: unknown table {text[6:]}")
                continue
            problems.extend(reference_problems(layouts, rule.id, text, ref, table, col))

    for rules in load_packs().values():
        for rule in rules:
            s = rule.spec
            if rule.kind not in KINDS:
                problems.append(f"{rule.id}: unknown kind {rule.kind}")
                continue
            if rule.kind == "compare":
                for side in ("left", "right"):
                    items = [s[side]] if isinstance(s[side], str) else s[side]
                    for ref in items:
                        check_ref(rule, ref, s.get("table"), s.get("col"), s.get("for_columns") or [])
                if s.get("op", "=") not in ("=", "<=", ">="):
                    problems.append(f"{rule.id}: unknown op {s.get('op')}")
            elif rule.kind == "presence":
                for ref in [s["a"], *s["b"]]:
                    check_ref(rule, ref, None, None, [])
            elif rule.kind in ("row_sum", "hierarchy", "codes"):
                layout = layouts.tables.get(s["table"])
                if layout is None:
                    problems.append(f"{rule.id}: unknown table {s['table']}")
                elif rule.kind == "row_sum":
                    for cid in [s["left"], *(c.lstrip("-") for c in s["right"])]:
                        if cid not in layout.all_column_ids():
                            problems.append(f"{rule.id}: unknown column {cid} of {s['table']}")
            elif rule.kind == "match_rows":
                for side in ("left", "right"):
                    layout = layouts.tables.get(s[side]["table"])
                    if layout is None or s[side]["col"] not in layout.all_column_ids():
                        problems.append(f"{rule.id}: bad {side} {s[side]}")
    for v in layouts.variants.values():
        for t in v.tables:
            if t.table not in layouts.tables:
                problems.append(f"variant {v.id}: unknown table {t.table}")
        for name in v.rule_packs:
            if name not in load_packs():
                problems.append(f"variant {v.id}: unknown rule pack {name}")
    return problems
