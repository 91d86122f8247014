"""PDF reader on character and ruling geometry: PDFium (pypdfium2) for characters, rulings (also
inside form XObjects), triage and rendering, rotated pages turned into the displayed page's frame;
pdfplumber's lattice finder for ruled grids, ported step for step in :mod:`.lattice` (importing
pdfplumber and pdfminer costs more than reading most documents). pdfplumber's own reading of a
page (:func:`_read_page`) is kept to compare against (bench/compare_pdf_paths.py). Line and cell geometry lives in :mod:`.geometry`, border-less
tables in :mod:`.borderless`.

What comes out is the same :class:`~juesuan.raw.RawDocument` every reader produces: per page, a
sequence of lines in reading order, each split into cells with a bbox per cell, in PDF points with
the origin at the top-left of the page (pdfplumber's convention), pages 1-based.

How a page is read:

* **Ruled tables** (lines or rectangle edges): the lattice finder finds the grid; each grid row becomes one
  line whose cells follow the grid's columns. A merged cell keeps its text in its first position
  and leaves '' in the positions it covers, so column positions stay right. Text wrapped over two or
  three lines inside a cell is joined.
* **Text outside ruled tables**: characters are grouped into lines by their vertical position, and
  a line is split into cells at gaps wider than ``cell_gap_em`` character widths. Runs of lines
  that look like a border-less (three-line) table are aligned onto common columns found from the
  anchors of their amount rows, the 栏次 row and the header (:mod:`.borderless`), so an amount
  lands in the column its header sits over even when the cells to its left are empty, and a header
  wrapped over several lines becomes one cell.
* **Continuation pages**: a grid at the top of a page with no header, following a grid that ended
  the previous page with a different column count, is re-mapped onto the previous grid's columns by
  x-position, not by column index. Free lines at the top of a page that continue a table (ruled or
  border-less) without its header are placed on that table's columns by x position too, or marked
  doubtful when that is ambiguous (:mod:`.continuation`).
* **Page furniture**: page numbers and running headers/footers in the top and bottom margins are
  dropped.
* **Narrative**: a line that runs to the right margin is joined with the line that follows it (a
  paragraph wrapped by the typesetter), across a page break too, so the narrative comes out as
  paragraphs in reading order with the page where each starts.
* **Scanned pages** (no text layer): read by OCR when the optional OCR component is installed,
  with every value marked as OCR'd; otherwise the page is listed in ``RawDocument.unread_pages``
  and the checks say which rules could not run, instead of reporting tables as missing.

Limits are explicit: :data:`MAX_PAGES` pages and :data:`MAX_CHARS_PER_PAGE` characters a page.
Every geometry threshold is a field of :class:`~.settings.ReaderSettings` (``current()``).
"""

from __future__ import annotations

import os
import re
import struct
import sys
from bisect import bisect_left, bisect_right
from pathlib import Path

from ..errors import InputError
from ..raw import (
    UNREAD_NO_OCR,
    UNREAD_NOT_RENDERED,
    UNREAD_OCR_FAILED,
    UNREAD_OCR_ILLEGIBLE,
    UNREAD_PAGE_FAILED,
    RawDocument,
    RawLine,
)
from . import backread, register
from .borderless import _align_borderless
from .continuation import carry_over
from .geometry import Box, _cell_text, _free_items, _group_lines, _Item, _line_text, _Page, _PROSE_RE, median
from .settings import DEFAULT, current

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

MAX_PAGES = 1500
MAX_CHARS_PER_PAGE = 60_000
MAX_FORM_DEPTH = 3  # levels of nested form XObjects whose rulings are read
_ERR_ENCRYPTED = (4, 5)  # PDFium's FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
_FULL_TURN = 360  # degrees: /Rotate is taken modulo a full turn
_POINTS_PER_INCH = 72

TABLE_SETTINGS: dict[str, Any] = DEFAULT.table_settings()  # the defaults; a reading uses current().table_settings()

_PAGE_NO_RE = re.compile(r"^[-—–－·\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*(共\s*)?\d{1,4}\s*页?)?[-—–－·\s]*$")
_SENTENCE_END = "。；;！？!?”"

# One page


def _grid_items(table: Any, index: int) -> list[_Item]:
    items: list[_Item] = []
    texts = table.extract()
    edges = sorted({round(x, 1) for row in table.rows for cell in row.cells if cell for x in (cell[0], cell[2])})
    for row, row_text in zip(table.rows, texts):
        boxes: list[Box | None] = [tuple(c) if c else None for c in row.cells]
        cells = [_cell_text(t) for t in row_text]
        _add_grid_row(items, cells, boxes, index, edges)
    return items


def _add_grid_row(
    items: list[_Item], cells: list[str], boxes: list[Box | None], index: int, edges: list[float]
) -> None:
    """Append one grid row as an item (rows with no text at all are left out)."""
    if not any(cells):
        return
    top = min(b[1] for b in boxes if b)
    bottom = max(b[3] for b in boxes if b)
    items.append(_Item(top, bottom, cells, boxes, grid=index, col_edges=edges))


def _mediabox(page: Any) -> tuple[float, float, float, float]:
    """The page's MediaBox. PDFium sometimes does not find one that is there (fpdf2 output, an
    inherited box): its default would be US Letter and shift every coordinate, so fall back to the
    page's effective box instead."""
    box = page.get_mediabox(fallback_ok=False) or page.get_bbox()
    left, bottom, right, top = box
    return left, bottom, right, top


_Map = tuple[
    float, float, float, float, float, float
]  # (ax, bx, cx, at, bt, ct): x = ax*ux + bx*uy + cx, top = at*ux + bt*uy + ct


def _display_map(page: Any, top: float) -> _Map:
    """User space → pdfplumber's (x, top) on the displayed page, as an affine map.

    An unrotated page: x from the MediaBox's left, top down from ``top``. A page with /Rotate
    90/180/270: pdfplumber's frame of the rotated page (:class:`juesuan.pages.PageGeometry`, the
    same matrix pdfminer lays the page out with), so characters and rulings read from PDFium land
    where pdfplumber puts them."""
    left, _, _, _ = _mediabox(page)
    rotation = page.get_rotation() % _FULL_TURN
    if not rotation:
        return (1.0, 0.0, -left, 0.0, -1.0, top)
    from ..pages import PageGeometry

    geo = PageGeometry.from_boxes(_mediabox(page), rotation)
    cx, ct = geo.to_plumber(0.0, 0.0)
    x1, t1 = geo.to_plumber(1.0, 0.0)
    x2, t2 = geo.to_plumber(0.0, 1.0)
    return (x1 - cx, x2 - cx, cx, t1 - ct, t2 - ct, ct)


