"""What the checks produce, shared by every stage that reports: findings and their locations, one
status per rule, the outcome → status mapping, the severity order, and the check report.

This module sits low in the pipeline (it needs only the model), so the rule engine, the narrative
checks, error localization, the report renderers and the API all use the same types without
importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import __version__
from .model import Disclosure

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:  # type-only: the rule engine builds relation records; no import at run time
    from decimal import Decimal

    from .rules.engine import Rule
    from .rules.refs import Term

SCHEMA = "juesuan.check/1"

# Severities, most severe first; the rank orders findings (errors first).
SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
STATUSES = ("pass", "fail", "not_applicable", "insufficient_data")
# How reports name them (user-facing, Simplified Chinese)
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABELS = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "insufficient_data": "数据不足"}


def cap_severity(severity: str, limit: str | None) -> str:
    """``severity`` lowered to ``limit`` (never raised)."""
    if limit is None:
        return severity
    return severity if SEVERITY_RANK[severity] >= SEVERITY_RANK[limit] else limit


class Unresolvable(Exception):
    """A check cannot be evaluated: ``status`` is insufficient_data or not_applicable."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class Location:
    """Where a finding points: a table's cell (row, column, printed value) or a place in the text."""

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
    """One finding of a check: the rule, its severity, a message for users and the locations."""

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
    """How one rule fared on a document: passed, failed, not applicable or lacking data, and why."""

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
class Outcome:
    """What one rule produced: findings, instance counts, and why it could not run."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    failed: int = 0
    unresolved: list[Unresolvable] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The rule's status: fail when an instance failed, pass when any was checked, else why it
        could not run (insufficient_data wins over not_applicable). Never pass without a check."""
        if self.failed:
            return "fail"
        if self.checked:
            return "pass"
        if any(u.status == "insufficient_data" for u in self.unresolved):
            return "insufficient_data"
        return "not_applicable"

    @property
    def reason(self) -> str | None:
        """Why (some instances of) the rule could not run, each reason once."""
        return "；".join(sorted({u.reason for u in self.unresolved})) or None

    def rule_status(self, rule_id: str, severity: str, description: str) -> RuleStatus:
        return RuleStatus(rule_id, self.status, severity, description, self.checked, self.failed, self.reason)


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


@dataclass
class Report:
    """The result of checking a document: the disclosure read, the findings, each rule's status."""

    document: Disclosure
    findings: list[Finding]
    rules: list[RuleStatus]
    variant_name: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # error localization (juesuan.locate.Group): related findings explained by a few wrong cells
    localization: list[Any] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def status_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        for r in self.rules:
            counts[r.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        counts = self.status_counts()
        return {
            "schema": SCHEMA,
            "juesuan_version": __version__,
            "document": {
                "source": doc.source,
                "department": doc.department,
                "year": doc.year,
                "kind": doc.kind,
                "scope": doc.scope,
                "coverage": doc.coverage,
                "variant": doc.variant,
                "variant_name": self.variant_name,
                "tables": [
                    {
                        "id": t.id,
                        "name": t.name,
                        "form": t.form,
                        "title": t.title,
                        "unit": t.unit,
                        "rows": len(t.rows),
                        "page": t.provenance.page if t.provenance else None,
                        "line": t.provenance.line if t.provenance else None,
                    }
                    for t in doc.tables
                ],
                "performance_tables": [p.kind for p in doc.performance],
                "reading_problems": doc.reading_problems,
            },
            "findings": [f.to_dict() for f in self.findings],
            "rules": [r.to_dict() for r in self.rules],
            "localization": [g.to_dict() for g in self.localization],
            "summary": {
                "errors": self.count("error"),
                "warnings": self.count("warning"),
                "infos": self.count("info"),
                "rules": counts,
                "rules_applied": counts["pass"] + counts["fail"],
            },
        }
