"""What makes the differential check (pdfplumber's second reading of ruled PDF pages) run.

Class of input: a ruled PDF page whose table the recognizer could not fully map (header or amount
columns not recognized: a layout it does not know) while every identity it can evaluate holds. The
choice between readings counts failing table identities, and none fails there, so a second reading
could never be chosen: pdfminer is not asked (it costs a parse of each page). A table marked
unreliable, or a failing identity, still asks it (tests/test_reading_layouts.py,
tests/test_differential_choice.py). Shown on our generated ruled PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan import api, differential
from juesuan.layouts import load as load_layouts
from juesuan.model import Disclosure
from juesuan.readers import pdf as pdf_reader

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip" / "example-ruled.pdf"
COLUMNS = "部分金额列无法与表头对应，涉及这些列的规则无法执行"
HEADER = "未找到表头（项目/科目编码列），无法识别表格结构"


@pytest.fixture
def doc(monkeypatch: pytest.MonkeyPatch) -> Disclosure:
    if not FIXTURE.exists():
        pytest.skip("example-ruled.pdf was not generated (LibreOffice was absent)")
    monkeypatch.delenv(pdf_reader.DIFFERENTIAL_ENV, raising=False)
    return api.load_document(FIXTURE)


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    calls: list[set[int]] = []

    def disagreements(path: Path, pages: set[int]) -> dict[int, str]:
        calls.append(set(pages))
        return {}

    monkeypatch.setattr(pdf_reader, "differential_disagreements", disagreements)
    return calls


@pytest.mark.parametrize("problem", [COLUMNS, HEADER])
def test_a_table_with_unrecognized_columns_alone_does_not_ask_pdfminer(
    doc: Disclosure, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    calls = _asked(monkeypatch)
    table = next(t for t in doc.tables if t.form == "公开06表")
    table.reading_problems.append(problem)
    assert differential.check_pages(FIXTURE, doc, load_layouts()) is doc
    assert calls == []


def test_an_unreliable_table_still_asks_pdfminer_about_its_pages(
    doc: Disclosure, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _asked(monkeypatch)
    table = next(t for t in doc.tables if t.form == "公开06表")
    table.reading_problems.append(COLUMNS)
    table.unreliable = True
    differential.check_pages(FIXTURE, doc, load_layouts())
    assert calls == [differential._table_pages(table)]
