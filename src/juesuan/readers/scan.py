"""Table structure of a scanned page from its image: deskew, ruling segments, OCR runs cut at them.

A scanned page has no drawing operators, so the ruled-table path of the PDF reader (rulings →
:mod:`.lattice` grid → the characters in each cell) has nothing to start from. This module gives it
the same input from the page image:

* :func:`deskew` — the page turned upright: the angle (within ``scan_max_skew`` degrees) at which
  the ink's row profile is sharpest (rulings and text lines both make it peak), searched coarsely
  then finely on a reduced image; turned with OpenCV, white fill.
* :func:`ruling_edges` — horizontal and vertical ruling segments as pdfplumber edge dicts in PDF
  points: the ink (Otsu threshold) opened with a line-shaped kernel ``scan_hline_length`` /
  ``scan_vline_length`` long (OpenCV morphology: only runs of ink at least that long survive, text
  does not), each remaining connected component no thicker than ``scan_ruling_max_thickness`` a
  segment. :func:`juesuan.readers.lattice.find_tables` turns them into the same grid a PDF's
  drawn rulings give, so everything downstream (continuations, recognition) is unchanged.
* :func:`cut_runs` — an OCR run that crosses a vertical ruling of a grid (the rulings are painted
  out before recognition, so an engine may read two neighbouring cells as one run) is split there,
  its characters shared out by their estimated widths (CJK full width, others half).

OpenCV and numpy come with the ``ocr`` extra (rapidocr-onnxruntime); they are imported here only,
lazily, when a scanned page is read.
"""

from __future__ import annotations

import re
from typing import Any

from .ocr import OcrWord, _is_cjk
from .settings import current

Edge = dict[str, Any]
_WHITE = 255  # grey level of white paper; also the value of a set pixel in a mask
_CONNECTIVITY = 8  # a ruling's pixels touch by edges or corners
_ONE_AROUND = 3  # a 3 × 3 square: one pixel all round


def available() -> bool:
    """True when OpenCV is installed (with the ``ocr`` extra): without it a scanned page is read
    without its table structure (tesseract alone)."""
    import importlib.util

    return importlib.util.find_spec("cv2") is not None


def _cv() -> Any:
    import cv2  # installed with rapidocr-onnxruntime (the ``ocr`` extra)

    return cv2


def _ink(grey: Any) -> Any:
    cv2 = _cv()
    _, ink = cv2.threshold(grey, 0, _WHITE, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def skew_angle(grey: Any) -> float:
    """The angle (degrees, counter-clockwise as OpenCV turns) that sets the page upright."""
    import numpy as np

    cv2 = _cv()
    s = current()
    ink = _ink(grey)
    factor = min(1.0, s.scan_skew_width / max(ink.shape[1], 1))
    small = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else ink
    small = small.astype(np.float32)
    h, w = small.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
        profile = turned.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    best = 0.0
    span, step = s.scan_max_skew, s.scan_skew_step
    while step >= s.scan_skew_fine_step:
        n = int(round(span / step))
        candidates = [best + k * step for k in range(-n, n + 1)]
        best = max(candidates, key=lambda a: (sharpness(a), -abs(a)))
        span, step = step, step / s.scan_skew_refine
    return best


def deskew(image: Any) -> tuple[Any, float]:
    """The page image (PIL, grey) turned upright, and the angle it was turned by (degrees)."""
    import numpy as np
    from PIL import Image

    cv2 = _cv()
    grey = np.asarray(image.convert("L"))
    angle = skew_angle(grey)
    if abs(angle) < current().scan_min_skew:
        return image.convert("L"), 0.0
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=_WHITE)
    return Image.fromarray(turned), angle


def line_masks(image: Any, px_per_pt: float) -> list[tuple[str, int, Any]]:
    """The ruling masks of an (upright) page image (:func:`_line_masks` of its ink), made once per
    page for both :func:`ruling_edges` and :func:`read_page`."""
    import numpy as np

    return _line_masks(_ink(np.asarray(image.convert("L"))), px_per_pt)


