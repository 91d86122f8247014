"""The rule engine: evaluates declarative rule packs (YAML) against a disclosure.

Every rule reports a status per document: pass, fail, not_applicable or insufficient_data. A rule
that could not run is never counted as passed. Arithmetic is exact ``Decimal``; the one rounding
policy is :func:`juesuan.rounding.tolerance`: published amounts are rounded to 0.01 of their unit, so a gap within
0.01 × the number of addends is a rounding hint (info), a larger gap is a finding at the rule's
severity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .. import catalog
from ..dataload import documents
from ..layouts import Layouts, Variant, load as load_layouts
from ..model import Disclosure, Row, Table
from ..results import SEVERITIES, STATUSES, Finding, Location, Outcome, RelationRecord, RuleStatus  # noqa: F401
from ..rounding import CENT, tolerance, whole_unit_step
from ..textnorm import format_decimal
from .checks import CODE_CHECKS, COMPLETENESS, FRAGMENT_NOT_APPLICABLE, FRAGMENT_REASON, REQUIRED_PARAMS
from .refs import CellRef, Term, Unresolvable, cell_location, resolver_for, split_ref

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable


@dataclass
class Rule:
    """One declarative rule of a rule pack: id, kind, severity, description and its kind's keys."""

    id: str
    kind: str
    severity: str
    description: str
    spec: dict[str, Any]
    pack: str


# --------------------------------------------------------------------------------------------
# Loading rule packs


def _parse_rule(d: dict[str, Any], pack: str) -> Rule:
    if "id" not in d or "kind" not in d:
        raise ValueError(f"rule pack {pack}: a rule needs an id and a kind: {d}")
    sev = d.get("severity", "error")
    if sev not in SEVERITIES:
        raise ValueError(f"rule {d['id']}: unknown severity {sev}")
    return Rule(d["id"], d["kind"], sev, d.get("description", d["id"]), d, pack)


@lru_cache(maxsize=1)
def load_packs() -> dict[str, list[Rule]]:
    packs: dict[str, list[Rule]] = {}
    for path, doc in documents("rules"):
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


