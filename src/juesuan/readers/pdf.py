"""PDF reader on word and line geometry (pdfplumber; pypdfium2 for rendering and OCR triage).

What comes out is the same :class:`~juesuan.raw.RawDocument` every reader produces: per page, a
sequence of lines in reading order, each split into cells with a bbox per cell, in PDF points with
the origin at the top-left of the page (pdfplumber's convention), pages 1-based.

How a page is read:

* **Ruled tables** (lines or rectangle edges): pdfplumber finds the grid; each grid row becomes one
  line whose cells follow the grid's columns. A merged cell keeps its text in its first position
  and leaves '' in the positions it covers, so column positions stay right. Text wrapped over two or
  three lines inside a cell is joined.
* **Text outside ruled tables**: characters are grouped into lines by their vertical position, and
  a line is split into cells at gaps wider than :data:`CELL_GAP_EM` character widths. Runs of lines
  that look like a border-less (three-line) table are aligned onto common columns found from the
  anchors of their amount rows, the 栏次 row and the header (:func:`_align_borderless`), so an amount
  lands in the column its header sits over even when the cells to its left are empty, and a header
  wrapped over several lines becomes one cell.
* **Continuation pages**: a grid at the top of a page with no header, following a grid that ended
  the previous page with a different column count, is re-mapped onto the previous grid's columns by
  x-position, not by column index.
* **Page furniture**: page numbers and running headers/footers in the top and bottom margins are
  dropped.
* **Narrative**: a line that runs to the right margin is joined with the line that follows it (a
  paragraph wrapped by the typesetter), across a page break too, so the narrative comes out as
  paragraphs in reading order with the page where each starts.
* **Scanned pages** (no text layer): read by OCR when the optional OCR component is installed,
  with every value marked as OCR'd; otherwise the page is listed in ``RawDocument.unread_pages``
  and the checks say which rules could not run, instead of reporting tables as missing.

Limits are explicit: :data:`MAX_PAGES` pages and :data:`MAX_CHARS_PER_PAGE` characters a page.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..raw import RawDocument, RawLine
from . import register

MAX_PAGES = 1500
MAX_CHARS_PER_PAGE = 60_000
CELL_GAP_EM = 1.6  # a gap wider than this many character widths separates two cells of a free line
LINE_TOL = 0.45  # characters whose vertical centres differ by less than this × height share a line
MARGIN_FRACTION = 0.075  # top/bottom band where page numbers and running headers live

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}

_PAGE_NO_RE = re.compile(r"^[-—–－·\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*(共\s*)?\d{1,4}\s*页?)?[-—–－·\s]*$")
_AMOUNT_RE = re.compile(r"^[-－−(（]?[\d,，]+(\.\d+)?[)）]?%?$")
_SENTENCE_END = "。；;！？!?”"

Box = tuple[float, float, float, float]


@dataclass
class _Item:
    """One line of a page before it becomes a RawLine: cells with boxes, and where it sits."""

    top: float
    bottom: float
    cells: list[str]
    boxes: list[Box | None]
    grid: int | None = None  # index of the ruled grid on the page, None for free text
    ocr: bool = False
    col_edges: list[float] | None = None  # grid rows: x boundaries of the grid's columns
    chars: list[dict[str, Any]] | None = None  # free lines: the characters, for re-cutting

    @property
    def x0(self) -> float:
        return min(b[0] for b in self.boxes if b)

    @property
    def x1(self) -> float:
        return max(b[2] for b in self.boxes if b)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    items: list[_Item] = field(default_factory=list)
    scanned: bool = False


# ----------------------------------------------------------------------------------------------
# Characters → lines → cells


def _line_text(chars: list[dict[str, Any]]) -> str:
    """Text of one visual line; a space where the gap between two characters is wide."""
    out: list[str] = []
    prev = None
    for ch in chars:
        if prev is not None:
            height = max(prev["bottom"] - prev["top"], 1.0)
            gap = ch["x0"] - prev["x1"]
            # A space where one was printed between Latin words or digits, or after a list
            # number ("1. 因公出国"); CJK text never gets spaces from letter-spacing.
            latin = prev["text"].isascii() and ch["text"].isascii()
            after_mark = prev["text"] in ".:;,)" and not ch["text"].isdigit()
            if gap > 0.2 * height and (latin or after_mark):
                out.append(" ")
        out.append(ch["text"])
        prev = ch
    return "".join(out)


def _group_lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group characters into visual lines by vertical centre; each line sorted left to right."""
    chars = [c for c in chars if c["text"].strip()]
    chars.sort(key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    centre = height = 0.0
    for c in chars:
        mid = (c["top"] + c["bottom"]) / 2
        h = max(c["bottom"] - c["top"], 1.0)
        if lines and abs(mid - centre) <= LINE_TOL * max(h, height):
            lines[-1].append(c)
            n = len(lines[-1])
            centre += (mid - centre) / n
            height = max(height, h)
        else:
            lines.append([c])
            centre, height = mid, h
    for ln in lines:
        ln.sort(key=lambda c: c["x0"])
    return lines


def _split_cells(line: list[dict[str, Any]]) -> tuple[list[str], list[Box]]:
    """Split one visual line into cells at wide gaps (or where an amount touches a label)."""
    groups: list[list[dict[str, Any]]] = [[line[0]]]
    for prev, ch in zip(line, line[1:]):
        size = max(min(prev["x1"] - prev["x0"], ch["x1"] - ch["x0"], prev["size"] if "size" in prev else 99), 2.0)
        gap = ch["x0"] - prev["x1"]
        # A right-aligned amount touching the next cell's label ("628.77一、一般公共服务支出").
        # Also an amount touching the next cell's code ("388.50" + "30299"): amounts in these
        # tables carry exactly two decimals.
        digit_to_cjk = prev["text"].isdigit() and (_is_cjk(ch["text"]) or ch["text"].isdigit()) and _group_is_amount(groups[-1])
        if gap > CELL_GAP_EM * size or digit_to_cjk:
            groups.append([ch])
        else:
            groups[-1].append(ch)
    cells = [_line_text(g) for g in groups]
    boxes = [(min(c["x0"] for c in g), min(c["top"] for c in g), max(c["x1"] for c in g), max(c["bottom"] for c in g))
             for g in groups]
    return cells, boxes


def _is_cjk(s: str) -> bool:
    return bool(s) and "\u3400" <= s[0] <= "\u9fff"


def _group_is_amount(group: list[dict[str, Any]]) -> bool:
    text = "".join(c["text"] for c in group)
    return bool(re.fullmatch(r"[\d,]+\.\d{2}", text))


def _cell_text(text: str | None) -> str:
    """Join the lines of a wrapped cell: no space between CJK parts, one between Latin words."""
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalpha():
            out += " "
        out += p
    return out


# ----------------------------------------------------------------------------------------------
# One page


def _inside(c: dict[str, Any], box: Box, pad: float = 1.0) -> bool:
    x = (c["x0"] + c["x1"]) / 2
    y = (c["top"] + c["bottom"]) / 2
    return box[0] - pad <= x <= box[2] + pad and box[1] - pad <= y <= box[3] + pad


def _grid_items(table: Any, index: int) -> list[_Item]:
    items: list[_Item] = []
    texts = table.extract()
    edges = sorted({round(x, 1) for row in table.rows for cell in row.cells if cell for x in (cell[0], cell[2])})
    for row, row_text in zip(table.rows, texts):
        boxes: list[Box | None] = [tuple(c) if c else None for c in row.cells]  # type: ignore[misc]
        cells = [_cell_text(t) for t in row_text]
        _add_grid_row(items, cells, boxes, index, edges)
    return items


def _add_grid_row(items: list[_Item], cells: list[str], boxes: list[Box | None], index: int, edges: list[float]) -> None:
    """Append one grid row as an item (rows with no text at all are left out)."""
    if not any(cells):
        return
    top = min(b[1] for b in boxes if b)
    bottom = max(b[3] for b in boxes if b)
    items.append(_Item(top, bottom, cells, boxes, grid=index, col_edges=edges))


_PROSE_RE = re.compile(r"[，。；]")


def _free_items(chars: list[dict[str, Any]], ocr: bool = False) -> list[_Item]:
    items = []
    for line in _group_lines(chars):
        cells, boxes = _split_cells(line)
        if len(cells) > 1 and any(_PROSE_RE.search(c) for c in cells):
            # A justified prose line ("9859.38    万元。与上年相比，…"): one cell, not a table row.
            cells = ["".join(cells)]
            boxes = [(min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))]
        items.append(_Item(min(b[1] for b in boxes), max(b[3] for b in boxes), cells, list(boxes), ocr=ocr, chars=line))
    return items