def _line_masks(ink: Any, px_per_pt: float) -> list[tuple[str, int, Any]]:
    """(orientation, kernel length in pixels, the ink in runs at least that long) for "h" and "v"."""
    cv2 = _cv()
    s = current()
    out = []
    for orientation, length in (("h", s.scan_hline_length), ("v", s.scan_vline_length)):
        k = max(int(length * px_per_pt), 2)
        shape = (k, 1) if orientation == "h" else (1, k)
        out.append(
            (orientation, k, cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape)))
        )
    return out


def ruling_edges(image: Any, px_per_pt: float, masks: list[tuple[str, int, Any]] | None = None) -> list[Edge]:
    """Ruling segments of an (upright) page image as pdfplumber edges, in PDF points (``masks``:
    :func:`_line_masks` of the page, when already made)."""
    import numpy as np

    cv2 = _cv()
    s = current()
    if masks is None:
        masks = _line_masks(_ink(np.asarray(image.convert("L"))), px_per_pt)
    thick = s.scan_ruling_max_thickness * px_per_pt
    edges: list[Edge] = []
    for orientation, k, lines in masks:
        # components within the mask's inked rectangle only (a page without rulings, or with a
        # few, has a small one or none): the same components, found in fewer pixels
        bx, by, bw, bh = cv2.boundingRect(lines)
        if bw == 0 or bh == 0:
            continue
        count, _, stats, _ = cv2.connectedComponentsWithStats(
            np.ascontiguousarray(lines[by : by + bh, bx : bx + bw]), connectivity=_CONNECTIVITY
        )
        for i in range(1, count):
            x, y, w, h = (int(v) for v in stats[i][:4])
            x, y = x + bx, y + by
            across, along = (h, w) if orientation == "h" else (w, h)
            if across > thick or along < k:
                continue
            if orientation == "h":
                mid = (y + h / 2) / px_per_pt
                x0, x1, top, bottom = x / px_per_pt, (x + w) / px_per_pt, mid, mid
            else:
                mid = (x + w / 2) / px_per_pt
                x0, x1, top, bottom = mid, mid, y / px_per_pt, (y + h) / px_per_pt
            edges.append(
                {
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "width": x1 - x0,
                    "height": bottom - top,
                    "orientation": orientation,
                    "object_type": "line",
                }
            )
    return edges


Band = tuple[float, float, list[float]]  # top, bottom (points) and the x of the columns' boundaries


def spread_columns(
    image: Any, bands: list[Band], px_per_pt: float
) -> tuple[Any, list[tuple[float, float, list[tuple[float, float]]]]]:
    """The page image with ``scan_spread`` points of white inserted at each column boundary of
    each grid, within the grid's band of rows only (a title or text above or below it is left
    whole), and the insertions per band — (top, bottom, [(x in the spread image, width)]), in
    points — for :func:`unspread`.

    After the rulings are painted out, the text of two neighbouring cells is only the cells'
    padding apart, and a text detector may read it as one run; spread apart at the grid's column
    boundaries, it cannot. Bands that overlap are one band with the boundaries of both.
    """
    import numpy as np
    from PIL import Image

    grey = np.asarray(image.convert("L"))
    height, width = grey.shape
    gap = max(int(current().scan_spread * px_per_pt), 1)
    merged: list[list[Any]] = []
    for top, bottom, cuts in sorted(bands, key=lambda b: b[0]):
        if merged and top <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], bottom)
            merged[-1][2] = merged[-1][2] + list(cuts)
        else:
            merged.append([top, bottom, list(cuts)])
    if not merged:
        return image, []
    strips: list[Any] = []
    inserted: list[tuple[float, float, list[tuple[float, float]]]] = []
    last_row = 0
    for top, bottom, cuts in merged:
        y0 = min(max(int(top * px_per_pt), last_row), height)
        y1 = min(max(int(round(bottom * px_per_pt)) + 1, y0), height)
        strips.append(grey[last_row:y0])
        xs = sorted({min(max(int(round(x * px_per_pt)), 0), width) for x in cuts})
        parts, shifts, last = [], [], 0
        blank = np.full((y1 - y0, gap), _WHITE, dtype=grey.dtype)
        for k, x in enumerate(xs):
            parts.append(grey[y0:y1, last:x])
            parts.append(blank)
            shifts.append(((x + k * gap) / px_per_pt, gap / px_per_pt))
            last = x
        parts.append(grey[y0:y1, last:])
        strips.append(np.concatenate(parts, axis=1))
        inserted.append((y0 / px_per_pt, y1 / px_per_pt, shifts))
        last_row = y1
    strips.append(grey[last_row:])
    wide = max(s.shape[1] for s in strips)
    padded = [np.pad(s, ((0, 0), (0, wide - s.shape[1])), constant_values=_WHITE) for s in strips]
    return Image.fromarray(np.concatenate(padded, axis=0)), inserted


