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
from juesuan.readers import pdfgeom, read
from juesuan.report import cells_csv

FIXTURES = REPO / "tests" / "fixtures" / "roundtrip"


def _cells(path: Path) -> dict[tuple[str, str, str, str], str]:
    buf = io.StringIO()
    cells_csv(api.load_document(path), buf)
    return {(r[0], r[2], r[3], r[4]): r[5] for r in list(csv.reader(io.StringIO(buf.getvalue())))[1:]}


@pytest.fixture(scope="module")
def reference() -> dict[tuple[str, str, str, str], str]:
    return _cells(EXAMPLES / "example-clean.txt")


def _page_of(form: str) -> int:
    """The page of the ruled fixture that prints the table numbered ``form``."""
    raw = read(FIXTURES / "example-ruled.pdf")
    return next(ln.page for ln in raw.lines if any(c.strip() == form for c in ln.cells))


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


def test_three_line_pdf_round_trip_is_exact(reference) -> None:
    """Border-less (three-line) tables: every amount cell as in the source, as for ruled tables.

    The file has side-by-side blocks with headers wrapped over two and three lines (公开04), three
    code/name/amount blocks whose amounts touch the next block's codes (公开06, 公开07, the
    latter with one amount in a few rows only), a 行次 column the 栏次 row does not number
    (公开10/11), and a one-row table under a three-level header (公开12).
    """
    got = _cells(FIXTURES / "example-threeline.pdf")
    assert got == reference
    doc = api.load_document(FIXTURES / "example-threeline.pdf")
    assert not [t.id for t in doc.tables if t.reading_problems]


# -- border-less geometry on synthetic lines ---------------------------------------------------

_W = 8.0  # character width and height of the synthetic lines


def _line(top: float, *cells: tuple[str, float]) -> pdfgeom.Item:
    """A free line with one cell per (text, x0), each character _W wide (as _free_items makes)."""
    chars, texts, boxes = [], [], []
    for text, x0 in cells:
        for k, ch in enumerate(text):
            chars.append({"text": ch, "x0": x0 + k * _W, "x1": x0 + (k + 1) * _W, "top": top, "bottom": top + _W})
        texts.append(text)
        boxes.append((x0, top, x0 + len(text) * _W, top + _W))
    return pdfgeom.Item(top, top + _W, texts, boxes, chars=chars)


def _texts(items: list[pdfgeom.Item]) -> list[list[str]]:
    return [it.cells for it in items]


def test_lanci_numbers_skip_an_unnumbered_line_number_column() -> None:
    # 项目 | 行次 | 预算数 | 决算数: the 栏次 row numbers the two amount columns only; the 行次
    # numbers are nearer to 栏次 1 than the first amounts are, yet own no number.
    items = [
        _line(0, ("项目", 0), ("行次", 150), ("预算数", 200), ("决算数", 300)),
        _line(12, ("栏次", 0), ("1", 220), ("2", 320)),
        _line(24, ("一、支出", 0), ("1", 160), ("—", 215), ("—", 315)),
        *[_line(36 + 12 * k, (f"{k}. 项目", 0), (str(k + 2), 160), ("4.50", 228), ("14.04", 320)) for k in range(3)],
    ]
    pdfgeom.align_borderless(items)
    assert _texts(items)[:3] == [
        ["项目", "行次", "预算数", "决算数"],
        ["栏次", "", "1", "2"],
        ["一、支出", "1", "—", "—"],
    ]
    assert _texts(items)[3] == ["0. 项目", "2", "4.50", "14.04"]


def test_header_wrapped_over_two_lines_is_one_cell() -> None:
    # "一般公共预算财政" / "拨款" wrapped in a column no wider than its first line, straddling the
    # line of the one-line headers, beside an empty column headed "政府性基金预算财" / "政拨款":
    # each becomes one cell, on the line of the one-line headers.
    items = [
        _line(0, ("一般公共预算财政", 168), ("政府性基金预算财", 244)),
        _line(6, ("项目", 0), ("合计", 124)),
        _line(12, ("拨款", 192), ("政拨款", 264)),
        *[_line(30 + 12 * k, (f"科目{k}", 0), ("12.00", 120), ("12.00", 196)) for k in range(3)],
    ]
    pdfgeom.align_borderless(items)
    assert _texts(items)[0] == ["项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款"]
    assert len(items) == 4  # the lines left empty by the join are gone