def _pdfium_chars(page: Any) -> list[dict[str, Any]]:
    """Characters of a page from PDFium, in pdfplumber's coordinates (origin top-left).

    Used for pages without any vector graphics (narrative pages): PDFium reads them about a hundred
    times faster than pdfminer, and without rulings there is no grid for pdfplumber to find.
    """
    left, bottom, right, top = page.get_mediabox()
    textpage = page.get_textpage()
    try:
        chars = []
        for i in range(textpage.count_chars()):
            text = textpage.get_text_range(i, 1)
            if not text.strip():
                continue
            x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)
            chars.append({"text": text, "x0": x0 - left, "x1": x1 - left, "top": top - y1, "bottom": top - y0})
        return chars
    finally:
        textpage.close()


def _triage(page: Any) -> tuple[int, int]:
    """(vector path objects, characters) of a PDFium page."""
    import pypdfium2.raw as pdfium_c

    paths = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3))
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
    finally:
        textpage.close()
    return paths, n


def _pdfium_edges(page: Any) -> list[dict[str, Any]] | None:
    """Horizontal and vertical ruling segments of a page, as pdfplumber edges, from PDFium.

    Returns None when the page draws inside form XObjects (their nested transforms are left to
    pdfplumber). Straight segments of every path (lines, rectangles, polylines) are kept; curves
    are not rulings.
    """
    import ctypes

    import pypdfium2.raw as pdfium_c

    height = page.get_height()
    left, bottom, _, _ = page.get_mediabox()
    edges: list[dict[str, Any]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM], max_depth=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            return None
        a, b, c, d, e, f = obj.get_matrix().get()
        start = prev = None
        for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
            pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            pt = (a * x.value + c * y.value + e - left, height - (b * x.value + d * y.value + f - bottom))
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = prev = pt
                continue
            if kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                pairs = [(prev, pt)]
                if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
                    pairs.append((pt, start))
                for p, q in pairs:
                    x0, x1 = sorted((p[0], q[0]))
                    t0, t1 = sorted((p[1], q[1]))
                    if x1 - x0 < 0.5 and t1 - t0 > 0.5:
                        orientation = "v"
                    elif t1 - t0 < 0.5 and x1 - x0 > 0.5:
                        orientation = "h"
                    else:
                        continue
                    edges.append({"x0": x0, "x1": x1, "top": t0, "bottom": t1, "doctop": t0, "width": x1 - x0,
                                  "height": t1 - t0, "orientation": orientation, "object_type": "line"})
            prev = pt
    return edges