def unspread(words: list[OcrWord], inserted: list[tuple[float, float, list[tuple[float, float]]]]) -> list[OcrWord]:
    """Boxes read on a spread image (:func:`spread_columns`) back in the page's points: a run whose
    centre lies in a spread band is shifted back by the white inserted to its left."""
    if not inserted:
        return words

    def back(x: float, shifts: list[tuple[float, float]]) -> float:
        shift = 0.0
        for at, width in shifts:
            if x >= at + width:
                shift += width
            elif x > at:
                shift += x - at
        return round(x - shift, 2)

    out = []
    for w in words:
        mid = (w.top + w.bottom) / 2
        band = next((shifts for top, bottom, shifts in inserted if top <= mid < bottom), None)
        if band is None:
            out.append(w)
        else:
            out.append(OcrWord(w.text, back(w.x0, band), w.top, back(w.x1, band), w.bottom, w.conf))
    return out


def _widths(text: str) -> list[float]:
    half = current().scan_narrow_char
    return [1.0 if _is_cjk(ch) else half for ch in text]


def cut_runs(words: list[OcrWord], cells: list[tuple[float, float, float, float]]) -> list[OcrWord]:
    """``words`` with every run that crosses a vertical cell boundary split there.

    ``cells``: the ruled cells (boxes in points). A run crosses a boundary when the boundary lies
    inside it by more than ``scan_cut_margin`` × its height on both sides, in a cell row it
    overlaps; the cut falls between the characters nearest the boundary, by estimated widths.
    """
    s = current()
    out: list[OcrWord] = []
    for w in words:
        height = max(w.bottom - w.top, 1.0)
        margin = s.scan_cut_margin * height
        mid = (w.top + w.bottom) / 2
        cuts = sorted(
            {x for c in cells if c[1] <= mid < c[3] for x in (c[0], c[2]) if w.x0 + margin < x < w.x1 - margin}
        )
        if not cuts or len(w.text) < 2:
            out.append(w)
            continue
        widths = _widths(w.text)
        unit = (w.x1 - w.x0) / sum(widths)
        bounds = [w.x0]
        for wd in widths:
            bounds.append(bounds[-1] + wd * unit)
        pieces, start = [], 0
        for x in cuts:
            k = min(range(start + 1, len(w.text)), key=lambda j: abs(bounds[j] - x), default=None)
            if k is None:
                break
            pieces.append((start, k))
            start = k
        pieces.append((start, len(w.text)))
        for a, b in pieces:
            text = w.text[a:b].strip()
            if text:
                out.append(OcrWord(text, round(bounds[a], 2), w.top, round(bounds[b], 2), w.bottom, w.conf))
    return out


# --------------------------------------------------------------------------------------------
# Reading a page whose grids are known: recognition per cell, detection only outside the grids

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def erase_rulings(grey: Any, masks: list[tuple[str, int, Any]]) -> Any:
    """The page (grey, uint8 array) with the ruling pixels of ``masks`` (and one pixel around
    them: their anti-aliased edges) painted white."""
    cv2 = _cv()
    lines = masks[0][2]
    for _, _, m in masks[1:]:
        lines = cv2.bitwise_or(lines, m)
    lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (_ONE_AROUND, _ONE_AROUND)))
    out = grey.copy()
    out[lines > 0] = _WHITE
    return out