def _page_size(page: Any) -> tuple[float, float]:
    """The displayed page's width and height: PDFium's for an unrotated page (as before), the
    rotated MediaBox for a rotated one (pdfplumber's, which its coordinates are measured in)."""
    rotation = page.get_rotation() % _FULL_TURN
    if not rotation:
        width, height = page.get_size()
        return float(width), float(height)
    from ..pages import PageGeometry

    geo = PageGeometry.from_boxes(_mediabox(page), rotation)
    return geo.width, geo.height


def _page_text(raw: Any, n: int) -> str | None:
    """The page's whole text in one PDFium call (``FPDFText_GetText``), when it has one character
    for each of the page's ``n`` characters — then character ``i`` is the text's ``i``-th (PDFium's
    text is its characters in order, less those it leaves out); None when its length differs (a
    character left out, or one not read as one code point): read character by character then."""
    import ctypes

    from .pdfium import lib as pdfium_c

    buffer = (ctypes.c_ushort * (2 * n + 2))()  # UTF-16: up to two units a character, and the NUL
    written = pdfium_c.FPDFText_GetText(raw, 0, n, buffer)
    if written <= 0:
        return None
    text = ctypes.string_at(buffer, 2 * (written - 1)).decode("utf-16-le", "surrogatepass")
    return text if len(text) == n else None


def _pdfium_chars(page: Any) -> list[dict[str, Any]]:
    """Characters of a page from PDFium, in pdfplumber's coordinates (origin top-left of the
    displayed page, rotated pages turned upright), with loose (advance-width) boxes. PDFium reads
    a page about a hundred times faster than pdfminer."""
    from .pdfium import lib as pdfium_c

    import ctypes

    ax, bx, cx, at, bt, ct = _display_map(page, _mediabox(page)[3])
    textpage = page.get_textpage()
    # raw PDFium calls, one per character and value (the helper methods cost ~10x as much), through
    # the bindings that convert no argument: the handle as a c_void_p, the rectangle by reference
    raw, rect = ctypes.cast(textpage.raw, ctypes.c_void_p), pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    unicode, text_index, box = (
        pdfium_c.FPDFText_GetUnicode_unchecked,
        pdfium_c.FPDFText_GetTextIndexFromCharIndex_unchecked,
        pdfium_c.FPDFText_GetLooseCharBox_unchecked,
    )
    upright = bx == 0.0  # upright (or turned half-way): x from x, top from y; else a quarter turn
    # the rectangle's four floats (left, top, right, bottom) in one call, not four field reads
    read_rect = struct.Struct("4f").unpack_from
    try:
        chars: list[dict[str, Any]] = []
        append = chars.append
        n = pdfium_c.FPDFText_CountChars(raw)
        whole = _page_text(raw, n) if n > 0 else None
        if whole is not None and upright and ax == 1.0 and bt == -1.0:
            # the common case, its own loop: the page's text one to one with its characters (none
            # left out, each one code point), an unrotated page (x = left + cx, top = ct - top:
            # the same floats as the products by 1 and -1 below)
            for i, text in enumerate(whole):
                if text == "\0" or text.isspace() or not box(raw, i, rect_ref):
                    continue
                left, top, right, bottom = read_rect(rect)
                xa, xb = left + cx, right + cx
                ta, tb = ct - top, ct - bottom
                append(
                    {
                        "text": text,
                        "x0": xb if xb < xa else xa,
                        "x1": xb if xb > xa else xa,
                        "top": tb if tb < ta else ta,
                        "bottom": tb if tb > ta else ta,
                    }
                )
            return chars
        for i, text in enumerate(whole if whole is not None else [""] * n):
            if whole is not None:
                # one to one with the characters: none left out, each one code point (its code)
                if text == "\0" or text.isspace():
                    continue
            else:
                code = unicode(raw, i)
                if not 0 < code < 0x110000:
                    continue
                text = chr(code)
                # characters PDFium leaves out of the page text count as blank
                if text.isspace() or text_index(raw, i) < 0:
                    continue
            if not box(raw, i, rect_ref):
                continue
            left, top, right, bottom = read_rect(rect)
            if upright:
                xa, xb = ax * left + cx, ax * right + cx
                ta, tb = bt * top + ct, bt * bottom + ct
            else:
                xa, xb = bx * bottom + cx, bx * top + cx
                ta, tb = at * left + ct, at * right + ct
            # min() and max() of two, written out (a call each costs as much as the arithmetic)
            append(
                {
                    "text": text,
                    "x0": xb if xb < xa else xa,
                    "x1": xb if xb > xa else xa,
                    "top": tb if tb < ta else ta,
                    "bottom": tb if tb > ta else ta,
                }
            )
        return chars
    finally:
        textpage.close()


def _triage(page: Any, number: int) -> tuple[int, list[dict[str, Any]]]:
    """(vector path objects, counted up to the first: 0 or 1, characters) of a PDFium page; the
    characters are read once here and serve whichever way the page is then read."""
    paths = _count_objects(page.raw, {_PATH}, max_depth=current().xobject_depth, stop_at=1)
    chars = _pdfium_chars(page)
    _check_chars(len(chars), number)
    return paths, chars


_PATH, _IMAGE, _FORM = 2, 3, 5  # FPDF_PAGEOBJ_PATH, _IMAGE, _FORM


def _count_objects(raw_page: Any, kinds: set[int], max_depth: int, stop_at: int = 0) -> int:
    """Page objects of the given FPDF_PAGEOBJ_* kinds, down ``max_depth`` levels of form XObjects,
    with raw PDFium calls (no helper object per page object); stops early at ``stop_at`` found
    (which ones are found first does not matter: only how many, up to ``stop_at``)."""
    import ctypes

    from .pdfium import lib as pdfium_c

    get_type = pdfium_c.FPDFPageObj_GetType_unchecked  # (handles as ctypes objects: see .pdfium)
    found = 0
    stack = [(ctypes.cast(raw_page, ctypes.c_void_p), False, 0)]
    while stack:
        parent, is_form, level = stack.pop()
        count, get = (
            (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject)
            if is_form
            else (pdfium_c.FPDFPage_CountObjects_unchecked, pdfium_c.FPDFPage_GetObject_unchecked)
        )
        # from the last object back: a document's rulings and images are mostly drawn after its
        # text, so the first one is found sooner (the count up to ``stop_at`` is the same)
        for i in range(count(parent) - 1, -1, -1):
            obj = get(parent, i)
            kind = get_type(obj)
            if kind in kinds:
                found += 1
                if stop_at and found >= stop_at:
                    return found
            if kind == _FORM and level < max_depth - 1:
                stack.append((obj, True, level + 1))
    return found