class _EdgePage:
    """The little of a pdfplumber page that its table finder needs (lines strategy)."""

    def __init__(self, edges: list[dict[str, Any]], width: float, height: float):
        self.edges = edges
        self.bbox = (0, 0, width, height)
        self.chars: list[dict[str, Any]] = []


def _read_grid_page_fast(page: Any, number: int) -> _Page | None:
    """A ruled page from PDFium characters and rulings, with pdfplumber's lattice finder.

    Gives the same grids as pdfplumber on its own page object, several times faster. None when
    the page needs pdfplumber (drawings inside form XObjects).
    """
    from pdfplumber.table import TableFinder, TableSettings

    edges = _pdfium_edges(page)
    if edges is None:
        return None
    width, height = page.get_size()
    out = _Page(number, float(width), float(height))
    chars = _pdfium_chars(page)
    if len(chars) > MAX_CHARS_PER_PAGE:
        raise InputError(f"第{number}页字符过多（{len(chars)} 个，上限 {MAX_CHARS_PER_PAGE}），无法作为公开文件读取")
    tables = TableFinder(_EdgePage(edges, width, height), TableSettings.resolve(TABLE_SETTINGS)).tables
    boxes: list[Box] = []
    for index, table in enumerate(tables):
        if len(table.rows) < 2 or max(len(r.cells) for r in table.rows) < 2:
            continue
        boxes.append(tuple(table.bbox))  # type: ignore[arg-type]
        out.items.extend(_grid_items_from_chars(table, index, chars))
    free = [ch for ch in chars if not any(_inside(ch, b, pad=0) for b in boxes)]
    out.items.extend(_free_items(free))
    out.items.sort(key=lambda it: (round(it.top, 0), it.x0))
    return out


