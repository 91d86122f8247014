"""Excel, Word, HTML and legacy office readers: structure, numbers, encodings and bad files.

Every file is made at test time (from our own generated example or built cell by cell)."""

from __future__ import annotations

import shutil
import struct
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from juesuan import api
from juesuan.cli import app
from juesuan.errors import InputError
from juesuan.readers import read
from juesuan.readers.xlsx import format_spec, number_text
from juesuan.writers.docx import write_docx
from juesuan.writers.html import to_html
from juesuan.writers.xlsx import write_xlsx

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
HAS_SOFFICE = shutil.which("soffice") is not None


def cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def assert_exit2(result, words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("错误："), result.stderr
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def texts(path: Path) -> list[list[str]]:
    return [line.cells for line in read(path).lines]


@pytest.fixture(scope="module")
def clean():  # type: ignore[no-untyped-def]
    return api.load_document(CLEAN)


def cells_csv(path: Path) -> str:
    result = cli("parse", str(path), "--format", "cells")
    assert result.exit_code == 0, result.stderr
    return result.stdout


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (0.1 + 0.2, "0.00", "0.30"),
        (0.1 + 0.2, "General", "0.3"),  # binary noise does not reach the text
        (45.0, None, "45"),  # whole numbers print without ".0"
        (45, "0.00", "45.00"),
        (1538.25, "#,##0.00", "1,538.25"),
        (1538.25, "#,##0.00_);[Red](#,##0.00)", "1,538.25"),
        (7.4, "0.0_ ", "7.4"),
        (2.675, "0.00", "2.68"),  # Excel shows 2.68, not the binary 2.67499…
        (-0.001, "0.00", "0.00"),  # never "-0.00"
        (0.125, "0.00%", "12.50%"),
        (1234567, "#,##0,", "1,235"),  # a trailing comma scales by 1000
        (Decimal("12.30"), "0.00", "12.30"),
        (1e20, None, "100000000000000000000"),
    ],
)
def test_number_text(value, fmt, text):  # type: ignore[no-untyped-def]
    assert number_text(value, fmt) == text


def test_format_spec_ignores_literals_and_colours():
    assert format_spec('"¥"#,##0.00;[Red]"¥"-#,##0.00') == (2, True, False, 0)
    assert format_spec("0.00E+00") == (None, False, False, 0)
    assert format_spec("@") == (None, False, False, 0)


# --- xlsx structure -------------------------------------------------------------------------


def test_xlsx_merged_header_hidden_row_and_column(tmp_path: Path):
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收入表"
    ws.append(["项目", None, "本年收入合计", "事业收入", None])
    ws.append([None, None, None, "小计", "其中"])
    ws.append(["201", "一般公共服务支出", 0.1 + 0.2, 45, "=C3+D3"])  # a formula without cached value
    ws.append(["内部草稿", "不应读出", 99, 99, 99])
    ws.append(["202", "外交支出", 1538.25, dt.date(2024, 1, 31), "—"])
    ws.merge_cells("A1:B2")  # merged header: value in the top-left only
    ws.merge_cells("C1:C2")
    ws.merge_cells("D1:E1")
    for cell in ("C3", "D3", "C5"):
        ws[cell].number_format = "#,##0.00"
    ws.row_dimensions[4].hidden = True
    ws.column_dimensions["F"].hidden = True
    ws["F3"] = "隐藏列"
    hidden = wb.create_sheet("草稿")
    hidden["A1"] = "隐藏的工作表"
    hidden.sheet_state = "hidden"
    second = wb.create_sheet("第二页")
    second["B2"] = "第二个工作表"
    path = tmp_path / "t.xlsx"
    wb.save(path)

    doc = read(path)
    assert [(ln.page, ln.number, ln.cells) for ln in doc.lines] == [
        (1, 1, ["项目", "", "本年收入合计", "事业收入"]),
        (1, 2, ["", "", "", "小计", "其中"]),
        (1, 3, ["201", "一般公共服务支出", "0.30", "45.00"]),
        (1, 5, ["202", "外交支出", "1,538.25", "2024-01-31", "—"]),
        (3, 2, ["", "第二个工作表"]),  # sheet 2 is hidden; sheet 3 keeps its number
    ]
    assert doc.lines[0].locator == "'收入表'!1:1"
    assert doc.page_count == 3


