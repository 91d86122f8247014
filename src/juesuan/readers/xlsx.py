"""Reader for spreadsheets: ``.xlsx``/``.xlsm`` (openpyxl), ``.xls``, ``.xlsb`` and ``.ods``
(python-calamine).

Every visible worksheet is read in workbook order; a worksheet is a "page" whose number is its
1-based position among all sheets of the workbook (hidden sheets are skipped but keep their
number, so page numbers always match the workbook). One :class:`~juesuan.raw.RawLine` per
non-empty row: ``number`` is the worksheet row number and ``locator`` names the sheet and row
(``'公开01表'!7:7``).

- Merged cells: the value sits in the top-left cell (or the first visible cell when that one is
  hidden); the other cells of the merge are ``''`` so column positions stay right.
- Hidden rows and hidden columns (including zero height/width) are skipped, as a reader of the
  printed sheet would not see them. Column positions are those of the visible columns. python-
  calamine does not report hidden rows/columns, so for ``.xls``/``.xlsb``/``.ods`` they are read.
- Numbers are converted to text exactly: the binary float is rounded to 15 significant digits
  (Excel's own precision, so ``0.1+0.2`` gives ``0.3``), then, for ``.xlsx``, to the decimals and
  thousands separators of the cell's number format (``'#,##0.00'`` → ``1,538.25``; percentages as
  ``12.50%``). Whole numbers print without ``.0``. ``.xls``/``.xlsb``/``.ods`` carry no number
  formats through python-calamine: their numbers print with the digits they have.
- Dates print as ``2024-01-31``; formulas without a cached value read as empty cells.
- python-calamine runs in a helper process (see :func:`_run_calamine`): a corrupt binary file
  cannot take the caller down with it.

Limits (explicit, see the constants): zip packages are checked before anything is decompressed
(:func:`juesuan.readers.office.check_zip`), and the number of cells, lines and columns is capped.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..raw import RawDocument, RawLine
from . import register
from .office import check_zip, clean_text, dispatch, sniff

MAX_CELLS = 2_000_000  # stored cells of a whole workbook
MAX_LINES = 200_000  # rows produced for a whole workbook
MAX_COLUMNS = 16_384  # Excel's own limit
MAX_OUTPUT_CELLS = 5_000_000  # cells of all produced lines (width included)

_PREC15 = Context(prec=15, rounding=ROUND_HALF_UP)


# --- numbers ----------------------------------------------------------------------------------


def _strip_format(section: str) -> str:
    section = re.sub(r'"[^"]*"', "", section)  # quoted literals
    section = re.sub(r"\\.", "", section)  # escaped characters
    section = re.sub(r"\[[^\]]*\]", "", section)  # colours, conditions, locales
    section = re.sub(r"[_*].", "", section)  # padding and fill characters
    return section


def format_spec(number_format: str | None) -> tuple[int | None, bool, bool, int]:
    """``(decimals, grouping, percent, scale)`` of an Excel number format's positive section.
    ``decimals`` is None for General, text and formats we do not imitate (scientific, fractions):
    the number then prints with its own digits. ``scale`` is the number of trailing commas
    (each divides by 1000)."""
    if not number_format or number_format.strip().lower() in ("general", "@"):
        return None, False, False, 0
    # The first section (positive numbers); ';' inside quotes does not separate sections.
    section = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', number_format)[0]
    section = _strip_format(section)
    if re.search(r"[eE][+-]|\?/|#/", section):
        return None, False, False, 0
    m = re.search(r"([#0?,]*[#0?])(,*)(?:\.([#0?]*))?", section)
    if m is None:
        return None, False, False, 0
    integer, scale, fraction = m.group(1), len(m.group(2)), m.group(3)
    return len(fraction or ""), "," in integer, "%" in section, scale


def number_text(value: int | float | Decimal, number_format: str | None = None) -> str:
    """A cell number as the text a reader of the sheet sees (see the module docstring). Floats
    are never turned into Decimal through their binary expansion."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        d = _PREC15.plus(Decimal(repr(value)))
    else:
        d = Decimal(value)
    decimals, grouping, percent, scale = format_spec(number_format)
    if scale:
        d = d.scaleb(-3 * scale)
    if percent:
        d = d * 100
    if decimals is None:
        d = _PREC15.plus(d)
        if d == d.to_integral_value():
            d = d.quantize(Decimal(1))
        else:
            d = d.normalize()
    else:
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if d == 0:
        d = abs(d)  # no "-0.00"
    text = format(d, ",f" if grouping else "f")
    return text + "%" if percent else text


