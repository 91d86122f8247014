"""Border-less (three-line) tables: free text lines put on common columns.

A run of lines in which several lines carry two or more decimal amounts is a table printed without
vertical rules; this module finds its columns and re-cuts every line of the run on them (see
:func:`_align_borderless`). It works on the line items of :mod:`.geometry`, whatever produced them
(a PDF text layer or OCR).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .geometry import _DECIMAL_RE, Box, TableColumns, _is_amount, _is_cjk, _Item, _line_text, median
from .settings import current

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

_NO_SPACING = 1e6  # skip cost when there is only one column position: larger than any distance on a page


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
    _merge_straddled_rows(items)
    s = current()
    carried = {id(it) for it in items if it.columns is not None}

    def free(it: _Item) -> bool:
        # a free text line, not a continuation's row already placed on the columns carried over
        # from the previous page (:mod:`.continuation`)
        return it.grid is None and id(it) not in carried

    i = 0
    while i < len(items):
        if not free(items[i]) or len(items[i].cells) < 2:
            i += 1
            continue
        j = i
        while j < len(items) and free(items[j]) and (len(items[j].cells) >= 2 or _short_gap(items, j)):
            j += 1
        run = items[i:j]
        data = [it for it in run if _decimals(it) >= 2]
        if len(data) < s.table_min_rows and not (data and any(_lanci_numbers(it) for it in run[: run.index(data[0])])):
            # Without a 栏次 row above them, one or two rows of amounts are no table; rows of one
            # amount each are, when there are several and they have three cells or more.
            sparse = [it for it in run if _decimals(it) >= 1 and len(it.cells) >= s.sparse_min_cells]
            data = sparse if len(sparse) >= s.sparse_min_rows else []
        if data:
            k = i
            # Header lines right above the run, up to the 部门/单位 line; a line in a larger font
            # (the table's title) is not part of the table.
            size = median(b[3] - b[1] for it in data for b in it.boxes if b)
            while k > 0 and free(items[k - 1]) and items[k - 1].bottom > items[k].top - s.header_max_gap:
                above = items[k - 1]
                if (
                    max(b[3] - b[1] for b in above.boxes if b) > s.title_size_ratio * size
                    or len("".join(above.cells)) > s.header_max_chars
                ):
                    break
                k -= 1
                if "单位" in "".join(above.cells):
                    break
            dropped = _recut(items[k:j], data)
            if dropped:
                items[k:j] = [it for it in items[k:j] if not any(it is d for d in dropped)]
                j -= len(dropped)
        i = max(j, i + 1)


_FIGURE_RE = re.compile(r"^([-－−(（]?\d[\d,，]*(\.\d+)?[)）]?|[—－-]+)$")


def _merge_straddled_rows(items: list[_Item]) -> None:
    """Join a row whose label wrapped over two lines while its figures were centred between them.

    Without rulings, rows are bands: a line of figures only (amounts, 行次, dashes; no text) lying
    between two text lines with no figures, each no further from it than a line height, whose
    texts start at the same left edges and sit in other columns than the figures, is one row with
    them: the texts are joined per column (upper + lower) and the figures added.
    """
    k = 1
    align = current().straddle_align
    while k < len(items) - 1:
        a, b, c = items[k - 1], items[k], items[k + 1]
        if any(it.grid is not None or not it.boxes or not any(it.boxes) for it in (a, b, c)):
            k += 1
            continue
        figures = [t.strip() for t in b.cells if t.strip()]
        texts_a = [(t, x) for t, x in zip(a.cells, a.boxes) if x and t.strip()]
        texts_c = [(t, x) for t, x in zip(c.cells, c.boxes) if x and t.strip()]
        h = median(x[3] - x[1] for _, x in texts_a + texts_c) if texts_a and texts_c else 0.0
        ok = (
            figures
            and all(_FIGURE_RE.match(t) for t in figures)
            and texts_a
            and texts_c
            and len(texts_c) <= len(texts_a)
            and not any(_FIGURE_RE.match(t.strip()) for t, _ in texts_a + texts_c)
            and b.top - a.bottom < h
            and c.top - b.bottom < h
            and all(any(abs(xc[0] - xa[0]) <= align for _, xa in texts_a) for _, xc in texts_c)
            and not any(xb and xb[0] < x[2] and x[0] < xb[2] for xb in b.boxes for _, x in texts_a + texts_c)
        )
        if not ok:
            k += 1
            continue
        cells: list[tuple[str, Box]] = []
        for t, x in texts_a:
            below = [(u, y) for u, y in texts_c if abs(y[0] - x[0]) <= align]
            for u, y in below:
                t, x = t + u, (min(x[0], y[0]), x[1], max(x[2], y[2]), y[3])
            cells.append((t, x))
        cells += [(t, x) for t, x in zip(b.cells, b.boxes) if x and t.strip()]
        cells.sort(key=lambda tx: tx[1][0])
        merged = _Item(
            a.top,
            c.bottom,
            [t for t, _ in cells],
            [x for _, x in cells],
            ocr=a.ocr or b.ocr or c.ocr,
            chars=(a.chars or []) + (b.chars or []) + (c.chars or []),
        )
        items[k - 1 : k + 2] = [merged]


def _opens_with_code(it: _Item) -> bool:
    """The line starts with a classification code (类/款/项: 3, 5 or 7 digits)."""
    first = next((c.strip() for c in it.cells if c.strip()), "")
    return re.fullmatch(r"\d{3}(\d{2}){0,2}", first) is not None


def _decimals(it: _Item) -> int:
    return sum(bool(_DECIMAL_RE.match(c.strip())) for c in it.cells)


def _lanci_numbers(it: _Item) -> list[tuple[float, Box]]:
    """The column numbers of a 栏次 row (three or more small integers, or two after the word
    栏次), as (centre, box)."""
    nums = [((b[0] + b[2]) / 2, b) for t, b in zip(it.cells, it.boxes) if b and re.fullmatch(r"\d{1,2}", t.strip())]
    named = any(re.sub(r"\s", "", t) == "栏次" for t in it.cells)
    return nums if len(nums) >= current().lanci_min_numbers or (named and len(nums) >= 2) else []


def _short_gap(items: list[_Item], j: int) -> bool:
    """A single-cell line inside a table run (a label that wrapped, a 小计 label) keeps the run going:
    up to a few such lines in a row (a label wrapped over several lines), each within a line of
    the one above, before the next line of cells; or the last lines of a label wrapped below the
    table's last row, starting where a cell of the line above starts."""
    if not (0 < j < len(items)) or items[j].grid is not None or len(items[j].cells) != 1:
        return False
    k = j
    while (
        k < len(items)
        and k - j < current().wrapped_label_max_lines
        and items[k].grid is None
        and len(items[k].cells) == 1
    ):
        if k > j and not _close_below(items[k - 1], items[k]):
            return False
        k += 1
    if k < len(items) and items[k].grid is None and len(items[k].cells) >= 2:
        return True
    # The tail of the table's last label: a short line right under a cell that starts at its left edge.
    above, it = items[j - 1], items[j]
    return (
        len(above.cells) >= 2
        and _close_below(above, it)
        and bool(it.boxes and it.boxes[0])
        and len(it.cells[0].strip()) <= current().header_max_chars
        and not _PROSE_RE.search(it.cells[0])
        and any(
            b and t.strip() and abs(b[0] - it.x0) <= current().straddle_align for t, b in zip(above.cells, above.boxes)
        )
    )


