"""Paths painted only in white are no rulings (pdf._invisible_path): the paint of every path is
read through PDFium, the draw mode's flags and each colour's components in one call each.

Class of input: rectangles a PDF writer draws — filled white (a spreadsheet's background box),
stroked in black, filled grey, filled white and stroked black, stroked white, filled black, filled yellow —
generated with fpdf2 on one page, in that order."""

from __future__ import annotations

from pathlib import Path

import pytest


def _page_with_rects(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(400, 200))
    pdf.add_page()
    shapes = [
        ((255, 255, 255), None, "F"),  # filled white: invisible
        (None, (0, 0, 0), "D"),  # stroked black
        ((200, 200, 200), None, "F"),  # filled grey
        ((255, 255, 255), (0, 0, 0), "FD"),  # white inside a black frame
        (None, (255, 255, 255), "D"),  # stroked white: invisible
        ((0, 0, 0), None, "F"),  # filled black
        ((255, 255, 0), None, "F"),  # filled yellow (white but for blue)
    ]
    for k, (fill, draw, style) in enumerate(shapes):
        if fill is not None:
            pdf.set_fill_color(*fill)
        if draw is not None:
            pdf.set_draw_color(*draw)
        pdf.rect(10 + 60 * k, 20, 50, 30, style=style)
    pdf.output(str(path))


def test_only_paths_painted_in_white_are_invisible(tmp_path: Path) -> None:
    pytest.importorskip("fpdf")
    from juesuan.readers import pdf as P
    from juesuan.readers import pdfium

    path = tmp_path / "rects.pdf"
    _page_with_rects(path)
    doc = pdfium.Document(path)
    page = doc[0]
    try:
        paint = P._PaintReader()
        seen = [P._invisible_path(raw, paint) for raw, _ in P._path_objects(page.raw)]
        # a reader made for the one path gives the same answer
        alone = [P._invisible_path(raw) for raw, _ in P._path_objects(page.raw)]
    finally:
        page.close()
        doc.close()
    assert seen == [True, False, False, False, True, False, False]
    assert alone == seen