def _grid_items_from_chars(table: Any, index: int, chars: list[dict[str, Any]]) -> list[_Item]:
    """Grid rows with the text of each cell: the characters whose centre lies in it."""
    items: list[_Item] = []
    edges = sorted({round(x, 1) for row in table.rows for cell in row.cells if cell for x in (cell[0], cell[2])})
    for row in table.rows:
        rb = row.bbox
        row_chars = [ch for ch in chars if rb[1] <= (ch["top"] + ch["bottom"]) / 2 < rb[3] and rb[0] <= (ch["x0"] + ch["x1"]) / 2 < rb[2]]
        cells: list[str] = []
        boxes: list[Box | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append("")
                boxes.append(None)
                continue
            inside = [ch for ch in row_chars if cell[0] <= (ch["x0"] + ch["x1"]) / 2 < cell[2] and cell[1] <= (ch["top"] + ch["bottom"]) / 2 < cell[3]]
            lines = [_line_text(ln) for ln in _group_lines(inside)]
            cells.append(_cell_text("\n".join(lines)))
            boxes.append(tuple(cell))  # type: ignore[arg-type]
        _add_grid_row(items, cells, boxes, index, edges)
    return items


def _has_image(page: Any) -> bool:
    """A page without text that carries an image is a scan; one without either is blank."""
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _read_text_page(page: Any, number: int) -> _Page:
    """A page with text and no graphics: lines and cells from PDFium characters."""
    width, height = page.get_size()
    out = _Page(number, float(width), float(height))
    chars = _pdfium_chars(page)
    if len(chars) > MAX_CHARS_PER_PAGE:
        raise InputError(f"第{number}页字符过多（{len(chars)} 个，上限 {MAX_CHARS_PER_PAGE}），无法作为公开文件读取")
    out.items = _free_items(chars)
    out.items.sort(key=lambda it: (round(it.top, 0), it.x0))
    return out


def _read_page(page: Any, number: int) -> _Page:
    out = _Page(number, float(page.width), float(page.height))
    chars = page.chars
    if len(chars) > MAX_CHARS_PER_PAGE:
        raise InputError(f"第{number}页字符过多（{len(chars)} 个，上限 {MAX_CHARS_PER_PAGE}），无法作为公开文件读取")
    if not any(c["text"].strip() for c in chars):
        out.scanned = True  # no text layer: a scan (or an empty page), read by OCR if installed
        return out
    tables = page.find_tables(TABLE_SETTINGS)
    boxes: list[Box] = []
    for i, t in enumerate(tables):
        if len(t.rows) < 2 or max(len(r.cells) for r in t.rows) < 2:
            continue  # a framed paragraph or a box around a title, not a table
        boxes.append(tuple(t.bbox))  # type: ignore[arg-type]
        out.items.extend(_grid_items(t, i))
    free = [c for c in chars if not any(_inside(c, b) for b in boxes)]
    out.items.extend(_free_items(free))
    out.items.sort(key=lambda it: (round(it.top, 0), it.x0))
    return out


# ----------------------------------------------------------------------------------------------
# Across pages: furniture, border-less alignment, continuation grids, paragraphs


def _drop_furniture(pages: list[_Page]) -> None:
    """Drop page numbers and running headers/footers (lines repeated in the margin of most pages)."""
    from collections import Counter

    def margin(p: _Page, it: _Item) -> bool:
        band = MARGIN_FRACTION * p.height
        return it.grid is None and (it.bottom < band or it.top > p.height - band)

    repeated = Counter(
        re.sub(r"\d+", "#", "".join(it.cells)) for p in pages for it in p.items if margin(p, it)
    )
    threshold = max(3, len(pages) // 2)
    for p in pages:
        keep = []
        for it in p.items:
            if margin(p, it):
                text = "".join(it.cells).strip()
                if _PAGE_NO_RE.match(text) or repeated[re.sub(r"\d+", "#", text)] >= threshold:
                    continue
            keep.append(it)
        p.items = keep


def _is_amount(s: str) -> bool:
    return bool(_AMOUNT_RE.match(s.strip())) and any(ch.isdigit() for ch in s)


_DECIMAL_RE = re.compile(r"^[-－−(（]?\d[\d,，]*\.\d+[)）]?$")


def _align_borderless(items: list[_Item]) -> None:
    """Put the cells of a border-less (three-line) table on common columns.

    A run of free lines is a table printed without vertical rules when several of its lines carry
    two or more decimal amounts; or when one does, under a 栏次 row; or when several lines of three
    or more cells carry one amount each (side-by-side code/name/amount blocks with few amounts).
    Its columns come from the data rows: every cell gives an anchor (the right edge of an amount,
    which is right-aligned; the left edge of a text), anchors that line up form a column, and two
    neighbouring columns that no row uses together are one column (labels indented by level). The
    other lines of the run (headers, 栏次, wrapped labels, the 部门/单位 line) are then placed on
    those columns, so empty cells become '' in their place and a header lands over its column.
    Items emptied by joining a wrapped header cell are removed.
    """
    i = 0
    while i < len(items):
        if items[i].grid is not None or len(items[i].cells) < 2:
            i += 1
            continue
        j = i
        while j < len(items) and items[j].grid is None and (len(items[j].cells) >= 2 or _short_gap(items, j)):
            j += 1
        run = items[i:j]
        data = [it for it in run if _decimals(it) >= 2]
        if len(data) < 3 and not (data and any(_lanci_numbers(it) for it in run[: run.index(data[0])])):
            # Without a 栏次 row above them, one or two rows of amounts are no table; rows of one
            # amount each are, when there are several and they have three cells or more.
            sparse = [it for it in run if _decimals(it) >= 1 and len(it.cells) >= 3]
            data = sparse if len(sparse) >= 3 else []
        if data:
            k = i
            # Header lines right above the run, up to the 部门/单位 line; a line in a larger font
            # (the table's title) is not part of the table.
            size = statistics.median(b[3] - b[1] for it in data for b in it.boxes if b)
            while k > 0 and items[k - 1].grid is None and items[k - 1].bottom > items[k].top - 40:
                above = items[k - 1]
                if max(b[3] - b[1] for b in above.boxes if b) > 1.25 * size or len("".join(above.cells)) > 60:
                    break
                k -= 1
                if "单位" in "".join(above.cells):
                    break
            dropped = _recut(items[k:j], data)
            if dropped:
                items[k:j] = [it for it in items[k:j] if not any(it is d for d in dropped)]
                j -= len(dropped)
        i = max(j, i + 1)


def _decimals(it: _Item) -> int:
    return sum(bool(_DECIMAL_RE.match(c.strip())) for c in it.cells)


def _lanci_numbers(it: _Item) -> list[tuple[float, Box]]:
    """The column numbers of a 栏次 row (three or more small integers, or two after the word
    栏次), as (centre, box)."""
    nums = [((b[0] + b[2]) / 2, b) for t, b in zip(it.cells, it.boxes) if b and re.fullmatch(r"\d{1,2}", t.strip())]
    named = any(re.sub(r"\s", "", t) == "栏次" for t in it.cells)
    return nums if len(nums) >= 3 or (named and len(nums) >= 2) else []


def _short_gap(items: list[_Item], j: int) -> bool:
    """A single-cell line inside a table run (a label that wrapped, a 小计 label) keeps the run going."""
    return 0 < j < len(items) - 1 and len(items[j + 1].cells) >= 2 and len(items[j].cells) == 1 and items[j].grid is None


def _right_aligned(cells: list[str], position: int) -> bool:
    """Amounts are right-aligned; a code is an integer but left-aligned: one opening the row, one
    of 5 or 7 digits, or one followed by its name (a code/name/amount block beside another)."""
    t = cells[position].strip()
    if _DECIMAL_RE.match(t):
        return True
    if not _is_amount(t) or position == 0 or _CODE_LIKE_RE.match(t):
        return False
    after = next((c.strip() for c in cells[position + 1 :] if c.strip()), "")
    return not (re.fullmatch(r"\d{3}", t) and _is_cjk(after))


_CODE_LIKE_RE = re.compile(r"^\d{3}(\d{2}){1,2}$")


def _match_in_order(xs: list[float], ds: list[float], skip: float | None = None, lean: float = 0.0) -> list[tuple[int, int]]:
    """Match sorted positions ``xs`` to sorted positions ``ds`` keeping their order, each used at
    most once, with the least total distance. Leaving an x unmatched costs ``skip``, by default
    0.6 × the usual spacing of ``ds`` (a column that the 栏次 row does not number, such as 行次).
    A d right of its x costs ``lean`` more: a header centred over two columns (a merged cell)
    goes to the first, as in a ruled grid."""
    if not xs or not ds:
        return []
    gaps = [b - a for a, b in zip(ds, ds[1:])]
    if skip is None:
        skip = 0.6 * statistics.median(gaps) if gaps else 1e6
    n, m = len(xs), len(ds)
    inf = float("inf")
    cost = [[0.0] * (m + 1)] + [[inf] * (m + 1) for _ in range(n)]
    move: dict[tuple[int, int], str] = {}
    for a in range(1, n + 1):
        for b in range(m + 1):
            options = [(cost[a - 1][b] + skip, "x")]
            if b > 0:
                options.append((cost[a][b - 1], "d"))
                dist = abs(xs[a - 1] - ds[b - 1]) + (lean if ds[b - 1] > xs[a - 1] else 0.0)
                options.append((cost[a - 1][b - 1] + dist, "m"))
            cost[a][b], move[a, b] = min(options)
    pairs = []
    a, b = n, m
    while a > 0:
        step = move[a, b]
        if step == "m":
            pairs.append((a - 1, b - 1))
            a, b = a - 1, b - 1
        elif step == "x":
            a -= 1
        else:
            b -= 1
    return pairs[::-1]


def _columns(data: list[_Item], header: list[_Item], body: list[_Item]) -> tuple[list[float], list[float]]:
    """Cut positions between the columns found in the data rows, and the columns' centres.

    Columns empty in every data row are found from the header: a 栏次 number, or a cell of the
    leaf header line that lies over no data column and no cell of the table's rows, marks a column
    of its own. ``body`` is every line from the first data row down.
    """
    clusters: list[dict[str, Any]] = []
    for amount in (True, False):  # amounts line up on the right, texts on the left
        anchors = sorted(
            (b[2] if amount else b[0], r, b[0], b[2], t.strip())
            for r, it in enumerate(data)
            for k, (t, b) in enumerate(zip(it.cells, it.boxes))
            if b and t.strip() and _right_aligned(it.cells, k) == amount
        )
        start = len(clusters)
        for a, r, x0, x1, t in anchors:
            if len(clusters) > start and a - clusters[-1]["hi"] <= 3.0:
                c = clusters[-1]
                c["hi"] = a
                c["rows"].add(r)
                c["x0"], c["x1"] = min(c["x0"], x0), max(c["x1"], x1)
                c["spans"].append((x0, x1, t))
            else:
                clusters.append({"lo": a, "hi": a, "rows": {r}, "x0": x0, "x1": x1, "amount": amount, "spans": [(x0, x1, t)]})
    clusters.sort(key=lambda c: (c["x0"] + c["x1"]) / 2)
    merged: list[dict[str, Any]] = []
    for c in clusters:
        if merged and not (merged[-1]["rows"] & c["rows"]):
            m = merged[-1]
            m["hi"], m["rows"] = c["hi"], m["rows"] | c["rows"]
            m["x0"], m["x1"] = min(m["x0"], c["x0"]), max(m["x1"], c["x1"])
            m["spans"] = m["spans"] + c["spans"]
        else:
            merged.append(dict(c, rows=set(c["rows"])))
    for c in merged:
        # Numbers centred in their column: whole numbers only (行次 1…60, a narrow column), or
        # numbers whose centres agree better than their right edges.
        if c.get("amount"):
            mids = [(x0 + x1) / 2 for x0, x1, _ in c["spans"]]
            rights = [x1 for _, x1, _ in c["spans"]]
            if all(t.isdigit() for *_, t in c["spans"]) or max(mids) - min(mids) + 0.5 < max(rights) - min(rights):
                c["centre"] = statistics.median(mids)
    lanci = next((it for it in header if _lanci_numbers(it)), None)
    cells = [b for it in body for t, b in zip(it.cells, it.boxes) if b and t.strip()]
    if lanci is not None:
        # The 栏次 row numbers the amount columns, in order: each number goes to at most one data
        # column (a 行次 column is not numbered); a number that owns no data column marks an
        # empty one.
        digits = _lanci_numbers(lanci)
        amounts = [c for c in merged if c.get("amount")]
        owned = set()
        for a, k in _match_in_order([(c["x0"] + c["x1"]) / 2 for c in amounts], [d[0] for d in digits]):
            amounts[a]["centre"] = digits[k][0]
            owned.add(k)
        for k, (mid, b) in enumerate(digits):
            if k not in owned:
                merged.append({"lo": mid, "hi": mid, "rows": set(), "x0": b[0], "x1": b[2], "centre": mid})
    else:
        # No 栏次 row: a cell of the leaf header line (the one right above the data; the lines
        # above it hold spanning group headers) that is above no data column marks an empty one,
        # unless a cell of the rows below reaches under it (a long name in a wide column).
        leaf = [it for it in header if it.bottom <= data[0].top][-1:]
        for it in leaf:
            for t, b in zip(it.cells, it.boxes):
                if not (b and t.strip()):
                    continue
                if any(c["x0"] - 1 <= b[2] and b[0] <= c["x1"] + 1 for c in merged):
                    continue
                if any(x[0] <= b[0] and b[2] <= x[2] for x in cells):
                    continue
                mid = (b[0] + b[2]) / 2
                merged.append({"lo": mid, "hi": mid, "rows": set(), "x0": b[0], "x1": b[2]})
    merged.sort(key=lambda c: (c["x0"] + c["x1"]) / 2)
    cuts = []
    for a, b in zip(merged, merged[1:]):
        if a["x1"] < b["x0"]:
            cuts.append((a["x1"] + b["x0"]) / 2)
        else:
            cuts.append((a["hi"] + b["lo"]) / 2)
    # For centred text (headers), the boundary lies halfway between column centres.
    centres = []
    for k, c in enumerate(merged):
        if "centre" in c:
            centres.append(c["centre"])
        elif c.get("amount") and k > 0:
            # Right-aligned amounts: the column runs from the previous column's edge to them.
            centres.append((merged[k - 1]["x1"] + c["x1"]) / 2)
        else:
            centres.append((c["x0"] + c["x1"]) / 2)
    return cuts, centres


def _segments(it: _Item, box: Box) -> list[tuple[str, Box]]:
    """The characters of one header cell, split where a visible gap separates two headers that
    were printed too close to be separate cells (wider than half a character)."""
    chars = [ch for ch in it.chars or [] if ch["text"].strip() and box[0] - 0.1 <= (ch["x0"] + ch["x1"]) / 2 <= box[2] + 0.1]
    groups: list[list[dict[str, Any]]] = []
    for ch in chars:
        if groups:
            prev = groups[-1][-1]
            width = min(prev["x1"] - prev["x0"], ch["x1"] - ch["x0"])
            if ch["x0"] - prev["x1"] <= 0.5 * max(width, 1.0):
                groups[-1].append(ch)
                continue
        groups.append([ch])
    return [(_line_text(g), (g[0]["x0"], min(c["top"] for c in g), g[-1]["x1"], max(c["bottom"] for c in g))) for g in groups]


def _recut(run: list[_Item], data: list[_Item]) -> list[_Item]:
    """Place every line of a border-less table on its columns; returns the lines left empty."""
    first_data = min(run.index(it) for it in data)
    # The table's rows start after the 栏次 row (the last header line) or at the first data row.
    first_body = next((k + 1 for k in range(first_data - 1, -1, -1) if _lanci_numbers(run[k])), first_data)
    cuts, centres = _columns(data, run[:first_body], run[first_body:])
    if not cuts:
        return []
    n = len(cuts) + 1

    def column(x: float) -> int:
        return sum(1 for c in cuts if x > c)

    for pos, it in enumerate(run):
        cells = [""] * n
        boxes: list[Box | None] = [None] * n

        def put(col: int, text: str, box: Box) -> None:
            cells[col] = cells[col] + text if cells[col] else text
            old = boxes[col]
            boxes[col] = box if old is None else (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))

        if pos >= first_body or not it.chars:
            for k, (text, box) in enumerate(zip(it.cells, it.boxes)):
                if box is not None and text:
                    x = box[2] - 0.5 if _right_aligned(it.cells, k) else box[0] + 0.5
                    put(column(x), text, box)
        else:
            # Header lines: a cell holding several headers printed too close to be separated is
            # split at its visible gaps (a part that still spans several column centres without a
            # gap is one header over several columns, a merged cell, and stays whole). The headers
            # of a line go to distinct columns, in order, each as near as can be to its centre.
            parts: list[tuple[str, Box]] = []
            for text, box in zip(it.cells, it.boxes):
                if box is None or not text:
                    continue
                segs = _segments(it, box) if len([c for c in centres if box[0] <= c <= box[2]]) > 1 else []
                parts.extend(segs if len(segs) > 1 else [(text, box)])
            mids = [(b[0] + b[2]) / 2 for _, b in parts]
            lean = 0.25 * statistics.median(b[3] - b[1] for _, b in parts) if parts else 0.0
            if len(parts) <= n:
                pairs = _match_in_order(mids, centres, skip=float("inf"), lean=lean)
            else:
                pairs = [(q, min(range(n), key=lambda k: abs(centres[k] - mid) + (lean if centres[k] > mid else 0.0)))
                         for q, mid in enumerate(mids)]
            for q, k in pairs:
                put(k, *parts[q])
        it.cells, it.boxes = cells, boxes
    return _join_wrapped_headers(run[:first_body], centres)


def _join_wrapped_headers(header: list[_Item], centres: list[float]) -> list[_Item]:
    """Join the lines of a header cell wrapped over two or more lines into one cell.

    Spreadsheet headers are vertically centred in their row, so a header wrapped over two lines
    straddles the line of the one-line headers beside it. A fragment continues the one above it in
    the same column when both share a centre (or left edge), the lower one is no wider, and the
    upper one fills its column (it wrapped for lack of room). The joined text is put on the header
    line at the vertical middle of the fragments (where the one-line headers of that row are).
    Returns the lines left empty.
    """
    if len(header) < 2 or len(centres) < 2:
        return []
    n = len(centres)
    # The width of a column: twice its narrower half (centres estimated from right-aligned
    # amounts next to a ragged text column make the other half too wide).
    halves = [abs(b - a) / 2 for a, b in zip(centres, centres[1:])]
    width = [2 * min(halves[max(k - 1, 0)], halves[min(k, n - 2)]) for k in range(n)]
    for k in range(n):
        chain: list[_Item] = []
        for it in header:
            box = it.boxes[k] if k < len(it.boxes) else None
            if box is None or not it.cells[k].strip():
                continue
            if chain:
                up = chain[-1].boxes[k]
                assert up is not None
                h = max(min(up[3] - up[1], box[3] - box[1]), 1.0)
                same = abs((up[0] + up[2]) / 2 - (box[0] + box[2]) / 2) <= 0.35 * h or abs(up[0] - box[0]) <= 0.35 * h
                full = (up[2] - up[0]) + 2 * h > width[k]
                if same and full and box[1] - up[3] < h and (box[2] - box[0]) <= (up[2] - up[0]) + 0.35 * h:
                    chain.append(it)
                    continue
                _merge_chain(chain, k, header)
            chain = [it]
        _merge_chain(chain, k, header)
    return [it for it in header if not any(c.strip() for c in it.cells)]


def _merge_chain(chain: list[_Item], k: int, header: list[_Item]) -> None:
    if len(chain) < 2:
        return
    boxes = [it.boxes[k] for it in chain]
    top = min(b[1] for b in boxes if b)
    bottom = max(b[3] for b in boxes if b)
    text = "".join(it.cells[k].strip() for it in chain)
    box = (min(b[0] for b in boxes if b), top, max(b[2] for b in boxes if b), bottom)
    for it in chain:
        it.cells[k], it.boxes[k] = "", None
    middle = (top + bottom) / 2
    candidates = [it for it in header if not it.cells[k].strip() and it.top <= middle <= it.bottom]
    target = min(candidates, key=lambda it: abs((it.top + it.bottom) / 2 - middle)) if candidates else chain[0]
    target.cells[k], target.boxes[k] = text, box


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
        right = statistics.median(sorted(it.x1 for it in free)[-max(1, len(free) // 3):]) if free else p.width
        for it in p.items:
            if out:
                prev_page, prev = out[-1]
                if (prev.grid is None and it.grid is None and len(prev.cells) == 1 and len(it.cells) == 1
                        and getattr(prev, "_wraps", False) and not _looks_like_heading(it.cells[0])
                        and _continues(prev, it)):
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
    if b1[0] > left + 0.6 * line_h:
        return False
    return True


def _wraps(it: _Item, right: float) -> bool:
    text = it.cells[0].rstrip()
    if not text or text[-1] in _SENTENCE_END:
        return False
    box = it.boxes[0]
    width = box[2] - box[0] if box else 0
    size = width / max(len(text), 1)
    return bool(box) and box[2] >= right - 1.5 * size and len(text) >= 12


_HEADING_RE = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[、.．](?!\d)|[（(]\d+[)）])")


def _looks_like_heading(text: str) -> bool:
    return bool(_HEADING_RE.match(text.strip()))


# ----------------------------------------------------------------------------------------------
# The reader


def _open(path: Path) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
        n = len(pdf.pages)
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError(f"PDF 文件已加密，无法读取：{path.name}（请提供未加密的文件）") from None
        if isinstance(inner, PDFSyntaxError):
            raise InputError(f"PDF 文件已损坏或不完整，无法读取：{path.name}") from None
        raise InputError(f"无法读取 PDF 文件：{path.name}（{inner}）") from None
    except Exception as exc:  # noqa: BLE001 — pdfminer raises many kinds on broken files
        raise InputError(f"PDF 文件已损坏或不完整，无法读取：{path.name}（{type(exc).__name__}）") from None
    if n == 0:
        pdf.close()
        raise InputError(f"PDF 文件没有页面：{path.name}")
    if n > MAX_PAGES:
        pdf.close()
        raise InputError(f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页）：{path.name}")
    return pdf


def _ocr_page(path: Path, number: int) -> tuple[list[_Item], str | None]:
    """OCR a page without a text layer: its items, or why it could not be read.

    OCR returns text runs (a whole label or amount), not characters: each run is a cell of its
    own unless it nearly touches the next one. Rulings are removed before recognition, so a
    scanned table comes out border-less and is aligned like one.
    """
    try:
        from . import ocr
    except ImportError:  # pragma: no cover — the module ships with juesuan
        return [], "未安装文字识别（OCR）组件"
    if not ocr.available():
        return [], "未安装文字识别（OCR）组件"
    import pypdfium2 as pdfium

    scale = 200 / 72
    doc = pdfium.PdfDocument(str(path))
    try:
        image = doc[number - 1].render(scale=scale).to_pil()
    finally:
        doc.close()
    try:
        words = ocr.ocr_page(image, scale)
    except InputError as exc:
        return [], str(exc)
    except Exception as exc:  # noqa: BLE001 — an engine crash must not lose the document
        return [], f"文字识别失败（{type(exc).__name__}）"
    runs = [{"text": w.text, "x0": w.x0, "x1": w.x1, "top": w.top, "bottom": w.bottom} for w in words if w.text.strip()]
    items = []
    for line in _group_lines(runs):
        cells: list[str] = []
        boxes: list[Box | None] = []
        for run in line:
            height = max(run["bottom"] - run["top"], 1.0)
            if boxes and run["x0"] - boxes[-1][2] < 0.3 * height:  # type: ignore[index]
                b = boxes[-1]
                cells[-1] += run["text"]
                boxes[-1] = (b[0], min(b[1], run["top"]), run["x1"], max(b[3], run["bottom"]))  # type: ignore[index]
            else:
                cells.append(run["text"])
                boxes.append((run["x0"], run["top"], run["x1"], run["bottom"]))
        if len(cells) > 1 and any(_PROSE_RE.search(c) for c in cells):
            cells = ["".join(cells)]
            boxes = [(min(b[0] for b in boxes if b), min(b[1] for b in boxes if b), max(b[2] for b in boxes if b), max(b[3] for b in boxes if b))]
        items.append(_Item(min(b[1] for b in boxes if b), max(b[3] for b in boxes if b), cells, boxes, ocr=True))
    return items, None


@register(".pdf")
def read_pdf(path: Path) -> RawDocument:
    import pypdfium2 as pdfium

    pdf = _open(path)
    pages: list[_Page] = []
    unread: list[int] = []
    try:
        fast = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        pdf.close()
        raise InputError(f"PDF 文件已损坏或不完整，无法读取：{path.name}") from None
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                fpage = fast[number - 1]
                paths, nchars = _triage(fpage)
                if fpage.get_rotation():
                    # A rotated page: pdfplumber turns its coordinates; PDFium's are unrotated.
                    pg = _read_page(page, number)
                elif nchars and not paths:
                    pg = _read_text_page(fpage, number)
                elif not nchars:
                    width, height = fpage.get_size()
                    pg = _Page(number, float(width), float(height), scanned=_has_image(fpage))
                else:
                    pg = _read_grid_page_fast(fpage, number) or _read_page(page, number)
                fpage.close()
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001 — one broken page must not lose the document
                raise InputError(f"PDF 第{number}页无法读取：{path.name}（{type(exc).__name__}）") from None
            finally:
                page.close()
            if pg.scanned:
                items, problem = _ocr_page(path, number)
                pg.items = items
                if problem:
                    unread.append(number)
            pages.append(pg)
    finally:
        pdf.close()
        fast.close()
    _drop_furniture(pages)
    for p in pages:
        _align_borderless(p.items)
    _map_continuations(pages)
    doc = RawDocument(file=str(path), format="pdf", page_count=len(pages))
    counters: dict[int, int] = {}
    for p, it in _join_paragraphs(pages):
        counters[p.number] = counters.get(p.number, 0) + 1
        doc.lines.append(RawLine(counters[p.number], it.cells, p.number, it.boxes, ocr=it.ocr))
    doc.unread_pages = unread
    return doc


def page_items(path: str | Path) -> Iterable[tuple[int, list[str], list[Box | None]]]:
    """Debugging aid: (page, cells, boxes) for every line the reader produced."""
    for ln in read_pdf(Path(path)).lines:
        yield ln.page or 0, ln.cells, list(ln.bboxes or [])