_PROSE_RE = re.compile(r"[，。；：:]")


def _close_below(above: _Item, it: _Item) -> bool:
    """``it`` follows ``above`` at no more than a line's spacing."""
    h = max(it.bottom - it.top, 1.0)
    return it.top - above.bottom < current().wrapped_label_gap_h * h


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


def _match_in_order(
    xs: list[float], ds: list[float], skip: float | None = None, lean: float = 0.0
) -> list[tuple[int, int]]:
    """Match sorted positions ``xs`` to sorted positions ``ds`` keeping their order, each used at
    most once, with the least total distance. Leaving an x unmatched costs ``skip``, by default
    0.6 × the usual spacing of ``ds`` (a column that the 栏次 row does not number, such as 行次).
    A d right of its x costs ``lean`` more: a header centred over two columns (a merged cell)
    goes to the first, as in a ruled grid."""
    if not xs or not ds:
        return []
    gaps = [b - a for a, b in zip(ds, ds[1:])]
    if skip is None:
        skip = current().lanci_skip * median(gaps) if gaps else _NO_SPACING
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
    s = current()
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
            if len(clusters) > start and a - clusters[-1]["hi"] <= s.anchor_cluster:
                c = clusters[-1]
                c["hi"] = a
                c["rows"].add(r)
                c["x0"], c["x1"] = min(c["x0"], x0), max(c["x1"], x1)
                c["spans"].append((x0, x1, t))
            else:
                clusters.append(
                    {"lo": a, "hi": a, "rows": {r}, "x0": x0, "x1": x1, "amount": amount, "spans": [(x0, x1, t)]}
                )
    clusters.sort(key=lambda c: (c["x0"] + c["x1"]) / 2)
    height = median(b[3] - b[1] for it in data for b in it.boxes if b)
    merged: list[dict[str, Any]] = []
    for c in clusters:
        # Neighbouring groups no row uses together are one column (labels indented by level, a
        # dash centred among right-aligned amounts), but two groups of amounts whose right edges
        # are more than a character or so apart are two columns even if no row fills both (a 合计
        # printed in the wrong column must stay there).
        apart = (
            bool(merged)
            and merged[-1]["amount"]
            and c["amount"]
            and c["lo"] - merged[-1]["hi"] > s.amount_columns_apart_h * height
        )
        if merged and not apart and not (merged[-1]["rows"] & c["rows"]):
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
            if all(t.isdigit() for *_, t in c["spans"]) or max(mids) - min(mids) + s.centred_slack < max(rights) - min(
                rights
            ):
                c["centre"] = median(mids)
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
        for k, (mid, box) in enumerate(digits):
            if k not in owned:
                merged.append({"lo": mid, "hi": mid, "rows": set(), "x0": box[0], "x1": box[2], "centre": mid})
    else:
        # No 栏次 row: a cell of the leaf header line (the one right above the data; the lines
        # above it hold spanning group headers) that is above no data column marks an empty one,
        # unless a cell of the rows below reaches under it (a long name in a wide column).
        # A cell holding several headers printed too close to be separate cells counts part by
        # part (split at its visible gaps).
        leaf = [it for it in header if it.bottom <= data[0].top][-1:]
        for it in leaf:
            parts = [
                seg
                for t, b in zip(it.cells, it.boxes)
                if b and t.strip()
                for seg in (_segments(it, b) if it.chars else [(t, b)])
            ]
            for t, b in parts:
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
    for one, nxt in zip(merged, merged[1:]):
        if one["x1"] < nxt["x0"]:
            cuts.append((one["x1"] + nxt["x0"]) / 2)
        else:
            cuts.append((one["hi"] + nxt["lo"]) / 2)
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
    s = current()
    chars = [
        ch
        for ch in it.chars or []
        if ch["text"].strip() and box[0] - s.segment_pad <= (ch["x0"] + ch["x1"]) / 2 <= box[2] + s.segment_pad
    ]
    groups: list[list[dict[str, Any]]] = []
    for ch in chars:
        if groups:
            prev = groups[-1][-1]
            width = min(prev["x1"] - prev["x0"], ch["x1"] - ch["x0"])
            if ch["x0"] - prev["x1"] <= s.header_split_em * max(width, 1.0):
                groups[-1].append(ch)
                continue
        groups.append([ch])
    return [
        (_line_text(g), (g[0]["x0"], min(c["top"] for c in g), g[-1]["x1"], max(c["bottom"] for c in g)))
        for g in groups
    ]


