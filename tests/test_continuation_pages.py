"""A table continued on the next page without its header (class "a continuation page without a
header"): its rows are placed on the columns of the page that printed the header, by x position,
not in the order their amounts come in a row; when that is ambiguous (another page size, amounts
between columns) the table says so, as a reading problem, and its rules are not checked.

Every document here is drawn by us: with fpdf2 (the small tables below) or by
juesuan.synth_layouts (our example disclosure in a layout variant)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from juesuan import api
from juesuan import synth_layouts as sl
from juesuan.readers.continuation import _leading_rows
from juesuan.readers.geometry import _Item

TITLE = "一般公共预算财政拨款支出决算表"
HEADER = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
WIDTHS = [80.0, 200.0, 75.0, 75.0, 75.0]
# (code, label, 合计, 基本支出, 项目支出): a functional-class table whose 类/款 rows are the sums
# of their children; the rows of the second page have no 基本支出, so read in order their 项目支出
# would land under 基本支出.
FIRST = [
    ("", "合计", "100.00", "60.00", "40.00"),
    ("201", "一般公共服务支出", "100.00", "60.00", "40.00"),
    ("20103", "政府办公厅（室）及相关机构事务", "60.00", "60.00", ""),
    ("2010301", "行政运行", "60.00", "60.00", ""),
    ("20132", "组织事务", "40.00", "", "40.00"),
]
SECOND = [
    ("2013202", "一般行政管理事务", "30.00", "", "30.00"),
    ("2013299", "其他组织事务支出", "10.00", "", "10.00"),
]


def _draw(
    path: Path,
    *,
    ruled: bool,
    continued: int = 2,
    shift: float = 0.0,
    landscape_second: bool = False,
    ruled_second: bool | None = None,
) -> Path:
    """The table over two pages, its header on the first only, its last ``continued`` rows on the
    second. ``shift`` moves all of the second page right by so many points;
    ``landscape_second`` prints that page landscape; ``ruled_second=False`` draws the rows of a
    ruled table's second page without rulings."""
    fonts = sl.cjk_fonts()
    try:
        from fpdf import FPDF
    except ImportError:
        pytest.skip("fpdf2 is not installed")
    if not fonts:
        pytest.skip("no CJK font found by fontconfig (fc-list :lang=zh)")
    font, index = fonts["sans"]
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=font, collection_font_number=index)
    pdf.set_line_width(0.6)
    size, height = 9.0, 18.0
    xs = [40.0]
    for w in WIDTHS:
        xs.append(xs[-1] + w)

    def row(
        y: float, cells: tuple[str, ...] | list[str], dx: float = 0.0, centre: bool = False, rules: bool = ruled
    ) -> float:
        for k, text in enumerate(cells):
            if rules:
                pdf.rect(xs[k] + dx, y, xs[k + 1] - xs[k], height)
            if not text:
                continue
            w = pdf.get_string_width(text)
            right = k >= 2 and text[0].isdigit()
            x = dx + (xs[k + 1] - 4 - w if right else xs[k] + 4)
            if centre:
                x = (xs[k] + xs[k + 1] - w) / 2
            pdf.text(x, y + height / 2 + size * 0.35, text)
        return y + height

    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.text(150, 60, TITLE)
    pdf.set_font("cjk", size=size)
    pdf.text(xs[-1] - pdf.get_string_width("单位：万元"), 90, "单位：万元")
    y = row(100.0, HEADER, centre=True)
    rows = FIRST + SECOND
    for r in rows[:-continued]:
        y = row(y, r)
    pdf.add_page(orientation="L" if landscape_second else "P")
    y = 40.0
    for r in rows[-continued:]:
        y = row(y, r, shift, rules=ruled if ruled_second is None else ruled_second)
    pdf.text(40, y + 20, "注：本表反映部门本年度一般公共预算财政拨款支出情况。")
    pdf.output(str(path))
    return path


def _read(path: Path):
    doc = api.load_document(path)
    table = next(t for t in doc.tables if t.id == "general_budget")
    own_errors = [f.rule for f in api.check_document(doc).errors if f.rule.startswith("general_budget")]
    return table, own_errors


def _cells(table) -> dict[str, tuple[Decimal | None, ...]]:
    return {
        r.code or r.label: tuple(r.cells[c].value if c in r.cells else None for c in ("total", "basic", "project"))
        for r in table.rows
    }


def _expected() -> dict[str, tuple[Decimal | None, ...]]:
    return {code or label: tuple(Decimal(v) if v else None for v in vals) for code, label, *vals in FIRST + SECOND}