def _check_chars(n: int, number: int) -> None:
    if n > MAX_CHARS_PER_PAGE:
        raise InputError(f"第{number}页字符过多（{n} 个，上限 {MAX_CHARS_PER_PAGE}），无法作为公开文件读取")


def _path_objects(raw_page: Any, max_depth: int = MAX_FORM_DEPTH) -> Any:
    """The path objects of a page with the matrix from their space to the page's, down
    ``max_depth`` levels of form XObjects (a form's objects are in its own space: their matrix is
    composed with the form's)."""
    import ctypes

    from .pdfium import lib as pdfium_c

    # (handles as ctypes objects, the matrix by reference: see .pdfium)
    get_type, get_matrix = pdfium_c.FPDFPageObj_GetType_unchecked, pdfium_c.FPDFPageObj_GetMatrix_unchecked
    matrix = pdfium_c.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    read_matrix = struct.Struct("6f").unpack_from  # (a, b, c, d, e, f) in one call, not six reads
    path, form = _PATH, _FORM
    stack: list[tuple[Any, tuple[float, ...] | None, int]] = [(ctypes.cast(raw_page, ctypes.c_void_p), None, 0)]
    while stack:
        parent, outer, level = stack.pop()
        count, get = (
            (pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject)
            if outer is not None
            else (pdfium_c.FPDFPage_CountObjects_unchecked, pdfium_c.FPDFPage_GetObject_unchecked)
        )
        forms = []
        for k in range(count(parent)):
            raw = get(parent, k)
            kind = get_type(raw)
            if (kind != path and kind != form) or not get_matrix(raw, matrix_ref):
                continue
            m = read_matrix(matrix)
            if outer is not None:
                a, b, c, d, e, f = m
                oa, ob, oc, od, oe, of = outer
                m = (
                    a * oa + b * oc,
                    a * ob + b * od,
                    c * oa + d * oc,
                    c * ob + d * od,
                    e * oa + f * oc + oe,
                    e * ob + f * od + of,
                )
            if kind == path:
                yield raw, m
            elif level < max_depth - 1:
                forms.append((raw, m, level + 1))
        stack.extend(reversed(forms))  # depth-first after the parent's own paths, in order


# A paint whose red, green and blue are all at least this (of 255) is white on the page.
_WHITE = 250
_RGBA = (0, 1, 2, 3)  # PDFium's colour components: red, green, blue, alpha (0-255)
_FULL_PAINT = 255.0  # pdfplumber's colour components are 0-1


def _unchecked(pdfium_c: Any, name: str, restype: Any) -> Any:
    """A PDFium function bound without argument types (ctypes converts no argument: the caller
    passes ctypes objects), once a process."""
    fn = _UNCHECKED.get(name)
    if fn is None:
        fn = _UNCHECKED[name] = pdfium_c.dll[name]  # (indexing makes a function object of its own)
        fn.restype = restype
    return fn


_UNCHECKED: dict[str, Any] = {}


class _PaintReader:
    """Reads a path's paint (:func:`_invisible_path`) into values made once per page, not once per
    path: the draw mode's two flags and a colour's four components, passed by reference, each set
    written side by side and read back in one call."""

    def __init__(self) -> None:
        import ctypes

        from .pdfium import lib as pdfium_c

        int_size, uint_size = ctypes.sizeof(ctypes.c_int), ctypes.sizeof(ctypes.c_uint)
        self.mode = (ctypes.c_int * 2)()  # fill, stroke
        self.mode_refs = (ctypes.byref(self.mode), ctypes.byref(self.mode, int_size))
        self.read_mode = struct.Struct("2i").unpack_from
        self.rgba = (ctypes.c_uint * len(_RGBA))()
        self.rgba_refs = tuple(ctypes.byref(self.rgba, k * uint_size) for k in _RGBA)
        self.read_rgba = struct.Struct("4I").unpack_from
        # called for every path: bound without argument types, as the reader's other per-object
        # calls (the path handle is a ctypes object, the out-values passed by reference)
        self.draw_mode, self.fill_color, self.stroke_color = (
            _unchecked(pdfium_c, name, ctypes.c_int)
            for name in ("FPDFPath_GetDrawMode", "FPDFPageObj_GetFillColor", "FPDFPageObj_GetStrokeColor")
        )

    def white(self, get: Any, raw: Any) -> bool:
        if not get(raw, *self.rgba_refs):
            return False
        r, g, b, alpha = self.read_rgba(self.rgba)
        return (r >= _WHITE and g >= _WHITE and b >= _WHITE) or alpha == 0


def _invisible_path(raw: Any, paint: _PaintReader | None = None) -> bool:
    """A path painted only in white (the white background box a spreadsheet prints behind its
    print area, title and all): nothing shows on the page, so its sides are no rulings. Its edges
    would otherwise close a cell around the title, form number and unit above a table."""
    p = paint or _PaintReader()
    if not p.draw_mode(raw, *p.mode_refs):
        return False
    fill, stroke = p.read_mode(p.mode)
    if not fill and not stroke:
        return False  # painted with neither
    return (not fill or p.white(p.fill_color, raw)) and (not stroke or p.white(p.stroke_color, raw))