def _recut(run: list[_Item], data: list[_Item]) -> list[_Item]:
    """Place every line of a border-less table on its columns; returns the lines left empty."""
    first_data = min(run.index(it) for it in data)
    # The table's rows start after the 栏次 row (the last header line) or at the first data row.
    first_body = next((k + 1 for k in range(first_data - 1, -1, -1) if _lanci_numbers(run[k])), first_data)
    # In a sparse table (few rows with amounts) the rows start at the first classification code,
    # well above the first amount: those lines are rows, not headers.
    coded = next((k for k in range(first_body) if _opens_with_code(run[k])), None)
    if coded is not None:
        first_body = coded
    first_body -= _wrapped_head(run[:first_body], run[first_body:])
    s = current()
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
            boxes[col] = (
                box
                if old is None
                else (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))
            )

        # (OCR'd header lines too: their runs are cut at the gaps of their ink, :mod:`.scanfree`)
        if pos >= first_body or not (it.chars or it.ocr):
            for k, (text, box) in enumerate(zip(it.cells, it.boxes)):
                if box is not None and text:
                    x = box[2] - s.anchor_inset if _right_aligned(it.cells, k) else box[0] + s.anchor_inset
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
                # (a cell over two column centres, or one a column boundary runs through)
                over = len([c for c in centres if box[0] <= c <= box[2]]) > 1 or any(box[0] < c < box[2] for c in cuts)
                segs = _segments(it, box) if over else []
                parts.extend(segs if len(segs) > 1 else [(text, box)])
            mids = [(b[0] + b[2]) / 2 for _, b in parts]
            lean = s.header_lean_h * median(b[3] - b[1] for _, b in parts) if parts else 0.0
            if len(parts) <= n:
                pairs = _match_in_order(mids, centres, skip=float("inf"), lean=lean)
            else:
                pairs = [
                    (q, min(range(n), key=lambda k: abs(centres[k] - mid) + (lean if centres[k] > mid else 0.0)))
                    for q, mid in enumerate(mids)
                ]
            for q, k in pairs:
                put(k, *parts[q])
        it.cells, it.boxes = cells, boxes
    table = _table_columns(run[first_body:], cuts, data)
    table.headed = any(_is_header_line(it) for it in run[:first_body])
    for it in run:
        it.columns = table
    return _join_wrapped_headers(run[:first_body], centres) + _band_rows(run[first_body:], n)


