"""Scanned disclosures (issue 13): table structure from the page image, per-cell OCR confidence, and
doubtful cells kept out of the checks.

The scans are made here from our generated example (juesuan.synth_layouts drawn as PDF, its pages
rasterised with PDFium and saved as an image-only PDF with Pillow); the tests that read them need
RapidOCR (the ``ocr`` extra) and a CJK font, and skip saying which is missing."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from juesuan.errors import InputError
from juesuan.readers import ocr
from juesuan.textnorm import CellKind, parse_amount

SCAN_DPI = 150


def _rapidocr() -> None:
    import os

    if os.environ.get("JUESUAN_OCR", "").lower() in ("off", "none", "0", "no", "tesseract"):
        pytest.skip("JUESUAN_OCR selects another engine than rapidocr")
    if ocr.engine() != "rapidocr":
        pytest.skip("rapidocr-onnxruntime (the ocr extra: pip install -e '.[ocr]') is not installed")


def _ruled_example(tmp_path: Path, pages: int) -> Path:
    """The first ``pages`` pages of our example drawn as a ruled PDF (portrait, 9 pt or larger)."""
    import pypdfium2 as pdfium

    from juesuan import synth_layouts as sl

    try:
        v = next(
            v
            for v in sl.variants(300, 0, 0)
            if v.rules == "ruled" and not v.landscape and v.size >= 9 and not v.tall and not v.short_pages
        )
        whole_path = sl.render(sl.restyle(sl.source(), v), v, tmp_path / "drawn")
    except (sl.NoFont, InputError) as exc:
        pytest.skip(f"cannot draw the example: {exc}")
    whole = pdfium.PdfDocument(str(whole_path))
    cut = pdfium.PdfDocument.new()
    cut.import_pages(whole, list(range(pages)))
    out = tmp_path / "text.pdf"
    cut.save(out)
    cut.close()
    whole.close()
    return out


def _scan(pdf: Path, out: Path, dpi: float, angle: float = 0.0) -> Path:
    """``pdf``'s pages as an image-only PDF; ``angle``: each page turned and JPEG-compressed."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(str(pdf))
    images = []
    for page in doc:
        img = page.render(scale=dpi / 72).to_pil().convert("L")
        if angle:
            img = img.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=75)
            img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
        images.append(img)
    doc.close()
    images[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def _amount_grid(raw) -> list[tuple[int, int, int, str]]:
    """(page, row of the page's table lines, column, amount) of every amount in the lines that
    have three cells or more (the table rows)."""
    out = []
    for page in sorted({ln.page for ln in raw.lines}):
        rows = [ln for ln in raw.lines if ln.page == page and len(ln.cells) >= 3]
        for r, ln in enumerate(rows):
            for c, text in enumerate(ln.cells):
                kind, _ = parse_amount(text)
                if kind == CellKind.NUMBER and "." in text:
                    out.append((page, r, c, text.strip()))
    return out


def test_ruling_edges_and_skew_found_on_a_drawn_grid():
    pytest.importorskip("cv2", reason="OpenCV comes with the ocr extra (rapidocr-onnxruntime)")
    from PIL import Image, ImageDraw

    from juesuan.readers import scan
    from juesuan.readers.lattice import find_tables
    from juesuan.readers.settings import current

    scale = 150 / 72
    img = Image.new("L", (round(400 * scale), round(300 * scale)), 255)
    d = ImageDraw.Draw(img)
    xs, ys = [40, 140, 240, 360], [40, 70, 100, 130, 160]
    for x in xs:
        d.line([(x * scale, ys[0] * scale), (x * scale, ys[-1] * scale)], fill=0, width=2)
    for y in ys:
        d.line([(xs[0] * scale, y * scale), (xs[-1] * scale, y * scale)], fill=0, width=2)
    d.text((50 * scale, 50 * scale), "2010101", fill=0)
    turned = img.rotate(1.0, resample=Image.Resampling.BILINEAR, fillcolor=255)
    upright, angle = scan.deskew(turned)
    assert abs(angle + 1.0) <= 0.1, angle
    tables = find_tables(scan.ruling_edges(upright, scale), current().table_settings())
    assert len(tables) == 1
    rows = tables[0].rows
    assert len(rows) == len(ys) - 1 and all(len(r.cells) == len(xs) - 1 for r in rows)
    x0, top, x1, bottom = tables[0].bbox
    assert abs(x0 - xs[0]) < 3 and abs(x1 - xs[-1]) < 3 and abs(top - ys[0]) < 3 and abs(bottom - ys[-1]) < 3


def test_ocr_run_crossing_a_cell_boundary_is_cut_there():
    from juesuan.readers.scan import cut_runs

    word = ocr.OcrWord("27676.97", 100.0, 10.0, 140.0, 20.0, 0.99)
    cells = [(80.0, 5.0, 112.0, 25.0), (112.0, 5.0, 170.0, 25.0)]
    # 8 narrow characters over 40 pt: 5 pt each; the boundary at 112 falls after "27"
    # (100 + 2 × 5 = 110 is the nearest character boundary)
    out = cut_runs([word], cells)
    assert [w.text for w in out] == ["27", "676.97"]
    assert out[0].x1 == out[1].x0 and all(w.conf == word.conf for w in out)


def test_scan_of_a_generated_ruled_document_gives_its_grids_and_amounts(tmp_path):
    _rapidocr()
    from juesuan.readers import read

    text_pdf = _ruled_example(tmp_path, pages=2)
    scanned = _scan(text_pdf, tmp_path / "scan.pdf", SCAN_DPI)
    text, scan = read(text_pdf), read(scanned)
    assert scan.unread_pages == []
    # the same table rows, cell for cell in shape, on each page
    for page in (1, 2):
        shape = [len(ln.cells) for ln in text.lines if ln.page == page and len(ln.cells) >= 3]
        got = [len(ln.cells) for ln in scan.lines if ln.page == page and len(ln.cells) >= 3]
        assert got == shape, (page, got, shape)
    # every amount at its row and column, read exactly
    expected = _amount_grid(text)
    assert len(expected) >= 10
    assert _amount_grid(scan) == expected
    # each OCR'd cell carries its confidence, empty cells none
    for ln in scan.lines:
        assert ln.ocr and ln.confidences is not None and len(ln.confidences) == len(ln.cells)
        for text_, conf in zip(ln.cells, ln.confidences):
            assert (conf is None) == (not text_.strip()), (ln.cells, ln.confidences)
            assert conf is None or 0 <= conf <= 1


def test_skewed_jpeg_scan_is_turned_upright_and_read_the_same(tmp_path):
    _rapidocr()
    from juesuan.readers import read

    text_pdf = _ruled_example(tmp_path, pages=1)
    scanned = _scan(text_pdf, tmp_path / "skewed.pdf", SCAN_DPI, angle=1.0)
    expected = [(p, r, c, a) for p, r, c, a in _amount_grid(read(text_pdf))]
    assert expected
    assert _amount_grid(read(scanned)) == expected


def test_illegible_page_is_reported_unread_not_guessed(tmp_path, monkeypatch):
    _rapidocr()
    from juesuan.readers import read

    text_pdf = _ruled_example(tmp_path, pages=1)
    scanned = _scan(text_pdf, tmp_path / "scan.pdf", SCAN_DPI)
    real, real_rec = ocr.ocr_page, ocr.recognize

    def blurred(image, scale, **kw):  # what a photo or handwriting gives: runs read with low confidence
        return [replace(w, conf=w.conf / 3) for w in real(image, scale, **kw)]

    def blurred_lines(crops):  # the same through the recognizer of cells and detected lines
        return [(text, conf / 3, alts) for text, conf, alts in real_rec(crops)]

    monkeypatch.setattr(ocr, "ocr_page", blurred)
    monkeypatch.setattr(ocr, "recognize", blurred_lines)
    raw = read(scanned)
    assert raw.unread_pages == [1]
    assert "无法可靠识别" in raw.unread_reasons[1] and "照片或手写" in raw.unread_reasons[1]
    assert not any(c.strip() for ln in raw.lines for c in ln.cells)


def test_low_confidence_cell_makes_its_relations_insufficient_data_not_errors():
    from juesuan import api
    from juesuan import synth_layouts as sl
    from juesuan.model import Provenance

    doc = sl.source()
    clean = {r.id: r.status for r in api.check_document(doc).rules}
    table = next(t for t in doc.tables if t.form == "公开02表" or "收入决算" in t.name)
    row = next(r for r in table.rows if any(c.kind == CellKind.NUMBER for c in r.cells.values()))
    cid, cell = next((k, c) for k, c in row.cells.items() if c.kind == CellKind.NUMBER)
    # the doubtful cell is also misread: without the doubt, a relation would fail
    cell.value = (cell.value or 0) + 7
    cell.raw = str(cell.value)
    cell.provenance = Provenance("scan.pdf", 1, 1, None, True, None, 0.41, "文字识别置信度低（0.41），读数可能有误")
    rep = api.check_document(doc)
    assert not rep.errors, [f.message for f in rep.errors]
    changed = [r for r in rep.rules if r.status != clean.get(r.id)]
    assert changed and all(r.status == "insufficient_data" for r in changed)
    assert any("置信度低（0.41）" in (r.reason or "") for r in changed)


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("机关事业单位基本养老保险缴费支岀", "机关事业单位基本养老保险缴费支出"),  # one character misread
        ("二十六、抗疫特别国债安排的支", "二十六、抗疫特别国债安排的支出"),  # numbering kept, one lost
        ("示例单位2024年收入支出决算丧", "示例单位2024年收入支出决算表"),  # a title after a name and year
        ("年未结转和结余", "年未结转和结余"),  # as near to 年末… as to 年初…: ambiguous, left as read
        ("收）支出「决算表", "收）支出「决算表"),  # only the end of a shorter title is near: left
        ("其他交通费用", "其他交通费用"),  # a unit's own label one character longer than a known one
        ("2010101", "2010101"),  # codes are not labels
        ("--般公共服务支出", "一般公共服务支出"),  # 一 read as a dash, before a known label
        ("项目-名称", "项目-名称"),  # a dash that makes no known label stays
    ],
)
def test_ocr_text_is_snapped_to_known_labels_only_when_unambiguous(read, expected):
    pytest.importorskip("rapidfuzz", reason="rapidfuzz comes with the ocr extra")
    from juesuan.readers.snap import snap_text

    assert snap_text(read) == expected


