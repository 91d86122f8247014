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
do, the one whose vertical centre is nearest). A detected line is then its own components: its box
is tight around them, it is cut at the gaps between them (:func:`juesuan.readers.scan.split_line`
on its own ink), and each piece is recognized from an image holding its own ink only (the other
lines' ink in its margin painted white). Ink no detected line holds is not read (specks).
"""

from __future__ import annotations

from typing import Any

_WHITE = 255
_CONNECTIVITY = 8
PxBox = tuple[int, int, int, int]  # x0, top, x1, bottom in pixels, end exclusive


def own_pieces(ink: Any, detected: list[PxBox]) -> tuple[list[PxBox], list[int], Any]:
    """The pieces of the detected lines, each tight around its own ink, and for each piece the
    index of the line it was cut from; and the page's component labels with, per label, the line
    that owns it (``owner``: an array, -1 for ink no line holds), for :func:`crop`.

    ``ink``: boolean page mask (the ink outside the grids); ``detected``: the detector's boxes
    in the page's pixels."""
    import numpy as np

    from .scan import _cv, split_line

    cv2 = _cv()
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(
        ink.astype(np.uint8), connectivity=_CONNECTIVITY
    )
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
    # nearest vertical centre among the boxes that hold it
    dist = np.abs(cy[:, None] - (boxes[None, :, 1] + boxes[None, :, 3]) / 2)
    dist = np.where(inside, dist, np.inf)
    best = dist.argmin(axis=1)
    held = np.isfinite(dist[np.arange(dist.shape[0]), best])
    owner[1:] = np.where(held, best, -1)
    pieces: list[PxBox] = []
    groups: list[int] = []
    for line in range(len(detected)):
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


def crop(clean: Any, box: PxBox, line: int, owned: Any, margin_h: float) -> Any:
    """The image of one piece for the recognizer: its box with a margin of ``margin_h`` × its
    height all round (white beyond the page), the ink of other lines in it painted white (with
    one pixel around it: its anti-aliased edge)."""
    import numpy as np

    from .scan import _cv

    cv2 = _cv()
    labels, owner = owned
    h_px, w_px = clean.shape
    x0, y0, x1, y1 = box
    margin = int(np.ceil(margin_h * max(y1 - y0, 1)))
    top, bottom, left, right = y0 - margin, y1 + margin, x0 - margin, x1 + margin
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


__all__ = ["crop", "own_pieces"]