def _is_header_line(it: _Item) -> bool:
    """A line of column headers: the 栏次 row, or two or more texts and no amount (not the
    部门/单位 line)."""
    texts = [t.strip() for t in it.cells if t.strip()]
    return bool(_lanci_numbers(it)) or (
        len(texts) >= 2 and not any(_is_amount(t) for t in texts) and not _META_RE.search("".join(texts))
    )


def _table_columns(body: list[_Item], cuts: list[float], data: list[_Item]) -> TableColumns:
    """The columns a border-less table's lines were placed on, with the right edges of the
    right-aligned cells (amounts) each column received: what a continuation page printed without
    a header is placed by (:mod:`.continuation`)."""
    rights: list[list[float]] = [[] for _ in range(len(cuts) + 1)]
    for it in body:
        for k, (t, b) in enumerate(zip(it.cells, it.boxes)):
            if b is not None and t.strip() and _right_aligned(it.cells, k):
                rights[k].append(b[2])
    height = median(b[3] - b[1] for it in data for b in it.boxes if b)
    return TableColumns(list(cuts), [(min(r), max(r)) if r else None for r in rights], height=height)


def _join_wrapped_headers(header: list[_Item], centres: list[float]) -> list[_Item]:
    """Join the lines of a header cell wrapped over two or more lines into one cell.

    Spreadsheet headers are vertically centred in their row, so a header wrapped over two lines
    straddles the line of the one-line headers beside it. A fragment continues the one above it in
    the same column when both share a centre (or left edge), the lower one is no wider, and the
    upper one fills its column (it wrapped for lack of room). The joined text is put on the header
    line at the vertical middle of the fragments (where the one-line headers of that row are).
    Returns the lines left empty.
    """
    # The 栏次 row's numbers and the 部门/单位 line are never part of a wrapped header (a unit
    # printed at the right edge shares the centre of the last column's header).
    lanci = [it for it in header if _lanci_numbers(it)]
    header = [it for it in header if not _lanci_numbers(it) and not _META_RE.search("".join(it.cells))]
    if len(header) < 2 or len(centres) < 2:
        return []
    n = len(centres)
    s = current()
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
                tol = s.wrapped_header_align_h * h
                same = abs((up[0] + up[2]) / 2 - (box[0] + box[2]) / 2) <= tol or abs(up[0] - box[0]) <= tol
                full = (up[2] - up[0]) + s.wrapped_header_fill_h * h > width[k]
                if same and full and box[1] - up[3] < h and (box[2] - box[0]) <= (up[2] - up[0]) + tol:
                    chain.append(it)
                    continue
                _merge_chain(chain, k, header)
            chain = [it]
        _merge_chain(chain, k, header)
    del lanci
    return [it for it in header if not any(c.strip() for c in it.cells)]