@pytest.mark.parametrize(
    ("read", "expected"),
    [("1O.80", "10.80"), ("l,234.56", "1,234.56"), ("12,345。90", "12,345.90"), ("—", "—"), ("OIL", "OIL")],
)
def test_amount_cells_repaired_only_into_amounts(read, expected):
    from juesuan.readers.snap import fix_amount

    assert fix_amount(read) == expected


def test_amount_columns_are_those_mostly_holding_amounts():
    from juesuan.readers.snap import amount_columns

    rows = [["项目", "行次", "金额"], ["一、收入", "1", "1O.80"], ["二、支出", "2", "5.00"], ["合计", "3", "—"]]
    assert amount_columns(rows) == {1, 2}


def test_error_on_ocr_read_values_is_lowered_to_a_warning_saying_why():
    from juesuan import api
    from juesuan import synth_layouts as sl
    from juesuan.model import Provenance

    doc = sl.source()
    table = next(t for t in doc.tables if t.form == "公开02表" or "收入决算" in t.name)
    row = next(r for r in table.rows if any(c.kind == CellKind.NUMBER for c in r.cells.values()))
    cid, cell = next((k, c) for k, c in row.cells.items() if c.kind == CellKind.NUMBER)
    cell.value = (cell.value or 0) + 7
    cell.raw = str(cell.value)
    printed = api.check_document(doc)
    assert printed.errors  # the misprint is an error when the cell was printed as text
    rules = {f.rule for f in printed.errors}
    cell.provenance = Provenance("scan.pdf", 1, 1, None, True, None, 0.99, None)  # read by OCR, confidently
    rep = api.check_document(doc)
    lowered = [f for f in rep.findings if f.rule in rules and "文字识别（OCR）所得" in f.message]
    assert not rep.errors and lowered and all(f.severity == "warning" for f in lowered)


