"""Hardening against hostile input: property-based tests (hypothesis) of the text reader, the
recognizer and the rule engine (arbitrary text, and our example's lines shuffled, dropped and
corrupted, end in a report or an InputError, never another exception), exact Decimal parsing round
trips, and formula injection in our XLSX and CSV outputs (text a spreadsheet would run as a
formula is written as text; amounts stay numbers)."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis 未安装（测试组件 juesuan[test]）")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from juesuan import api  # noqa: E402
from juesuan.errors import InputError  # noqa: E402
from juesuan.report import cells_csv  # noqa: E402
from juesuan.textnorm import CellKind, csv_safe, format_decimal, parse_amount  # noqa: E402
from juesuan.writers.xlsx import write_xlsx  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CLEAN = REPO / "examples" / "example-clean.txt"
LINES = CLEAN.read_text(encoding="utf-8").splitlines()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_text(data: bytes) -> None:
    """Check ``data`` as a text file: a report, or an InputError (a clear message), nothing else."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "doc.txt"
        p.write_bytes(data)
        try:
            report = api.check(p)
        except InputError as err:
            assert str(err) and err.code
            return
        assert report.document is not None
        for f in report.findings:
            assert f.rule and f.severity in ("error", "warning", "info")


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text_is_a_report_or_an_input_error(text: str):
    _check_text(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_are_a_report_or_an_input_error(data: bytes):
    _check_text(data)


@st.composite
def mangled_example(draw) -> str:
    """Our example's lines, some dropped, duplicated or moved, some cells replaced by hostile text."""
    picks = draw(st.lists(st.integers(0, len(LINES) - 1), min_size=1, max_size=len(LINES)))
    hostile = st.sampled_from(
        ["", "-", "—", "=1+1", "@SUM(A1)", "1e999", "NaN", "Infinity", "(1.00)", "9" * 40, "0.0000001", "１２３",
         "\x00", "\u202e", "合计", "单位：亿元", "公开01表", "1,2,3", "--5", "12.3.4"]
    )  # fmt: skip
    out = []
    for i in picks:
        cells = LINES[i].split("\t")
        if len(cells) > 1 and draw(st.booleans()):
            cells[draw(st.integers(0, len(cells) - 1))] = draw(hostile)
        out.append("\t".join(cells))
    return "\n".join(out)


@SETTINGS
@given(mangled_example())
def test_mangled_example_is_a_report_or_an_input_error(text: str):
    _check_text(text.encode("utf-8"))


@settings(max_examples=500, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**15), max_value=10**15))
def test_amounts_round_trip_exactly(value: Decimal):
    kind, back = parse_amount(format_decimal(value))
    assert kind == CellKind.NUMBER and back == value
    kind, back = parse_amount(f"{value:,}")  # with thousands separators, as printed
    assert kind == CellKind.NUMBER and back == value
    if value > 0:
        assert parse_amount(f"({value})") == (CellKind.NUMBER, -value)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=50))
def test_csv_safe_never_leaves_a_formula(text: str):
    safe = csv_safe(text)
    if safe != text:
        assert safe == "'" + text
    elif text[:1] in ("=", "+", "-", "@", "\t", "\r"):  # left as it is: only a plain signed number
        assert re.fullmatch(r"[+-][\d,]*\.?\d*%?", text) and any(c.isdigit() for c in text)


def test_csv_safe_examples():
    assert csv_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_safe("+1+cmd") == "'+1+cmd"
    assert csv_safe("@SUM(A1:A2)") == "'@SUM(A1:A2)"
    assert csv_safe("-A1") == "'-A1"
    assert csv_safe("-1,234.50") == "-1,234.50"  # a negative amount stays a number
    assert csv_safe("+3.5%") == "+3.5%"
    assert csv_safe("-") == "'-"
    assert csv_safe("一般公共服务支出") == "一般公共服务支出"


HOSTILE = '=HYPERLINK("http://example.invalid","点击")'


@pytest.fixture(scope="module")
def hostile_doc():
    doc = api.load_document(CLEAN)
    doc.tables[0].rows[0].label = HOSTILE
    doc.tables[0].title = "@" + (doc.tables[0].title or "")
    return doc


def test_xlsx_writes_formula_like_text_as_text(hostile_doc, tmp_path: Path):
    from openpyxl import load_workbook

    path = write_xlsx(hostile_doc, tmp_path / "h.xlsx")
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) for n in sheets)  # no formula anywhere
    wb = load_workbook(path)
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert texts and all(c.data_type == "s" for c in texts)
    numbers = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float, Decimal))]
    assert len(numbers) > 100 and all(c.data_type == "n" for c in numbers)  # amounts stay numbers


def test_cells_csv_escapes_text_and_keeps_amounts(hostile_doc):
    out = io.StringIO()
    cells_csv(hostile_doc, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    labels = {r[3] for r in rows[1:]}
    assert "'" + HOSTILE in labels and HOSTILE not in labels
    for r in rows[1:]:
        assert not r[3].startswith(("=", "+", "@")) and not r[4].startswith(("=", "+", "@"))
        assert parse_amount(r[5])[0] == CellKind.NUMBER  # amounts as numbers (negatives keep their sign)


def test_store_csv_cells_escape_text_not_numbers():
    from juesuan.store.export import _csv_cell

    assert _csv_cell(Decimal("-5.00")) == "-5.00" and _csv_cell(-3) == "-3"
    assert _csv_cell("=1+1") == "'=1+1" and _csv_cell("-12.00") == "-12.00"


def test_calamine_panic_found_by_the_fuzzer_is_an_input_error(tmp_path: Path):
    """scripts/fuzz_readers.py found a worksheet on which python-calamine (native) aborts the
    process; the reader runs calamine in a helper process, so the file is an InputError."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from fuzz_readers import xlsx_package
    finally:
        sys.path.remove(str(REPO / "scripts"))
    from juesuan import readers

    p = tmp_path / "panic.xlsx"
    p.write_bytes(xlsx_package((REPO / "tests" / "fixtures" / "fuzz" / "xlsx-calamine-panic.bin").read_bytes()))
    with pytest.raises(InputError):
        readers.read(p)


@pytest.mark.parametrize("charset", ["uu", "base64", "zlib", "rot13", "hex", "bz2", "quopri"])
def test_html_declaring_a_non_text_codec_is_read_by_the_usual_encodings(tmp_path: Path, charset: str):
    """A page whose charset names a codec that is not a text encoding (found by the fuzzer: a
    LookupError escaped) is decoded as a page with a wrong declaration: UTF-8, then GB18030."""
    from juesuan import readers

    p = tmp_path / "page.html"
    p.write_bytes(
        f'<html><head><meta charset="{charset}"></head><body><table>'
        "<tr><td>项目</td><td>金额</td></tr><tr><td>一般公共服务支出</td><td>1,234.50</td></tr>"
        "</table></body></html>".encode("utf-8")
    )
    raw = readers.read(p)
    assert any("一般公共服务支出" in c for ln in raw.lines for c in ln.cells)
    q = tmp_path / "fuzzed.html"
    q.write_bytes((REPO / "tests" / "fixtures" / "fuzz" / "html-uu-charset.bin").read_bytes())
    try:
        readers.read(q)
    except InputError:
        pass