def test_xlsx_hidden_column_shifts_positions(tmp_path: Path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", "secret", "b", "c"])
    ws.column_dimensions["B"].hidden = True
    ws.merge_cells("C2:D2")
    ws.column_dimensions["C"].hidden = True
    ws["C2"] = "merged"  # top-left hidden: the value moves to the first visible cell (D2)
    path = tmp_path / "h.xlsx"
    wb.save(path)
    assert texts(path) == [["a", "c"], ["", "merged"]]  # B and C hidden: D moves next to A


def test_xls_and_ods_through_calamine(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: cannot make .xls/.ods files to read")
    from juesuan.readers.office import convert

    src = write_xlsx(clean, tmp_path / "clean.xlsx")
    for target in ("xls", "ods"):
        path = convert(src, target, tmp_path / target)
        back = api.load_document(path)
        # No number formats through calamine: compare values, not printed decimals.
        values = lambda d: sorted(  # noqa: E731
            (t.name, r.label, t.printed_header(r, c), x.kind, x.value)
            for t in d.tables
            for r, c, x in t.iter_cells()
            if x.kind in ("number", "dash")
        )
        assert values(back) == values(clean), target
        assert back.tables[0].provenance.page is not None


# --- docx structure -------------------------------------------------------------------------


def test_docx_merged_cells_expand_to_the_grid(tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("收入决算表")
    d.add_paragraph("部门：示例单位\t\t单位：万元")
    table = d.add_table(rows=4, cols=4)
    rows = [
        ["项目", "", "合计", "事业收入"],
        ["", "", "", "小计"],
        ["201", "一般公共服务支出", "576.28", "45.00"],
        ["202", "外交支出", "1.00", "—"],
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(1, 1))  # gridSpan 2 and vMerge over two rows
    table.cell(0, 2).merge(table.cell(1, 2))  # vMerge
    d.add_paragraph("注：本表为测试。")
    path = tmp_path / "t.docx"
    d.save(path)
    assert texts(path) == [
        ["收入决算表"],
        ["部门：示例单位", "单位：万元"],
        ["项目", "", "合计", "事业收入"],
        ["", "", "", "小计"],
        ["201", "一般公共服务支出", "576.28", "45.00"],
        ["202", "外交支出", "1.00", "—"],
        ["注：本表为测试。"],
    ]


def test_docx_layout_table_reads_its_content(tmp_path: Path):
    import docx

    d = docx.Document()
    outer = d.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "外层说明"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "201"
    inner.cell(0, 1).text = "12.50"
    path = tmp_path / "nested.docx"
    d.save(path)
    assert texts(path) == [["外层说明"], ["201", "12.50"]]


# --- html -----------------------------------------------------------------------------------


def test_html_rowspan_colspan_grid(tmp_path: Path):
    page = """<html><head><title>忽略</title><style>td{color:red}</style><script>var a="<table>";</script></head>
    <body><h2>收入决算表</h2><p>部门：示例<br>单位：万元</p>
    <table><caption>表一</caption>
    <tr><th rowspan="2" colspan="2">项目</th><th rowspan="2">合计</th><th colspan="2">事业收入</th></tr>
    <tr><th>小计</th><th>其中</th></tr>
    <tr><td>201</td><td>一般公共<br>服务支出</td><td>1,538.25</td><td>45.00</td><td></td></tr>
    </table><div>注：测试。</div></body></html>"""
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    assert texts(path) == [
        ["收入决算表"],
        ["部门：示例"],
        ["单位：万元"],
        ["表一"],
        ["项目", "", "合计", "事业收入"],
        ["", "", "", "小计", "其中"],
        ["201", "一般公共服务支出", "1,538.25", "45.00"],
        ["注：测试。"],
    ]


def test_html_gbk_with_meta_charset(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    page = to_html(clean).replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    gbk = tmp_path / "gbk.html"
    gbk.write_bytes(page.encode("gbk"))
    utf8 = tmp_path / "utf8.html"
    utf8.write_bytes(page.encode("utf-8"))
    assert cells_csv(gbk) == cells_csv(utf8)
    assert "一般公共服务支出" in cells_csv(gbk)


def test_html_gbk_without_declaration(tmp_path: Path):
    path = tmp_path / "nodecl.htm"
    path.write_bytes("<html><body><table><tr><td>项目</td><td>金额</td></tr></table></body></html>".encode("gbk"))
    assert texts(path) == [["项目", "金额"]]


def test_html_deep_nesting_is_bounded(tmp_path: Path):
    page = "<html><body>" + "<div>" * 10_000 + "深层文字" + "</div>" * 10_000
    page += "<table><tr><td>201</td><td>12.50</td></tr></table></body></html>"
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    start = time.monotonic()
    lines = texts(path)
    assert time.monotonic() - start < 10
    # Nothing after the deep part is lost (libxml2 alone would stop at 256 levels).
    assert ["深层文字"] in lines and lines[-1] == ["201", "12.50"]
    result = cli("check", str(path))
    assert_exit2(result, "未在文件中识别出任何决算表格")


def test_html_saved_as_xls_is_read_as_html(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "web.xls"
    path.write_bytes(to_html(clean).encode("utf-8"))
    html = tmp_path / "web.html"
    html.write_bytes(to_html(clean).encode("utf-8"))
    assert cells_csv(path) == cells_csv(html)


# --- bad files ------------------------------------------------------------------------------


def test_zero_byte_xlsx(tmp_path: Path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert_exit2(cli("check", str(path)), "文件为空")


def test_text_file_named_xlsx(tmp_path: Path):
    path = tmp_path / "fake.xlsx"
    path.write_text("收入决算表\n项目\t金额\n", encoding="utf-8")
    assert_exit2(cli("check", str(path)), "无法读取 Excel 文件")
    assert_exit2(cli("parse", str(path), "--format", "cells"), "无法读取 Excel 文件")


def test_truncated_xlsx(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    good = write_xlsx(clean, tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert_exit2(cli("check", str(path)), "无法读取 Excel 文件")


def _no_decompression(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a member was decompressed before the size check")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def test_zip_bomb_by_ratio(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(40):  # 40 MB of zeros: compresses about 1000:1
                member.write(chunk)
    assert path.stat().st_size < 200_000
    _no_decompression(monkeypatch)
    start = time.monotonic()
    with pytest.raises(InputError, match="压缩炸弹"):
        read(path)
    assert time.monotonic() - start < 2
    monkeypatch.undo()
    assert_exit2(cli("check", str(path)), "压缩炸弹")


def test_zip_bomb_by_declared_size(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """A small member whose headers declare 300 MB: refused from the declared sizes alone."""
    path = tmp_path / "declared.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<x/>" * 1000)
    data = bytearray(path.read_bytes())
    huge = 300 * 1024 * 1024
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed-size fields
        at = 0
        while (at := data.find(sig, at)) != -1:
            struct.pack_into("<I", data, at + offset, huge)
            at += 4
    path.write_bytes(bytes(data))
    _no_decompression(monkeypatch)
    with pytest.raises(InputError, match="压缩炸弹"):
        read(path)
    monkeypatch.undo()
    assert_exit2(cli("check", str(path)), "压缩炸弹")


def test_docx_that_is_really_a_workbook_is_read_as_one(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    xlsx = write_xlsx(clean, tmp_path / "real.xlsx")
    renamed = tmp_path / "renamed.docx"
    renamed.write_bytes(xlsx.read_bytes())
    assert cells_csv(renamed) == cells_csv(xlsx)
    assert read(renamed).format == "xlsx"


def test_xlsx_that_is_really_a_word_document_is_read_as_one(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    real = write_docx(clean, tmp_path / "real.docx")
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(real.read_bytes())
    assert cells_csv(renamed) == cells_csv(real)


def test_docx_that_is_text_or_another_zip(tmp_path: Path):
    text = tmp_path / "text.docx"
    text.write_text("不是 Word 文件", encoding="utf-8")
    assert_exit2(cli("check", str(text)), "无法读取 Word 文件")
    other = tmp_path / "other.docx"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert_exit2(cli("check", str(other)), "不是 Excel/Word/OpenDocument 文件")


def test_corrupt_docx_package(tmp_path: Path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<not-closed")
    assert_exit2(cli("check", str(path)), "无法读取 Word 文件")


def test_unknown_suffix_is_sniffed(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    xlsx = write_xlsx(clean, tmp_path / "a.xlsx")
    blob = tmp_path / "download.bin"
    blob.write_bytes(xlsx.read_bytes())
    assert cells_csv(blob) == cells_csv(xlsx)


def test_doc_without_libreoffice(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    from juesuan.readers import office

    path = tmp_path / "old.doc"
    entry = "WordDocument".encode("utf-16-le").ljust(64, b"\0") + struct.pack("<HB", 26, 2)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + entry.ljust(128, b"\0"))
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    assert_exit2(cli("check", str(path)), "需要 LibreOffice（soffice），当前系统未安装")


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_doc_through_libreoffice(clean, tmp_path: Path):  # type: ignore[no-untyped-def]
    from juesuan.readers.office import convert

    source = write_docx(clean, tmp_path / "clean.docx")
    doc = convert(source, "doc", tmp_path / "doc")
    assert doc.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    assert cells_csv(doc) == cells_csv(source)
    result = cli("check", str(doc))
    assert result.exit_code == 0, result.stderr


def _ole(*names: str) -> bytes:
    """A minimal OLE compound file whose directory names ``names`` (the rest is junk)."""
    entries = b""
    for name in names:
        raw = name.encode("utf-16-le")
        entries += (raw.ljust(64, b"\0") + struct.pack("<HB", len(raw) + 2, 2)).ljust(128, b"\0")
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + entries + b"\x07" * 2048


def test_garbage_xls(tmp_path: Path):
    path = tmp_path / "junk.xls"
    path.write_bytes(_ole("Workbook"))
    assert_exit2(cli("check", str(path)), "无法读取 Excel 文件")


def test_encrypted_office_file(tmp_path: Path):
    for name in ("secret.xlsx", "secret.docx"):
        path = tmp_path / name
        path.write_bytes(_ole("EncryptionInfo", "EncryptedPackage"))
        assert_exit2(cli("check", str(path)), "文件已加密")
