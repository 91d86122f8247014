"""The Python API: read → recognize → check, one call per document, callable from any process.

>>> from juesuan import api
>>> report = api.check("disclosure.txt")
>>> report.errors
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import InputError
from .layouts import load as load_layouts
from .model import Disclosure
from .readers import read
from .recognize import recognize
from .rules.engine import Finding, RuleStatus, evaluate

SCHEMA = "juesuan.check/1"


def load_document(path: str | Path, variant: str | None = None) -> Disclosure:
    """Read and recognize a disclosure file. Raises InputError for unusable input."""
    doc = recognize(read(path), variant=variant)
    if not doc.tables and not doc.performance and doc.unread_pages:
        raise InputError(
            f"文件的第{doc.unread_pages_text()}页是扫描图像，未安装文字识别（OCR）组件，无法读取："
            f"{Path(path).name}（可安装 OCR 组件后重试，见 README）"
        )
    if not doc.tables and not doc.performance:
        raise InputError(f"未在文件中识别出任何决算表格：{Path(path).name}")
    _auto_differential(Path(path), doc)
    return doc


def _auto_differential(path: Path, doc: Disclosure) -> None:
    """PDF only: when a table failed a self-check (unreliable, or an amount column not found or
    not mapped), compare the ruled pages it sits on with pdfplumber's own grids and add a reading
    problem for each page that disagrees (JUESUAN_PDF_DIFFERENTIAL=always checks every ruled page
    while reading; =off never)."""
    import os

    from .readers import pdf as pdf_reader

    mode = os.environ.get(pdf_reader.DIFFERENTIAL_ENV, "auto").lower()
    if path.suffix.lower() != ".pdf" or mode in ("always", "1", "on", "off", "0"):
        return
    pages: set[int] = set()
    for t in doc.tables:
        if t.unreliable or any("列" in p and ("未找到" in p or "无法与表头对应" in p) for p in t.reading_problems):
            pages |= {c.provenance.page for _, _, c in t.iter_cells() if c.provenance and c.provenance.page}
            if t.provenance and t.provenance.page:
                pages.add(t.provenance.page)
    if pages:
        doc.reading_problems.extend(pdf_reader.differential_notes(path, pages)[1])


@dataclass
class Report:
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
        counts = {"pass": 0, "fail": 0, "not_applicable": 0, "insufficient_data": 0}
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
                "variant": doc.variant,
                "variant_name": self.variant_name,
                "tables": [
                    {"id": t.id, "name": t.name, "form": t.form, "title": t.title, "unit": t.unit,
                     "rows": len(t.rows), "page": t.provenance.page if t.provenance else None,
                     "line": t.provenance.line if t.provenance else None}
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


_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_document(doc: Disclosure) -> Report:
    from .narrative import check as check_narrative

    layouts = load_layouts()
    relations: list = []  # every evaluated linear relation, for error localization
    findings, statuses = evaluate(doc, layouts, record=relations)
    # narrative (文表/文内) and 绩效 rules: "narrative.*" and "performance.*" ids, same statuses
    more_findings, more_statuses = check_narrative(doc, layouts)
    findings += more_findings
    statuses += more_statuses
    findings.sort(key=lambda f: _ORDER[f.severity])
    variant = layouts.variants.get(doc.variant or "")
    from .locate import localize

    localization = localize(doc, relations, findings)
    return Report(doc, findings, statuses, variant.name if variant else "", localization=localization)


def check(path: str | Path, variant: str | None = None) -> Report:
    return check_document(load_document(path, variant))