class Evaluator:
    def __init__(self, doc: Disclosure, variant: Variant, layouts: Layouts):
        self.doc = doc
        self.variant = variant
        self.layouts = layouts
        self.resolver = resolver_for(doc, variant, layouts)
        self.names = self.resolver.names
        # When a list, every evaluated linear relation is appended to it (see RelationRecord).
        self.recorder: list[RelationRecord] | None = None

    def _record(
        self,
        rule: Rule,
        left: list[Term],
        right: list[Term],
        op: str,
        tol: Decimal,
        diff: Decimal,
        finding: Finding | None = None,
        context: str = "",
    ) -> None:
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
        terms = left + right
        if terms and all(t.absent for t in terms) and not any(t.unknown for t in terms):
            return  # none of the rows is printed, and the form may leave each out: nothing to check
        unknown = [t for t in terms if t.unknown]
        if unknown:
            # A row that was not found (not printed, or printed but not recognized) is unknown, not
            # zero: the relation cannot be checked.
            out.unresolved.append(Unresolvable("insufficient_data", self.not_found(unknown)))
            return
        unreadable = [c for t in left + right for c in t.cells if c.cell is not None and c.cell.kind == "text"]
        if unreadable:
            # A text where an amount belongs (a header printed in a data row, a shifted extraction):
            # the relation cannot be evaluated. The reading problem was reported by the recognizer.
            c = unreadable[0]
            row = f"{c.row.label or c.row.code}" if c.row is not None else ""
            raw = c.cell.raw if c.cell is not None else ""
            out.unresolved.append(
                Unresolvable("insufficient_data", f"《{c.table.name}》“{row}”/{c.column.header}印为“{raw}”，不是金额")
            )
            return
        doubtful = [
            c
            for t in left + right
            for c in t.cells
            if c.cell is not None and c.cell.provenance is not None and c.cell.provenance.doubt
        ]
        if doubtful:
            # A value the reader doubts (an OCR'd cell read with low confidence) is not used: the
            # relation cannot be evaluated, saying which cell and why.
            c = doubtful[0]
            row = f"{c.row.label or c.row.code}" if c.row is not None else ""
            cell = c.cell
            assert cell is not None and cell.provenance is not None
            out.unresolved.append(
                Unresolvable(
                    "insufficient_data",
                    f"《{c.table.name}》“{row}”/{c.column.header}读作“{cell.raw}”，{cell.provenance.doubt}，请核对原件",
                )
            )
            return
        out.checked += 1
        lv = sum((t.value_yuan for t in left), Decimal(0))
        rv = sum((t.value_yuan for t in right), Decimal(0))
        factor = max((t.factor for t in left + right), default=Decimal(1))
        display = left[0].factor if left else factor
        n_cells = sum(len(t.cells) for t in left + right)
        printed = [c.cell.raw for t in left + right for c in t.cells if c.cell is not None and c.cell.kind == "number"]
        tol = tolerance(n_cells - 1, factor * whole_unit_step(printed))
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
            out.checked -= 1
            out.unresolved.append(Unresolvable("insufficient_data", self.not_found(side)))
            return
        cells = [c for t in left for c in t.cells] + [
            c for t in right for c in t.cells if c.cell is not None and c.cell.kind != "blank"
        ]
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
        if (
            severity == "error"
            and any(t.has_dash for t in smaller)
            and all(c is None or c.kind in ("dash", "blank") for c in smaller_cells)
        ):
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

    @staticmethod
    def not_found(terms: list[Term]) -> str:
        """Why a relation over rows that were not found cannot be checked, naming them as printed."""
        by_table: dict[str, list[str]] = {}
        for t in terms:
            table = t.cells[0].table.name if t.cells else ""
            names = by_table.setdefault(table, [])
            if t.label not in names:
                names.append(t.label or t.text)
        where = "；".join(
            f"《{table}》中未找到{'、'.join(f'“{n}”' for n in names)}所在行" for table, names in by_table.items()
        )
        return f"{where}（未列示或未能识别），无法核对"

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
            else:  # a row not printed, or the sum of several rows: as the layout names it
                label = t.label or (t.text.split(".")[-2] if "." in t.text else t.text)
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
            if term.unknown:
                raise Unresolvable("insufficient_data", self.not_found([term]))
            nonzero = term.value_yuan != 0
            if (k == "nonzero" and not nonzero) or (k == "zero" and nonzero):
                return False
        return True

    def run_compare(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        cols = s.get("for_columns") or [None]
        for col in cols:
            sub = (
                (lambda x, col=col: [i.replace("{col}", col) for i in ([x] if isinstance(x, str) else x)])
                if col
                else (lambda x: x)
            )
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

    def children(self, table: Table, parent: Row) -> list[Row]:
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
        cols = (
            table.columns
            if s.get("columns", "all") == "all"
            else [self.resolver.column(table, c) for c in s["columns"]]
        )
        block = s.get("block")
        rows = [r for r in table.rows if block is None or r.block == block]
        total_row = next((r for r in rows if r.concept == s.get("total_row")), None) if s.get("total_row") else None
        classes = [r for r in rows if r.level == 1]
        if s.get("total_row") and total_row is None and classes:
            out.unresolved.append(Unresolvable("insufficient_data", f"《{table.name}》未找到合计行"))
        # only a total printed, non-zero, and no 类 row read: nothing to add up, not a sum of zero
        bare_total = (
            total_row is not None
            and not classes
            and any(c.value for c in total_row.cells.values() if c.value is not None)
        )
        if bare_total:
            out.unresolved.append(Unresolvable("insufficient_data", f"《{table.name}》只列出合计行，未列出各类科目"))
        # each 类/款 row with its subordinate rows, found once for all the columns
        families: list[tuple[Row, list[Row]]] = []
        if s.get("levels", True) is not False:
            for parent in rows:
                if parent.level not in (1, 2) or parent.code_inferred:
                    continue
                kids = [k for k in self.children(table, parent) if block is None or k.block == block]
                if kids:
                    families.append((parent, kids))
        for col in cols:
            if total_row is not None and not bare_total and col.id in total_row.cells:
                left = [Term("total", 1, [CellRef(table, total_row, col, total_row.cells.get(col.id))], factor)]
                right = [Term(r.code or "", 1, [CellRef(table, r, col, r.cells.get(col.id))], factor) for r in classes]
                self.relation(rule, out, left, right, "=", f"“{col.header}”列合计")
            for parent, kids in families:
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
        rows_a = {
            r.code: r for r in ta.rows if r.level == level and r.code and (not a.get("block") or r.block == a["block"])
        }
        rows_b = {
            r.code: r for r in tb.rows if r.level == level and r.code and (not b.get("block") or r.block == b["block"])
        }
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
            either = ra or rb
            name = either.label if either is not None else code
            self.relation(rule, out, left, right, s.get("op", "="), f"{code} {name}")

    def _nonzero(self, ref: str) -> tuple[bool, list[CellRef]]:
        if ref.startswith("table:"):
            table = self.resolver.table(ref[6:])
            return table.has_data(), []
        term = self.terms([ref])[0]
        if term.unknown:
            raise Unresolvable("insufficient_data", self.not_found([term]))
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

    # -- completeness and codes: checks looked up by name in the registries of .checks -------------
    def run_completeness(self, rule: Rule, out: Outcome) -> None:
        check = COMPLETENESS.get(rule.spec["check"])
        if check is None:
            raise ValueError(f"unknown completeness check {rule.spec['check']}")
        if self.doc.coverage == "fragment" and rule.spec["check"] in FRAGMENT_NOT_APPLICABLE:
            raise Unresolvable("not_applicable", FRAGMENT_REASON)
        check(self, rule, out)

    def run_codes(self, rule: Rule, out: Outcome) -> None:
        s = rule.spec
        check = CODE_CHECKS.get(s["check"])
        if check is None:
            raise ValueError(f"unknown code check {s['check']}")
        try:
            table = self.resolver.table(s["table"])
        except Unresolvable as exc:
            out.unresolved.append(exc)
            return
        cat = catalog.load(s.get("scheme", "functional"), self.doc.year)
        rows = [r for r in table.rows if r.code and not r.code_inferred]
        if not rows:
            raise Unresolvable("not_applicable", f"《{table.name}》未列示科目编码")
        for r in rows:
            check(self, rule, out, table, r, cat)

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
        statuses.append(out.rule_status(rule.id, rule.severity, rule.description))
    return findings, statuses


OCR_CAPPED_NOTE = "（涉及文字识别（OCR）所得的内容，此处不一致可能由识别造成，请核对原件）"


def cap_doubtful(doc: Disclosure, findings: list[Finding]) -> None:
    """An error-level finding on a table with a reading problem is not certain: the disagreement
    may come from a cell read wrongly or not at all. Neither is one located on a value or text
    read by OCR. Such findings (table rules and narrative comparisons alike) are lowered to
    warnings, saying why (in place)."""
    for f in findings:
        # a value read by OCR may be misread even when read with confidence: a disagreement that
        # involves one is reported, but not as certain
        if f.severity == "error" and f.kind == "rule" and any(loc.ocr for loc in f.locations):
            f.severity = "warning"
            f.message += OCR_CAPPED_NOTE
    doubtful = {t.name for t in doc.tables if t.reading_problems}
    if not doubtful:
        return
    for f in findings:
        if f.severity != "error" or f.kind != "rule":
            continue
        names = sorted({loc.table for loc in f.locations if loc.table in doubtful})
        if names:
            f.severity = "warning"
            shown = "、".join(f"《{n}》" for n in names)
            f.message += f"（{shown}有读取问题，此处不一致可能由读取造成，请核对原件）"


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
            if rule.kind in ("completeness", "codes"):
                registry = COMPLETENESS if rule.kind == "completeness" else CODE_CHECKS
                if s.get("check") not in registry:
                    problems.append(f"{rule.id}: unknown {rule.kind} check {s.get('check')}")
                    continue
                for param in REQUIRED_PARAMS.get((rule.kind, s["check"]), ()):
                    if param not in s:
                        problems.append(f"{rule.id}: check {s['check']} needs {param!r}")
                for tid in s.get("tables") or []:
                    if tid not in layouts.tables:
                        problems.append(f"{rule.id}: unknown table {tid}")
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
        for pattern in v.form_numbers:
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(f"variant {v.id}: bad form_numbers pattern {pattern!r}: {exc}")
        for name in v.rule_packs:
            if name not in load_packs():
                problems.append(f"variant {v.id}: unknown rule pack {name}")
    return problems
