"""The differential self-check of ruled PDF pages chooses between two readings.

Class of input: a ruled page that our fast reading (PDFium characters on the lattice) gets wrong
while pdfplumber's own reading of the same page gets it right, or the other way round. Simulated on
our generated ruled PDF (tests/fixtures/roundtrip/example-ruled.pdf, made by juesuan's writers
through LibreOffice) by altering one digit in what one reader sees: the check must keep the reading
under which the table's identities hold, and say on which page the readings differed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from juesuan import api, differential
from juesuan.readers import pdf as pdf_reader

pytest.importorskip("pdfplumber")

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip" / "example-ruled.pdf"
PAGE = 7  # 一般公共预算财政拨款支出决算表 in the fixture
SHOWN, WRONG = "328.24", "328.27"  # 事业运行's 基本支出 (also the 201/20103 rows' basic)


def _alter_first(chars: list[dict[str, Any]], shown: str, wrong: str) -> bool:
    """Change the last digit of the first run of characters spelling ``shown``."""
    text = "".join(c["text"] for c in chars)
    at = text.find(shown)
    if at < 0:
        return False
    chars[at + len(shown) - 1] = dict(chars[at + len(shown) - 1], text=wrong[-1])
    return True


@pytest.fixture
def misread_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFium 'reads' one digit of page PAGE wrongly (pdfplumber reads it right)."""

    def triage(page: Any, number: int) -> tuple[int, list[dict[str, Any]]]:
        paths, cs = original_triage(page, number)
        if number == PAGE:
            cs = list(cs)
            assert _alter_first(cs, SHOWN, WRONG)
        return paths, cs

    original_triage = pdf_reader._triage
    monkeypatch.setattr(pdf_reader, "_triage", triage)
    monkeypatch.delenv(pdf_reader.DIFFERENTIAL_ENV, raising=False)


def _general_budget_basic(doc: Any) -> list[str]:
    t = next(t for t in doc.tables if t.id == "general_budget")
    return [str(r.cells["basic"].value) for r in t.rows if r.code in ("201", "20103", "2010350")]


def test_clean_fixture_needs_no_second_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pdf_reader.DIFFERENTIAL_ENV, raising=False)
    calls: list[set[int]] = []
    monkeypatch.setattr(pdf_reader, "differential_disagreements", lambda path, pages: calls.append(pages) or {})
    report = api.check(FIXTURE)
    assert report.errors == [] and calls == []  # nothing failed: pdfplumber is never asked


def test_a_fast_misread_is_replaced_by_the_reading_that_satisfies_the_identities(misread_fast: None) -> None:
    doc = api.load_document(FIXTURE)
    assert _general_budget_basic(doc) == [SHOWN] * 3  # pdfplumber's reading of page 7 was kept
    notes = [p for p in doc.reading_problems if p.startswith(f"第{PAGE}页表格与 pdfplumber")]
    assert len(notes) == 1 and "改用 pdfplumber 的读取结果" in notes[0] and WRONG in notes[0]
    report = api.check_document(doc)
    assert report.errors == []  # no false error from the misread digit
    assert api.exit_status(report) == api.EXIT_INCOMPLETE  # the disagreement itself stays visible


def test_without_the_choice_the_misread_gives_errors(misread_fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same misread with the differential check off: the identities fail (so the test above
    shows the choice at work, not a misread that does not matter)."""
    monkeypatch.setenv(pdf_reader.DIFFERENTIAL_ENV, "off")
    doc = api.load_document(FIXTURE)
    assert WRONG in _general_budget_basic(doc)
    assert {f.rule for f in api.check_document(doc).errors} >= {"general_budget.hierarchy"}


def test_the_fast_reading_is_kept_when_the_other_is_worse(misread_fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfplumber's reading of the page also differs and breaks more identities: ours stays, with
    the disagreement reported."""
    original = pdf_reader._read_page

    def worse(page: Any, number: int) -> Any:
        out = original(page, number)
        for it in out.items:  # two digits wrong in the other reading
            it.cells = [c.replace("328.24", "328.99").replace("53.93", "53.11") for c in it.cells]
        return out

    monkeypatch.setattr(pdf_reader, "_read_page", worse)
    doc = api.load_document(FIXTURE)
    assert WRONG in _general_budget_basic(doc)
    # the disagreement is a reading problem of the table on that page: its errors are warnings
    table = next(t for t in doc.tables if t.id == "general_budget")
    notes = [p for p in table.reading_problems if p.startswith(f"第{PAGE}页表格与 pdfplumber")]
    assert len(notes) == 1 and "保留本读取结果" in notes[0]
    assert differential.NOTE_KEPT.split("：")[0].format(page=PAGE) in notes[0]
    report = api.check_document(doc)
    warned = {f.rule for f in report.findings if f.severity == "warning"}
    assert report.errors == [] and "general_budget.hierarchy" in warned


def test_a_pdf_without_ruled_pages_is_not_evaluated_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only ruled pages can be compared with pdfplumber's grids: a PDF with none (our three-line
    fixture) does not have its table identities evaluated by the differential check."""
    monkeypatch.delenv(pdf_reader.DIFFERENTIAL_ENV, raising=False)
    calls: list[int] = []
    real = differential._identity_errors
    monkeypatch.setattr(differential, "_identity_errors", lambda doc, layouts: calls.append(1) or real(doc, layouts))
    api.load_document(FIXTURE.with_name("example-threeline.pdf"))
    assert calls == []
    api.load_document(FIXTURE)
    assert calls == [1]


def _count_evaluations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from juesuan.rules import engine

    calls: list[int] = []
    original = engine.evaluate

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "evaluate", counted)
    return calls


@pytest.mark.parametrize("coverage", [None, "fragment"])
def test_the_check_reuses_the_evaluation_the_differential_check_made(
    misread_fast: None, monkeypatch: pytest.MonkeyPatch, coverage: str | None
) -> None:
    """A table identity fails and both readings agree (a misprint, not a misread): the rules were
    evaluated to decide on a second reading; ``api.check`` reports from that evaluation instead of
    evaluating them again, with the same report as checking the loaded document afresh. Once what
    the rules read changed after it (a fragment's coverage), they are evaluated again."""
    monkeypatch.setattr(pdf_reader, "differential_disagreements", lambda path, pages: {})
    calls = _count_evaluations(monkeypatch)
    once = api.check(FIXTURE, coverage=coverage).to_dict()
    assert len(calls) == (1 if coverage is None else 2)
    calls.clear()
    afresh = api.check_document(api.load_document(FIXTURE, coverage=coverage)).to_dict()
    assert len(calls) == 2
    assert once == afresh
    assert any(f["severity"] == "error" for f in once["findings"])  # the misprint is found
