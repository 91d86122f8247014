"""Differential self-check of ruled PDF pages, and the choice between two readings.

A ruled page is read from PDFium's characters on pdfplumber's lattice (:mod:`.readers.lattice`).
When a table read from such a page fails a self-check (unreliable: amounts not placed in a column)
or one of its own identities (an error-level finding whose cells all lie in that table:
a row or column sum, the 类/款/项 hierarchy), its pages are read a second way — pdfplumber's own
characters and ``extract_tables`` — and compared cell by cell. Where the two readings disagree, the
document is recognized and checked both ways and the reading under which fewer of the table
identities fail is kept; either way a reading problem names the page and what differed, so the
check is marked incomplete. Identities of a table both readings agree on are never second-guessed.

``JUESUAN_PDF_DIFFERENTIAL``: ``auto`` (default, as above), ``always`` (the reader compares every
ruled page and reports disagreements; no choice is made), ``off``.
"""

from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any, Collection

if TYPE_CHECKING:  # imported where used: a document refused after reading never loads them
    from .layouts import Layouts
    from .model import Disclosure, Table
    from .results import Finding

NOTE_KEPT = "第{page}页表格与 pdfplumber 的读取结果不一致：{diff}；按两种读取结果分别核对，保留本读取结果（表内勾稽关系未通过 {ours} 处，另一读取结果 {theirs} 处）"
NOTE_SWITCHED = "第{page}页表格与 pdfplumber 的读取结果不一致：{diff}；按两种读取结果分别核对，改用 pdfplumber 的读取结果（表内勾稽关系未通过 {theirs} 处，原读取结果 {ours} 处）"


class _IdentityErrors(list["Finding"]):
    """The error-level findings of table identities, with ``evaluation``: the whole evaluation of
    the rules they were found by (findings, statuses, the relations evaluated)."""

    evaluation: list[Any]


def _identity_errors(doc: Disclosure, layouts: Layouts) -> list[Finding]:
    """Error-level findings of relations within one table (all cells in the same table)."""
    from .timing import stage

    relations: list[Any] = []
    with stage("rules"):
        from .rules.engine import evaluate

        findings, statuses = evaluate(doc, layouts, record=relations)
    out = _IdentityErrors()
    out.evaluation = [findings, statuses, relations]
    for f in findings:
        if f.severity != "error" or f.kind != "rule" or len(f.locations) < 2:
            continue
        if len({loc.table for loc in f.locations}) == 1:
            out.append(f)
    return out


def _pages_of(findings: list[Finding]) -> set[int]:
    return {loc.page for f in findings for loc in f.locations if loc.page}


def _suspect_pages(doc: Disclosure, identity_errors: list[Finding]) -> set[int]:
    """The pages of the failing table identities and of the tables the reader marked unreliable
    (amounts it could not place in a column: characters a second reading may place otherwise).

    A table whose header or amount columns were not recognized (a layout the recognizer does not
    know) is not a reason of its own: its identities are not evaluated on those columns, so on its
    pages the choice between readings (fewer failing identities) could never pick the other one; the
    comparison would cost a pdfminer parse of each page for at most a note (docs/benchmarks.md)."""
    pages = _pages_of(identity_errors)
    for t in doc.tables:
        if t.unreliable:
            pages |= _table_pages(t)
    return pages


def _table_pages(t: Table) -> set[int]:
    pages = {c.provenance.page for _, _, c in t.iter_cells() if c.provenance and c.provenance.page}
    if t.provenance and t.provenance.page:
        pages.add(t.provenance.page)
    return pages


def _amount_cells(doc: Disclosure, pages: set[int]) -> int:
    return sum(
        1
        for t in doc.tables
        for _, _, c in t.iter_cells()
        if c.value is not None and c.provenance and c.provenance.page in pages
    )


def _score(doc: Disclosure, layouts: Layouts, pages: set[int]) -> int:
    """Table identities failing on the given pages."""
    return sum(1 for f in _identity_errors(doc, layouts) if _pages_of([f]) & pages)


def check_pages(
    path: Path,
    doc: Disclosure,
    layouts: Layouts,
    ruled_pages: Collection[int] | None = None,
    evaluation: list[Any] | None = None,
) -> Disclosure:
    """The document to check: ``doc``, or its other reading where that satisfies more of the
    table identities on the pages the two readings disagree on (see the module docstring).
    ``ruled_pages`` (the reader's ``RawDocument.ruled_pages``, when known): only those pages can be
    compared, so without any the table identities are not evaluated here at all.

    ``evaluation``: a list that receives ``[findings, statuses, relations]``, the evaluation of the
    rules on the document returned, when one was made here and the document was not changed after
    it (left empty otherwise): the check of the document can use it instead of evaluating the same
    rules on the same document again."""
    from .readers import pdf as pdf_reader

    mode = os.environ.get(pdf_reader.DIFFERENTIAL_ENV, "auto").lower()
    if path.suffix.lower() != ".pdf" or mode in ("always", "1", "on", "off", "0"):
        return doc
    if ruled_pages is not None and not ruled_pages:
        return doc  # no ruled page: nothing pdfplumber's grids could be compared with
    identity_errors = _identity_errors(doc, layouts)
    made = getattr(identity_errors, "evaluation", [])
    suspect = _suspect_pages(doc, identity_errors)
    if not suspect:
        if evaluation is not None:
            evaluation[:] = made
        return doc
    from .timing import stage

    with stage("differential"):  # pdfplumber's reading, compared; the rules it evaluates count as rules
        return _second_reading(path, doc, layouts, suspect, made, evaluation)


def _second_reading(
    path: Path, doc: Disclosure, layouts: Layouts, suspect: set[int], made: list[Any], evaluation: list[Any] | None
) -> Disclosure:
    """:func:`check_pages` on the suspect pages: pdfplumber's reading of them, and the choice."""
    from .readers import pdf as pdf_reader
    from .readers.settings import from_env, using

    with using(from_env()):  # the thresholds the document was read with
        disagreeing = pdf_reader.differential_disagreements(path, suspect)
        if not disagreeing:
            if evaluation is not None:
                evaluation[:] = made
            return doc
        from .recognize import recognize

        other = recognize(pdf_reader.read_pdf_pages(path, plumber_pages=set(disagreeing)), variant=doc.variant)
    pages = set(disagreeing)
    ours, theirs = _score(doc, layouts, pages), _score(other, layouts, pages)
    switch = (
        theirs < ours
        and len(other.tables) >= len(doc.tables)
        and _amount_cells(other, pages) >= _amount_cells(doc, pages)
    )
    template = NOTE_SWITCHED if switch else NOTE_KEPT
    chosen = other if switch else doc
    for n, diff in sorted(disagreeing.items()):
        note = template.format(page=n, diff=diff, ours=ours, theirs=theirs)
        # kept although the other reading differs: the tables on that page are in doubt (their
        # errors become warnings); switched: the identities hold, the note is the document's
        on_page = [] if switch else [t for t in chosen.tables if n in _table_pages(t)]
        for t in on_page:
            t.reading_problems.append(note)
        if not on_page:
            chosen.reading_problems.append(note)
    return chosen


__all__ = ["check_pages", "NOTE_KEPT", "NOTE_SWITCHED"]
