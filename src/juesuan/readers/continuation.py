"""Rows of a table continued on the next page without its header, placed by x position.

A table that runs to the bottom of a page and goes on at the top of the next one often does not
repeat its header there. Without a header, the continuation page's own columns come from its rows
alone: a column that no row on that page fills is not seen, and the amounts of a row would be
read in order into the first columns, an amount shifted one column or more. Such rows are placed
instead on the columns of the page that printed the header (ruled grid, or border-less table whose
columns were found under its header), each cell by its x position, when both pages have the same
size (same orientation) and every amount falls under a column (right edges within a small
tolerance, after one small common shift of the whole page). When that cannot be done
unambiguously (another page size, an amount between two columns, two amounts in one column, a
previous page whose last rows were not placed under a header either), the rows are left as the
page reads them and each is marked with the reason (:attr:`~.geometry._Item.doubt`), which the
recognizer reports as a reading problem of the table: its rules are then not checked rather than
checked on shifted amounts.
"""

from __future__ import annotations


from .borderless import _DECIMAL_RE, _merge_straddled_rows, _opens_with_code, _right_aligned
from .geometry import Box, TableColumns, _Item, _Page
from .settings import current


def _table_at_bottom(page: _Page) -> TableColumns | None:
    """The columns of the table that ends the page (its last line is a table row), if any."""
    last = next((it for it in reversed(page.items) if "".join(it.cells).strip()), None)
    if last is None:
        return None
    if last.columns is not None:
        return last.columns
    if last.grid is not None:
        n = len(last.cells)
        spans: list[list[tuple[float, float]]] = [[] for _ in range(n)]
        texts = [0] * n
        for it in page.items:
            if it.grid != last.grid or len(it.boxes) != n:
                continue
            for k, (t, b) in enumerate(zip(it.cells, it.boxes)):
                if b is not None:
                    spans[k].append((b[0], b[2]))
                    texts[k] += bool(t.strip())
        return TableColumns([], [], cells=spans, texts=texts) if sum(bool(x) for x in spans) >= 2 else None
    return None


def _is_body(it: _Item) -> bool:
    """A table row: it holds a decimal amount or opens with a classification code."""
    return any(_DECIMAL_RE.match(c.strip()) for c in it.cells) or _opens_with_code(it)


def _leading_rows(items: list[_Item]) -> list[_Item]:
    """The free lines at the top of a page that continue a table: table rows, and lines of one
    text between them or above the first (parts of wrapped labels), down to the last row before
    anything else (a header, a note, the title and header of the next table)."""

    def free(k: int) -> bool:
        return k < len(items) and items[k].grid is None

    def one_text(k: int) -> bool:
        return free(k) and sum(bool(c.strip()) for c in items[k].cells) == 1 and not _is_body(items[k])

    j = 0
    while free(j):
        if _is_body(items[j]):
            j += 1
            continue
        k = j
        while one_text(k):
            k += 1
        if k == j or not (free(k) and _is_body(items[k])):
            break
        j = k
    return items[:j] if any(_is_body(it) and len(it.cells) >= 2 for it in items[:j]) else []


def carry_over(prev: _Page, page: _Page) -> None:
    """Place the headerless rows at the top of ``page`` on the columns of the table that ended
    ``prev`` (see the module's docstring); mark them doubtful when that is ambiguous."""
    last = next((it for it in reversed(prev.items) if "".join(it.cells).strip()), None)
    if last is None or not (last.grid is not None or _is_body(last)):
        return  # the previous page does not end with a table
    _merge_straddled_rows(page.items)
    items = [it for it in page.items if "".join(it.cells).strip()]
    rows = _leading_rows(items)
    if not rows:
        return
    table = _table_at_bottom(prev)
    if table is None or not table.headed:
        # the rows that end the previous page were not placed under a header either
        why = f"第{page.number}页续表未印表头，上页表格末尾各行的列也未能与表头对应，无法确定各金额所属的列"
        for it in rows:
            it.doubt = why
        return
    same = current().carry_same_page
    if abs(prev.width - page.width) > same or abs(prev.height - page.height) > same:
        why = f"第{page.number}页续表未印表头，且页面大小或方向与上页不同，无法按上页表头的列位置确定各金额所属的列"
        for it in rows:
            it.doubt = why
        return
    placed = [_place(it, table) for it in rows]
    bad = next((why for _, why in placed if why), None)
    if bad is not None:
        shift = _common_shift(rows, table)
        placed = [_place(it, table, shift) for it in rows]
        bad = next((why for _, why in placed if why), None)
    if bad is not None:
        why = f"第{page.number}页续表未印表头，{bad}，无法按上页表头确定各金额所属的列"
        for it in rows:
            it.doubt = why
        return
    for it, (cells_boxes, _) in zip(rows, placed):
        assert cells_boxes is not None
        it.cells, it.boxes = cells_boxes
        it.columns = table


