"""The identities as a second reader of OCR'd amounts (juesuan.ocrfix, issue 13): a misread digit
whose repair by the relations is unique and is one of the recognizer's candidates is corrected and
says so; anything else stays as read (doubtful: insufficient data; never an error)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from juesuan import api
from juesuan import synth_layouts as sl
from juesuan.model import Provenance
from juesuan.ocrfix import second_reading
from juesuan.textnorm import CellKind


def _misread(doc, digit_from: str, digit_to: str):
    """A cell of the income table's 合计 row read with one digit wrong (the first ``digit_from``
    made ``digit_to``), as OCR with low confidence; returns (cell key, printed text, misread text)."""
    table = next(t for t in doc.tables if t.id == "income")
    for ri, row in enumerate(table.rows):
        for col, cell in row.cells.items():
            if cell.kind == CellKind.NUMBER and cell.value and digit_from in cell.raw.split(".")[0]:
                printed = cell.raw
                pos = printed.index(digit_from)
                wrong = printed[:pos] + digit_to + printed[pos + 1 :]
                return (doc.tables.index(table), ri, col), printed, wrong, pos
    raise AssertionError("no amount to misread")


def _as_ocr(doc, key, text, candidates, conf=0.6):
    ti, ri, col = key
    row = doc.tables[ti].rows[ri]
    cell = row.cells[col]
    cell.raw, cell.value = text, Decimal(text.replace(",", ""))
    cell.provenance = Provenance(
        "scan.pdf", 1, 1, None, True, None, conf, "文字识别置信度低（0.60），读数可能有误", tuple(candidates)
    )
    return cell


def test_misread_digit_agreeing_with_a_candidate_is_corrected_and_noted():
    doc = sl.source()
    key, printed, wrong, pos = _misread(doc, "6", "5")
    _as_ocr(doc, key, wrong, [wrong[:pos] + "8" + wrong[pos + 1 :], printed])
    fixed = second_reading(doc)
    cell = doc.tables[key[0]].rows[key[1]].cells[key[2]]
    assert [(c.read, c.corrected) for c in fixed] == [(wrong, printed)]
    assert cell.raw == printed and cell.value == Decimal(printed.replace(",", ""))
    assert cell.provenance.doubt is None and cell.provenance.ocr
    assert "文字识别更正" in cell.provenance.note and wrong in cell.provenance.note
    assert cell.provenance.to_dict()["note"] == cell.provenance.note
    assert not api.check_document(doc).errors


def test_repair_no_candidate_agrees_with_stays_doubtful_and_gives_no_error():
    doc = sl.source()
    clean = {r.id: r.status for r in api.check_document(doc).rules}
    key, printed, wrong, pos = _misread(doc, "6", "5")
    other = wrong[:pos] + "9" + wrong[pos + 1 :]  # the recognizer's runner-up is not what the sums need
    _as_ocr(doc, key, wrong, [other])
    assert second_reading(doc) == []
    cell = doc.tables[key[0]].rows[key[1]].cells[key[2]]
    assert cell.raw == wrong and cell.provenance.doubt and not cell.provenance.note
    report = api.check_document(doc)
    assert not report.errors
    changed = {r.id: r.status for r in report.rules if clean.get(r.id) == "pass" and r.status != "pass"}
    assert changed and set(changed.values()) <= {"insufficient_data"}, changed


def test_confident_reading_without_candidates_is_left_alone():
    doc = sl.source()
    key, printed, wrong, pos = _misread(doc, "6", "5")
    cell = _as_ocr(doc, key, wrong, [], conf=0.99)
    cell.provenance = replace(cell.provenance, doubt=None)
    assert second_reading(doc) == []
    assert cell.raw == wrong
    # the sum it breaks is reported, but not as an error (a value read by OCR)
    report = api.check_document(doc)
    assert not report.errors
    assert any(f.severity == "warning" and f.kind == "rule" for f in report.findings)