def test_group_header_over_a_column_is_not_joined_with_it() -> None:
    # 本年支出 over 小计/基本支出/项目支出, centred over the middle one: not a wrapped cell (it
    # does not fill the column), so it stays a line of its own.
    items = [
        _line(0, ("本年支出", 184)),
        _line(6, ("科目名称", 0)),
        _line(12, ("小计", 112), ("基本支出", 184), ("项目支出", 264)),
        *[_line(30 + 12 * k, (f"科目{k}", 0), ("12.00", 120), ("10.00", 200), ("2.00", 288)) for k in range(3)],
    ]
    pdfgeom.align_borderless(items)
    assert _texts(items)[:3] == [
        ["", "", "本年支出", ""],
        ["科目名称", "", "", ""],
        ["", "小计", "基本支出", "项目支出"],
    ]


def test_side_by_side_code_name_amount_blocks() -> None:
    # Two 科目编码/科目名称/金额 blocks; most rows carry one amount, the amounts of the first block
    # touch the codes of the second, a three-digit code opens the second block, and a long name
    # of a row without amounts reaches under the header of its column.
    items = [
        _line(0, ("科目编码", 0), ("科目名称", 60), ("金额", 160), ("科目编码", 210), ("科目名称", 290), ("金额", 420))
    ]
    rows = [
        (("301", 0), ("工资福利支出", 60), ("302", 210), ("商品和服务支出", 290), ("125.84", 412)),
        (("30101", 0), ("基本工资", 60), ("6.00", 158), ("30201", 190), ("办公费", 290)),
        (("30102", 0), ("津贴补贴", 60), ("30202", 190), ("印刷费", 290), ("4.80", 420)),
        (("30103", 0), ("奖金", 60), ("3.00", 158), ("30203", 190), ("咨询费", 290)),
        (("30106", 0), ("伙食补助费", 60), ("30204", 190), ("对民间非营利组织补贴", 290)),
    ]
    items += [_line(12 + 12 * k, *cells) for k, cells in enumerate(rows)]
    pdfgeom.align_borderless(items)
    assert _texts(items) == [
        ["科目编码", "科目名称", "金额", "科目编码", "科目名称", "金额"],
        ["301", "工资福利支出", "", "302", "商品和服务支出", "125.84"],
        ["30101", "基本工资", "6.00", "30201", "办公费", ""],
        ["30102", "津贴补贴", "", "30202", "印刷费", "4.80"],
        ["30103", "奖金", "3.00", "30203", "咨询费", ""],
        ["30106", "伙食补助费", "", "30204", "对民间非营利组织补贴", ""],
    ]


def test_one_data_row_under_a_lanci_row_is_a_table() -> None:
    items = [
        _line(0, ("项目", 0), ("资产总额", 100), ("流动资产", 180), ("在建工程", 260)),
        _line(12, ("栏次", 0), ("1", 124), ("2", 204), ("3", 284)),
        _line(24, ("合计", 0), ("1,538.25", 100), ("356.42", 188), ("0.00", 276)),
    ]
    pdfgeom.align_borderless(items)
    assert _texts(items)[2] == ["合计", "1,538.25", "356.42", "0.00"]
    assert [b[0] for b in items[1].boxes if b] == [0, 124, 204, 284]


def test_cells_carry_page_and_bbox() -> None:
    doc = api.load_document(FIXTURES / "example-ruled.pdf")
    for t in doc.tables:
        for _, _, cell in t.iter_cells():
            p = cell.provenance
            assert p and p.page and p.bbox and p.bbox[0] < p.bbox[2] and p.bbox[1] < p.bbox[3]


def test_scanned_page_without_ocr_is_unread_not_missing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("JUESUAN_OCR", "off")
    page = _page_of("公开02表")  # the 收入决算表
    path = _scan([page], tmp_path)
    raw = read(path)
    assert raw.unread_pages == [page]
    report = api.check(path)
    doc = report.document
    assert "income" not in {t.id for t in doc.tables}
    assert any(f"第{page}页是扫描图像" in p for p in doc.reading_problems)
    # Not reported as a missing table or a gap in the form numbers, and no rule passes on it.
    assert not any("缺少" in f.message and "收入决算表" in f.message for f in report.findings)
    assert not any(f.rule == "completeness.form_numbering" for f in report.findings)
    statuses = {r.id: r for r in report.rules}
    assert statuses["income.hierarchy"].status == "insufficient_data"
    assert f"第{page}页" in (statuses["income.hierarchy"].reason or "")
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
    page = _page_of("公开01表")  # the 收入支出决算总表
    path = _scan([page], tmp_path)
    raw = read(path)
    assert raw.unread_pages == []
    page2 = [ln for ln in raw.lines if ln.page == page]
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
    codes = [
        ["201", "一般公共服务支出"],
        ["20103", "政府办公厅（室）及相关机构事务"],
        ["2010301", "行政运行"],
        ["208", "社会保障和就业支出"],
        ["20805", "行政事业单位养老支出"],
        ["2080505", "机关事业单位基本养老保险缴费支出"],
    ]
    # 1. Amount columns lost on the coded rows, the 合计 row kept them.
    lost = (
        head
        + [["", "合计", "120.00", "120.00"]]
        + [c + ["", ""] for c in codes]
        + [["注：本表反映部门本年度取得的各项收入情况。"]]
    )
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
    mid = (
        head
        + rows[:3]
        + [["", "合计", "120.00", "120.00"]]
        + rows[3:]
        + [["注：本表反映部门本年度取得的各项收入情况。"]]
    )
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


