"""Findings resting on text read by OCR are not certain (issue 13): a narrative figure read from a
scanned page and a table title read twice on scanned pages give warnings saying why, never errors.

The class: scanned 情况说明 pages and scanned contents/title lines. The documents are our own
example (examples/example-clean.txt) with one narrative figure changed, or one table repeated, and
their provenance marked as read by OCR, as the scan reader marks it."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

from juesuan import api
from juesuan.model import Disclosure
from juesuan.rules.engine import OCR_CAPPED_NOTE

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-clean.txt"


def _scanned(doc: Disclosure) -> Disclosure:
    """``doc`` as if its text and titles had been read by OCR from scanned pages."""
    for p in doc.paragraphs:
        if p.provenance is not None:
            p.provenance = replace(p.provenance, ocr=True)
    for t in doc.tables:
        if t.provenance is not None:
            t.provenance = replace(t.provenance, ocr=True)
    return doc


def _wrong_total(doc: Disclosure) -> Disclosure:
    changed = 0
    for p in doc.paragraphs:
        if "收入支出总计676.97万元" in p.text:
            p.text = p.text.replace("收入支出总计676.97万元", "收入支出总计686.97万元")
            changed += 1
    assert changed == 1
    return doc


def test_a_narrative_figure_from_text_gives_an_error() -> None:
    report = api.check_document(_wrong_total(api.load_document(EXAMPLE)))
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors and all(f.rule.startswith("narrative.") for f in errors)
    assert all(not loc.ocr for f in errors for loc in f.locations)


def test_the_same_figure_read_by_ocr_gives_a_warning_saying_why() -> None:
    report = api.check_document(_scanned(_wrong_total(api.load_document(EXAMPLE))))
    assert not [f for f in report.findings if f.severity == "error"]
    capped = [f for f in report.findings if f.message.endswith(OCR_CAPPED_NOTE)]
    assert capped and all(f.rule.startswith("narrative.") and f.severity == "warning" for f in capped)
    assert any(loc.ocr and loc.table for f in capped for loc in f.locations)


def test_a_table_printed_twice_is_an_error_naming_both_titles() -> None:
    doc = api.load_document(EXAMPLE)
    doc.tables.append(copy.deepcopy(doc.tables[0]))
    report = api.check_document(doc)
    dup = [f for f in report.findings if f.rule == "completeness.duplicate_tables"]
    assert len(dup) == 1 and dup[0].severity == "error"
    assert [loc.table for loc in dup[0].locations] == [doc.tables[0].name] * 2
    assert all(loc.line for loc in dup[0].locations)


def test_a_title_read_twice_by_ocr_is_a_warning() -> None:
    doc = api.load_document(EXAMPLE)
    doc.tables.append(copy.deepcopy(doc.tables[0]))
    report = api.check_document(_scanned(doc))
    dup = [f for f in report.findings if f.rule == "completeness.duplicate_tables"]
    assert len(dup) == 1 and dup[0].severity == "warning" and dup[0].message.endswith(OCR_CAPPED_NOTE)