def test_without_opencv_a_scanned_page_is_still_read_as_free_text(tmp_path, monkeypatch):
    _rapidocr()
    from juesuan.readers import read, scan

    text_pdf = _ruled_example(tmp_path, pages=1)
    scanned = _scan(text_pdf, tmp_path / "scan.pdf", SCAN_DPI)
    monkeypatch.setattr(scan, "available", lambda: False)
    raw = read(scanned)
    assert raw.unread_pages == []
    assert raw.lines and all(ln.ocr for ln in raw.lines)
    # without the grid, neighbouring cells may be read as one run ("5 45.00"): every amount is
    # there, not necessarily as a cell of its own
    text = " ".join(c for ln in raw.lines for c in ln.cells)
    assert all(a in text for _, _, _, a in _amount_grid(read(text_pdf)))


def test_misread_digit_is_corrected_by_the_identities_and_the_recognizers_candidate(tmp_path, monkeypatch):
    """End to end: the recognizer misreads one digit of an amount (low confidence, the right digit
    its runner-up); the sums the amount is in repair it to that runner-up: the value is corrected
    and its provenance says so; no error-level finding."""
    _rapidocr()
    from juesuan import api

    text_pdf = _ruled_example(tmp_path, pages=4)
    scanned = _scan(text_pdf, tmp_path / "scan.pdf", SCAN_DPI)
    truth = api.load_document(text_pdf)
    target = next(
        c.raw
        for t in truth.tables
        for r in t.rows
        for c in r.cells.values()
        if c.kind == CellKind.NUMBER and c.value and c.value > 100 and "8" in c.raw.split(".")[0]
    )
    pos = target.index("8")
    wrong = target[:pos] + "3" + target[pos + 1 :]
    real = ocr.recognize
    done: list[str] = []

    def misreading(crops):
        out = []
        for text, conf, alts in real(crops):
            if text == target and not done:
                done.append(text)
                text, conf, alts = wrong, 0.6, ((pos, "8", 0.3),)
            out.append((text, conf, alts))
        return out

    monkeypatch.setattr(ocr, "recognize", misreading)
    doc = api.load_document(scanned)
    assert done, "the amount was not read at all"
    corrected = [c for t in doc.tables for r in t.rows for c in r.cells.values() if c.provenance and c.provenance.note]
    assert len(corrected) == 1
    assert corrected[0].raw == target and wrong in corrected[0].provenance.note
    assert not api.check_document(doc).errors


