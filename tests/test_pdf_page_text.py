"""The page's text read in one PDFium call (readers.pdf._page_text) gives the same characters as
reading them one by one, on PDFs made by our own code; and the reader falls back to one by one
when the page text is not one to one with the characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from juesuan.readers import pdf
from juesuan.readers.pdfium import Document

FIXTURES = sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf"))


def _chars(path: Path) -> list[list[dict]]:
    doc = Document(path)
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            try:
                pages.append(pdf._pdfium_chars(page))
            finally:
                page.close()
        return pages
    finally:
        doc.close()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_whole_page_text_matches_character_by_character(path: Path, monkeypatch) -> None:
    used: list[bool] = []
    page_text = pdf._page_text

    def spy(raw, n):
        text = page_text(raw, n)
        used.append(text is not None)
        return text

    monkeypatch.setattr(pdf, "_page_text", spy)
    bulk = _chars(path)
    assert used and all(used)  # every page of our PDFs is read in one call
    monkeypatch.setattr(pdf, "_page_text", lambda raw, n: None)
    one_by_one = _chars(path)
    assert sum(len(p) for p in bulk) > 1000
    assert bulk == one_by_one


def test_page_text_of_another_length_is_not_used() -> None:
    import ctypes

    from juesuan.readers.pdfium import lib

    doc = Document(FIXTURES[0])
    try:
        page = doc[0]
        textpage = page.get_textpage()
        try:
            raw = ctypes.cast(textpage.raw, ctypes.c_void_p)
            n = lib.FPDFText_CountChars(raw)
            assert n > 0
            assert len(pdf._page_text(raw, n) or "") == n
            # a text shorter than the characters asked for (as when PDFium leaves some out):
            # not one to one, so not used
            assert pdf._page_text(raw, n + 1) is None
        finally:
            textpage.close()
            page.close()
    finally:
        doc.close()