def _pdfium_edges(page: Any) -> list[dict[str, Any]]:
    """Horizontal and vertical ruling segments of a page, as pdfplumber edges, from PDFium.

    Straight segments of every path (lines, rectangles, polylines) are kept, also inside form
    XObjects (their matrices composed); curves are not rulings.
    """
    import ctypes

    from .pdfium import lib as pdfium_c

    height = page.get_height()
    left, bottom, _, _ = _mediabox(page)
    rotated = page.get_rotation() % _FULL_TURN != 0
    ax, bx, cx, at, bt, ct = _display_map(page, 0.0)
    edges: list[dict[str, Any]] = []
    thin = current().ruling_max_width
    # the point's two floats written side by side and read in one call (not two .value reads)
    point = (ctypes.c_float * 2)()
    x_ref, y_ref = ctypes.byref(point), ctypes.byref(point, ctypes.sizeof(ctypes.c_float))
    read_point = struct.Struct("2f").unpack_from
    # raw PDFium functions bound once: several calls per path segment (unchecked: the path and
    # segment handles are ctypes objects, the point's coordinates passed by reference)
    count_segments, get_segment = pdfium_c.FPDFPath_CountSegments_unchecked, pdfium_c.FPDFPath_GetPathSegment_unchecked
    get_point, segment_type = pdfium_c.FPDFPathSegment_GetPoint_unchecked, pdfium_c.FPDFPathSegment_GetType_unchecked
    get_close = pdfium_c.FPDFPathSegment_GetClose_unchecked
    moveto, lineto = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO
    paint = _PaintReader()
    for raw, (a, b, c, d, e, f) in _path_objects(page.raw):
        if _invisible_path(raw, paint):
            continue
        start = prev = None
        for i in range(count_segments(raw)):
            seg = get_segment(raw, i)
            get_point(seg, x_ref, y_ref)
            kind = segment_type(seg)
            xv, yv = read_point(point)
            if rotated:
                ux, uy = a * xv + c * yv + e, b * xv + d * yv + f
                pt = (ax * ux + bx * uy + cx, at * ux + bt * uy + ct)
            else:
                pt = (a * xv + c * yv + e - left, height - (b * xv + d * yv + f - bottom))
            if kind == moveto:
                start = prev = pt
                continue
            if kind == lineto and prev is not None:
                pairs = [(prev, pt)]
                if get_close(seg) and start is not None:
                    pairs.append((pt, start))
                for p, q in pairs:
                    # sorted() of two, written out (the same order: the second first only when less)
                    x0, x1 = (q[0], p[0]) if q[0] < p[0] else (p[0], q[0])
                    t0, t1 = (q[1], p[1]) if q[1] < p[1] else (p[1], q[1])
                    if x1 - x0 < thin and t1 - t0 > thin:
                        orientation = "v"
                    elif t1 - t0 < thin and x1 - x0 > thin:
                        orientation = "h"
                    else:
                        continue
                    edges.append(
                        {
                            "x0": x0,
                            "x1": x1,
                            "top": t0,
                            "bottom": t1,
                            "doctop": t0,
                            "width": x1 - x0,
                            "height": t1 - t0,
                            "orientation": orientation,
                            "object_type": "line",
                        }
                    )
            prev = pt
    return edges


def _read_grid_page_fast(page: Any, number: int, chars: list[dict[str, Any]]) -> _Page:
    """A ruled page from PDFium characters and rulings, with the lattice finder (pdfplumber's,
    step for step: :mod:`.lattice`): the same grids as pdfplumber on its own page object, several
    times faster."""
    from .lattice import find_tables

    edges = _pdfium_edges(page)
    width, height = _page_size(page)
    out = _Page(number, width, height)
    tables = find_tables(edges, current().table_settings())
    out.ruled = any(_is_table(t) for t in tables)
    # the characters' centres once a page, for every table and the test of what lies outside them
    centres = _char_centres(chars) if out.ruled else None
    return _assemble(
        out,
        tables,
        chars,
        lambda table, index: _grid_items_from_chars(table, index, chars, centres),
        pad=0,
        centres=centres,
    )


def _fast_grids(page: Any, chars: list[dict[str, Any]]) -> list[list[list[str]]]:
    """The cell texts of a page's ruled grids, as pdfplumber extracts them: the differential check's
    side of the comparison (they cost about as much as reading the page; only that check needs them)."""
    from .lattice import find_tables

    tables = find_tables(_pdfium_edges(page), current().table_settings())
    return [_grid_texts(t, chars) for t in tables if _is_table(t)]


def _is_table(table: Any) -> bool:
    """A ruled grid is a table; a framed paragraph or a box around a title is not. A box of one row
    is a table row when it has ``one_row_table_cells`` cells or more: the last row of a table
    continued without its header, alone on a page."""
    if not table.rows:
        return False
    cells = max(len(r.cells) for r in table.rows)
    return cells >= 2 if len(table.rows) >= 2 else cells >= current().one_row_table_cells


def _grid_texts(table: Any, chars: list[dict[str, Any]]) -> list[list[str]]:
    """A fast grid's cell texts, row by row ('' for merged positions), as pdfplumber extracts."""
    rows = []
    for row, cell_chars in _row_cell_chars(table, chars):
        texts = []
        for cell, inside in zip(row.cells, cell_chars):
            texts.append("" if cell is None else "\n".join(_line_text(ln) for ln in _group_lines(inside)))
        rows.append(texts)
    return rows


DIFFERENTIAL_ENV = "JUESUAN_PDF_DIFFERENTIAL"  # always | auto (default) | off


def differential_disagreements(path: Path | str, pages: set[int] | None = None) -> dict[int, str]:
    """The ruled pages (all, or among ``pages``) on which our grids and pdfplumber's disagree, with
    what differs."""
    return differential_notes(path, pages)[2]


def differential_notes(path: Path | str, pages: set[int] | None = None) -> tuple[int, list[str], dict[int, str]]:
    """Run the differential check on the ruled pages of a PDF (all, or ``pages``): how many ruled
    pages were compared, a note for each that disagrees with pdfplumber, and what differs by page."""
    import pdfplumber

    from . import pdfium

    compared, notes = 0, []
    diffs: dict[int, str] = {}
    # our side read through juesuan's own PDFium binding, as the reader reads it (pypdfium2's
    # import alone cost ≈ 40 ms of every check that runs this comparison)
    fast = pdfium.Document(path)
    try:
        # pdfplumber makes a page object of only the pages asked for (all of them parsed otherwise)
        with pdfplumber.open(path, pages=sorted(pages) if pages is not None else None) as slow:
            for page in slow.pages:
                n = page.page_number
                fpage = fast[n - 1]
                try:
                    paths, chars = _triage(fpage, n)
                    if not paths or not chars or fpage.get_rotation():
                        continue
                    if not page.chars:  # pdfminer reads no text there (e.g. some CFF fonts): nothing to compare
                        continue
                    grids = _fast_grids(fpage, chars)
                finally:
                    fpage.close()  # before the document (this binding does not track its pages)
                if not grids:
                    continue
                compared += 1
                diff = grid_disagreement(grids, page)
                if diff:
                    diffs[n] = diff
                    notes.append(f"第{n}页表格与 pdfplumber 的读取结果不一致：{diff}")
    finally:
        fast.close()
    return compared, notes, diffs


def _norm_grid(rows: list[list[str]] | list[list[str | None]]) -> list[list[str]]:
    return [[re.sub(r"\s", "", c or "") for c in r] for r in rows]


