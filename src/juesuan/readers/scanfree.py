"""Text outside the ruled grids of a scanned page: each detected line reduced to its own ink.

A table printed without vertical rulings (border-less, or three-line: rules above and below the
header and at the bottom only) is read from its scan through the text path's border-less reader
(:mod:`.borderless`): the runs of text of each line, with their x-positions, are put on common
columns (right edges of amounts, left edges of labels, gaps over all rows). That needs runs whose
boxes are where their ink is. The text detector's boxes are padded and overlap: a detected line's
box reaches into the neighbouring cell (a box around ``1`` in a 行次 column also covers the first
digit of the amount beside it) and a slice of the neighbour's glyph is then read as a character
of its own (``1`` ``628.77`` ``7`` → ``1628.777``; ``行次`` ``欠金额``).

Here the page's ink (outside the grids) is cut into connected components, and each component
belongs to one detected line only: the line whose box holds the component's centre (when several
do, one whose box it lies in from left to right, and of those the one whose vertical centre is
nearest). A detected line is then its own components: its box
is tight around them, it is cut at the gaps between them (:func:`juesuan.readers.scan.split_line`
on its own ink), and each piece is recognized from an image holding its own ink only (the other
lines' ink in its margin painted white). Ink no detected line holds is not read (specks).
"""

from __future__ import annotations

from typing import Any

from .settings import current

_WHITE = 255
_CONNECTIVITY = 8
_FULL_WIDTH = str.maketrans("()", "（）")
PxBox = tuple[int, int, int, int]  # x0, top, x1, bottom in pixels, end exclusive