def _common_shift(rows: list[_Item], table: TableColumns) -> float:
    """A small shift of the whole page against the header page (other margins): the offset, up to
    ``carry_shift_h`` × the character height (and a fraction of the columns' spacing), that puts
    most amounts' right edges on the columns'."""
    s = current()
    limit = s.carry_shift_h * table.height
    mids = [(lo + hi) / 2 for r in table.rights if r for lo, hi in [r]]
    if len(mids) >= 2:
        limit = min(limit, s.carry_shift_spacing * min(b - a for a, b in zip(mids, mids[1:])))
    edges = [b[2] for it in rows for k, (t, b) in enumerate(zip(it.cells, it.boxes)) if b and _numeric(it, k)]
    candidates = {0.0} | {m - e for m in mids for e in edges if abs(m - e) <= limit}

    def fits(dx: float) -> int:
        return sum(
            any(r and r[0] - s.anchor_cluster <= e + dx <= r[1] + s.anchor_cluster for r in table.rights) for e in edges
        )

    return max(sorted(candidates, key=abs), key=fits)


def _numeric(it: _Item, k: int) -> bool:
    t = it.cells[k].strip()
    return bool(t) and _right_aligned(it.cells, k)


def _place(
    it: _Item, table: TableColumns, shift: float = 0.0
) -> tuple[tuple[list[str], list[Box | None]] | None, str | None]:
    """The line's cells on the table's columns, or why they cannot be placed unambiguously."""
    s = current()
    n = len(table.cells) if table.cells is not None else len(table.cuts) + 1
    cells = [""] * n
    boxes: list[Box | None] = [None] * n
    numeric = [False] * n
    bounds = [float("-inf"), *table.cuts, float("inf")]
    for k, (text, box) in enumerate(zip(it.cells, it.boxes)):
        if box is None or not text.strip():
            continue
        x0, x1 = box[0] + shift, box[2] + shift
        is_num = _numeric(it, k)
        if table.cells is not None and table.texts is not None:
            # a ruled table: the position of a cell whose span holds the text's centre (within a
            # small shift), the one the grid's rows put most texts in (a merged cell's first)
            x, pad = (x0 + x1) / 2, s.anchor_cluster
            spans, texts = table.cells, table.texts
            held = [j for j, ss in enumerate(spans) if any(a - pad <= x <= b for a, b in ss)]
            if not held:
                return None, f"“{text.strip()}”不在上页表格的任何一列之下"
            col = max(held, key=lambda j: (texts[j], len(spans[j])))
            ok = any(a - pad <= x0 and x1 <= b + pad for a, b in spans[col])
        else:
            x = x1 - s.anchor_inset if is_num else x0 + s.anchor_inset
            col = sum(1 for c in table.cuts if x > c)
            fit = table.rights[col]
            if fit is not None:
                ok = fit[0] - s.anchor_cluster <= x1 <= fit[1] + s.anchor_cluster
            else:
                ok = bounds[col] <= x0 and x1 <= bounds[col + 1]
        if is_num:
            if not ok:
                return None, f"金额“{text.strip()}”不在上页表头的任何一列之下"
            if cells[col]:
                return None, f"金额“{text.strip()}”与“{cells[col]}”落在同一列"
        elif numeric[col]:
            return None, f"“{text.strip()}”与金额“{cells[col]}”落在同一列"
        numeric[col] = numeric[col] or is_num
        cells[col] = cells[col] + text if cells[col] else text
        old = boxes[col]
        boxes[col] = (
            box if old is None else (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))
        )
    return (cells, boxes), None