def _ink_boxes(width: int, height: int, blobs: list[tuple[int, int, int, int]]):
    import numpy as np

    ink = np.zeros((height, width), dtype=bool)
    for x0, y0, x1, y1 in blobs:
        ink[y0:y1, x0:x1] = True
    return ink


def test_detected_line_is_cut_at_column_gaps_not_between_characters_nor_after_a_mark():
    pytest.importorskip("cv2", reason="OpenCV comes with the ocr extra (rapidocr-onnxruntime)")
    from juesuan.readers.scan import split_line

    # glyphs 20 px tall: three 18-px glyphs 3 px apart, an 18-px column gap (≥ 0.8 × 20), two
    # glyphs, then a low small mark (、: 5 × 5 px at the baseline), a 20-px gap and one more glyph
    blobs = [(0, 0, 18, 20), (21, 0, 39, 20), (42, 0, 60, 20)]
    blobs += [(78, 0, 96, 20), (99, 0, 117, 20), (119, 15, 124, 20), (144, 0, 162, 20)]
    ink = _ink_boxes(170, 20, blobs)
    pieces = split_line(ink, (0, 0, 170, 20))
    assert [(a, c) for a, _, c, _ in pieces] == [(0, 60), (78, 162)]
    # letter-spaced text (gaps of 18 px between all its glyphs) is not cut
    spaced = _ink_boxes(120, 20, [(k * 36, 0, k * 36 + 18, 20) for k in range(3)])
    assert split_line(spaced, (0, 0, 120, 20)) == [(0, 0, 120, 20)]
    # one word: no cut, the detector's box kept
    assert split_line(ink, (0, 0, 62, 20)) == [(0, 0, 62, 20)]