def _runs(mask: Any, gap: int) -> list[tuple[int, int]]:
    """[start, end) of the runs of True in a 1-D mask, runs at most ``gap`` apart joined."""
    import numpy as np

    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def cell_lines(
    ink: Any, cell: tuple[int, int, int, int], px_per_pt: float, faint: Any = None
) -> list[tuple[int, int, int, int]]:
    """The lines of text in one cell, as pixel boxes (x0, top, x1, bottom) on the page: the runs of
    inked rows of the cell (gaps under ``scan_line_gap`` joined), each as wide as its ink; specks
    (less ink than ``scan_min_ink`` pixels, or smaller than ``scan_min_extent``) are no text.

    ``faint``: the page's lighter ink (below ``scan_faint_level``). A thin stroke at a line's end
    — the 一 of ``一、一般…`` in a turned, JPEG-compressed 150-dpi scan, whose stroke turning and
    compression lightened to mid-grey — is lighter than ink: the line's box is widened, left and
    right, over the faint ink that touches its ink (gaps under ``scan_faint_gap`` × the line's
    height), so the recognizer sees the whole stroke."""
    s = current()
    x0, y0, x1, y1 = cell
    sub = ink[y0:y1, x0:x1]
    if sub.size == 0 or not sub.any():
        return []
    out = []
    for a, b in _runs(sub.any(axis=1), int(s.scan_line_gap * px_per_pt)):
        band = sub[a:b]
        cols = _runs(band.any(axis=0), 0)
        left, right = cols[0][0], cols[-1][1]
        if int(band.sum()) < s.scan_min_ink or max(right - left, b - a) < s.scan_min_extent * px_per_pt:
            continue
        if faint is not None:
            lighter = _runs(faint[y0 + a : y0 + b, x0:x1].any(axis=0), int(s.scan_faint_gap * (b - a)))
            left = min([left, *(p for p, q in lighter if p <= left < q)])
            right = max([right, *(q for p, q in lighter if p < right <= q)])
        out.append((x0 + left, y0 + a, x0 + right, y0 + b))
    return out


_POINTS_PER_INCH = 72


