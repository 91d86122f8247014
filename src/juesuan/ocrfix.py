"""The identities as a second reader of OCR'd amounts (issue 13).

A scanned amount read with a digit the recognizer was unsure of either breaks the relations that
use it or, read with low confidence, keeps them out of the checks (insufficient data). The
relations know what the amount must be; the recognizer knows what else the digit may be
(:attr:`juesuan.model.Provenance.candidates`: the cell with one digit replaced by its runner-up).
When both agree, the reading is corrected:

1. every OCR'd amount that has candidates is taken as read, doubt or not, in a copy of the
   document, and the copy's relations are evaluated and localized (:func:`juesuan.locate.locate_document`:
   the smallest set of cells whose change satisfies them all, HiGHS);
2. of the repairs the localization finds for a group of failures (its smallest sets of cells,
   ties included, the list complete), the one set whose cells are all such amounts, each with
   exactly one candidate equal to the value the relations suggest, is the correction; with two
   such sets or none, nothing is corrected;
3. the corrections are checked: with them in the copy, no corrected cell is suspected again; then
   each value becomes its candidate in the document, its doubt is lifted and its provenance says
   so (``note``: 文字识别更正…, a reading note in the JSON output).

Anything else is left as read: a doubtful cell stays doubtful (its relations insufficient data),
and a finding on an OCR'd value stays a warning (rules/engine.cap_doubtful), never an error.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from .model import Cell, Disclosure
from .textnorm import CellKind, parse_amount

CORRECTED_NOTE = "文字识别更正：识读为{read}，识别候选{new}与勾稽关系一致，已按{new}核对"


@dataclass(frozen=True)
class Correction:
    table: str
    row: str
    column: str
    read: str
    corrected: str


Key = tuple[int, int, str]


def _uncertain_amounts(doc: Disclosure) -> dict[Key, Cell]:
    out: dict[Key, Cell] = {}
    for ti, t in enumerate(doc.tables):
        for ri, r in enumerate(t.rows):
            for col, cell in r.cells.items():
                prov = cell.provenance
                if prov is not None and prov.ocr and prov.candidates and cell.kind == CellKind.NUMBER:
                    out[(ti, ri, col)] = cell
    return out


def second_reading(doc: Disclosure) -> list[Correction]:
    """Correct, in place, the OCR'd amounts of ``doc`` that the relations and the recognizer's
    candidates agree on (module docstring); returns what was corrected."""
    cells = _uncertain_amounts(doc)
    if not cells:
        return []
    from .locate import locate_document

    trial = copy.deepcopy(doc)
    for ti, ri, col in cells:
        cell = trial.tables[ti].rows[ri].cells[col]
        if cell.provenance is not None:
            cell.provenance = replace(cell.provenance, doubt=None)
    _, groups = locate_document(trial)
    fixes: dict[Key, str] = {}
    for g in groups:
        if g.status not in ("localized", "ambiguous") or g.truncated or not g.cells:
            continue
        # the repairs the relations allow (the smallest sets of cells, ties included) that the
        # recognizer's candidates agree with, cell for cell: exactly one, or nothing is corrected
        agreeing = [fix for fix in (_agreement(cells, suspects) for suspects in [g.cells, *g.alternatives]) if fix]
        if len(agreeing) == 1:
            fixes.update(agreeing[0])
    if not fixes:
        return []
    # the corrections satisfy the relations: with them, no cell corrected is suspected again
    for (ti, ri, col), text in fixes.items():
        cell = trial.tables[ti].rows[ri].cells[col]
        cell.raw, cell.value = text, parse_amount(text)[1]
    _, again = locate_document(trial)
    suspected = {s.key for g in again for suspects in [g.cells, *g.alternatives] for s in suspects}
    out: list[Correction] = []
    for (ti, ri, col), text in fixes.items():
        if (ti, ri, col) in suspected:
            continue
        table, row = doc.tables[ti], doc.tables[ti].rows[ri]
        cell = row.cells[col]
        prov = cell.provenance
        assert prov is not None
        note = CORRECTED_NOTE.format(read=cell.raw, new=text)
        row.cells[col] = Cell(
            raw=text,
            kind=CellKind.NUMBER,
            value=parse_amount(text)[1],
            provenance=replace(prov, doubt=None, note=note),
        )
        out.append(Correction(table.name, row.label, col, cell.raw, text))
    return out


def _agreement(cells: dict[Key, Cell], suspects: list[Any]) -> dict[Key, str] | None:
    """The candidate text of each suspect's cell that equals the value the relations suggest, when
    every suspect is an uncertain OCR'd amount with exactly one such candidate; otherwise None."""
    out: dict[Key, str] = {}
    for s in suspects:
        cell = cells.get(s.key)
        if cell is None or s.suggested is None or cell.provenance is None:
            return None
        target = s.suggested.quantize(Decimal(1).scaleb(-s.places))
        agreeing = [c for c in cell.provenance.candidates if parse_amount(c)[1] == target]
        if len(agreeing) != 1:
            return None
        out[s.key] = agreeing[0]
    return out


__all__ = ["CORRECTED_NOTE", "Correction", "second_reading"]