@pytest.mark.parametrize("ruled", [False, True], ids=["border-less", "ruled"])
@pytest.mark.parametrize("continued", [1, 2], ids=["one row", "two rows"])
@pytest.mark.parametrize("shift", [0.0, 5.0], ids=["in place", "shifted a little"])
def test_rows_of_a_headerless_page_go_under_the_header_page_columns(
    tmp_path: Path, ruled: bool, continued: int, shift: float
):
    """The second page's amounts under 合计 and 项目支出 stay there (not under 合计 and 基本支出,
    their order in the row), also when the page sits a little to the right; in a ruled table also
    a single continued row, too few for a grid of its own."""
    table, errors = _read(_draw(tmp_path / "t.pdf", ruled=ruled, continued=continued, shift=shift))
    assert _cells(table) == _expected()
    assert not table.reading_problems
    assert errors == []


@pytest.mark.parametrize("continued", [1, 2], ids=["one row", "two rows"])
def test_unruled_rows_continuing_a_ruled_table_go_under_its_cells(tmp_path: Path, continued: int):
    """Rows printed without rulings after a ruled table: each text goes to the ruled cell above
    whose span holds it."""
    table, errors = _read(_draw(tmp_path / "t.pdf", ruled=True, continued=continued, ruled_second=False))
    assert _cells(table) == _expected()
    assert not table.reading_problems
    assert errors == []


def test_amounts_between_columns_are_a_reading_problem(tmp_path: Path):
    """Amounts of the headerless page half a column off the header page's: no silent guess; the
    table says which page and why, and its rules are not checked (no error)."""
    table, errors = _read(_draw(tmp_path / "t.pdf", ruled=False, shift=37.5))
    assert any("第2页续表未印表头" in p and "不在上页表头的任何一列之下" in p for p in table.reading_problems)
    assert table.unreliable
    assert errors == []


def test_other_page_size_is_a_reading_problem(tmp_path: Path):
    """A continuation page printed landscape after a portrait header page: its columns cannot be
    carried over; the table says so."""
    table, errors = _read(_draw(tmp_path / "t.pdf", ruled=False, landscape_second=True))
    assert any("第2页续表未印表头" in p and "页面大小或方向" in p for p in table.reading_problems)
    assert table.unreliable
    assert errors == []


@pytest.mark.parametrize(
    "kw",
    [
        # border-less, three header lines, tall rows: a continuation page whose rows fill only the
        # middle amount columns
        {"rules": "none", "header_lines": 3, "tall": True, "thousands": True, "zeros": "dash", "font": "serif"},
        {"rules": "threeline", "header_lines": 2, "font": "serif", "size": 10.0, "furniture": True},
        # ruled, 类/款/项 in three columns: one row continues on a page of its own
        {"rules": "ruled", "codes": "split", "header_lines": 2, "font": "serif", "size": 10.5},
        # ruled, tall rows with the label at the top and the amount at the bottom: likewise
        {
            "rules": "ruled",
            "tall": True,
            "valign": "top",
            "amount_valign": "bottom",
            "landscape": True,
            "furniture": True,
            "font": "serif",
            "size": 10.5,
        },
    ],
)
def test_layout_variants_continued_without_header_raise_no_false_error(tmp_path: Path, kw):
    """Our example disclosure printed with short pages and no repeated header: no error-level
    finding beyond those of the printed truth, and the continued 一般公共预算 table reads exactly
    or says it could not."""
    v = sl.Variant(seed=0, short_pages=True, repeat_header=False, **kw)
    try:
        out = sl.run_variant(sl.source(), v, tmp_path, check=True)
    except sl.NoFont as exc:
        pytest.skip(f"cannot draw layout variants: {exc}")
    assert out.errors == 0, out.error_rules
    assert not out.silent, out.lost_examples


def _line(*cells: str) -> _Item:
    boxes: list = [(40.0 + 60 * k, 0.0, 90.0 + 60 * k, 9.0) for k in range(len(cells))]
    return _Item(0.0, 9.0, list(cells), boxes)


def test_continuation_rows_end_where_the_table_does():
    """The rows taken as a continuation: table rows and a label fragment between or above them,
    down to the next table's title (which, with its header, is not placed on the columns above);
    a page that opens with a header line has none."""
    rows = [_line("2013202", "一般行政管理事务", "30.00", "30.00"), _line("2013299", "其他组织事务支出", "10.00")]
    nxt = [
        _line("一般公共预算财政拨款基本支出决算表"),
        _line("部门：示例单位", "单位：万元"),
        _line("科目编码", "科目名称"),
    ]
    assert _leading_rows(rows + nxt + rows) == rows
    wrapped = [_line("政府办公厅（室）及相关"), rows[0], _line("机构事务"), rows[1]]
    assert _leading_rows([*wrapped, _line("注：本表反映……")]) == wrapped
    assert _leading_rows([_line("科目编码", "科目名称", "合计"), *rows]) == []
