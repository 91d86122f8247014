"""What every narrative and 绩效 rule works with: the document, its tables through the rule packs'
reference resolver, the sentences and claims, and one outcome per rule (findings, instances
checked and failed, reasons it could not run) that becomes a RuleStatus.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..layouts import Layouts
from ..model import Disclosure, Provenance
from ..results import Finding, Location, Outcome, RuleStatus, Unresolvable, cap_severity
from ..rounding import CENT as CENT, q2 as q2  # re-exported for the narrative checks
from ..rules.refs import CellRef, cell_location, resolver_for, split_ref
from ..textnorm import format_decimal
from .claims import Claim, Extraction
from .settings import Concept, Lexicon, PerformanceSettings, Ref, Settings
from .text import Narrative, Sentence, norm_key

HUNDRED = Decimal(100)
ROUNDING_TAIL_NOTE = "（相差在舍入范围内：属尾差，宜调整尾数使合计与所列各项之和一致）"
cap = cap_severity  # ``severity`` lowered to a rule's own severity (never raised)


def fmt(v: Decimal, places: int = 2) -> str:
    """A decimal for messages: two places (or ``places``), no exponent, no separators."""
    return format_decimal(v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def half_unit(raw_number: str) -> Decimal:
    """Half of the last printed digit of a number ("7.4" → 0.05, "7.40" → 0.005, "7" → 0.5)."""
    digits = raw_number.split(".")[1] if "." in raw_number else ""
    return Decimal(5).scaleb(-(len(digits) + 1))


def number_part(raw: str) -> str:
    out = ""
    for ch in raw:
        if ch.isdigit() or ch in ".,-":
            out += ch
        else:
            break
    return out.replace(",", "")


def row_name(c: CellRef) -> str:
    """How a finding names a cell's row: its printed label, else its position (a one-row table
    printed without a row label)."""
    if c.row is None:
        return "（未列示）"
    if c.row.display:
        return c.row.display
    return f"第{next((i for i, r in enumerate(c.table.rows) if r is c.row), 0) + 1}行"


@dataclass
class Candidate:
    """A table figure a claim can be compared with: one cell or the sum of a few."""

    ref: Ref
    cells: list[CellRef]
    yuan: Decimal  # money: in 元; counts: the plain sum
    factor: Decimal  # the unit of the (first) table in 元
    unit: str

    @property
    def blank(self) -> bool:
        return all(c.cell is None or c.cell.kind in ("blank", "dash") for c in self.cells)

    def in_unit(self, factor: Decimal) -> Decimal:
        return self.yuan / factor

    def describe(self) -> str:
        groups: dict[tuple[int, str], list[CellRef]] = {}
        for c in self.cells:
            groups.setdefault((id(c.table), c.column.id), []).append(c)
        parts = []
        for refs in groups.values():
            c = refs[0]
            col = c.table.printed_header(c.row, c.column) if c.row is not None else c.column.header
            if len(refs) > 2:
                parts.append(f"《{c.table.name}》{len(refs)}个类级科目之和/{col}")
                continue
            for c in refs:
                row = row_name(c)
                col = c.table.printed_header(c.row, c.column) if c.row is not None else c.column.header
                parts.append(f"《{c.table.name}》“{row}”/{col}")
        return "＋".join(parts)

    def printed(self) -> str:
        if len(self.cells) == 1:
            cell = self.cells[0].cell
            if cell is None or cell.kind == "blank":
                return "空白"
            if cell.kind == "dash":
                return f"“{cell.raw or '—'}”"
        return ""


class Context:
    def __init__(
        self,
        doc: Disclosure,
        layouts: Layouts,
        cfg: Settings,
        perf: PerformanceSettings,
        lex: Lexicon,
        nar: Narrative,
        ex: Extraction,
    ):
        self.doc = doc
        self.layouts = layouts
        self.variant = layouts.variants.get(doc.variant or "national") or layouts.variants["national"]
        self.resolver = resolver_for(doc, self.variant, layouts)
        self.cfg = cfg
        self.perf = perf
        self.lex = lex
        self.nar = nar
        self.ex = ex
        self.outcomes: dict[str, Outcome] = {rid: Outcome() for rid in cfg.rules}
        # what the comparison with the tables said of each claim (keyed by id of the claim):
        # agree | rounding | disagree, with the finding reported (for pages that mark the claims)
        self.verdicts: dict[int, tuple[str, Finding | None]] = {}

    # -- outcomes -----------------------------------------------------------------------------
    def out(self, rule: str) -> Outcome:
        return self.outcomes[rule]

    def check(self, rule: str, n: int = 1) -> None:
        self.outcomes[rule].checked += n

    def verdict(self, claim: Claim, status: str, finding: Finding | None = None) -> None:
        self.verdicts[id(claim)] = (status, finding)

    def unresolved(self, rule: str, status: str, reason: str) -> None:
        o = self.outcomes[rule]
        if not any(u.reason == reason for u in o.unresolved):
            o.unresolved.append(Unresolvable(status, reason))

    def report(
        self,
        rule: str,
        severity: str,
        message: str,
        locations: list[Location] | None = None,
        *,
        expected: str | None = None,
        actual: str | None = None,
        difference: str | None = None,
        kind: str = "rule",
    ) -> Finding:
        default = self.cfg.rules[rule].severity
        severity = cap(severity, default)
        f = Finding(rule, severity, message, locations or [], expected, actual, difference, kind)
        o = self.outcomes[rule]
        o.findings.append(f)
        if severity != "info":
            o.failed += 1
        return f

    def report_gap(
        self,
        rule: str,
        rounding: bool,
        severity: str,
        message: str,
        locations: list[Location],
        *,
        expected: str,
        actual: str,
        difference: str,
        note: str = "",
    ) -> Finding:
        """A stated figure against the one computed from its operands: a rounding hint (info,
        "（舍入差异）"; a warning asking for the tail to be adjusted where the rule's data says so)
        when ``rounding``, else a finding at ``severity`` (with ``note`` appended)."""
        if rounding:
            rsev = self.cfg.rules[rule].rounding_severity if rule in self.cfg.rules else "info"
            return self.report(
                rule,
                rsev,
                message + ("（舍入差异）" if rsev == "info" else ROUNDING_TAIL_NOTE),
                locations,
                expected=expected,
                actual=actual,
                difference=difference,
                kind="rounding",
            )
        return self.report(
            rule, severity, message + note, locations, expected=expected, actual=actual, difference=difference
        )

    def statuses(self) -> tuple[list[Finding], list[RuleStatus]]:
        findings: list[Finding] = []
        statuses: list[RuleStatus] = []
        for rid, rule in self.cfg.rules.items():
            o = self.outcomes[rid]
            findings.extend(o.findings)
            statuses.append(o.rule_status(rid, rule.severity, rule.description))
        return findings, statuses

    # -- locations ------------------------------------------------------------------------------
    def text_location(self, s: Sentence, value: str | None = None, column: str = "文字") -> Location:
        pos = s.norm.find(norm_key(value)) if value else -1
        p = s.provenance_at(pos) if pos >= 0 else s.provenance
        return Location(
            table=s.group,
            row=s.heading or "正文",
            column=column,
            value=value,
            page=p.page if p else None,
            line=p.line if p else None,
            bbox=p.bbox if p else None,
            ocr=bool(p and p.ocr),  # text read from a scanned page
        )  # the paragraph's box, for --annotate

    def where(self, p: Provenance | None, table: str, row: str, column: str, value: str | None) -> Location:
        return Location(
            table=table,
            row=row,
            column=column,
            value=value,
            page=p.page if p else None,
            line=p.line if p else None,
            bbox=p.bbox if p else None,
            ocr=bool(p and p.ocr),
        )

    def cell_locations(self, cand: Candidate) -> list[Location]:
        out = [cell_location(c) for c in cand.cells]
        for loc, c in zip(out, cand.cells):
            if not loc.row:
                loc.row = row_name(c)
        return out

    # -- tables ---------------------------------------------------------------------------------
    def candidate(self, ref: Ref, kind: str = "money") -> Candidate | None:
        """The figure of ``ref``. Raises Unresolvable when its table is missing (insufficient data or
        not applicable, as the rule packs do), when its row is not printed or when a cell holds text
        instead of an amount (insufficient data)."""
        refs = ref if isinstance(ref, list) else [ref]
        cells: list[CellRef] = []
        total = Decimal(0)
        factor: Decimal | None = None
        unit = ""
        for r in refs:
            term = self.resolver.term(r)
            if term.absent:
                t = term.cells[0].table if term.cells else None
                raise Unresolvable("insufficient_data", f"《{t.name if t else r}》中未找到“{self._row_name(r)}”所在行")
            bad = next((c for c in term.cells if c.cell is not None and c.cell.kind == "text"), None)
            if bad is not None:
                raise Unresolvable(
                    "insufficient_data",
                    f"《{bad.table.name}》“{bad.row.label if bad.row else ''}”/{bad.column.header}印为“{bad.cell.raw if bad.cell else ''}”，不是数字",
                )
            cells.extend(term.cells)
            if kind == "money":
                total += term.value_yuan
            else:
                total += sum((c.value for c in term.cells), Decimal(0))
            if factor is None:
                factor = term.factor
                unit = term.cells[0].table.unit or self.resolver.default_unit if term.cells else ""
        if not cells:
            return None
        return Candidate(ref, cells, total, factor or Decimal(1), unit)

    def _row_name(self, ref: str) -> str:
        """A row concept as printed (its layout label), for messages."""
        _, tid, row, _ = split_ref(ref)
        concept = self.resolver.concept(tid, row)
        return concept.label if concept else row

    def candidates(self, refs: list[Ref], kind: str, rule: str) -> list[Candidate]:
        out = []
        reasons: list[Unresolvable] = []
        for ref in refs:
            try:
                c = self.candidate(ref, kind)
            except Unresolvable as exc:
                reasons.append(exc)
                continue
            if c is not None:
                out.append(c)
        if not out:
            for u in reasons:
                self.unresolved(rule, u.status, u.reason)
        return out

    def concept(self, cid: str | None) -> Concept | None:
        return self.lex.concept(cid) if cid else None

    def label(self, c: Claim) -> str:
        """How the text names the claim's subject (its own wording, else the concept's label)."""
        concept = self.concept(c.concept)
        return c.label or (concept.label if concept else "该项")

    def concept_label(self, cid: str | None) -> str:
        concept = self.concept(cid)
        return concept.label if concept else "该项"

    # -- claims ---------------------------------------------------------------------------------
    def level_before(self, concept: str, s: Sentence, kinds: tuple[str, ...] = ("final", "ambiguous")) -> Claim | None:
        """The latest current-year level claim of ``concept`` before sentence ``s`` in the same part
        of the narrative (same group and heading)."""
        for other in self.nar.sentences[: s.index][::-1]:
            if other.group != s.group or other.heading != s.heading:
                break
            for c in reversed(self.ex.by_sentence.get(other.index, [])):
                if c.role == "level" and c.concept == concept and c.period == "current" and c.basis in kinds:
                    return c
        return None

    def matches(self, text: str) -> list[tuple[int, int, str, str]]:
        """Lexicon wordings in ``text`` (start, end, wording, concept id)."""
        return self.ex.extractor.matches(text) if self.ex.extractor else []

    def claims_in(self, s: Sentence) -> list[Claim]:
        return self.ex.by_sentence.get(s.index, [])