def own_pieces(ink: Any, detected: list[PxBox], px_per_pt: float) -> tuple[list[PxBox], list[int], Any]:
    """The pieces of the detected lines, each tight around its own ink, and for each piece the
    index of the line it was cut from; and the page's component labels with, per label, the line
    that owns it (``owner``: an array, -1 for ink no line holds), for :func:`crop`.

    ``ink``: boolean page mask (the ink outside the grids); ``detected``: the detector's boxes
    in the page's pixels."""
    import numpy as np

    from .scan import _cv, split_line

    cv2 = _cv()
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=_CONNECTIVITY)
    owner = np.full(count, -1, dtype=np.int64)
    if count <= 1 or not detected:
        return [], [], (labels, owner)
    boxes = np.array(detected, dtype=np.float64)  # n × 4
    cx, cy = centroids[1:, 0], centroids[1:, 1]
    # (component, line): the component's centre inside the line's box
    inside = (
        (cx[:, None] >= boxes[None, :, 0])
        & (cx[:, None] < boxes[None, :, 2])
        & (cy[:, None] >= boxes[None, :, 1])
        & (cy[:, None] < boxes[None, :, 3])
    )
    # among the boxes that hold it: first those it lies in from left to right (a padded box
    # reaching over the first glyph of the next cell holds its centre too), then the nearest
    # vertical centre
    left = stats[1:, cv2.CC_STAT_LEFT].astype(np.float64)
    right = left + stats[1:, cv2.CC_STAT_WIDTH]
    sticks_out = (left[:, None] < boxes[None, :, 0]) | (right[:, None] > boxes[None, :, 2])
    dist = np.abs(cy[:, None] - (boxes[None, :, 1] + boxes[None, :, 3]) / 2)
    dist = dist + np.where(sticks_out, ink.shape[0], 0)  # (more than any distance on the page)
    dist = np.where(inside, dist, np.inf)
    best = dist.argmin(axis=1)
    held = np.isfinite(dist[np.arange(dist.shape[0]), best])
    owner[1:] = np.where(held, best, -1)
    # ink just outside a box, on its line (the detector's box on a reduced page can fall short of
    # a line's first or last character: the 一、 of 一、一般公共预算…): the nearest box whose rows
    # hold its centre, when no farther from it than ``scan_attach_h`` × the box's height
    loose = np.flatnonzero(~held)
    if loose.size:
        gap = np.maximum(boxes[None, :, 0] - right[loose, None], left[loose, None] - boxes[None, :, 2])
        rows = (cy[loose, None] >= boxes[None, :, 1]) & (cy[loose, None] < boxes[None, :, 3])
        near = rows & (gap <= current().scan_attach_h * (boxes[None, :, 3] - boxes[None, :, 1]))
        gap = np.where(near, gap, np.inf)
        nearest = gap.argmin(axis=1)
        hit = np.isfinite(gap[np.arange(loose.size), nearest])
        owner[1 + loose[hit]] = nearest[hit]
    lines = list(detected)
    heights = sorted(b[3] - b[1] for b in detected)
    tallest = current().scan_missed_max_h * heights[len(heights) // 2]
    lines += _missed_lines(labels, stats, centroids, owner, len(detected), px_per_pt, tallest)
    pieces: list[PxBox] = []
    groups: list[int] = []
    for line in range(len(lines)):
        comps = np.flatnonzero(owner == line)
        if comps.size == 0:
            continue
        st = stats[comps]
        x0 = int(st[:, cv2.CC_STAT_LEFT].min())
        y0 = int(st[:, cv2.CC_STAT_TOP].min())
        x1 = int((st[:, cv2.CC_STAT_LEFT] + st[:, cv2.CC_STAT_WIDTH]).max())
        y1 = int((st[:, cv2.CC_STAT_TOP] + st[:, cv2.CC_STAT_HEIGHT]).max())
        own = np.isin(labels[y0:y1, x0:x1], comps)
        for a, b, c, d in split_line(own, (0, 0, x1 - x0, y1 - y0)):
            pieces.append((x0 + a, y0 + b, x0 + c, y0 + d))
            groups.append(line)
    return pieces, groups, (labels, owner)


def _missed_lines(
    labels: Any, stats: Any, centroids: Any, owner: Any, first: int, px_per_pt: float, tallest: float
) -> list[PxBox]:
    """Lines of the ink that no detected line holds, numbered from ``first`` in ``owner``: rows of
    components of at least ``scan_min_ink`` pixels (gaps under ``scan_line_gap`` joined), each
    cut where its ink leaves a column gap (:func:`juesuan.readers.scan.split_line`) and kept when
    at least ``scan_min_extent`` and at most ``tallest`` pixels tall (``scan_missed_max_h`` × the
    detected lines' median height: anything taller is no line of text, a stamp or a picture); the smaller components (a decimal point, a dot of a
    character) whose centre lies in one of them go with it."""
    import numpy as np

    from .scan import _cv, _runs, split_line

    cv2 = _cv()
    s = current()
    loose = np.flatnonzero(owner == -1)
    loose = loose[loose > 0]
    seeds = loose[stats[loose, cv2.CC_STAT_AREA] >= s.scan_min_ink]
    if seeds.size == 0:
        return []
    mask = np.isin(labels, seeds)
    out: list[PxBox] = []
    for a, b in _runs(mask.any(axis=1), int(s.scan_line_gap * px_per_pt)):
        if b - a < s.scan_min_extent * px_per_pt:
            continue
        cols = _runs(mask[a:b].any(axis=0), 0)
        for x0, _, x1, _ in split_line(mask, (cols[0][0], a, cols[-1][1], b)):
            rows = _runs(mask[a:b, x0:x1].any(axis=1), 0)  # each piece as tall as its own ink
            y0, y1 = a + rows[0][0], a + rows[-1][1]
            box = (x0, y0, x1, y1)
            if not s.scan_min_extent * px_per_pt <= y1 - y0 <= tallest:
                continue
            cx, cy = centroids[loose, 0], centroids[loose, 1]
            inside = loose[(cx >= x0) & (cx < x1) & (cy >= y0) & (cy < y1)]
            owner[inside] = first + len(out)
            out.append(box)
    return out


def crop(clean: Any, box: PxBox, line: int, owned: Any, margin_h: float, side_h: float | None = None) -> Any:
    """The image of one piece for the recognizer: its box with a margin of ``margin_h`` × its
    height above and below and ``side_h`` × it left and right (default ``margin_h``; white beyond
    the page), the ink of other lines in it painted white (with one pixel around it: its
    anti-aliased edge)."""
    import numpy as np

    from .scan import _cv

    cv2 = _cv()
    labels, owner = owned
    h_px, w_px = clean.shape
    x0, y0, x1, y1 = box
    margin = int(np.ceil(margin_h * max(y1 - y0, 1)))
    side = margin if side_h is None else int(np.ceil(side_h * max(y1 - y0, 1)))
    top, bottom, left, right = y0 - margin, y1 + margin, x0 - side, x1 + side
    out = np.full((bottom - top, right - left), _WHITE, dtype=clean.dtype)
    a, b, c, d = max(top, 0), min(bottom, h_px), max(left, 0), min(right, w_px)
    if a >= b or c >= d:
        return out
    part = clean[a:b, c:d].copy()
    lab = labels[a:b, c:d]
    foreign = (lab > 0) & (owner[lab] != line)
    if foreign.any():
        foreign = cv2.dilate(foreign.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        mine = (lab > 0) & (owner[lab] == line)
        part[foreign & ~mine] = _WHITE
    out[a - top : b - top, c - left : d - left] = part
    return out


def free_runs(words: list[Any], tables: list[Any]) -> list[Any]:
    """The runs outside the grids (``tables``: boxes in points) with the height of a text layer's
    character box: ``scan_box_height`` × the page's usual CJK ink height, about each run's own
    vertical centre (x unchanged).

    A run's box is tight around its ink, but the line and row geometry shared with the text path
    (:mod:`.geometry`, :mod:`.borderless`: lines by vertical centre within a share of the height,
    wrapped labels within a share of the height of their row's figures) measures in character
    boxes, which are a good part taller than the ink: with ink heights the lines of a label wrapped
    over three lines lie farther apart than "a line" and are read as rows of their own. One height
    for the page also keeps a line of figures (shorter ink) measured like the labels beside it.

    Brackets in a run with Chinese text are made full-width (``政府办公厅(室)`` → ``（室）``): the
    recognizer reads them either way, Chinese labels print them full-width, and a label must
    read as the same text on every row (catalog names, row keys)."""
    from dataclasses import replace

    from .ocr import _is_cjk

    def free(w: Any) -> bool:
        mx, my = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        return not any(t.bbox[0] <= mx <= t.bbox[2] and t.bbox[1] <= my <= t.bbox[3] for t in tables)

    heights = sorted(w.bottom - w.top for w in words if free(w) and any(_is_cjk(ch) for ch in w.text))
    if not heights:
        return words
    half = current().scan_box_height * heights[len(heights) // 2] / 2
    out = []
    for w in words:
        if free(w):
            mid = (w.top + w.bottom) / 2
            text = w.text.translate(_FULL_WIDTH) if any(_is_cjk(ch) for ch in w.text) else w.text
            w = replace(w, text=text, top=round(mid - half, 2), bottom=round(mid + half, 2))
        out.append(w)
    return out


__all__ = ["crop", "free_runs", "own_pieces"]
