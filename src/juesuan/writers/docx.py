"""Write a disclosure as a Word document (python-docx).

Each table starts on a new page (landscape for wide tables, A3 for very wide ones): the title
centred in bold, the form number on the right, a ``部门：…<tab>单位：…`` line, then a bordered table
with merged header cells (``gridSpan``/``vMerge``), amounts right-aligned, and the notes under
it. The leading paragraphs come first, the 绩效 tables last.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import Disclosure
from . import Grid, OutCell, Section, layout

FONT = "宋体"
A4 = (21.0, 29.7)  # cm
A3 = (29.7, 42.0)


def _set_font(run, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), FONT)


def _paragraph(container, text: str, size: float, align: str = "left", bold: bool = False, space_after: float = 2):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = container.add_paragraph()
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if text:
        _set_font(p.add_run(text), size, bold)
    return p


def _page(section, width: int) -> float:
    """Set the page of a Word section for a table of ``width`` columns; returns the text width in cm."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    short, long_ = A3 if width > 14 else A4
    landscape = width > 6
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Cm(long_ if landscape else short)
    section.page_height = Cm(short if landscape else long_)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin = section.bottom_margin = Cm(1.5)
    return (long_ if landscape else short) - 3.0


def _font_size(width: int) -> float:
    return 9.0 if width <= 8 else 8.0 if width <= 12 else 7.0


def _table(document, section: Section, text_width: float) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Cm

    rows: Grid = section.rows()
    if not rows:
        return
    width = section.width
    weights = section.column_units()
    scale = text_width / sum(weights)
    widths = [Cm(w * scale) for w in weights]
    size = _font_size(width)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for c, column in enumerate(table.columns):
        column.width = widths[c]  # the table grid (w:gridCol), which LibreOffice follows
    n_header = len(section.header)
    for r, row in enumerate(rows):
        cells = table.rows[r].cells
        for c in range(width):
            cells[c].width = widths[c]
        for c, oc in enumerate(row):
            if oc is None:
                continue
            cell = cells[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            _fill(p, oc, size)
            if oc.colspan > 1 or oc.rowspan > 1:
                other = table.cell(r + oc.rowspan - 1, c + oc.colspan - 1)
                merged = cell.merge(other)
                merged.width = sum(widths[c : c + oc.colspan], Cm(0))
        if r < n_header:
            _repeat_header(table.rows[r])


def _fill(p, oc: OutCell, size: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[oc.align]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    if oc.text:
        _set_font(p.add_run(oc.text), size)


def _repeat_header(row) -> None:
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = trpr.makeelement(qn("w:tblHeader"), {})
    trpr.append(el)


def to_document(doc: Disclosure):
    """A python-docx Document of ``doc``."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    first = True
    for section in layout(doc):
        word_section = document.sections[0] if first else document.add_section(WD_SECTION.NEW_PAGE)
        first = False
        text_width = _page(word_section, section.width)
        size = _font_size(section.width)
        if section.kind == "text":
            for k, row in enumerate(section.body):
                cell = row[0]
                assert cell is not None
                _paragraph(
                    document,
                    cell.text,
                    16 if k == 0 else 10.5,
                    "center" if k == 0 else "left",
                    bold=k == 0,
                    space_after=6,
                )
            continue
        if section.title:
            _paragraph(document, section.title, 16, "center", bold=True, space_after=6)
        if section.form:
            _paragraph(document, section.form, size + 1, "right")
        dept, unit = section.meta_lines
        if dept or unit:
            from docx.enum.text import WD_TAB_ALIGNMENT
            from docx.shared import Cm

            p = _paragraph(document, "", size + 1)
            p.paragraph_format.tab_stops.add_tab_stop(Cm(text_width), WD_TAB_ALIGNMENT.RIGHT)
            _set_font(p.add_run("\t".join(t for t in (dept, unit) if t)), size + 1)
        _table(document, section, text_width)
        for note in section.notes:
            _paragraph(document, note, size, "left", space_after=0)
    props = document.core_properties
    props.title = f"{doc.department or ''}{doc.year or ''}{'年度' if doc.year else ''}{doc.scope}{doc.kind}"
    props.author = "juesuan"
    return document


def write_docx(doc: Disclosure, path: str | Path, created: dt.datetime | None = None) -> Path:
    """Write ``doc`` to ``path`` as .docx. ``created`` fixes the document timestamps."""
    document = to_document(doc)
    props = document.core_properties
    when = created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = when
    props.last_modified_by = "juesuan"
    props.revision = 1
    out = Path(path)
    document.save(str(out))
    return out


__all__ = ["write_docx", "to_document"]