_META_RE = re.compile(r"(单位|部门)\s*[:：]")


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


# ----------------------------------------------------------------------------------------------
# Row bands: wrapped labels joined to the row they belong to

WRAP_DOUBT = "无框线表格中折行的科目名称归属哪一行不明（行界线不清），行可能错位，本表数据不用于核对，请核对原件"
CODE_IN_LABEL = "无框线表格中编码“{code}”与科目名称连在一起，行可能错位，本表数据不用于核对，请核对原件"

_ANCHOR_RE = re.compile(r"^([-－−(（]?\d[\d,，]*(\.\d+)?[)）]?%?|[—－-]+)$")
_GLUED_CODE_RE = re.compile(r"^\d{3}(\d{2}){0,2}(?=[\u3400-\u9fff（(【《“])")


def _is_anchor_text(t: str) -> bool:
    return _ANCHOR_RE.match(t.strip()) is not None


def _wrapped_head(above: list[_Item], body: list[_Item]) -> int:
    """How many lines right above the first row are the first lines of its wrapped labels (the row
    is middle- or bottom-aligned): lines of text only, each a line's spacing above the next,
    every text starting at the left edge shared by the labels of two or more rows below (column
    headers are centred over their columns) and filling its column as a label that wrapped for
    lack of room does (reaching about as far right as the widest label starting there)."""
    s = current()
    texts = [b for it in body for t, b in zip(it.cells, it.boxes) if b and t.strip() and not _is_anchor_text(t)]
    edges = [b[0] for b in texts]
    common = [e for e in edges if sum(abs(e - f) <= s.straddle_align for f in edges) >= 2]

    def fills(box: Box) -> bool:
        ends = [b[2] for b in texts if abs(b[0] - box[0]) <= s.straddle_align]
        return bool(ends) and box[2] >= max(ends) - s.wrapped_header_fill_h * (box[3] - box[1])

    k = 0
    while k < min(len(above), s.wrapped_label_max_lines):
        it, below = above[-1 - k], (above[-k] if k else body[0])
        cells = [(t, b) for t, b in zip(it.cells, it.boxes) if b and t.strip()]
        if (
            not cells
            or _lanci_numbers(it)
            or _META_RE.search("".join(it.cells))
            or not _close_below(it, below)
            or any(_is_anchor_text(t) for t, _ in cells)
            or not all(any(abs(b[0] - e) <= s.straddle_align for e in common) and fills(b) for _, b in cells)
        ):
            break
        k += 1
    return k


