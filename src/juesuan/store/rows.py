"""The rows one checked document adds to the store: its metadata, tables, cells in long form,
narrative paragraphs and claims, findings with the cells they point at, and rule statuses."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .. import __version__
from ..results import Report
from ..textnorm import format_decimal

CENT = Decimal("0.01")
LIMIT = Decimal("1e18")  # DECIMAL(20,2) holds 18 digits before the point


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def money(v: Decimal | None) -> Decimal | None:
    """``v`` when DECIMAL(20,2) holds it exactly, else None (``value_text`` keeps it)."""
    if v is None or not v.is_finite() or abs(v) >= LIMIT:
        return None
    try:
        q = v.quantize(CENT)
    except InvalidOperation:
        return None
    return q if q == v else None


def region_of(variant_name: str) -> str | None:
    """The province or city a variant's name starts with (云南省…), when it names one."""
    m = re.match(r"^(\S+?(?:省|自治区|市))", variant_name or "")
    return m.group(1) if m else None


@dataclass
class DocumentRows:
    """What one document adds: ``documents`` without its id (assigned in the transaction), then
    the rows of every other table without the leading document column."""

    sha256: str
    file_name: str
    meta: dict[str, Any]
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def claim_rows(doc: Any) -> list[tuple[Any, ...]]:
    """The quantitative claims of the narrative (juesuan.narrative's extraction)."""
    from ..narrative import extraction

    out = []
    for i, c in enumerate(extraction(doc)[1].claims):
        prov = c.sentence.provenance
        out.append(
            (
                i,
                c.sentence.raw,
                c.raw,
                format_decimal(c.value),
                c.display_unit or None,
                c.kind,
                c.role,
                c.concept,
                c.basis,
                c.period,
                prov.page if prov else None,
            )
        )
    return out


def document_rows(
    report: Report,
    sha256: str,
    file_name: str,
    claims: list[tuple[Any, ...]] | None = None,
    published_on: date | None = None,
) -> DocumentRows:
    doc = report.document
    counts = report.status_counts()
    meta = {
        "department": doc.department,
        "year": doc.year,
        "kind": doc.kind,
        "scope": doc.scope,
        "coverage": doc.coverage,
        "variant": doc.variant,
        "region": region_of(report.variant_name),
        "ingested_at": datetime.now(timezone.utc).replace(tzinfo=None),
        "tables": len(doc.tables),
        "errors": report.count("error"),
        "warnings": report.count("warning"),
        "infos": report.count("info"),
        "rules_pass": counts["pass"],
        "rules_fail": counts["fail"],
        "rules_not_applicable": counts["not_applicable"],
        "rules_insufficient_data": counts["insufficient_data"],
        "reading_problems": len(doc.reading_problems),
        "juesuan_version": __version__,
        "published_on": published_on,
    }
    tables: list[tuple[Any, ...]] = []
    cells: list[tuple[Any, ...]] = []
    for ti, t in enumerate(doc.tables):
        tpage = t.provenance.page if t.provenance else None
        tables.append(
            (ti, t.id, t.name, t.title, t.form, t.unit, tpage, len(t.rows), "；".join(t.reading_problems) or None)
        )
        columns = {c.id: c for c in t.columns}
        for ri, row in enumerate(t.rows):
            rpage = row.provenance.page if row.provenance else tpage
            for col_id, cell in row.cells.items():
                col = columns.get(col_id)
                header = t.printed_header(row, col) if col else col_id
                cells.append(
                    (
                        ti,
                        t.id,
                        ri,
                        row.block,
                        row.code,
                        row.label,
                        row.concept,
                        col_id,
                        header,
                        money(cell.value),
                        format_decimal(cell.value) if cell.value is not None else None,
                        cell.raw,
                        cell.kind,
                        t.unit,
                        cell.provenance.page if cell.provenance and cell.provenance.page else rpage,
                    )
                )
    narrative = [
        (i, p.section, p.text, p.provenance.page if p.provenance else None) for i, p in enumerate(doc.paragraphs)
    ]
    findings = []
    finding_cells = []
    for i, f in enumerate(report.findings):
        findings.append((i, f.rule, f.severity, f.kind, f.message, f.expected, f.actual, f.difference))
        for loc in f.locations:
            finding_cells.append((i, loc.table, loc.form, loc.row, loc.row_code, loc.column, loc.value, loc.page))
    statuses = [(r.id, r.status, r.severity, r.description, r.checked, r.failed, r.reason) for r in report.rules]
    return DocumentRows(
        sha256,
        file_name,
        meta,
        {
            "doc_tables": tables,
            "cells": cells,
            "narrative": narrative,
            "claims": claims or [],
            "findings": findings,
            "finding_cells": finding_cells,
            "rule_statuses": statuses,
        },
    )
