"""Rotated pages (/Rotate 90/180/270) and pages drawn in form XObjects are read from PDFium's
characters and rulings: a page stored sideways and shown upright reads exactly like the same page
stored upright, a page drawn in a form like the page itself, and both like pdfplumber's reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from juesuan.readers import pdf

RULED = REPO / "tests" / "fixtures" / "roundtrip" / "example-ruled.pdf"
THREELINE = REPO / "tests" / "fixtures" / "roundtrip" / "example-threeline.pdf"


def _stored_rotated(src: Path, dst: Path, rotation: int) -> None:
    """The same pages, shown the same, but with their content stored turned by -rotation and the
    page carrying /Rotate rotation (how a landscape page is often made)."""
    import pypdf
    from pypdf.generic import RectangleObject

    writer = pypdf.PdfWriter(clone_from=str(src))
    for page in writer.pages:
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        w, h = x1 - x0, y1 - y0
        # (x, y) upright → (u, v) stored, such that the viewer's turn by `rotation` shows (x, y)
        matrix = {
            90: (0, 1, -1, 0, h, 0),
            180: (-1, 0, 0, -1, w, h),
            270: (0, -1, 1, 0, 0, w),
        }[rotation]
        page.add_transformation(pypdf.Transformation().translate(-x0, -y0))
        page.add_transformation(pypdf.Transformation(matrix))
        size = (h, w) if rotation in (90, 270) else (w, h)
        box = RectangleObject((0, 0, *size))
        page.mediabox = box
        page.cropbox = box
        page.rotate(rotation)
    with dst.open("wb") as fh:
        writer.write(fh)


def _lines(path: Path) -> list[tuple[int, list[str], list]]:
    doc = pdf.read_pdf(path)
    return [(ln.page, list(ln.cells), ln.bboxes) for ln in doc.lines]


def _close(a: list, b: list, tol: float = 0.05) -> bool:
    return all(
        (p is None and q is None) or (p is not None and q is not None and all(abs(u - v) <= tol for u, v in zip(p, q)))
        for p, q in zip(a, b)
    )


@pytest.mark.parametrize("rotation", [90, 180, 270])
@pytest.mark.parametrize("src", [RULED, THREELINE], ids=["ruled", "threeline"])
def test_rotated_page_reads_like_the_upright_page(tmp_path: Path, src: Path, rotation: int) -> None:
    rotated = tmp_path / f"rotated-{rotation}.pdf"
    _stored_rotated(src, rotated, rotation)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(rotated))
    assert all(doc[i].get_rotation() == rotation for i in range(len(doc)))
    doc.close()
    want, got = _lines(src), _lines(rotated)
    assert [(p, c) for p, c, _ in got] == [(p, c) for p, c, _ in want]
    assert all(_close(g[2], w[2]) for g, w in zip(got, want))


def test_rotated_page_reads_like_pdfplumber_reads_it(tmp_path: Path) -> None:
    """The fast path against pdfplumber's own reading of each rotated page (pdfminer turns the
    page itself): same items, same cell texts (pdfplumber's table text puts a space at every
    wide gap, juesuan's only between Latin words, so white space is left aside)."""
    import pdfplumber
    import pypdfium2 as pdfium

    rotated = tmp_path / "rotated.pdf"
    _stored_rotated(RULED, rotated, 90)
    fast = pdfium.PdfDocument(str(rotated))
    grids = 0
    with pdfplumber.open(rotated) as plumb:
        for number, page in enumerate(plumb.pages, start=1):
            fpage = fast[number - 1]
            paths, chars = pdf._triage(fpage, number)
            got = pdf._read_grid_page_fast(fpage, number, chars) if paths else pdf._read_text_page(fpage, number, chars)
            assert got is not None
            want = pdf._read_page(page, number)
            assert (round(got.width, 2), round(got.height, 2)) == (round(want.width, 2), round(want.height, 2))
            squeeze = lambda page: [(it.grid is not None, ["".join(c.split()) for c in it.cells]) for it in page.items]  # noqa: E731
            assert squeeze(got) == squeeze(want), f"page {number}"
            grids += sum(1 for it in got.items if it.grid is not None)
    fast.close()
    assert grids > 20  # the ruled fixture's tables were read as grids


def _in_form_xobject(
    src: Path, dst: Path, matrix: tuple[float, ...], cm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
) -> None:
    """The same pages with all their content moved into a form XObject with the form matrix
    ``matrix``, drawn under the transform ``cm`` (as some PDF writers do: charts, templates)."""
    import pypdf
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    writer = pypdf.PdfWriter(clone_from=str(src))
    for page in writer.pages:
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())  # type: ignore[union-attr]
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(v) for v in page.mediabox]),
                NameObject("/Matrix"): ArrayObject([FloatObject(v) for v in matrix]),
                NameObject("/Resources"): page["/Resources"],
            }
        )
        ref = writer._add_object(form)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Fx0"): ref})}
        )
        content = DecodedStreamObject()
        content.set_data(("q " + " ".join(str(v) for v in cm) + " cm /Fx0 Do Q").encode())
        page[NameObject("/Contents")] = writer._add_object(content)
    with dst.open("wb") as fh:
        writer.write(fh)


def test_table_drawn_in_a_form_xobject_reads_like_the_page(tmp_path: Path) -> None:
    """Rulings inside a form XObject are read with the form's matrix: a page whose content sits in
    a form (identity matrix) reads exactly like the page itself, grids included."""
    wrapped = tmp_path / "form.pdf"
    _in_form_xobject(RULED, wrapped, (1, 0, 0, 1, 0, 0))
    want, got = _lines(RULED), _lines(wrapped)
    assert [(p, c) for p, c, _ in got] == [(p, c) for p, c, _ in want]
    assert all(_close(g[2], w[2]) for g, w in zip(got, want))


def test_form_xobject_with_a_matrix_reads_like_pdfplumber_reads_it(tmp_path: Path) -> None:
    """A form with its own matrix drawn shrunk and moved: the grids and lines are pdfplumber's
    (white space aside)."""
    import pdfplumber
    import pypdfium2 as pdfium

    wrapped = tmp_path / "form-scaled.pdf"
    _in_form_xobject(RULED, wrapped, (1, 0, 0, 1.05, 10, -25), cm=(0.8, 0, 0, 0.9, 40, 30))
    fast = pdfium.PdfDocument(str(wrapped))
    grids = 0
    with pdfplumber.open(wrapped) as plumb:
        for number, page in enumerate(plumb.pages, start=1):
            fpage = fast[number - 1]
            paths, chars = pdf._triage(fpage, number)
            assert paths
            got = pdf._read_grid_page_fast(fpage, number, chars)
            want = pdf._read_page(page, number)
            squeeze = lambda page: [(it.grid is not None, ["".join(c.split()) for c in it.cells]) for it in page.items]  # noqa: E731
            assert squeeze(got) == squeeze(want), f"page {number}"
            grids += sum(1 for it in got.items if it.grid is not None)
    fast.close()
    assert grids > 20