def grid_disagreement(fast: list[list[list[str]]], page: Any) -> str | None:
    """Differential self-check of one ruled page: our grids (PDFium characters on pdfplumber's
    lattice) against pdfplumber's own ``extract_tables`` on its page object. None when they
    agree (same tables, same shape, same texts but for spaces); otherwise what differs."""
    page = page.filter(lambda o: not _invisible_rect(o))
    theirs = [_norm_grid(t.extract()) for t in page.find_tables(current().table_settings()) if _is_table(t)]
    ours = [_norm_grid(g) for g in fast]
    if len(ours) != len(theirs):
        return f"表格数不同（{len(ours)}/{len(theirs)}）"
    for k, (a, b) in enumerate(zip(ours, theirs), start=1):
        if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b)):
            return f"第{k}个表格的行列数不同"
        for r, (x, y) in enumerate(zip(a, b), start=1):
            for c, (u, v) in enumerate(zip(x, y), start=1):
                if u != v:
                    return f"第{k}个表格第{r}行第{c}格不同（“{u}”/“{v}”）"
    return None


def _invisible_rect(obj: dict[str, Any]) -> bool:
    """pdfplumber's view of :func:`_invisible_path`: a rectangle painted only in white."""
    if obj.get("object_type") != "rect":
        return False

    def white(color: Any) -> bool:
        vals = tuple(color) if isinstance(color, (tuple, list)) else (color,)
        if len(vals) == 1:  # gray
            vals = vals * len(_RGBA[:-1])
        return len(vals) == len(_RGBA[:-1]) and all(
            isinstance(v, (int, float)) and v * _FULL_PAINT >= _WHITE for v in vals
        )

    painted = [
        c
        for on, c in ((obj.get("fill"), obj.get("non_stroking_color")), (obj.get("stroke"), obj.get("stroking_color")))
        if on
    ]
    return bool(painted) and all(white(c) for c in painted)


_Centres = tuple[list[float], list[float], list[tuple[float, int]], list[float]]


def _char_centres(chars: list[dict[str, Any]]) -> _Centres:
    """The characters' centres: x, y (by position), and (y, position) sorted with the sorted y's
    alone, so a row of a table picks its band by bisection."""
    xmid = [(ch["x0"] + ch["x1"]) / 2 for ch in chars]
    ymid = [(ch["top"] + ch["bottom"]) / 2 for ch in chars]
    mids = sorted(zip(ymid, range(len(chars))))
    return xmid, ymid, mids, [m for m, _ in mids]


def _row_cell_chars(table: Any, chars: list[dict[str, Any]], centres: _Centres | None = None) -> Any:
    """For each row of a ruled table: the row, and for each of its cells the characters whose
    centre lies in it (half-open on the right and bottom), in their page order ([] where the row
    has no cell). ``centres``: :func:`_char_centres` of ``chars``, when the caller has them."""
    # the characters by the height of their centre, so each row picks its band by bisection
    # (in their page order: the cell text is assembled from them in that order); centres computed
    # once per character
    xmid, ymid, mids, keys = centres if centres is not None else _char_centres(chars)
    for row in table.rows:
        rb = row.bbox
        band = sorted(i for _, i in mids[bisect_left(keys, rb[1]) : bisect_left(keys, rb[3])])
        row_chars = [i for i in band if rb[0] <= xmid[i] < rb[2]]
        present = [cell for cell in row.cells if cell is not None]
        buckets: list[list[dict[str, Any]]] | None = None
        if all(present[k][2] <= present[k + 1][0] for k in range(len(present) - 1)):
            # the row's cells side by side, left to right: a character can lie in the last one
            # starting left of its centre only, found by bisection (one pass over the characters)
            buckets = [[] for _ in present]
            starts = [cell[0] for cell in present]
            for i in row_chars:
                k = bisect_right(starts, xmid[i]) - 1
                if k >= 0:
                    x0, top, x1, bottom = present[k]
                    if x0 <= xmid[i] < x1 and top <= ymid[i] < bottom:
                        buckets[k].append(chars[i])
        out: list[list[dict[str, Any]]] = []
        at = 0  # position of the cell among the row's present cells
        for cell in row.cells:
            if cell is None:
                out.append([])
                continue
            if buckets is not None:
                out.append(buckets[at])
            else:
                x0, top, x1, bottom = cell[0], cell[1], cell[2], cell[3]
                out.append([chars[i] for i in row_chars if x0 <= xmid[i] < x1 and top <= ymid[i] < bottom])
            at += 1
        yield row, out


def _grid_items_from_chars(
    table: Any, index: int, chars: list[dict[str, Any]], centres: _Centres | None = None
) -> list[_Item]:
    """Grid rows with the text of each cell: the characters whose centre lies in it (``centres``:
    :func:`_char_centres` of ``chars``, when the caller has them)."""
    items: list[_Item] = []
    # (each distinct x rounded once: rounding to a digit is slow, and the cells share their x's)
    edges = sorted(
        {round(x, 1) for x in {x for row in table.rows for cell in row.cells if cell for x in (cell[0], cell[2])}}
    )
    for row, cell_chars in _row_cell_chars(table, chars, centres):
        cells: list[str] = []
        boxes: list[Box | None] = []
        for cell, inside in zip(row.cells, cell_chars):
            if cell is None:
                cells.append("")
                boxes.append(None)
                continue
            if len(inside) > 1:
                lines = _group_lines(inside)
                if len(lines) == 1:  # (most cells: one line, whose _cell_text is the line stripped)
                    text = _line_text(lines[0])
                    cells.append(text.strip() if "\n" not in text else _cell_text(text))
                else:
                    cells.append(_cell_text("\n".join([_line_text(ln) for ln in lines])))
            elif inside:  # one character: its text (a line of one character, or none if blank)
                text = inside[0]["text"]
                cells.append(_cell_text(text) if text.strip() else "")
            else:  # an empty cell (nearly half of them)
                cells.append("")
            boxes.append(tuple(cell))
        _add_grid_row(items, cells, boxes, index, edges)
    return items


def _has_image(page: Any) -> bool:
    """A page without text that carries an image is a scan; one without either is blank."""
    from .pdfium import lib as pdfium_c

    return _count_objects(page.raw, {pdfium_c.FPDF_PAGEOBJ_IMAGE}, max_depth=current().xobject_depth, stop_at=1) > 0


def _read_text_page(page: Any, number: int, chars: list[dict[str, Any]]) -> _Page:
    """A page with text and no graphics: lines and cells from PDFium characters."""
    width, height = _page_size(page)
    return _assemble(_Page(number, width, height), [], chars, None, pad=0)