def _band_rows(body: list[_Item], n: int) -> list[_Item]:
    """Join the lines of wrapped labels to the row they belong to, by row bands.

    Without rulings a row is anchored by its code and amounts (the cells of the columns that do
    not hold text); a label wrapped over several lines puts lines above, beside or below that
    anchor, depending on the vertical alignment of the table (top, middle, bottom), and amounts
    may be printed a little off the text line. Every line of a text column goes to one anchor,
    keeping their order, so that each row's block of label lines sits the same way around its
    anchor throughout the table (the alignment that fits all rows best). The line items of the
    body are rewritten: each anchor line carries its row's joined labels, lines left empty are
    returned for removal. A label line that cannot be placed without doubt (it is as far from
    the anchors on both sides, or no alignment fits its row) marks the row with a reading problem
    (``_Item.doubt``), so the table's checks are not run on a guess.
    """
    if len(body) < 2:
        return []
    # The body of the table: up to a line that is no row (a 栏次 row, the 部门/单位 line or the
    # header of a next table printed in the same run, a title in a larger font).
    heights = [b[3] - b[1] for it in body for t, b in zip(it.cells, it.boxes) if b and t.strip()]
    if not heights:
        return []
    h = median(heights)
    s = current()
    kinds: list[list[str]] = [[] for _ in range(n)]
    end = len(body)
    for q, it in enumerate(body):
        text = "".join(it.cells)
        cells = [(t, b) for t, b in zip(it.cells, it.boxes) if b and t.strip()]
        title = len(cells) == 1 and cells[0][1][3] - cells[0][1][1] > s.title_size_ratio * h
        if _lanci_numbers(it) or _META_RE.search(text) or title:
            end = q
            break
        for k, t in enumerate(it.cells[:n]):
            if t.strip():
                kinds[k].append("a" if _is_anchor_text(t) else "t")
    body = body[:end]
    text_cols = [k for k in range(n) if kinds[k].count("t") > kinds[k].count("a")]
    if not text_cols or len(body) < 2:
        return []
    # Which text column the anchor columns serve: code columns (3, 5 or 7 digits; any column
    # left of the first text) the text column right of them, amount and 行次 columns the one on
    # their left.
    owner: dict[int, int] = {}
    for k in range(n):
        if k in text_cols:
            continue
        right = [c for c in text_cols if c > k]
        left = [c for c in text_cols if c < k]
        codes = sum(1 for it in body if k < len(it.cells) and _opens_with_code(_Item(0, 0, [it.cells[k]], [None])))
        others = sum(1 for it in body if k < len(it.cells) and it.cells[k].strip()) - codes
        if right and (codes > others or not left):
            owner[k] = right[0]
        elif left:
            owner[k] = left[-1]
    # A line with text in two or more anchor columns is no row of this table (a header).
    for q, it in enumerate(body):
        bad = [k for k, t in enumerate(it.cells[:n]) if k not in text_cols and t.strip() and not _is_anchor_text(t)]
        if len(bad) >= 2:
            body = body[:q]
            break
    doubts: dict[int, str] = {}
    changed = False
    for col in text_cols:
        # (a text column no anchor column serves, such as a name beside another: every anchor)
        mine = [k for k, c in owner.items() if c == col] or list(owner)
        anchors: list[tuple[float, int]] = []  # (centre, line index)
        for q, it in enumerate(body):
            ys = [
                (b[1] + b[3]) / 2
                for k in mine
                if k < len(it.cells)
                for t, b in [(it.cells[k], it.boxes[k])]
                if b and t.strip()
            ]
            if ys:
                code_ys = [
                    (b[1] + b[3]) / 2
                    for k in mine
                    if k < len(it.cells)
                    for t, b in [(it.cells[k], it.boxes[k])]
                    if b and re.fullmatch(r"\d{1,7}", t.strip())
                ]
                anchors.append((median(code_ys or ys), q))
        pieces: list[tuple[float, int]] = []  # (centre, line index) of the column's text
        for q, it in enumerate(body):
            if col < len(it.cells) and it.cells[col].strip() and it.boxes[col]:
                b = it.boxes[col]
                assert b is not None
                pieces.append(((b[1] + b[3]) / 2, q))
        if not anchors or not pieces:
            continue
        # A label alone, farther than a line from every other label line and anchor, is a row
        # of its own (a row without code or amounts): it stays as it is. Farther than a line:
        # than a character height, or than the line pitch of wrapped labels from the other
        # labels and than an anchor's reach from the anchors.
        pitch = _line_pitch(sorted(y for y, _ in pieces), h)
        loose = [
            (y, q)
            for y, q in pieces
            if not any(a == q for _, a in anchors)
            and (
                not any(
                    abs(y - o) <= s.band_loose_h * h for o in [a for a, _ in anchors] + [p for p, _ in pieces] if o != y
                )
                or (
                    not any(abs(y - o) <= s.band_pitch_slack * pitch for o, _ in pieces if o != y)
                    and not any(abs(y - o) <= s.band_reach_h * h for o, _ in anchors)
                )
            )
        ]
        pieces = [p for p in pieces if p not in loose]
        if not pieces:
            continue
        assign, doubtful = _assign_pieces([y for y, _ in anchors], [y for y, _ in pieces], h)
        for r in doubtful:
            doubts.setdefault(anchors[r][1], WRAP_DOUBT)
        # Rewrite the column: each anchor line gets its block, in order.
        blocks: dict[int, list[int]] = {}
        for p, r in enumerate(assign):
            blocks.setdefault(anchors[r][1], []).append(pieces[p][1])
        texts: dict[int, tuple[str, Box | None]] = {}
        for target, lines in blocks.items():
            parts = [body[q].cells[col].strip() for q in lines]
            bs: list[Box] = [b for q in lines for b in [body[q].boxes[col]] if b is not None]
            box = (
                (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))
                if bs
                else None
            )
            texts[target] = ("".join(parts), box)
            changed = changed or lines != [target]
        for _, q in pieces:
            body[q].cells[col], body[q].boxes[col] = "", None
        for target, (text, box) in texts.items():
            body[target].cells[col], body[target].boxes[col] = text, box
    # A code printed in the code column glued to the label after it (no gap between them).
    for q, it in enumerate(body):
        for k, t in enumerate(it.cells[:n]):
            m = _GLUED_CODE_RE.match(t.strip())
            if m and k not in text_cols:
                doubts.setdefault(q, CODE_IN_LABEL.format(code=m.group(0)))
    for q, why in doubts.items():
        body[q].doubt = why
    if not changed:
        return []
    return [it for it in body if not any(c.strip() for c in it.cells)]