def split_line(ink: Any, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """A detected line cut where its ink leaves a gap at least ``scan_split_gap`` × the height of
    its ink: the detector reads two neighbouring cells of a table without rulings as one line (and
    the gaps of a border-less table are what separates its columns); the gaps between the
    characters of a word or a number are far narrower (and letter-spaced text is cut only at gaps
    twice its usual one). The pieces of a cut line are boxes around
    their ink; a line not cut keeps the detector's box."""
    x0, y0, x1, y1 = box
    sub = ink[y0:y1, x0:x1]
    rows = _runs(sub.any(axis=1), 0)
    if not rows:
        return [box]
    top, bottom = y0 + rows[0][0], y0 + rows[-1][1]
    height = bottom - top
    # letter-spaced text (目 录, a contents page) is not cut between its letters: a gap must also
    # be at least twice the line's median gap between runs of ink
    cols = _runs(sub.any(axis=0), 0)
    spaces = sorted(b - a for (_, a), (b, _) in zip(cols, cols[1:]))
    usual = spaces[len(spaces) // 2] if spaces else 0
    gap = max(current().scan_split_gap * height, current().scan_spaced_gap * usual)
    pieces = _runs(sub.any(axis=0), max(int(gap) - 1, 0))
    if len(pieces) < 2:
        return [box]
    # not after a small mark low or mid-line (、，。：): its square's blank half is no column gap
    kept = [pieces[0]]
    for a, b in pieces[1:]:
        last = _runs(sub[:, kept[-1][0] : kept[-1][1]].any(axis=0), 0)[-1]
        glyph = sub[:, kept[-1][0] + last[0] : kept[-1][0] + last[1]]
        ink_rows = _runs(glyph.any(axis=1), 0)
        tall = ink_rows[-1][1] - ink_rows[0][0]
        if last[1] - last[0] < current().scan_mark * height and tall < current().scan_mark * height:
            kept[-1] = (kept[-1][0], b)
        else:
            kept.append((a, b))
    pieces = kept
    if len(pieces) < 2:
        return [box]
    # each piece as tight as its ink (the detector's box is padded: two padded boxes of
    # neighbouring cells would nearly touch again)
    return [(x0 + a, top, x0 + b, bottom) for a, b in pieces]


# full-width punctuation is drawn in one half of its square: the other half is blank, and that
# blank beside a character can be as wide as a gap between columns
_BLANK_AFTER = ")）]】」』》〉”’：:、，。；"
_BLANK_BEFORE = "(（[【「『《〈“‘"
_FIGURE_START = "0123456789-—+.,"


def _bracketed(left: OcrWord, right: OcrWord) -> bool:
    """Two pieces of one detected line that are one text cut beside full-width punctuation
    (``其他…办公厅`` ``（室）`` ``及…``, ``部门：`` ``示例…``): the blank half of the punctuation's
    square widened the gap there to a column gap. Not when the other side is a figure."""
    gap = right.x0 - left.x1
    height = max(left.bottom - left.top, right.bottom - right.top, 1.0)
    if gap > current().scan_bracket_gap * height:
        return False
    return (left.text[-1] in _BLANK_AFTER and right.text[0] not in _FIGURE_START) or (
        right.text[0] in _BLANK_BEFORE and left.text[-1] not in _FIGURE_START
    )


def _joined(left: OcrWord, right: OcrWord) -> OcrWord:
    shift = len(left.text)
    return OcrWord(
        left.text + right.text,
        left.x0,
        min(left.top, right.top),
        right.x1,
        max(left.bottom, right.bottom),
        min(left.conf, right.conf),
        left.alternatives + tuple((p + shift, c, q) for p, c, q in right.alternatives),
    )


# (the recognizer may read the gap between them as a space)
_LABEL_FIGURE_RE = re.compile(r"^(.*[\u4e00-\u9fff）)])\s*([-—]?[0-9][0-9,]*(?:\.[0-9]+)?)$")
_FIGURE_LABEL_RE = re.compile(r"^([-—]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*([\u4e00-\u9fff（(].*)$")
# an amount (its fraction of one or two digits) and the figure of the next cell: the code of a
# block printed beside (``386.90 302``, ``58.2030202``)
_FIGURE_FIGURE_RE = re.compile(r"^([-—]?[0-9][0-9,]*\.[0-9]{1,2})\s*([-—]?[0-9][0-9,]*(?:\.[0-9]+)?)$")


def split_figure(word: OcrWord, ink: Any, px_per_pt: float) -> list[OcrWord]:
    """A run read outside the grids that is a label and a figure (``45.00五、教育支出``,
    ``2010350事业运行``), or an amount and a figure (``386.90 302``), cut between them where its ink leaves a gap of at least
    ``scan_figure_gap`` × its height near the estimated boundary (two cells of a table without
    rulings printed closer than a column gap; a figure inside a label, ``2023年``, has no such gap)."""
    m = _LABEL_FIGURE_RE.match(word.text) or _FIGURE_LABEL_RE.match(word.text) or _FIGURE_FIGURE_RE.match(word.text)
    if not m:
        return [word]
    k = len(m.group(1))
    widths = _widths(word.text)
    x0, x1 = int(word.x0 * px_per_pt), int(round(word.x1 * px_per_pt))
    y0, y1 = int(word.top * px_per_pt), int(round(word.bottom * px_per_pt))
    sub = ink[y0:y1, x0:x1]
    if sub.size == 0:
        return [word]
    rows = _runs(sub.any(axis=1), 0)
    height = (rows[-1][1] - rows[0][0]) if rows else 0
    unit = (x1 - x0) / sum(widths)
    guess = sum(widths[:k]) * unit
    cols = _runs(sub.any(axis=0), 0)
    gaps = [(a, b) for (_, a), (b, _) in zip(cols, cols[1:]) if b - a >= current().scan_figure_gap * height]
    near = [g for g in gaps if abs((g[0] + g[1]) / 2 - guess) <= unit]
    if not near:
        return [word]
    a, b = min(near, key=lambda g: abs((g[0] + g[1]) / 2 - guess))
    cut_left, cut_right = round((x0 + a) / px_per_pt, 2), round((x0 + b) / px_per_pt, 2)
    r = m.start(2)
    left_alts = tuple(t for t in word.alternatives if t[0] < k)
    right_alts = tuple((p - r, c, q) for p, c, q in word.alternatives if p >= r)
    parts = [
        OcrWord(word.text[:k], word.x0, word.top, cut_left, word.bottom, word.conf, left_alts),
        OcrWord(word.text[r:], cut_right, word.top, word.x1, word.bottom, word.conf, right_alts),
    ]
    # each part may hold one more cell (``95.4830205水费``: amount, code and label)
    return [piece for part in parts for piece in split_figure(part, ink, px_per_pt)]


def _crop(clean: Any, box: tuple[int, int, int, int], height: float, limit: tuple[int, int, int, int]) -> Any:
    """A line's image for the recognizer: its box widened to at least ``height`` and by a margin
    of ``scan_rec_margin`` × that height above and below, ``scan_rec_side_margin`` × it left and
    right (the recognizer's time grows with the crop's width; the line's box already holds its
    ink, faint strokes included), within ``limit`` (its cell), white beyond."""
    import numpy as np

    x0, y0, x1, y1 = box
    h = max(y1 - y0, height)
    margin = current().scan_rec_margin * h
    side = current().scan_rec_side_margin * h
    cy = (y0 + y1) / 2
    top, bottom = int(cy - h / 2 - margin), int(np.ceil(cy + h / 2 + margin))
    left, right = int(x0 - side), int(np.ceil(x1 + side))
    out = np.full((bottom - top, right - left), _WHITE, dtype=clean.dtype)
    lx0, ly0, lx1, ly1 = limit
    a, b = max(top, ly0), min(bottom, ly1)
    c, d = max(left, lx0), min(right, lx1)
    if a < b and c < d:
        out[a - top : b - top, c - left : d - left] = clean[a:b, c:d]
    return out


def read_page(
    image: Any, tables: list[Any], px_per_pt: float, masks: list[tuple[str, int, Any]] | None = None
) -> list[OcrWord]:
    """The text of an upright scanned page whose ruled grids are known (``tables``: the lattice
    finder's, in points), as OCR runs in points.

    Inside the grids there is nothing to detect: each cell's lines of ink (:func:`cell_lines`,
    on the page with its rulings painted out) are recognized directly, and a cell without ink is
    not read at all. Outside the grids (titles, notes, text pages), the remaining ink is cut into
    bands of lines, each band reduced to ``ocr_det_dpi`` for the text detector, and the lines it
    finds are recognized from the full-resolution page. ``masks``: :func:`line_masks` of the
    page, when already made."""
    import numpy as np

    from . import ocr, scanfree

    s = current()
    grey = np.asarray(image.convert("L"))
    clean = erase_rulings(grey, masks if masks is not None else _line_masks(_ink(grey), px_per_pt))
    ink = clean < s.ocr_ink_level
    faint = clean < s.scan_faint_level
    inset = max(int(round(s.scan_cell_inset * px_per_pt)), 1)
    h_px, w_px = clean.shape
    cell_boxes: list[tuple[int, int, int, int]] = []
    lines: list[tuple[tuple[int, int, int, int], tuple[int, int, int, int]]] = []
    for t in tables:
        for c in t.cells:
            box = (
                min(int(c[0] * px_per_pt) + inset, w_px),
                min(int(c[1] * px_per_pt) + inset, h_px),
                max(int(c[2] * px_per_pt) - inset, 0),
                max(int(c[3] * px_per_pt) - inset, 0),
            )
            if box[2] <= box[0] or box[3] <= box[1]:
                continue
            cell_boxes.append(box)
            lines.extend((ln, box) for ln in cell_lines(ink, box, px_per_pt, faint))
    # outside the grids: the detector on bands of the page reduced to ocr_det_dpi
    rest = clean.copy()
    for t in tables:
        x0, y0, x1, y1 = (int(round(v * px_per_pt)) for v in t.bbox)
        rest[max(y0 - inset, 0) : y1 + inset + 1, max(x0 - inset, 0) : x1 + inset + 1] = _WHITE
    found: list[tuple[int, int, int, int]] = []  # the detector's lines, in the page's pixels
    rest_ink = rest < s.ocr_ink_level
    pad = int(s.scan_band_pad * px_per_pt)
    factor = min(1.0, s.ocr_det_dpi / _POINTS_PER_INCH / px_per_pt)
    for a, b in _runs(rest_ink.any(axis=1), int(s.scan_band_gap * px_per_pt)):
        cols = _runs(rest_ink[a:b].any(axis=0), 0)
        top, bottom = max(a - pad, 0), min(b + pad, h_px)
        left, right = max(cols[0][0] - pad, 0), min(cols[-1][1] + pad, w_px)
        band = rest[top:bottom, left:right]
        if factor < 1:
            small = _cv().resize(band, None, fx=factor, fy=factor, interpolation=_cv().INTER_AREA)
        else:
            small = band
        fy, fx = band.shape[0] / max(small.shape[0], 1), band.shape[1] / max(small.shape[1], 1)
        for bx0, by0, bx1, by1 in ocr.detect(small):
            box = (
                max(int(left + bx0 * fx), 0),
                max(int(top + by0 * fy), 0),
                min(int(np.ceil(left + bx1 * fx)), w_px),
                min(int(np.ceil(top + by1 * fy)), h_px),
            )
            found.append(box)
    # each detected line reduced to its own ink and cut at its gaps (:mod:`.scanfree`)
    free, pieces_of, owned = scanfree.own_pieces(rest < s.scan_faint_ink, found, px_per_pt)
    heights = sorted(ln[3] - ln[1] for ln, _ in lines)
    height = float(heights[len(heights) // 2]) if heights else 0.0
    crops = [_crop(clean, ln, height, limit) for ln, limit in lines]
    crops += [
        scanfree.crop(clean, box, line, owned, s.scan_rec_margin, s.scan_rec_side_margin)
        for box, line in zip(free, pieces_of)
    ]
    boxes = [ln for ln, _ in lines] + free
    groups = [-1] * len(lines) + pieces_of
    words: list[OcrWord] = []
    prev_group = -1
    for (x0, y0, x1, y1), group, (read, conf, alts) in zip(boxes, groups, ocr.recognize(crops)):
        text = ocr._tidy(read) if read else read
        if not text:
            continue
        word = OcrWord(
            text,
            round(x0 / px_per_pt, 2),
            round(y0 / px_per_pt, 2),
            round(x1 / px_per_pt, 2),
            round(y1 / px_per_pt, 2),
            round(conf, 4),
            alts if text == read else (),
        )
        if group >= 0 and group == prev_group and _bracketed(words[-1], word):
            words[-1] = _joined(words[-1], word)
        else:
            words.append(word)
        prev_group = group
    words = [part for w in words for part in split_figure(w, rest_ink, px_per_pt)]
    words = scanfree.free_runs(words, tables)
    band_h = s.ocr_row_band
    words.sort(key=lambda w: (round((w.top + w.bottom) / 2 / band_h), w.x0))
    return words


__all__ = [
    "available",
    "cell_lines",
    "cut_runs",
    "deskew",
    "erase_rulings",
    "line_masks",
    "read_page",
    "ruling_edges",
    "skew_angle",
    "split_figure",
    "split_line",
    "spread_columns",
    "unspread",
]
