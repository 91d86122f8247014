"""OCR of scanned pages (juesuan.readers.ocr): engines, coordinates, text-layer triage.

Test pages are drawn here with Pillow in an installed CJK font; tests that need a font or an OCR
engine skip, saying which, when it is not installed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import helvetica_resources

from juesuan.errors import InputError
from juesuan.readers import ocr

FONT_PT = 10
ROWS = [
    ("科目编码", "科目名称", "合计", "基本支出"),
    ("201", "一般公共服务支出", "1,234.56", "1,000.00"),
    ("20101", "人大事务", "987.65", "900.00"),
    ("2010101", "行政运行", "12,345,678.90", "—"),
    ("208", "社会保障和就业支出", "3,210.98", "0.00"),
]
XS = [20, 80, 230, 330, 420]  # column edges in points
ROW_H = 20
TOP = 20


def cjk_font():
    from juesuan.annotate import find_cjk_font

    found = find_cjk_font()
    if not found:
        pytest.skip("no CJK font installed (e.g. Debian fonts-noto-cjk): cannot draw a Chinese test page")
    return found


def draw_table(scale: float, ruled: bool = True):
    """A small 决算-like table drawn at ``scale`` pixels per point; returns (image, cell boxes in
    points keyed by text)."""
    from PIL import Image, ImageDraw, ImageFont

    path, index = cjk_font()
    width_pt, height_pt = XS[-1] + 20, TOP + ROW_H * len(ROWS) + 20
    img = Image.new("L", (round(width_pt * scale), round(height_pt * scale)), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(path, round(FONT_PT * scale), index=index)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for r, row in enumerate(ROWS):
        y = TOP + r * ROW_H
        for c, text in enumerate(row):
            if ruled:
                d.rectangle(
                    [XS[c] * scale, y * scale, XS[c + 1] * scale, (y + ROW_H) * scale],
                    outline=0,
                    width=max(1, round(scale / 2)),
                )
            x = XS[c] + 4
            d.text((x * scale, (y + 4) * scale), text, font=font, fill=0)
            l, t, rr, b = d.textbbox((x * scale, (y + 4) * scale), text, font=font)
            boxes[text] = (l / scale, t / scale, rr / scale, b / scale)
    return img, boxes


def installed_engines() -> list[str]:
    import os

    out = []
    saved = os.environ.pop("JUESUAN_OCR", None)
    try:
        for name in ocr.ENGINES:
            os.environ["JUESUAN_OCR"] = name
            if ocr.engine() == name:
                out.append(name)
    finally:
        os.environ.pop("JUESUAN_OCR", None)
        if saved is not None:
            os.environ["JUESUAN_OCR"] = saved
    return out


ENGINES = installed_engines()


def test_unread_page_message_is_chinese_and_names_the_page():
    msg = ocr.UNREAD_PAGE_MESSAGE.format(page=3)
    assert msg == "第3页是扫描图像，未安装文字识别（OCR）组件，本页未读取"
    assert "3" in ocr.OCR_FAILED_MESSAGE.format(page=3, reason="超时")


def test_off_switch_makes_ocr_unavailable(monkeypatch):
    from PIL import Image

    monkeypatch.setenv("JUESUAN_OCR", "off")
    assert ocr.engine() is None
    assert not ocr.available()
    with pytest.raises(InputError, match="未安装文字识别"):
        ocr.ocr_page(Image.new("L", (50, 50), 255), 2.0)


@pytest.mark.parametrize("engine", ocr.ENGINES)
@pytest.mark.parametrize("dpi", [200, 300])
def test_amounts_are_read_exactly_with_boxes_in_points(engine, dpi):
    if engine not in ENGINES:
        pytest.skip(
            f"OCR engine {engine} is not installed (rapidocr: pip install 'juesuan[ocr]'; "
            "tesseract: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
        )
    scale = dpi / 72
    img, boxes = draw_table(scale)
    words = ocr.ocr_page(img, scale, engine_name=engine)
    by_text: dict[str, list[ocr.OcrWord]] = {}
    for w in words:
        by_text.setdefault(w.text, []).append(w)
    for amount in ("1,234.56", "1,000.00", "987.65", "900.00", "12,345,678.90", "3,210.98", "0.00"):
        assert amount in by_text, f"{engine} did not read {amount}: {[w.text for w in words]}"
        w = by_text[amount][0]
        x0, top, x1, bottom = boxes[amount]
        # the box is in PDF points (pixels / scale), around where the text was drawn
        assert abs(w.x0 - x0) < 4 and abs(w.x1 - x1) < 6, (w, boxes[amount])
        assert abs((w.top + w.bottom) / 2 - (top + bottom) / 2) < 4, (w, boxes[amount])
        assert 0 < w.conf <= 1
    assert "一般公共服务支出" in by_text or engine == "tesseract"  # tesseract may garble labels
    # reading order: top to bottom, then left to right
    centres = [(round((w.top + w.bottom) / 2 / 4), w.x0) for w in words]
    assert centres == sorted(centres)


@pytest.mark.parametrize("engine", ocr.ENGINES)
def test_low_resolution_page_is_enlarged_and_coordinates_stay_in_points(engine):
    if engine not in ENGINES:
        pytest.skip(f"OCR engine {engine} is not installed")
    scale = 100 / 72
    img, boxes = draw_table(scale)
    words = ocr.ocr_page(img, scale, engine_name=engine)
    found = {w.text: w for w in words}
    assert "3,210.98" in found
    w = found["3,210.98"]
    assert abs(w.x0 - boxes["3,210.98"][0]) < 5


def test_tesseract_tsv_words_are_merged_into_runs():
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        # one CJK label split in two words (in different blocks), then an amount in the next cell
        (5, 1, 1, 1, 1, 1, 100, 50, 40, 30, 95.0, "一般公共"),
        (5, 1, 2, 1, 1, 1, 150, 51, 40, 30, 91.0, "服务支出"),
        (5, 1, 3, 1, 1, 1, 400, 52, 110, 28, 96.5, "1,234.56"),
        # next line, a code then a label close to it: not joined (digits next to CJK)
        (5, 1, 4, 1, 1, 1, 10, 120, 70, 28, 90.0, "2010101"),
        (5, 1, 4, 1, 1, 2, 100, 120, 80, 30, 90.0, "行政运行"),
        (4, 1, 4, 1, 1, 0, 10, 120, 170, 30, -1, ""),
    ]
    tsv = head + "\n" + "\n".join("\t".join(str(v) for v in r) for r in rows) + "\n"
    runs = ocr.merge_tesseract_tsv(tsv)
    texts = [r[0] for r in runs]
    assert texts == ["一般公共服务支出", "1,234.56", "2010101", "行政运行"]
    label = runs[0]
    assert label[1:5] == (100, 50, 190, 81) and label[5] == pytest.approx(0.91)


@pytest.mark.parametrize(
    "read, expected",
    [
        ("一", "—"),
        ("-", "—"),
        ("_", "—"),
        ("12,345:90", "12,345.90"),
        ("45.07.", "45.07"),
        ("201.", "201."),
        ("2010101", "2010101"),
        ("行政运行", "行政运行"),
        ("1,234", "1,234"),
    ],
)
def test_tidy_fixes_only_certain_readings(read, expected):
    assert ocr._tidy(read) == expected


def test_remove_rulings_whitens_lines_and_keeps_text():
    from PIL import Image, ImageDraw

    scale = 3.0
    img = Image.new("L", (600, 300), 255)
    d = ImageDraw.Draw(img)
    d.line([(10, 100), (590, 100)], fill=0, width=2)  # a ruling 193 pt long
    d.line([(300, 10), (300, 290)], fill=0, width=2)
    d.rectangle([40, 140, 70, 170], fill=0)  # a blob of "text" 10 pt wide
    d.point([(500, 250)], fill=0)  # speckle
    out = ocr.remove_rulings(img, scale)
    assert out.getpixel((200, 100)) == 255 and out.getpixel((300, 200)) == 255
    assert out.getpixel((10, 100)) == 255 and out.getpixel((590, 100)) == 255  # ends too
    assert out.getpixel((55, 155)) == 0
    assert out.getpixel((500, 250)) == 255


def _pdf_bytes(content: bytes, font: bool = True) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    w = PdfWriter()
    page = w.add_blank_page(300, 200)
    s = DecodedStreamObject()
    s.set_data(content)
    page[NameObject("/Contents")] = w._add_object(s)
    if font:
        page[NameObject("/Resources")] = helvetica_resources()
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_page_has_text_layer():
    import pypdfium2 as pdfium
    from PIL import Image

    with_text = pdfium.PdfDocument(_pdf_bytes(b"BT /F1 12 Tf 20 100 Td (1,234.56) Tj ET"))
    blanks = pdfium.PdfDocument(_pdf_bytes(b"BT /F1 12 Tf 20 100 Td (   ) Tj ET"))
    empty = pdfium.PdfDocument(_pdf_bytes(b"0 0 m 10 10 l S", font=False))
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(buf, format="PDF")
    scanned = pdfium.PdfDocument(buf.getvalue())
    try:
        assert ocr.page_has_text_layer(with_text[0])
        assert not ocr.page_has_text_layer(blanks[0])
        assert not ocr.page_has_text_layer(empty[0])
        assert not ocr.page_has_text_layer(scanned[0])
    finally:
        for d in (with_text, blanks, empty, scanned):
            d.close()


def _scanned_pdf(tmp_path: Path, scale: float = 200 / 72) -> tuple[Path, dict]:
    img, boxes = draw_table(scale)
    path = tmp_path / "scan.pdf"
    img.convert("RGB").save(path, format="PDF", resolution=72 * scale)
    return path, boxes


def test_pdf_reader_marks_scanned_page_unread_without_ocr(tmp_path, monkeypatch):
    pytest.importorskip("juesuan.readers.pdf", reason="the PDF reader is not there yet")
    from juesuan.readers import read

    monkeypatch.setenv("JUESUAN_OCR", "off")
    path, _ = _scanned_pdf(tmp_path)
    raw = read(path)
    assert raw.unread_pages == [1]
    assert not any(ln.cells and any(c.strip() for c in ln.cells) for ln in raw.lines)


def _ocr_read(tmp_path):
    pytest.importorskip("juesuan.readers.pdf", reason="the PDF reader is not there yet")
    if not ocr.available():
        pytest.skip("no OCR engine installed (rapidocr-onnxruntime or tesseract-ocr + tesseract-ocr-chi-sim)")
    from juesuan.readers import read

    path, boxes = _scanned_pdf(tmp_path)
    return read(path), boxes


def test_pdf_reader_reads_scanned_page_by_ocr(tmp_path):
    raw, _ = _ocr_read(tmp_path)
    assert raw.unread_pages == []
    assert raw.lines and all(ln.ocr and ln.page == 1 for ln in raw.lines)
    text = "\n".join("\t".join(ln.cells) for ln in raw.lines)
    for amount in ("1,234.56", "987.65", "12,345,678.90", "3,210.98"):
        assert amount in text, text


def test_pdf_reader_keeps_ocr_cells_apart_with_their_boxes(tmp_path):
    raw, boxes = _ocr_read(tmp_path)
    cells = {}
    for ln in raw.lines:
        for text, box in zip(ln.cells, ln.bboxes or []):
            if text.strip():
                cells[text.strip()] = box
    for amount in ("1,234.56", "987.65", "12,345,678.90", "3,210.98"):
        assert amount in cells, sorted(cells)
        x0, top, x1, bottom = cells[amount]
        assert abs(x0 - boxes[amount][0]) < 5
        assert abs((top + bottom) / 2 - (boxes[amount][1] + boxes[amount][3]) / 2) < 5
    assert "社会保障和就业支出" in cells and "2010101" in cells