def _line_pitch(ys: list[float], h: float) -> float:
    """The line pitch inside a wrapped cell: the closest two label lines (rows are usually farther
    apart, by the cell padding); the character height when no two lines are near."""
    gaps = [b - a for a, b in zip(ys, ys[1:]) if b - a > current().band_min_pitch_h * h]
    return min(gaps) if gaps else h


_EPS = 1e-6  # pt: a margin for float rounding in a search window (not a reading threshold)


def _assign_pieces(anchors: list[float], pieces: list[float], h: float) -> tuple[list[int], set[int]]:
    """Give each label line (centre ``pieces``, sorted) to one anchor (centres ``anchors``,
    sorted), keeping their order, so that every row's block of lines sits around its anchor the
    same way (top-, middle- or bottom-aligned, whichever fits the table best). Returns the anchor
    of each line and the anchors whose row is doubtful: its block fits no alignment, or another
    alignment places its lines otherwise at about the same cost."""
    order_a = sorted(range(len(anchors)), key=lambda r: anchors[r])
    ys_a = [anchors[r] for r in order_a]
    n, m = len(ys_a), len(pieces)
    inf = float("inf")
    s = current()
    pitch = _line_pitch(pieces, h)
    longest = 2 * s.wrapped_label_max_lines + 1  # lines above, beside and below an anchor

    # breaks[k]: gaps wider than a wrapped cell's line pitch among the first k+1 lines (so that
    # "lines a..b-1 follow each other at the line pitch" is breaks[b-1] == breaks[a], in O(1))
    breaks = [0] * max(m, 1)
    for k in range(1, m):
        breaks[k] = breaks[k - 1] + (pieces[k] - pieces[k - 1] > s.band_pitch_slack * pitch)
    reach = s.band_reach_h * h

    def row_cost(i: int, a: int, b: int, mode: str) -> float:
        """Cost of row ``i`` holding lines a..b-1."""
        if a == b:
            return 1.0  # a row without a label is rare
        first, last = pieces[a], pieces[b - 1]
        # lines of one wrapped cell follow each other at the line pitch
        if breaks[b - 1] != breaks[a]:
            return inf
        y = ys_a[i]
        if y < first - reach or y > last + reach:
            return inf
        ref = first if mode == "top" else last if mode == "bottom" else (first + last) / 2
        return abs(y - ref) / h

    fits: list[tuple[float, list[int], list[float]]] = []
    for mode in ("top", "middle", "bottom"):
        f = [[inf] * (m + 1) for _ in range(n + 1)]
        back = [[0] * (m + 1) for _ in range(n + 1)]
        f[0][0] = 0.0
        for i in range(1, n + 1):
            prev, cur, bk, y = f[i - 1], f[i], back[i], ys_a[i - 1]
            # Only rows ending at b in [lo_b, hi_b] can hold lines near this anchor (a margin on
            # both sides: the exact tests below decide); elsewhere the row is empty (a == b).
            lo_b = bisect_left(pieces, y - reach - _EPS) + 1
            hi_b = bisect_right(pieces, y + reach + _EPS) - 1 + longest
            for b in range(m + 1):
                if b < lo_b or b > hi_b:
                    if prev[b] != inf:
                        cur[b], bk[b] = prev[b] + 1.0, b
                    continue
                last = pieces[b - 1] if b else 0.0
                for a in range(max(0, b - longest), b + 1):
                    fa = prev[a]
                    if fa == inf:
                        continue
                    # row_cost(i - 1, a, b, mode), inlined (the innermost loop of the banding)
                    if a == b:
                        c = fa + 1.0
                    else:
                        first = pieces[a]
                        if breaks[b - 1] != breaks[a] or y < first - reach or y > last + reach:
                            continue
                        ref = first if mode == "top" else last if mode == "bottom" else (first + last) / 2
                        c = fa + abs(y - ref) / h
                    if c < cur[b]:
                        cur[b], bk[b] = c, a
        total = f[n][m]
        if total == inf:
            continue
        cuts = []
        b = m
        for i in range(n, 0, -1):
            a = back[i][b]
            cuts.append((a, b))
            b = a
        cuts.reverse()
        assign = [0] * m
        rc = []
        for i, (a, b) in enumerate(cuts):
            for p in range(a, b):
                assign[p] = i
            rc.append(row_cost(i, a, b, mode))
        fits.append((total, assign, rc))
    if not fits:
        # No consistent banding: every line to its nearest anchor, every row doubtful.
        assign = [min(range(n), key=lambda i: abs(ys_a[i] - y)) for y in pieces]
        return [order_a[i] for i in assign], set(range(len(anchors)))
    fits.sort(key=lambda fit: fit[0])
    total, assign, rc = fits[0]
    doubtful = {order_a[i] for i, c in enumerate(rc) if c > s.band_doubt_h}
    # Another alignment that places the lines otherwise and fits about as well: the rows whose
    # lines differ are in doubt.
    for other_total, other, _ in fits[1:]:
        if other != assign and other_total - total < s.band_ambiguous_h:
            doubtful |= {order_a[i] for p, i in enumerate(assign) if other[p] != i}
            doubtful |= {order_a[i] for p, i in enumerate(other) if assign[p] != i}
    return [order_a[i] for i in assign], doubtful