def test_continuation_grid_is_mapped_by_x_position_not_column_index() -> None:
    """A table continued on the next page whose grid was cut into other columns (here a stray rule
    splits the 本年收入合计 column) keeps its amounts in the columns of the page before."""
    from juesuan.readers.pdfgeom import Item, Page, map_continuations

    edges = [50.0, 100.0, 300.0, 400.0, 500.0]  # code | label | 本年收入合计 | 财政拨款收入

    def row(top: float, cells: list[str], xs: list[tuple[float, float]], col_edges: list[float]) -> Item:
        boxes = [(a, top, b, top + 12) for a, b in xs]
        return Item(top, top + 12, cells, boxes, grid=0, col_edges=col_edges)

    page1 = Page(
        1,
        595,
        842,
        [
            row(
                700 + 14 * k,
                ["2080501", "行政单位离退休", "54.53", "54.53"],
                [(50, 100), (100, 300), (300, 400), (400, 500)],
                edges,
            )
            for k in range(3)
        ],
    )
    split = [50.0, 100.0, 300.0, 320.0, 400.0, 500.0]
    page2 = Page(
        2,
        595,
        842,
        [
            row(
                60,
                ["210", "卫生健康支出", "", "236.64", "236.64"],
                [(50, 100), (100, 300), (300, 320), (320, 400), (400, 500)],
                split,
            )
        ],
    )
    map_continuations([page1, page2])
    assert page2.items[0].cells == ["210", "卫生健康支出", "236.64", "236.64"]
    # A grid that starts a new table (text above it on its page) is left alone.
    page3 = Page(
        3,
        595,
        842,
        [
            Item(40, 52, ["支出决算表"], [(200, 40, 300, 52)]),
            row(
                60,
                ["210", "卫生健康支出", "", "236.64", "236.64"],
                [(50, 100), (100, 300), (300, 320), (320, 400), (400, 500)],
                split,
            ),
        ],
    )
    map_continuations([page1, page3])
    assert page3.items[1].cells == ["210", "卫生健康支出", "", "236.64", "236.64"]


@pytest.mark.parametrize("name", ["example-ruled.pdf", "example-docx.pdf", "example-threeline.pdf"])
def test_clean_example_pdfs_have_no_findings(name: str) -> None:
    """The consistent generated example, printed three ways (the Word one repeats the header of the
    long 项目支出表 on its continuation page): no reading problem, no finding at all."""
    report = api.check(FIXTURES / name)
    assert not report.document.reading_problems
    assert not any(t.reading_problems for t in report.document.tables)
    assert report.findings == []


def test_two_tables_on_one_page(tmp_path: Path, reference) -> None:
    """公开10表 and 公开11表 of the ruled fixture scaled to half size and printed on one page: both
    tables are found and every amount cell reads as in the source (scaled coordinates too)."""
    import pypdf
    from pypdf import PageObject, Transformation

    src = FIXTURES / "example-ruled.pdf"
    first, second = _page_of("公开10表"), _page_of("公开11表")
    reader = pypdf.PdfReader(str(src))
    top, bottom = reader.pages[first - 1], reader.pages[second - 1]
    width, height = float(top.mediabox.width), float(top.mediabox.height)
    page = PageObject.create_blank_page(width=width, height=height)
    page.merge_transformed_page(top, Transformation().scale(0.5).translate(0, height / 2))
    page.merge_transformed_page(bottom, Transformation().scale(0.5))
    writer = pypdf.PdfWriter()
    writer.add_page(page)
    path = tmp_path / "two.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    got = _cells(path)
    names = {"财政拨款“三公”经费、行政参公单位机关运行经费情况表", "一般公共预算“三公”经费情况表"}
    expected = {k: v for k, v in reference.items() if k[0] in names}
    assert len({k[0] for k in expected}) == 2 and expected
    assert {k: got.get(k) for k in expected} == expected