def value_text(value: Any, number_format: str | None = None) -> str:
    """Any cell value as text: numbers by :func:`number_text`, dates as ISO dates, booleans as
    TRUE/FALSE, strings cleaned (line breaks joined)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return number_text(value, number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return clean_text(str(value))


# --- building lines ---------------------------------------------------------------------------


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class _SheetGrid:
    """The visible cells of one worksheet, merged cells resolved, as RawLines."""

    def __init__(self, page: int, name: str, hidden_rows: set[int], hidden_cols: set[int]):
        self.page = page
        self.name = name
        self.hidden_rows = hidden_rows
        self.hidden_cols = sorted(hidden_cols)
        self.cells: dict[tuple[int, int], str] = {}  # (row, col), 1-based, visible only

    def _visible(self, row: int, col: int) -> bool:
        return row not in self.hidden_rows and not self._col_hidden(col)

    def _col_hidden(self, col: int) -> bool:
        import bisect

        i = bisect.bisect_left(self.hidden_cols, col)
        return i < len(self.hidden_cols) and self.hidden_cols[i] == col

    def put(self, row: int, col: int, text: str) -> None:
        if text and self._visible(row, col):
            self.cells[(row, col)] = text

    def merge(self, min_row: int, min_col: int, max_row: int, max_col: int, text: str) -> None:
        """A merged range whose value is ``text``: the value goes to the first visible cell."""
        area = (max_row - min_row + 1) * (max_col - min_col + 1)
        if area <= len(self.cells):
            doomed = [(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
        else:
            doomed = [p for p in self.cells if min_row <= p[0] <= max_row and min_col <= p[1] <= max_col]
        for pos in doomed:
            self.cells.pop(pos, None)
        if not text:
            return
        r = min_row
        while r in self.hidden_rows:  # bounded by the number of hidden rows
            r += 1
        c = min_col
        while self._col_hidden(c):
            c += 1
        if r <= max_row and c <= max_col:
            self.cells[(r, c)] = text

    def lines(self) -> list[RawLine]:
        import bisect

        rows: dict[int, dict[int, str]] = {}
        for (r, c), text in self.cells.items():
            # Position among visible columns: hidden columns to the left do not count.
            pos = c - 1 - bisect.bisect_left(self.hidden_cols, c)
            if pos >= MAX_COLUMNS:
                raise InputError(f"工作表“{self.name}”的列数过多（超过 {MAX_COLUMNS} 列）")
            rows.setdefault(r, {})[pos] = text
        out: list[RawLine] = []
        for r in sorted(rows):
            row = rows[r]
            cells = [""] * (max(row) + 1)
            for pos, text in row.items():
                cells[pos] = text
            out.append(RawLine(r, cells, self.page, locator=f"{_quote_sheet(self.name)}!{r}:{r}"))
        return out


class _Budget:
    """Counts lines and cells produced for a workbook and stops at the limits."""

    def __init__(self, name: str):
        self.name = name
        self.lines = 0
        self.cells = 0

    def take(self, lines: Iterable[RawLine]) -> list[RawLine]:
        out = []
        for line in lines:
            self.lines += 1
            self.cells += len(line.cells)
            if self.lines > MAX_LINES or self.cells > MAX_OUTPUT_CELLS:
                raise InputError(
                    f"表格过大，无法读取：{self.name}（超过 {MAX_LINES} 行或 {MAX_OUTPUT_CELLS} 个单元格）"
                )
            out.append(line)
        return out


# --- .xlsx through openpyxl -------------------------------------------------------------------


def read_ooxml_workbook(path: Path) -> RawDocument:
    """Read an OOXML workbook (.xlsx/.xlsm) with openpyxl: values, number formats, merges and
    hidden rows/columns. Falls back on python-calamine (values only) when openpyxl cannot parse a
    workbook that calamine can (e.g. odd styles written by other office suites)."""
    check_zip(path, "Excel")
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

    try:
        # A file object, not the path: openpyxl refuses names without an Excel suffix.
        with path.open("rb") as fh:
            wb = openpyxl.load_workbook(fh, data_only=True, keep_links=False, keep_vba=False, rich_text=False)
    except Exception as exc:  # openpyxl raises many types for malformed packages
        try:
            return read_with_calamine(path, "xlsx")
        except InputError:
            raise InputError(f"无法读取 Excel 文件：{path.name}（{type(exc).__name__}: {exc}）") from exc
    try:
        doc = RawDocument(file=str(path), format="xlsx")
        budget = _Budget(path.name)
        stored = 0
        for page, name in enumerate(wb.sheetnames, start=1):
            ws = wb[name]
            if not isinstance(ws, Worksheet) or ws.sheet_state != "visible":
                continue
            store = getattr(ws, "_cells", None)
            if store is None:  # pragma: no cover - openpyxl internals changed
                store = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
            stored += len(store)
            if stored > MAX_CELLS:
                raise InputError(f"表格过大，无法读取：{path.name}（超过 {MAX_CELLS} 个单元格）")
            hidden_rows = {
                r
                for r, dim in ws.row_dimensions.items()
                if dim.hidden or (dim.customHeight and dim.ht is not None and dim.ht == 0)
            }
            hidden_cols: set[int] = set()
            for dim in ws.column_dimensions.values():
                if dim.hidden or (dim.customWidth and dim.width == 0):
                    if dim.min is not None and dim.max is not None:
                        hidden_cols.update(range(dim.min, min(dim.max, MAX_COLUMNS) + 1))
            grid = _SheetGrid(page, name, hidden_rows, hidden_cols)
            for (r, c), cell in store.items():
                value = cell.value
                if value is None:
                    continue
                grid.put(r, c, value_text(value, cell.number_format))
            for rng in ws.merged_cells.ranges:
                top = store.get((rng.min_row, rng.min_col))
                text = value_text(top.value, top.number_format) if top is not None else ""
                grid.merge(rng.min_row, rng.min_col, rng.max_row, rng.max_col, text)
            doc.lines += budget.take(grid.lines())
        doc.page_count = len(wb.sheetnames)
        return doc
    finally:
        wb.close()


# --- .xls / .xlsb / .ods through python-calamine ----------------------------------------------


CALAMINE_TIMEOUT = 120  # seconds for reading one workbook in the helper process


def calamine_extract(path: str) -> dict[str, Any]:
    """Read a workbook with python-calamine into plain data (runs in the helper process):
    ``{"sheets": [{"name", "visible", "rows": [[text]], "merges": [[r0, c0, r1, c1]]}]}`` (0-based,
    cells already as text) or ``{"error": "password" | "too_large" | "corrupt", "detail": …}``."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(path)
    except pc.PasswordError as exc:
        return {"error": "password", "detail": str(exc)}
    except Exception as exc:
        return {"error": "corrupt", "detail": str(exc)}
    sheets: list[dict[str, Any]] = []
    stored = 0
    try:
        for index, meta in enumerate(wb.sheets_metadata):
            visible = meta.visible == pc.SheetVisibleEnum.Visible and meta.typ == pc.SheetTypeEnum.WorkSheet
            entry: dict[str, Any] = {"name": meta.name, "visible": visible, "rows": [], "merges": []}
            sheets.append(entry)
            if not visible:
                continue
            sheet = wb.get_sheet_by_index(index)
            stored += sheet.total_height * sheet.total_width
            if sheet.total_height > MAX_LINES or stored > MAX_CELLS:
                return {"error": "too_large", "detail": f"{MAX_CELLS}"}
            rows = sheet.to_python(skip_empty_area=False)
            entry["rows"] = [[value_text(v) if v not in (None, "") else "" for v in row] for row in rows]
            entry["merges"] = [[r0, c0, r1, c1] for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    except Exception as exc:
        return {"error": "corrupt", "detail": str(exc)}
    finally:
        wb.close()
    return {"sheets": sheets}


def _run_calamine(path: Path) -> dict[str, Any]:
    """:func:`calamine_extract` in a separate Python process. calamine is native code: a corrupt
    file can make it panic (an exception Python code cannot catch cleanly, with a Rust backtrace
    on stderr) or run away with memory; the helper process keeps that away from the caller."""
    import json
    import os
    import subprocess
    import sys

    import juesuan

    code = "import json,sys;from juesuan.readers.xlsx import calamine_extract as f;json.dump(f(sys.argv[1]),sys.stdout)"
    env = dict(os.environ)
    src = str(Path(juesuan.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["RUST_BACKTRACE"] = "0"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, env=env, timeout=CALAMINE_TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"读取 {path.name} 超时（超过 {CALAMINE_TIMEOUT} 秒），文件可能已损坏") from exc
    if proc.returncode != 0:
        return {"error": "corrupt", "detail": "解析器异常退出"}
    try:
        return json.loads(proc.stdout)
    except ValueError:
        return {"error": "corrupt", "detail": "解析器输出无效"}


def read_with_calamine(path: Path, kind: str) -> RawDocument:
    """Read a workbook with python-calamine (in a helper process): values and merged cells, no
    number formats, no hidden rows/columns."""
    label = {"xls": "Excel", "xlsb": "Excel", "xlsx": "Excel", "ods": "OpenDocument 电子表格"}.get(kind, "Excel")
    if kind in ("xlsx", "xlsb", "ods"):
        check_zip(path, label)
    data = _run_calamine(path)
    error = data.get("error")
    if error == "password":
        raise InputError(f"文件已加密（设有打开密码），无法读取：{path.name}")
    if error == "too_large":
        raise InputError(f"表格过大，无法读取：{path.name}（超过 {MAX_CELLS} 个单元格）")
    if error:
        raise InputError(f"无法读取 {label} 文件：{path.name}（文件已损坏或不是有效的工作簿：{data.get('detail')}）")
    doc = RawDocument(file=str(path), format=kind)
    budget = _Budget(path.name)
    sheets = data["sheets"]
    for index, sheet in enumerate(sheets):
        if not sheet["visible"]:
            continue
        rows: list[list[str]] = sheet["rows"]
        grid = _SheetGrid(index + 1, sheet["name"], set(), set())
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                grid.put(r, c, text)
        for r0, c0, r1, c1 in sheet["merges"]:
            top = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ""
            grid.merge(r0 + 1, c0 + 1, r1 + 1, c1 + 1, top)
        doc.lines += budget.take(grid.lines())
    doc.page_count = len(sheets)
    return doc


# --- entry point ------------------------------------------------------------------------------


@register(".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".xlsb", ".ods")
def read_workbook(path: Path) -> RawDocument:
    """Read a spreadsheet by its content: an OOXML workbook, a binary .xls/.xlsb, an ODF
    spreadsheet, or a file whose suffix lies (a Word package, an HTML page saved as .xls) handed
    to the reader that fits. Anything else is refused with "无法读取 Excel 文件…"."""
    if path.stat().st_size == 0:
        raise InputError(f"文件为空：{path.name}")
    return dispatch(path, sniff(path, "Excel"), "Excel")