def test_label_and_figure_read_as_one_run_are_cut_at_the_gap_between_them():
    pytest.importorskip("cv2", reason="OpenCV comes with the ocr extra (rapidocr-onnxruntime)")
    from juesuan.readers.scan import split_figure

    px = 2.0  # pixels per point
    # "45.00" (5 narrow glyphs, 11 px each with 2 px between) then a 7-px gap, then 事业 (2 × 20 px)
    blobs = [(k * 13, 2, k * 13 + 11, 20) for k in range(5)] + [(70, 0, 90, 20), (92, 0, 112, 20)]
    ink = _ink_boxes(120, 20, blobs)
    word = ocr.OcrWord("45.00事业", 0.0, 0.0, 56.0, 10.0, 0.97, ((1, "6", 0.2), (5, "亊", 0.1)))
    left, right = split_figure(word, ink, px)
    assert (left.text, right.text) == ("45.00", "事业")
    assert left.x1 == 31.5 and right.x0 == 35.0
    assert left.alternatives == ((1, "6", 0.2),) and right.alternatives == ((0, "亊", 0.1),)
    # a year inside a label has no gap: kept whole
    year = ocr.OcrWord("2023年", 0.0, 0.0, 30.0, 10.0, 0.97)
    tight = _ink_boxes(60, 20, [(0, 0, 60, 20)])
    assert split_figure(year, tight, px) == [year]


def test_pieces_beside_full_width_punctuation_are_one_text_but_not_beside_a_figure():
    from juesuan.readers.scan import _bracketed

    def w(text, x0, x1):
        return ocr.OcrWord(text, x0, 0.0, x1, 10.0, 0.9)

    assert _bracketed(w("部门：", 0, 30), w("示例市", 38, 68))
    assert _bracketed(w("其他政府办公厅", 0, 70), w("（室）", 76, 100))
    assert _bracketed(w("财政拨款", 0, 40), w("“三公”经费支出决算表", 48, 150))
    assert not _bracketed(w("单位：", 0, 30), w("45.00", 38, 60))
    assert not _bracketed(w("部门：", 0, 30), w("示例市", 80, 110))  # a column apart
    assert not _bracketed(w("事业运行", 0, 40), w("其他", 48, 68))


def test_faint_stroke_touching_a_lines_ink_is_kept_in_its_box_a_faint_speck_apart_is_not():
    pytest.importorskip("cv2", reason="OpenCV comes with the ocr extra (rapidocr-onnxruntime)")
    from juesuan.readers.scan import cell_lines

    # a cell 200 × 40 px (1 px per point): the label's dark glyphs from x = 40 to 150, rows 10–30;
    # the 一 before them a mid-grey stroke (x = 20..40, rows 19–21: lighter than ink, darker than
    # paper, as turning and JPEG leave a thin stroke in a 150-dpi scan); a faint speck at x = 170
    dark = _ink_boxes(200, 40, [(40, 10, 60, 30), (62, 10, 150, 30)])
    faint = dark | _ink_boxes(200, 40, [(20, 19, 40, 21), (170, 19, 172, 21)])
    cell = (0, 0, 200, 40)
    assert cell_lines(dark, cell, 1.0) == [(40, 10, 150, 30)]  # the dark ink alone loses the 一
    assert cell_lines(dark, cell, 1.0, faint) == [(20, 10, 150, 30)]


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("其他政府办公厅(室）及相关机构事务支出", "其他政府办公厅（室）及相关机构事务支出"),  # widths mixed
        ("其他政府办公厅（室）及相关机构事务支岀", "其他政府办公厅（室）及相关机构事务支出"),  # snapped: printed form
        ("其他单位(室)自有支出", "其他单位(室)自有支出"),  # one width only: as read
    ],
)
def test_ocr_label_brackets_of_mixed_width_are_read_full_width(read, expected):
    pytest.importorskip("rapidfuzz", reason="rapidfuzz comes with the ocr extra")
    from juesuan.readers.snap import snap_text

    assert snap_text(read) == expected


def test_skewed_jpeg_150_dpi_scan_reads_every_amount_under_its_row_label(tmp_path):
    """Amounts keyed by table, row code and label, column: a label whose first character (一、…) is
    lost, or a bracket read at the other width, loses its amounts too."""
    _rapidocr()
    from juesuan import api
    from juesuan.synth_layouts import amount_cells

    text_pdf = _ruled_example(tmp_path, pages=3)
    scanned = _scan(text_pdf, tmp_path / "skewed.pdf", SCAN_DPI, angle=-1.0)
    expected = amount_cells(api.load_document(text_pdf))
    assert sum(expected.values()) >= 20
    assert amount_cells(api.load_document(scanned)) == expected