def _read_page(page: Any, number: int) -> _Page:
    out = _Page(number, float(page.width), float(page.height))
    chars = page.chars
    _check_chars(len(chars), number)
    if not any(c["text"].strip() for c in chars):
        out.scanned = True  # no text layer: a scan (or an empty page), read by OCR if installed
        return out
    tables = page.find_tables(current().table_settings())
    out.ruled = any(_is_table(t) for t in tables)
    return _assemble(out, tables, chars, _grid_items, pad=current().grid_char_pad)


def _assemble(
    out: _Page,
    tables: Any,
    chars: list[dict[str, Any]],
    grid_rows: Any,
    pad: float,
    free: Any = _free_items,
    centres: _Centres | None = None,
) -> _Page:
    """A page's items: the rows of its ruled grids (``grid_rows(table, index)``) and the lines of
    the characters outside them (``free(chars)``), top to bottom (``centres``: :func:`_char_centres`
    of ``chars``, when the caller has them)."""
    boxes: list[Box] = []
    for index, table in enumerate(tables):
        if not _is_table(table):
            continue  # a framed paragraph or a box around a title, not a table
        boxes.append(tuple(table.bbox))
        out.items.extend(grid_rows(table, index))
    if boxes:
        # the characters whose centre lies in no table's box widened by ``pad`` (edges included);
        # each centre and each widened box computed once
        padded = [(b[0] - pad, b[2] + pad, b[1] - pad, b[3] + pad) for b in boxes]
        outside = []
        if centres is not None:
            xs, ys = centres[0], centres[1]
        else:
            xs = [(c["x0"] + c["x1"]) / 2 for c in chars]
            ys = [(c["top"] + c["bottom"]) / 2 for c in chars]
        for c, x, y in zip(chars, xs, ys):
            for x0, x1, y0, y1 in padded:  # (a loop, not any(): no generator a character)
                if x0 <= x <= x1 and y0 <= y <= y1:
                    break
            else:
                outside.append(c)
    else:
        outside = list(chars)
    out.items.extend(free(outside))
    out.items.sort(key=lambda it: (round(it.top, 0), it.x0))
    return out


# ----------------------------------------------------------------------------------------------
# Across pages: furniture, border-less alignment, continuation grids, paragraphs


