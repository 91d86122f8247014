"""Scans of tables without full rulings (border-less and three-line tables): the text outside the
ruled grids cut into each detected line's own ink (:mod:`juesuan.readers.scanfree`) and read by
the text path's border-less reader.

The scans are made here from our generated example (juesuan.synth_layouts drawn as PDF, its pages
rasterised): nothing from ../shared. Tests that OCR need RapidOCR (the ``ocr`` extra) and a CJK
font, and skip saying which is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.errors import InputError
from juesuan.readers import ocr

SCAN_DPI = 150
PAGES = 6  # the first pages of the example: 收入支出决算总表, 收入决算表, 支出决算表, 财政拨款总表


def _cv2() -> None:
    pytest.importorskip("cv2", reason="OpenCV comes with the ocr extra (rapidocr-onnxruntime)")


def _ink(width: int, height: int, blobs: list[tuple[int, int, int, int]]):
    import numpy as np

    ink = np.zeros((height, width), dtype=bool)
    for x0, y0, x1, y1 in blobs:
        ink[y0:y1, x0:x1] = True
    return ink


def test_each_component_belongs_to_one_detected_line_and_boxes_are_tight_around_it():
    _cv2()
    from juesuan.readers.scanfree import own_pieces

    # a 行次 digit (x 10–18) and an amount (x 60–110, five glyphs) 20 px tall; the detector's
    # box around the digit is padded and reaches into the amount's first glyph (x 0–66), the
    # amount's box starts at 55
    digit = [(10, 10, 18, 30)]
    amount = [(60 + 10 * k, 10, 68 + 10 * k, 30) for k in range(5)]
    ink = _ink(130, 40, digit + amount)
    pieces, groups, _ = own_pieces(ink, [(0, 5, 66, 35), (55, 5, 115, 35)], px_per_pt=1.0)
    # the amount's first glyph is the amount's, not a sliver of the digit's line
    assert sorted(zip(groups, pieces)) == [(0, (10, 10, 18, 30)), (1, (60, 10, 108, 30))]


def test_ink_the_detector_missed_is_read_as_a_line_of_its_own_but_specks_are_not():
    _cv2()
    from juesuan.readers.scanfree import own_pieces

    # one detected line; beside it, undetected, a run of three glyphs with a decimal point (a
    # 2 × 2 px component) between two of them, far away a 2 × 2 speck, and below it a picture 70 px tall
    detected = [(5 + 10 * k, 10, 13 + 10 * k, 30) for k in range(3)]
    missed = [(100, 10, 108, 30), (110, 10, 118, 30), (120, 27, 122, 29), (124, 10, 132, 30)]
    ink = _ink(260, 110, detected + missed + [(180, 2, 182, 4), (200, 40, 250, 110)])
    pieces, groups, (labels, owner) = own_pieces(ink, [(0, 5, 40, 35)], px_per_pt=1.0)
    assert sorted(zip(groups, pieces)) == [(0, (5, 10, 33, 30)), (1, (100, 10, 132, 30))]
    # the decimal point goes with its line; the speck with none
    assert owner[labels[28, 121]] == 1
    assert owner[labels[3, 181]] == -1
    assert owner[labels[60, 220]] == -1


def test_crop_holds_the_pieces_own_ink_only():
    _cv2()
    import numpy as np

    from juesuan.readers.scanfree import crop, own_pieces

    ink = _ink(130, 40, [(10, 10, 18, 30), (22, 10, 30, 30)])
    clean = np.where(ink, 0, 255).astype(np.uint8)
    # the second glyph is a line of its own, right beside the first
    pieces, groups, owned = own_pieces(ink, [(8, 5, 19, 35), (21, 5, 32, 35)], px_per_pt=1.0)
    first = pieces[groups.index(0)]
    image = crop(clean, first, 0, owned, margin_h=0.5)
    # the margin (10 px) reaches over the neighbour at x 22–30: painted white
    assert image.shape == (40, 28)
    assert (image[:, :10] == 255).all() and (image[:, 18:] == 255).all()
    assert (image[10:30, 10:18] == 0).all()


def test_free_runs_get_a_character_box_height_and_full_width_brackets():
    from juesuan.readers.scanfree import free_runs
    from juesuan.readers.settings import current

    class Grid:
        bbox = (0.0, 200.0, 300.0, 400.0)

    w = ocr.OcrWord
    words = [
        w("其他政府办公厅(室)", 10.0, 10.0, 90.0, 18.0, 0.99),  # CJK ink 8 pt tall
        w("(12.00)", 100.0, 11.0, 120.0, 17.0, 0.99),  # figures: shorter ink
        w("合计", 10.0, 30.0, 30.0, 38.0, 0.99),
        w("(室)", 10.0, 250.0, 30.0, 258.0, 0.99),  # in a ruled grid: left alone
    ]
    out = free_runs(words, [Grid()])
    tall = current().scan_box_height * 8.0
    assert out[0].text == "其他政府办公厅（室）" and out[1].text == "(12.00)"
    assert out[0].bottom - out[0].top == pytest.approx(tall) and out[1].bottom - out[1].top == pytest.approx(tall)
    assert (out[1].top + out[1].bottom) / 2 == pytest.approx(14.0)  # about its own centre
    assert (out[0].x0, out[0].x1) == (10.0, 90.0)
    assert out[3] == words[3]


def _rapidocr() -> None:
    import os

    if os.environ.get("JUESUAN_OCR", "").lower() in ("off", "none", "0", "no", "tesseract"):
        pytest.skip("JUESUAN_OCR selects another engine than rapidocr")
    if ocr.engine() != "rapidocr":
        pytest.skip("rapidocr-onnxruntime (the ocr extra: pip install -e '.[ocr]') is not installed")


def _scan(pdf: Path, out: Path, dpi: float, angle: float) -> Path:
    """``pdf``'s pages as an image-only PDF; ``angle``: each page turned by it, alternately either
    way, and JPEG-compressed."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(str(pdf))
    images = []
    for n, page in enumerate(doc):
        img = page.render(scale=dpi / 72).to_pil().convert("L")
        if angle:
            turn = angle if n % 2 == 0 else -angle
            img = img.rotate(turn, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=75)
            img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
        images.append(img)
    doc.close()
    images[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def _scan_variant(tmp_path: Path, rules: str, dpi: float = SCAN_DPI, angle: float = 0.0):
    """The first variant of our example with ``rules`` (none: border-less, threeline), its first
    pages as a text PDF, and their scan."""
    import pypdfium2 as pdfium

    from juesuan import synth_layouts as sl

    _rapidocr()
    try:
        v = next(v for v in sl.variants(300, 0, 0) if v.rules == rules)
        whole_path = sl.render(sl.restyle(sl.source(), v), v, tmp_path / "drawn")
    except (sl.NoFont, InputError) as exc:
        pytest.skip(f"cannot draw the example: {exc}")
    whole = pdfium.PdfDocument(str(whole_path))
    cut = pdfium.PdfDocument.new()
    cut.import_pages(whole, list(range(min(PAGES, len(whole)))))
    text = tmp_path / "text.pdf"
    cut.save(text)
    cut.close()
    whole.close()
    return text, _scan(text, tmp_path / "scan.pdf", dpi, angle)


@pytest.mark.parametrize(
    "rules, angle",
    [("none", 0.0), ("threeline", 0.0), ("threeline", 1.0)],
    ids=["border-less", "three-line", "three-line-skewed-jpeg"],
)
def test_scan_of_a_table_without_full_rulings_reads_every_amount_like_its_text_layer(tmp_path, rules, angle):
    from juesuan import api
    from juesuan.synth_layouts import amount_cells

    text_pdf, scanned = _scan_variant(tmp_path, rules, angle=angle)
    text, scan = api.load_document(text_pdf), api.load_document(scanned)
    assert scan.unread_pages == []
    expected, got = amount_cells(text), amount_cells(scan)
    assert sum(expected.values()) >= 50
    # every amount at its table, row (code and label) and column header, read exactly
    assert expected - got == {}, sorted(expected - got)[:5]
    assert {t.name for t in text.tables} <= {t.name for t in scan.tables}
    # no error-level finding the text layer does not give
    errors = {(f.rule, tuple(sorted(loc.table for loc in f.locations))) for f in api.check_document(text).errors}
    assert {
        (f.rule, tuple(sorted(loc.table for loc in f.locations))) for f in api.check_document(scan).errors
    } <= errors


def test_figure_and_label_read_with_a_space_between_them_are_cut_there():
    _cv2()
    from juesuan.readers.scan import split_figure

    # "676.97" (6 narrow glyphs, 11 px each, 2 px apart), a 7-px gap, then 本年 (2 × 20 px): the
    # recognizer read the gap as a space
    blobs = [(k * 13, 2, k * 13 + 11, 20) for k in range(6)] + [(83, 0, 103, 20), (105, 0, 125, 20)]
    ink = _ink(130, 20, blobs)
    word = ocr.OcrWord("676.97 本年", 0.0, 0.0, 62.5, 10.0, 0.97, ((7, "木", 0.1),))
    left, right = split_figure(word, ink, 2.0)
    assert (left.text, right.text) == ("676.97", "本年")
    assert right.alternatives == ((0, "木", 0.1),)


def test_amount_code_and_label_read_as_one_run_are_cut_into_three():
    _cv2()
    from juesuan.readers.scan import split_figure

    # 45.00 (5 narrow glyphs), 7-px gap, 302 (3 narrow glyphs), 7-px gap, 事业 (2 × 20 px): an
    # amount, then the code and name of a block printed beside it
    blobs = [(k * 13, 2, k * 13 + 11, 20) for k in range(5)]
    blobs += [(70 + k * 13, 2, 70 + k * 13 + 11, 20) for k in range(3)] + [(114, 0, 134, 20), (136, 0, 156, 20)]
    ink = _ink(160, 20, blobs)
    word = ocr.OcrWord("45.00302事业", 0.0, 0.0, 78.0, 10.0, 0.97)
    assert [p.text for p in split_figure(word, ink, 2.0)] == ["45.00", "302", "事业"]
    # an amount alone is left whole
    alone = ocr.OcrWord("45.00", 0.0, 0.0, 31.5, 10.0, 0.97)
    assert split_figure(alone, _ink(70, 20, blobs[:5]), 2.0) == [alone]
