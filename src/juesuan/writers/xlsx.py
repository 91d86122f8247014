"""Write a disclosure as an Excel workbook (openpyxl): one worksheet per section.

Each table sheet prints the title (merged across the table), the form number, the 部门/单位 line,
the header rows with their merges, the 栏次 row, the body and the notes. Amounts are numbers (the
exact ``Decimal``) with a number format that prints them as they were printed (``#,##0.00``,
``0.00``…); dashes and text stay text. Sheets are set up for printing: A4, landscape for wide
tables (A3 for very wide ones), fitted to the page width, header rows repeated on every page.

``rules`` chooses the table rules: ``"grid"`` (every cell bordered, the usual official form),
``"threeline"`` (only a rule above the header, one below it and one under the last row) or
``"none"``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from ..model import Disclosure
from . import OutCell, Section, layout, text_units, unique_sheet_names

Rules = Literal["grid", "threeline", "none"]

FONT = "宋体"


def _lines_needed(text: str, width_chars: float) -> int:
    return max(1, -(-text_units(text) // max(int(width_chars), 1)))


def write_sheet(ws, section: Section, rules: Rules = "grid") -> None:
    from openpyxl.styles import Alignment, Font, Side
    from openpyxl.utils import get_column_letter

    thin, medium = Side(style="thin"), Side(style="medium")
    width = section.width
    widths = [u + 1.0 for u in section.column_units()]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    total_width = sum(widths)
    body_font = Font(name=FONT, size=10)
    r = 1

    def line(text: str, font, align: str, height: float | None = None) -> None:
        """A line of text merged across the table's width (title, notes)."""
        nonlocal r
        cell = ws.cell(row=r, column=1)
        _text(cell, text)
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if width > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        if height:
            ws.row_dimensions[r].height = height
        r += 1

    if section.title:
        line(section.title, Font(name=FONT, size=16, bold=True), "center", height=30)
    if section.form:
        # The form number at the right edge (its own cell, so it reads as its own line).
        cell = ws.cell(row=r, column=width)
        _text(cell, section.form)
        cell.font = body_font
        cell.alignment = Alignment(horizontal="right")
        r += 1
    dept, unit = section.meta_lines
    if dept or unit:
        if dept:
            _text(ws.cell(row=r, column=1), dept)
            ws.cell(row=r, column=1).font = body_font
        if unit:
            cell = ws.cell(row=r, column=width if width > 1 or not dept else 2)
            _text(cell, unit)
            cell.font = body_font
            cell.alignment = Alignment(horizontal="right")
        r += 1
    first_grid = r
    rows = section.rows()
    n_header = len(section.header)
    for row in rows:
        for c, oc in enumerate(row, start=1):
            if oc is None:
                continue
            cell = ws.cell(row=r, column=c)
            _put(cell, oc)
            cell.font = body_font
            cell.alignment = Alignment(
                horizontal=oc.align, vertical="center", wrap_text=oc.role in ("header", "label", "text", "paragraph")
            )
            if oc.colspan > 1 or oc.rowspan > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + oc.rowspan - 1, end_column=c + oc.colspan - 1)
        # Wrapped text needs taller rows (LibreOffice does not grow rows of merged cells itself).
        longest = max(
            (
                _lines_needed(oc.text, sum(widths[c : c + oc.colspan]) - 1)
                for c, oc in enumerate(row)
                if oc is not None and oc.rowspan == 1
            ),
            default=1,
        )
        if longest > 1:
            ws.row_dimensions[r].height = 13.5 * longest
        r += 1
    last_grid = r - 1
    if rows and rules != "none":
        _rule(ws, first_grid, first_grid + n_header - 1, last_grid, width, rules, thin, medium)
    if section.header:
        ws.print_title_rows = f"{first_grid}:{first_grid + n_header - 1}"
    for note in section.notes:
        line(note, body_font, "left", height=14 * _lines_needed(note, total_width * 1.1))
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if total_width > 260 else ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > 6 or total_width > 100 else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _put(cell, oc: OutCell) -> None:
    if oc.value is not None:
        cell.value = oc.value  # the exact Decimal; openpyxl writes its digits as they are
        cell.number_format = oc.number_format or "#,##0.00"
    else:
        _text(cell, oc.text or None)
        if oc.text:
            cell.number_format = "@"


def _text(cell, text: str | None) -> None:
    """Text as a string cell, never a formula: openpyxl would store a text starting with = as a
    formula that a spreadsheet runs when the file is opened (formula injection). The text itself is
    kept exactly (our readers read it back)."""
    cell.value = text
    if isinstance(text, str) and text.startswith("="):
        cell.data_type = "s"


def _rule(ws, top: int, header_end: int, bottom: int, width: int, rules: Rules, thin, medium) -> None:
    from openpyxl.styles import Border

    for r in range(top, bottom + 1):
        for c in range(1, width + 1):
            cell = ws.cell(row=r, column=c)
            if rules == "grid":
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            else:  # three-line table
                t = medium if r == top else None
                b = medium if r == bottom else (thin if r == header_end else None)
                cell.border = Border(top=t, bottom=b)


def to_workbook(doc: Disclosure, rules: Rules = "grid"):
    """An openpyxl Workbook of ``doc`` (one sheet per section)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    sections = layout(doc)
    for section, name in zip(sections, unique_sheet_names(sections)):
        write_sheet(wb.create_sheet(title=name), section, rules)
    if not sections:
        wb.create_sheet("Sheet1")
    title = f"{doc.department or ''}{doc.year or ''}{'年度' if doc.year else ''}{doc.scope}{doc.kind}".strip()
    wb.properties.title = title or None
    wb.properties.creator = "juesuan"
    return wb


def write_xlsx(doc: Disclosure, path: str | Path, rules: Rules = "grid", created: dt.datetime | None = None) -> Path:
    """Write ``doc`` to ``path`` as .xlsx. ``created`` fixes the document timestamps (for
    reproducible files)."""
    wb = to_workbook(doc, rules)
    out = Path(path)
    if created is None:
        wb.save(out)
        return out
    # Workbook.save stamps the current time as "modified"; the writer it wraps does not.
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = created
    ExcelWriter(wb, ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return out


__all__ = ["write_xlsx", "to_workbook", "write_sheet"]