def _drop_furniture(pages: list[_Page]) -> None:
    """Drop page numbers and running headers/footers (lines repeated in the margin of most pages)."""
    from collections import Counter

    def margin(p: _Page, it: _Item) -> bool:
        band = current().margin_fraction * p.height
        return it.grid is None and (it.bottom < band or it.top > p.height - band)

    repeated = Counter(re.sub(r"\d+", "#", "".join(it.cells)) for p in pages for it in p.items if margin(p, it))
    threshold = max(current().furniture_min_repeats, len(pages) // 2)

    def last_folio(p: _Page, it: _Item, lowest: _Item) -> bool:
        """A page number printed higher than the margin band (a wide bottom margin): the page's
        lowest line, alone, in the bottom twice the band."""
        band = 2 * current().margin_fraction * p.height
        return (
            it is lowest
            and it.grid is None
            and it.top > p.height - band
            and bool(_PAGE_NO_RE.match("".join(it.cells).strip()))
        )

    for p in pages:
        if not p.items:
            continue
        keep = []
        lowest = max(p.items, key=lambda x: x.top)  # (once a page, not once a line)
        for it in p.items:
            if margin(p, it):
                text = "".join(it.cells).strip()
                if _PAGE_NO_RE.match(text) or repeated[re.sub(r"\d+", "#", text)] >= threshold:
                    continue
            elif last_folio(p, it, lowest):
                continue
            keep.append(it)
        p.items = keep


def _map_continuations(pages: list[_Page]) -> None:
    """Re-map a grid that continues a previous page's grid onto that grid's columns by x-position."""
    prev_edges: list[float] | None = None
    for p in pages:
        first_grid = next((k for k, it in enumerate(p.items) if it.grid is not None), None)
        if prev_edges and first_grid is not None:
            before = [it for it in p.items[:first_grid] if "".join(it.cells).strip()]
            grid_no = p.items[first_grid].grid
            rows = [it for it in p.items if it.grid == grid_no]
            if not before and rows and rows[0].col_edges != prev_edges and len(rows[0].cells) != len(prev_edges) - 1:
                for it in rows:
                    _remap(it, prev_edges)
        last = next((it for it in reversed(p.items) if it.grid is not None), None)
        # Only a grid that runs to the bottom of the page can continue on the next one.
        if last is not None and not any(it.grid is None and it.top > last.bottom for it in p.items):
            prev_edges = last.col_edges
        else:
            prev_edges = None


def _remap(it: _Item, edges: list[float]) -> None:
    n = len(edges) - 1
    cells = [""] * n
    boxes: list[Box | None] = [None] * n
    for text, box in zip(it.cells, it.boxes):
        if box is None or not text:
            continue
        x = (box[0] + box[2]) / 2
        col = max(0, min(n - 1, sum(1 for e in edges[1:-1] if x > e)))
        cells[col] = cells[col] + text if cells[col] else text
        boxes[col] = box
    it.cells, it.boxes = cells, boxes


def _join_paragraphs(pages: list[_Page]) -> list[tuple[_Page, _Item]]:
    """Flatten pages to (page, item), joining narrative lines wrapped at the right margin."""
    out: list[tuple[_Page, _Item]] = []
    for p in pages:
        free = [it for it in p.items if it.grid is None and len(it.cells) == 1]
        right = (
            median(sorted(it.x1 for it in free)[-max(1, len(free) // current().right_margin_share) :])
            if free
            else p.width
        )
        for it in p.items:
            if out:
                prev_page, prev = out[-1]
                if (
                    prev.grid is None
                    and it.grid is None
                    and len(prev.cells) == 1
                    and len(it.cells) == 1
                    and getattr(prev, "_wraps", False)
                    and not _looks_like_heading(it.cells[0])
                    and _continues(prev, it)
                ):
                    prev.cells = [prev.cells[0] + it.cells[0]]
                    prev._wraps = _wraps(it, right)  # type: ignore[attr-defined]
                    if prev_page is p:
                        b0, b1 = prev.boxes[0], it.boxes[0]
                        if b0 and b1:
                            prev.boxes = [(min(b0[0], b1[0]), b0[1], max(b0[2], b1[2]), b1[3])]
                    continue
            it._wraps = it.grid is None and len(it.cells) == 1 and _wraps(it, right)  # type: ignore[attr-defined]
            if it.boxes and it.boxes[0]:
                it._left = it.boxes[0][0]  # type: ignore[attr-defined]
            out.append((p, it))
    return out


def _continues(prev: _Item, it: _Item) -> bool:
    """A wrapped line starts at the paragraph's left edge, in the same font size (a centred title
    or a heading in a larger font after a full line is not its continuation)."""
    b0, b1 = prev.boxes[0], it.boxes[0]
    if not b0 or not b1:
        return False
    h0 = (b0[3] - b0[1]) / max(1, prev.cells[0].count("\n") + 1)
    line_h = min(h0, b1[3] - b1[1])
    left = getattr(prev, "_left", b0[0])
    if b1[0] > left + current().wrap_indent_h * line_h:
        return False
    return True


def _wraps(it: _Item, right: float) -> bool:
    text = it.cells[0].rstrip()
    if not text or text[-1] in _SENTENCE_END:
        return False
    box = it.boxes[0]
    if not box:
        return False
    size = (box[2] - box[0]) / max(len(text), 1)
    return box[2] >= right - current().wrap_right_em * size and len(text) >= current().wrap_min_chars


_HEADING_RE = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[、.．](?!\d)|[（(]\d+[)）])"
)


def _looks_like_heading(text: str) -> bool:
    return bool(_HEADING_RE.match(text.strip()))


# ----------------------------------------------------------------------------------------------
# The reader


def _ocr_page(page: Any) -> tuple[list[_Item], str | None, list[Any]]:
    """OCR a page without a text layer: its items, why it could not be read, and the OCR runs.

    The page image is turned upright and its ruling segments found (:mod:`.scan`, with OpenCV):
    the lattice finder makes the same grids of them as of a PDF's drawn rulings, and each grid
    cell takes the OCR runs whose centre lies in it (a run crossing a cell boundary is cut there
    first). Runs outside the grids are lines of their own: each run is a cell unless it nearly
    touches the next one, and a border-less table among them is aligned like one of text. Without
    OpenCV (only tesseract installed), the whole page is read the second way.
    """
    try:
        from . import ocr
    except ImportError:  # pragma: no cover — the module ships with juesuan
        return [], UNREAD_NO_OCR, []
    if not ocr.available():
        return [], UNREAD_NO_OCR, []
    scale = current().ocr_dpi / _POINTS_PER_INCH
    try:
        image = page.render(scale=scale).to_pil()
    except Exception as exc:  # noqa: BLE001 — a page that cannot be rendered is reported, not fatal
        return [], UNREAD_NOT_RENDERED.format(reason=_why(exc)), []
    tables: list[Any] = []
    masks = None
    try:
        from . import scan as scan_module

        # OpenCV comes with rapidocr; with tesseract alone the page is read as free text
        scan = scan_module if scan_module.available() else None
        if scan is not None:
            from .lattice import find_tables

            image, _angle = scan.deskew(image)
            masks = scan.line_masks(image, scale)
            edges = scan.ruling_edges(image, scale, masks)
            tables = [t for t in find_tables(edges, current().table_settings()) if _is_table(t)]
        if scan is not None and ocr.engine() == "rapidocr":
            words = scan.read_page(image, tables, scale, masks)
        elif scan is not None and tables:
            cells = [c for t in tables for c in t.cells]
            bands = [(t.bbox[1], t.bbox[3], [x for c in t.cells for x in (c[0], c[2])]) for t in tables]
            spread, inserted = scan.spread_columns(image, bands, scale)
            words = scan.cut_runs(scan.unspread(ocr.ocr_page(spread, scale), inserted), cells)
        else:
            words = ocr.ocr_page(image, scale)
    except InputError as exc:
        return [], UNREAD_OCR_FAILED.format(reason=str(exc).removeprefix("文字识别（OCR）失败：")), []
    except Exception as exc:  # noqa: BLE001 — an engine crash must not lose the document
        return [], UNREAD_OCR_FAILED.format(reason=_why(exc)), []
    words = [w for w in words if w.text.strip()]
    if words:
        confs = sorted(w.conf for w in words)
        median = confs[len(confs) // 2]
        if median < current().ocr_page_min_confidence:
            return [], UNREAD_OCR_ILLEGIBLE.format(conf=median), []
    runs = [{"text": w.text, "x0": w.x0, "x1": w.x1, "top": w.top, "bottom": w.bottom} for w in words]
    out = _Page(0, 0.0, 0.0)
    _assemble(
        out, tables, runs, lambda table, index: _grid_items_from_chars(table, index, runs), pad=0, free=_ocr_items
    )
    for it in out.items:
        it.ocr = True
    from .snap import snap_items

    snap_items(out.items)
    return out.items, None, words


def _ocr_items(runs: list[dict[str, Any]]) -> list[_Item]:
    """OCR runs outside any grid as lines: each run is a cell of its own unless it nearly touches
    the next one; a line with prose in it is one cell."""
    items = []
    for line in _group_lines(runs):
        cells: list[str] = []
        boxes: list[Box | None] = []
        for run in line:
            height = max(run["bottom"] - run["top"], 1.0)
            if boxes and run["x0"] - boxes[-1][2] < current().ocr_join_h * height:  # type: ignore[index]
                b = boxes[-1]
                cells[-1] += run["text"]
                boxes[-1] = (b[0], min(b[1], run["top"]), run["x1"], max(b[3], run["bottom"]))  # type: ignore[index]
            else:
                cells.append(run["text"])
                boxes.append((run["x0"], run["top"], run["x1"], run["bottom"]))
        if len(cells) > 1 and any(_PROSE_RE.search(c) for c in cells):
            cells = ["".join(cells)]
            boxes = [
                (
                    min(b[0] for b in boxes if b),
                    min(b[1] for b in boxes if b),
                    max(b[2] for b in boxes if b),
                    max(b[3] for b in boxes if b),
                )
            ]
        items.append(_Item(min(b[1] for b in boxes if b), max(b[3] for b in boxes if b), cells, boxes, ocr=True))
    return items


def _confidences(it: _Item, words: list[Any]) -> list[float | None]:
    """Each cell's OCR confidence: the lowest of the runs whose centre lies in its box."""
    out: list[float | None] = []
    for box in it.boxes:
        if box is None:
            out.append(None)
            continue
        inside = [
            w.conf
            for w in words
            if box[0] <= (w.x0 + w.x1) / 2 <= box[2] and box[1] <= (w.top + w.bottom) / 2 <= box[3]
        ]
        out.append(min(inside) if inside else None)
    return out


def _candidates(it: _Item, words: list[Any]) -> list[tuple[str, ...] | None] | None:
    """Each cell's other readings (:attr:`RawLine.candidates`): for a cell read from one OCR run
    whose text it still is character for character (letter-for-digit repairs keep the positions),
    the cell with one digit replaced by the recognizer's runner-up digit there, most probable first."""
    out: list[tuple[str, ...] | None] = []
    for text, box in zip(it.cells, it.boxes):
        if box is None or not text.strip():
            out.append(None)
            continue
        inside = [
            w for w in words if box[0] <= (w.x0 + w.x1) / 2 <= box[2] and box[1] <= (w.top + w.bottom) / 2 <= box[3]
        ]
        if len(inside) != 1 or len(inside[0].text) != len(text) or not inside[0].alternatives:
            out.append(None)
            continue
        readings = [
            (prob, text[:pos] + ch + text[pos + 1 :])
            for pos, ch, prob in inside[0].alternatives
            if ch.isdigit() and text[pos].isdigit()
        ]
        out.append(tuple(r for _, r in sorted(readings, key=lambda pr: -pr[0])) or None)
    return out if any(out) else None


_REASON_CHARS = 200  # an exception's message is cut to this length in a reason


def _why(exc: BaseException) -> str:
    """An exception in a reason: its kind and, when it has one, its message (shortened)."""
    text = str(exc).strip().splitlines()[0][:_REASON_CHARS] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _open_pdfium(path: Path) -> Any:
    """The document in PDFium, or a clear error: encrypted, damaged, empty, too long. Opened with
    juesuan's binding of the PDFium functions the reader calls (:mod:`.pdfium`: pypdfium2's own
    costs more to import than reading most documents)."""
    from . import pdfium

    ahead = sys.modules.get(__package__ + ".prefetch")  # the command's start-up worker, if any
    try:
        doc = ahead.take(path) if ahead is not None else None
        if doc is None:
            doc = pdfium.Document(path)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in _ERR_ENCRYPTED:
            raise InputError(f"PDF 文件已加密，无法读取：{path.name}（请提供未加密的文件）") from None
        raise InputError(f"PDF 文件已损坏或不完整，无法读取：{path.name}") from None
    n = len(doc)
    if n == 0:
        doc.close()
        raise InputError(f"PDF 文件没有页面：{path.name}")
    if n > MAX_PAGES:
        doc.close()
        raise InputError(f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页）：{path.name}")
    return doc


@register(".pdf")
def read_pdf(path: Path) -> RawDocument:
    """Read a PDF: every page from PDFium's characters and rulings (ruled pages through
    :mod:`.lattice`)."""
    return read_pdf_pages(path)


def read_loaded(fpage: Any, number: int, slow: Any = None, plumber_pages: set[int] | None = None) -> _Page:
    """Page ``number`` (``fpage``, loaded) as read before any OCR: a text page, a page with tables
    (ruled or not; with ``plumber_pages``, those pages from pdfplumber's page objects of ``slow``),
    or one without characters (``scanned`` when it shows an image)."""
    paths, chars = _triage(fpage, number)
    if chars and not paths:
        return _read_text_page(fpage, number, chars)
    if not chars:
        width, height = _page_size(fpage)
        return _Page(number, width, height, scanned=_has_image(fpage))
    if slow is not None and plumber_pages and number in plumber_pages:
        return _read_page(slow.pages[number - 1], number)
    return _read_grid_page_fast(fpage, number, chars)


def read_pdf_pages(path: Path, plumber_pages: set[int] | None = None) -> RawDocument:
    """:func:`read_pdf`, with ``plumber_pages``, ruled pages read with pdfplumber's own page
    objects instead (its characters and ``find_tables``): the other reading of the differential
    check."""
    fast = _open_pdfium(path)
    slow = None
    if plumber_pages:
        import pdfplumber

        slow = pdfplumber.open(path)
    pages: list[_Page] = []
    unread: list[int] = []
    reasons: dict[int, str] = {}
    notes: list[str] = []
    ocr_words: dict[int, list[Any]] = {}  # the OCR runs of each scanned page
    differential = os.environ.get(DIFFERENTIAL_ENV, "").lower() in ("always", "1", "on")
    # the command's page helper reads pages from the last one back (.backread)
    back = None if plumber_pages else backread.take(path, len(fast))
    try:
        for number in range(1, len(fast) + 1):
            if back is not None:
                done = back.page(number)
                if done is not None:
                    pages.append(done)
                    continue
            fpage = None
            try:
                fpage = fast[number - 1]
                pg = read_loaded(fpage, number, slow, plumber_pages)
                if pg.scanned:
                    pg.items, problem, ocr_words[number] = _ocr_page(fpage)
                    if problem:
                        unread.append(number)
                        reasons[number] = problem
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001 — one broken page must not lose the document
                # reported as an unread page with its reason; the other pages are kept
                pg = _Page(number, 0.0, 0.0)
                unread.append(number)
                reasons[number] = UNREAD_PAGE_FAILED.format(reason=_why(exc))
            finally:
                if fpage is not None:
                    fpage.close()  # before the document (this binding does not track its pages)
            pages.append(pg)
    finally:
        if back is not None:
            back.close()
        fast.close()
        if slow is not None:
            slow.close()
    _drop_furniture(pages)
    for k, p in enumerate(pages):
        if k:
            carry_over(pages[k - 1], p)
        _align_borderless(p.items)
    _map_continuations(pages)
    doc = RawDocument(file=str(path), format="pdf", page_count=len(pages))
    counters: dict[int, int] = {}
    for p, it in _join_paragraphs(pages):
        counters[p.number] = counters.get(p.number, 0) + 1
        confidences = candidates = None
        if it.ocr and ocr_words.get(p.number):
            confidences = _confidences(it, ocr_words[p.number])
            candidates = _candidates(it, ocr_words[p.number])
        doc.lines.append(
            RawLine(
                counters[p.number],
                it.cells,
                p.number,
                it.boxes,
                ocr=it.ocr,
                doubt=it.doubt,
                confidences=confidences,
                candidates=candidates,
            )
        )
    if differential:  # JUESUAN_PDF_DIFFERENTIAL=always: every ruled page against pdfplumber's grids
        from ..timing import stage

        with stage("differential"):
            notes += differential_notes(path)[1]
    doc.unread_pages = unread
    doc.unread_reasons = reasons
    doc.reading_notes = notes
    doc.ruled_pages = [p.number for p in pages if p.ruled]
    return doc
