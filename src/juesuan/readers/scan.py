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

from typing import Any

from .ocr import OcrWord, _is_cjk
from .settings import current

Edge = dict[str, Any]
_WHITE = 255  # grey level of white paper; also the value of a set pixel in a mask
_CONNECTIVITY = 8  # a ruling's pixels touch by edges or corners


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


def ruling_edges(image: Any, px_per_pt: float) -> list[Edge]:
    """Ruling segments of an (upright) page image as pdfplumber edges, in PDF points."""
    import numpy as np

    cv2 = _cv()
    s = current()
    ink = _ink(np.asarray(image.convert("L")))
    thick = s.scan_ruling_max_thickness * px_per_pt
    edges: list[Edge] = []
    for orientation, length in (("h", s.scan_hline_length), ("v", s.scan_vline_length)):
        k = max(int(length * px_per_pt), 2)
        shape = (k, 1) if orientation == "h" else (1, k)
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=_CONNECTIVITY)
        for i in range(1, count):
            x, y, w, h = (int(v) for v in stats[i][:4])
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


__all__ = ["available", "cut_runs", "deskew", "ruling_edges", "skew_angle", "spread_columns", "unspread"]
