"""Round trips: a disclosure written by juesuan.writers and read back gives the same amount cells.

The committed fixtures in tests/fixtures/roundtrip/ are made by scripts/make_fixtures.py from our
own generated example (examples/example-clean.txt); the seed round trip writes its files in
tmp_path at test time, so nothing from ../shared is committed.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from juesuan import api
from juesuan.cli import app
from juesuan.model import Disclosure
from juesuan.writers.docx import write_docx
from juesuan.writers.html import write_html
from juesuan.writers.xlsx import write_xlsx

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "roundtrip"
CLEAN = REPO / "examples" / "example-clean.txt"
PLANTED = REPO / "examples" / "example-planted.txt"
WRITERS = {"xlsx": write_xlsx, "docx": write_docx, "html": write_html}

Key = tuple[str, str, str, str, str, str, Decimal | None]


def amount_cells(doc: Disclosure) -> Counter[Key]:
    """Every number and dash cell as (table, form, row code, row label, column, kind, value)."""
    out: Counter[Key] = Counter()
    for t in doc.tables:
        for row, col, cell in t.iter_cells():
            if cell.kind in ("number", "dash"):
                code = row.code if row.code and not row.code_inferred else ""
                out[(t.name, t.form or "", code, row.label, t.printed_header(row, col), cell.kind, cell.value)] += 1
    return out


def assert_same_cells(source: Disclosure, back: Disclosure) -> None:
    a, b = amount_cells(source), amount_cells(back)
    missing, extra = a - b, b - a
    assert not missing and not extra, (
        f"{sum(missing.values())} of {sum(a.values())} cells lost, {sum(extra.values())} unexpected; "
        f"first lost: {list(missing)[:3]}; first unexpected: {list(extra)[:3]}"
    )


def assert_same_tables(source: Disclosure, back: Disclosure) -> None:
    meta = lambda d: [(t.id, t.name, t.title, t.form, t.unit, t.department) for t in d.tables]  # noqa: E731
    assert meta(back) == meta(source)
    assert (back.department, back.year, back.variant, back.kind) == (
        source.department,
        source.year,
        source.variant,
        source.kind,
    )
    assert [p.kind for p in back.performance] == [p.kind for p in source.performance]


@pytest.fixture(scope="module")
def clean() -> Disclosure:
    return api.load_document(CLEAN)


def test_example_has_cells(clean: Disclosure):
    cells = amount_cells(clean)
    assert sum(cells.values()) > 300
    assert sum(n for k, n in cells.items() if k[5] == "number") > 240


@pytest.mark.parametrize("name", ["example.xlsx", "example.docx", "example.html"])
def test_committed_fixture_reads_back(name: str, clean: Disclosure):
    back = api.load_document(FIXTURES / name)
    assert_same_cells(clean, back)
    assert_same_tables(clean, back)
    assert all(not t.reading_problems for t in back.tables)


def test_xlsx_fixture_pages_are_sheets():
    back = api.load_document(FIXTURES / "example.xlsx")
    pages = [t.provenance.page for t in back.tables if t.provenance]
    assert pages == sorted(pages) and len(set(pages)) == len(back.tables)  # one sheet per table
    cell = next(c for t in back.tables for _, _, c in t.iter_cells() if c.value is not None)
    assert cell.provenance is not None and cell.provenance.page is not None and cell.provenance.line


PDF_FIXTURES = ["example-ruled.pdf", "example-docx.pdf", "example-threeline.pdf"]


def _pdf_fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{name} was not generated (LibreOffice was absent when scripts/make_fixtures.py ran)")
    return path


@pytest.mark.parametrize("name", PDF_FIXTURES)
def test_pdf_fixture_cells(name: str, clean: Disclosure):
    assert_same_cells(clean, api.load_document(_pdf_fixture(name)))


@pytest.mark.parametrize("name", PDF_FIXTURES)
def test_pdf_fixture_tables(name: str, clean: Disclosure):
    assert_same_tables(clean, api.load_document(_pdf_fixture(name)))


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_write_and_read_back(fmt: str, clean: Disclosure, tmp_path: Path):
    path = WRITERS[fmt](clean, tmp_path / f"clean.{fmt}")
    back = api.load_document(path)
    assert_same_cells(clean, back)
    assert_same_tables(clean, back)
    # Notes, column numbers (栏次) and narrative survive too.
    assert [t.notes for t in back.tables] == [t.notes for t in clean.tables]
    assert [[(c.id, c.number) for c in t.columns] for t in back.tables] == [
        [(c.id, c.number) for c in t.columns] for t in clean.tables
    ]
    assert [p.text for p in back.paragraphs] == [p.text for p in clean.paragraphs]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_planted_errors_survive_the_round_trip(fmt: str, tmp_path: Path):
    source = api.check(PLANTED)
    assert source.errors
    back = api.check(WRITERS[fmt](source.document, tmp_path / f"planted.{fmt}"))
    key = lambda rep: sorted((f.rule, f.severity, f.message) for f in rep.findings)  # noqa: E731
    assert key(back) == key(source)
    assert back.status_counts() == source.status_counts()


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_cli_cells_csv_equals_text_source(fmt: str, clean: Disclosure, tmp_path: Path):
    """Formats without pages give the very CSV of the text source (same rows, same order)."""
    path = WRITERS[fmt](clean, tmp_path / f"clean.{fmt}")
    runner = CliRunner()
    a = runner.invoke(app, ["parse", str(CLEAN), "--format", "cells"])
    b = runner.invoke(app, ["parse", str(path), "--format", "cells"])
    assert a.exit_code == b.exit_code == 0
    assert b.stdout == a.stdout


@pytest.mark.parametrize("route", ["xlsx-ruled", "xlsx-threeline", "docx"])
def test_seed_round_trip_through_libreoffice_pdf(route: str, seed_path: Path, tmp_path: Path):
    """The seed's tables written by our writers, printed to PDF by LibreOffice (ruled grid,
    three-line rules, or a Word document) and read back: every amount cell equal."""
    from juesuan.readers.office import convert, soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot print the seed to PDF")
    source = api.load_document(seed_path)
    if route == "docx":
        written = write_docx(source, tmp_path / "seed.docx")
    else:
        written = write_xlsx(source, tmp_path / "seed.xlsx", rules="threeline" if route == "xlsx-threeline" else "grid")
    back = api.load_document(convert(written, "pdf", tmp_path / "pdf"))
    assert_same_cells(source, back)
    assert not any(t.reading_problems for t in back.tables)


def test_seed_round_trip(seed_path: Path, tmp_path: Path):
    source = api.load_document(seed_path)
    assert sum(amount_cells(source).values()) > 200
    for fmt, write in WRITERS.items():
        back = api.load_document(write(source, tmp_path / f"seed.{fmt}"))
        assert_same_cells(source, back)
        assert_same_tables(source, back)
