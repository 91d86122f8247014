"""ReaderSettings: every reading threshold is a named, documented, overridable field."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest

from juesuan.errors import InputError
from juesuan.readers import read
from juesuan.readers.settings import DEFAULT, ENV, ReaderSettings, current

REPO = Path(__file__).resolve().parents[1]
READERS = REPO / "src" / "juesuan" / "readers"
THREELINE = REPO / "tests" / "fixtures" / "roundtrip" / "example-threeline.pdf"
ROW = "一、一般公共预算财政拨款收入"


def _row(path: Path, settings: ReaderSettings | None = None) -> list[str]:
    raw = read(path, settings)
    return next(ln.cells for ln in raw.lines if ln.cells and ln.cells[0].startswith(ROW))


def test_a_changed_threshold_takes_effect() -> None:
    # the border-less 收入支出决算总表 row: label | 行次 | amount | label | 行次 | amount
    assert _row(THREELINE) == [ROW, "1", "628.77", "一、一般公共服务支出", "31", "576.28"]
    wide = _row(THREELINE, ReaderSettings.from_overrides(cell_gap_em=40))
    assert len(wide) == 1 and wide[0].startswith(ROW) and "576.28" in wide[0]
    assert current() is DEFAULT  # the override held for that reading only
    assert _row(THREELINE) == [ROW, "1", "628.77", "一、一般公共服务支出", "31", "576.28"]


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, '{"cell_gap_em": 40}')
    assert len(_row(THREELINE)) == 1
    monkeypatch.setenv(ENV, '{"cell_gap": 40}')
    with pytest.raises(InputError, match="未知的读取参数：cell_gap"):
        read(THREELINE)
    monkeypatch.setenv(ENV, "[1]")
    with pytest.raises(InputError, match=ENV):
        read(THREELINE)


def _footer_pdf(path: Path, pages: int = 3) -> Path:
    """Pages of body text with a page number ("- n -") low in the bottom margin."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=11)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.text(72, 200, f"Text page {n}")
        pdf.text(290, 820, f"- {n} -")
    pdf.output(str(path))
    return path


def test_page_furniture_margin_is_a_setting(tmp_path: Path) -> None:
    path = _footer_pdf(tmp_path / "footer.pdf")
    texts = ["".join(ln.cells) for ln in read(path).lines]
    assert texts == [f"Text page {n}" for n in (1, 2, 3)]
    # with no margin band, the page numbers are text like any other
    kept = ["".join(ln.cells) for ln in read(path, DEFAULT.replace(margin_fraction=0.0)).lines]
    assert [t for t in kept if t.startswith("-")] == ["- 1 -", "- 2 -", "- 3 -"]


def test_overrides_are_checked() -> None:
    s = ReaderSettings.from_overrides(table_min_rows=4.0, line_tol=1)
    assert s.table_min_rows == 4 and isinstance(s.table_min_rows, int)
    assert s.line_tol == 1.0 and isinstance(s.line_tol, float)
    assert DEFAULT.table_min_rows == 3  # frozen default untouched
    with pytest.raises(InputError):
        ReaderSettings.from_overrides(line_tol="wide")
    with pytest.raises(InputError):
        DEFAULT.replace(no_such_threshold=1)
    with pytest.raises(AttributeError):
        DEFAULT.line_tol = 2.0  # type: ignore[misc]


def test_every_field_is_documented() -> None:
    doc = (REPO / "docs" / "readers.md").read_text(encoding="utf-8")
    table = {ln.split("|")[1].strip().strip("`") for ln in doc.splitlines() if ln.startswith("| `")}
    missing = [f.name for f in fields(ReaderSettings) if f.name not in table]
    assert not missing, f"fields not in the docs/readers.md table: {missing}"
    for f in fields(ReaderSettings):
        row = next(ln for ln in doc.splitlines() if ln.startswith(f"| `{f.name}` |"))
        assert row.split("|")[2].strip() == str(getattr(DEFAULT, f.name)), row


# Numbers that may stay in the reader modules: 0/1/2 (halves, pairs, floors), subscripts and
# round() digits, and these named module constants, which are limits or codes, not thresholds.
_ALLOWED_NAMES = {
    "MAX_PAGES",
    "MAX_CHARS_PER_PAGE",
    "MAX_FORM_DEPTH",  # limits of an acceptable input (not geometry)
    "_ERR_ENCRYPTED",  # PDFium error codes
    "_FULL_TURN",  # degrees in a turn
    "_WHITE",  # the grey level of white paper (8-bit images)
    "_RGBA",
    "_FULL_PAINT",  # colour components (PDFium's four, pdfplumber's 0-1 scale): codes, not thresholds
    "_CONNECTIVITY",  # pixel neighbourhood of a connected component (OpenCV's 4 or 8)
    "_ONE_AROUND",  # a 3 × 3 structuring element: one pixel all round
    "_PATH",
    "_IMAGE",
    "_FORM",  # PDFium page object type codes
    "_POINTS_PER_INCH",  # a unit
    "_NO_SPACING",  # an infinite cost
    "_REASON_CHARS",  # length of a message
    "_EPS",  # a float-rounding margin of a search window, not a threshold
}
_ALLOWED_VALUES = {0x110000}  # one past the last Unicode code point


def _bare_numbers(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    allowed_nodes = set()
    for node in tree.body:  # module-level constants named in the allow-list
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        if names and names <= _ALLOWED_NAMES:
            allowed_nodes |= set(ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if (
            not isinstance(node, ast.Constant)
            or isinstance(node.value, bool)
            or not isinstance(node.value, (int, float))
        ):
            continue
        if node.value in (0, 1, 2) or node.value in _ALLOWED_VALUES or node in allowed_nodes:
            continue
        up = parents.get(node)
        if isinstance(up, ast.UnaryOp):
            up = parents.get(up)
        if isinstance(up, ast.Subscript) or isinstance(up, ast.Slice):
            continue
        if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and up.func.id == "round" and node in up.args[1:]:
            continue
        found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    return found


@pytest.mark.parametrize("module", ["geometry.py", "borderless.py", "continuation.py", "pdf.py", "scan.py", "snap.py"])
def test_no_bare_threshold_literals(module: str) -> None:
    assert _bare_numbers(READERS / module) == []
