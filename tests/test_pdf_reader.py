"""The PDF reader on PDFs made by our own code (fixtures in tests/fixtures/roundtrip, made by
scripts/make_fixtures.py from the generated example): ruled and three-line tables, scanned pages
with and without OCR, page furniture, bad files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from juesuan import api
from juesuan.errors import InputError
from juesuan.readers import read
from juesuan.report import cells_csv

FIXTURES = REPO / "tests" / "fixtures" / "roundtrip"


def _cells(path: Path) -> dict[tuple[str, str, str, str], str]:
    buf = io.StringIO()
    cells_csv(api.load_document(path), buf)
    return {(r[0], r[2], r[3], r[4]): r[5] for r in list(csv.reader(io.StringIO(buf.getvalue())))[1:]}


@pytest.fixture(scope="module")
def reference() -> dict[tuple[str, str, str, str], str]:
    return _cells(EXAMPLES / "example-clean.txt")


def _scan(pages: list[int] | None, tmp_path: Path) -> Path:
    """The ruled fixture with the given pages replaced by images of themselves (a scan)."""
    import pypdf
    import pypdfium2 as pdfium

    src = FIXTURES / "example-ruled.pdf"
    pdf = pdfium.PdfDocument(str(src))
    writer = pypdf.PdfWriter()
    reader = pypdf.PdfReader(str(src))
    for i, page in enumerate(reader.pages, start=1):
        if pages is None or i in pages:
            img = pdf[i - 1].render(scale=150 / 72).to_pil().convert("RGB")
            one = tmp_path / f"page{i}.pdf"
            img.save(one, resolution=150)
            writer.add_page(pypdf.PdfReader(str(one)).pages[0])
        else:
            writer.add_page(page)
    pdf.close()
    out = tmp_path / "scanned.pdf"
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def test_ruled_pdf_round_trip_is_exact(reference) -> None:
    got = _cells(FIXTURES / "example-ruled.pdf")
    assert got == reference


def test_docx_made_pdf_round_trip_is_exact(reference) -> None:
    got = _cells(FIXTURES / "example-docx.pdf")
    assert {k: v for k, v in got.items() if k in reference} == reference


def test_three_line_pdf_places_most_cells(reference) -> None:
    """Border-less (three-line) tables: columns come from the amounts and the 栏次 row.

    Not yet exact (side-by-side blocks with wrapped headers still lose columns, see
    docs/benchmarks.md); this pins the level reached so that it cannot silently fall.
    """
    got = _cells(FIXTURES / "example-threeline.pdf")
    same = sum(1 for k, v in reference.items() if got.get(k) == v)
    assert same / len(reference) >= 0.70
    # Where it is exact: the 收入决算表 with its empty columns and 栏次 row.
    income = {k: v for k, v in reference.items() if k[0] == "收入决算表"}
    assert {k: got.get(k) for k in income} == income


def test_cells_carry_page_and_bbox() -> None:
    doc = api.load_document(FIXTURES / "example-ruled.pdf")
    for t in doc.tables:
        for _, _, cell in t.iter_cells():
            p = cell.provenance
            assert p and p.page and p.bbox and p.bbox[0] < p.bbox[2] and p.bbox[1] < p.bbox[3]


def test_scanned_page_without_ocr_is_unread_not_missing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("JUESUAN_OCR", "off")
    path = _scan([3], tmp_path)  # page 3 holds the 收入决算表 (公开02表)
    raw = read(path)
    assert raw.unread_pages == [3]
    report = api.check(path)
    doc = report.document
    assert "income" not in {t.id for t in doc.tables}
    assert any("第3页是扫描图像" in p for p in doc.reading_problems)
    # Not reported as a missing table or a gap in the form numbers, and no rule passes on it.
    assert not any("缺少" in f.message and "收入决算表" in f.message for f in report.findings)
    assert not any(f.rule == "completeness.form_numbering" for f in report.findings)
    statuses = {r.id: r for r in report.rules}
    assert statuses["income.hierarchy"].status == "insufficient_data"
    assert "第3页" in (statuses["income.hierarchy"].reason or "")
    assert statuses["completeness.required_tables"].status != "fail"


def test_fully_scanned_pdf_without_ocr_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("JUESUAN_OCR", "off")
    path = _scan(None, tmp_path)
    with pytest.raises(InputError, match="扫描图像"):
        api.load_document(path)


def test_scanned_page_with_ocr_marks_values(tmp_path: Path) -> None:
    from juesuan.readers import ocr

    if not ocr.available():
        pytest.skip("no OCR engine installed (optional: the `ocr` extra or Debian tesseract-ocr-chi-sim)")
    path = _scan([2], tmp_path)  # the 收入支出决算总表
    raw = read(path)
    assert raw.unread_pages == []
    page2 = [ln for ln in raw.lines if ln.page == 2]
    assert page2 and all(ln.ocr for ln in page2)
    text = " ".join(c for ln in page2 for c in ln.cells)
    for amount in ("628.77", "576.28", "676.97", "28.90"):
        assert amount in text
    doc = api.load_document(path)
    summary = doc.table("summary")
    assert summary is not None
    assert all(c.provenance.ocr for _, _, c in summary.iter_cells())


def test_page_numbers_and_running_footers_are_dropped() -> None:
    raw = read(FIXTURES / "example-ruled.pdf")
    for ln in raw.lines:
        text = "".join(ln.cells).strip()
        assert not text.isdigit() or len(ln.cells) > 1, f"page number kept: {text!r} on page {ln.page}"


def test_not_a_pdf_and_empty_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.4\n" + b"garbage" * 100)
    with pytest.raises(InputError, match="PDF"):
        read(fake)
    import pypdf

    blank = tmp_path / "blank.pdf"
    w = pypdf.PdfWriter()
    w.add_blank_page(595, 842)
    with blank.open("wb") as fh:
        w.write(fh)
    raw = read(blank)
    assert raw.unread_pages == [] and raw.lines == []  # a blank page is not a scan
    with pytest.raises(InputError, match="未在文件中识别出任何决算表格"):
        api.load_document(blank)


def _grid_text(lines: list[list[str]]) -> str:
    return "\n".join("\t".join(cells) for cells in lines) + "\n"


def test_self_check_codes_without_amounts_and_total_mid_table(tmp_path: Path) -> None:
    """Two implausible grids a poor extraction produces: the reader says so instead of letting
    the rules report a cascade of errors."""
    head = [["收入决算表"], ["单位：万元"], ["科目编码", "科目名称", "本年收入合计", "财政拨款收入"]]
    codes = [["201", "一般公共服务支出"], ["20103", "政府办公厅（室）及相关机构事务"], ["2010301", "行政运行"],
             ["208", "社会保障和就业支出"], ["20805", "行政事业单位养老支出"], ["2080505", "机关事业单位基本养老保险缴费支出"]]
    # 1. Amount columns lost on the coded rows, the 合计 row kept them.
    lost = head + [["", "合计", "120.00", "120.00"]] + [c + ["", ""] for c in codes] + [["注：本表反映部门本年度取得的各项收入情况。"]]
    path = tmp_path / "lost.txt"
    path.write_text(_grid_text(lost), encoding="utf-8")
    report = api.check(path)
    income = report.document.table("income")
    assert income.unreliable and any("金额列丢失" in p for p in income.reading_problems)
    assert not [f for f in report.errors if f.rule.startswith("income.")]
    assert {r.id: r.status for r in report.rules}["income.hierarchy"] == "insufficient_data"
    # 2. The same table whole, but its 合计 row printed between the coded rows.
    amounts = [["100.00"] * 2, ["100.00"] * 2, ["100.00"] * 2, ["20.00"] * 2, ["20.00"] * 2, ["20.00"] * 2]
    rows = [c + a for c, a in zip(codes, amounts)]
    mid = head + rows[:3] + [["", "合计", "120.00", "120.00"]] + rows[3:] + [["注：本表反映部门本年度取得的各项收入情况。"]]
    path = tmp_path / "mid.txt"
    path.write_text(_grid_text(mid), encoding="utf-8")
    income = api.load_document(path).table("income")
    assert any("合计”行出现在科目行中间" in p for p in income.reading_problems)
    # The whole table in the usual order raises neither.
    ok = head + [["", "合计", "120.00", "120.00"]] + rows + [["注：本表反映部门本年度取得的各项收入情况。"]]
    path = tmp_path / "ok.txt"
    path.write_text(_grid_text(ok), encoding="utf-8")
    income = api.load_document(path).table("income")
    assert not income.reading_problems and not income.unreliable
