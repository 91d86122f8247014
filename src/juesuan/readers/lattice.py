"""Ruled grids from ruling segments: pdfplumber's lattice table finder ("lines" strategy), step for
step, without importing pdfplumber.

Why not call pdfplumber: importing it imports pdfminer (≈ 0.1 s of a whole ``juesuan check`` of
≈ 0.4 s), and most PDFs need nothing else from it now that pages are read from PDFium. Its table
finder for ruled pages is small: snap and join the rulings, find where they cross, take the
smallest rectangles whose four sides are drawn, group touching rectangles into tables, and split a
table into rows. This module does exactly those steps with the same arithmetic (the same float
operations in the same order), so the grids are the same to the last bit; it only looks up which
rulings meet at a crossing once instead of at every comparison, which makes it several times
faster. ``tests/test_lattice.py`` compares it with pdfplumber's ``TableFinder`` on random rulings
and on the fixture PDFs; ``bench/compare_lattice.py`` on every ruled page of the corpus.

Settings are pdfplumber's (see :data:`juesuan.readers.pdf.TABLE_SETTINGS`): snap, join and
intersection tolerance 3, minimum edge length 3 (1 before merging).
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property
from itertools import groupby
from operator import itemgetter

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Any

    Edge = dict[str, Any]  # x0, x1, top, bottom, width, height, orientation ("h"/"v")
Bbox = tuple[float, float, float, float]


def _cluster_index(values: list[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: sorted distinct values, a new cluster after each gap wider
    than ``tolerance`` from the previous value."""
    xs = sorted(set(values))
    out: dict[float, int] = {}
    if tolerance == 0 or len(xs) < 2:
        return {x: i for i, x in enumerate(xs)}
    index, last = 0, xs[0]
    for x in xs:
        if x > last + tolerance:
            index += 1
        out[x] = index
        last = x
    return out


def _snap(edges: list[Edge], attr: str, tolerance: float) -> list[Edge]:
    """pdfplumber's snap_objects: each cluster of edges along ``attr`` moved to its mean."""
    keys = _cluster_index([e[attr] for e in edges], tolerance)
    ordered = sorted(((e, keys[e[attr]]) for e in edges), key=itemgetter(1))
    lo, hi = ("x0", "x1") if attr == "x0" else ("top", "bottom")
    out: list[Edge] = []
    for _, group in groupby(ordered, key=itemgetter(1)):
        cluster = [e for e, _ in group]
        avg = sum(map(itemgetter(attr), cluster)) / len(cluster)
        for e in cluster:
            value = avg - e[attr]
            moved = dict(e)
            moved[lo] = e[lo] + value
            moved[hi] = e[hi] + value
            out.append(moved)
    return out


def _join(edges: list[Edge], orientation: str, tolerance: float) -> list[Edge]:
    """pdfplumber's join_edge_group: edges on one line that overlap or nearly touch become one."""
    lo, hi, size = ("x0", "x1", "width") if orientation == "h" else ("top", "bottom", "height")
    ordered = sorted(edges, key=itemgetter(lo))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + tolerance:
            if e[hi] > last[hi]:
                grown = dict(last)
                grown[hi] = e[hi]
                grown[size] = e[hi] - last[lo] if orientation == "h" else last["height"] + (e[hi] - last[hi])
                joined[-1] = grown
        else:
            joined.append(e)
    return joined


def _merged_edges(edges: list[Edge], snap: float, join: float, min_length: float, prefilter: float) -> list[Edge]:
    """TableFinder.get_edges for the "lines" strategy on both axes."""

    # (an edge's length compared in the filters, no function a segment: a page may draw ten
    # thousand of them; a vertical edge's length is its height, a horizontal one's its width)
    v = [e for e in edges if e["orientation"] == "v" and e["height"] >= prefilter]
    h = [e for e in edges if e["orientation"] == "h" and e["width"] >= prefilter]
    merged = v + h
    if snap > 0:
        merged = _snap(v, "x0", snap) + _snap(h, "top", snap)

    # grouped by orientation and position: each edge's key made once, the edges in the stable
    # order of their keys (what sorting them by the key gives)
    keys = [("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"]) for e in merged]
    key_of = keys.__getitem__
    out: list[Edge] = []
    for key, items in groupby(sorted(range(len(merged)), key=key_of), key=key_of):
        out.extend(_join([merged[i] for i in items], key[0], join))
    return [e for e in out if e["height" if e["orientation"] == "v" else "width"] >= min_length]


def _intersections(
    edges: list[Edge], tol_x: float, tol_y: float
) -> dict[tuple[float, float], tuple[set[Bbox], set[Bbox]]]:
    """pdfplumber's edges_to_intersections, each crossing with the boxes of its vertical and
    horizontal edges (what edge_connects compares)."""
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    box = itemgetter("x0", "top", "x1", "bottom")
    out: dict[tuple[float, float], tuple[set[Bbox], set[Bbox]]] = {}
    for v in v_edges:
        vx, vtop, vbottom, vbox = v["x0"], v["top"], v["bottom"], box(v)
        for h in h_edges:
            htop = h["top"]
            if vtop <= htop + tol_y and vbottom >= htop - tol_y and vx >= h["x0"] - tol_x and vx <= h["x1"] + tol_x:
                vertex = (vx, htop)
                sets = out.get(vertex)
                if sets is None:
                    sets = out[vertex] = (set(), set())
                sets[0].add(vbox)
                sets[1].add(box(h))
    return out


def _cells(crossings: dict[tuple[float, float], tuple[set[Bbox], set[Bbox]]]) -> list[Bbox]:
    """pdfplumber's intersections_to_cells: from each crossing, the smallest rectangle whose four
    corners are crossings joined by drawn edges (first below, then right, in order)."""

    # edge_connects(p1, p2) of pdfplumber, written out for the four pairs compared below: points
    # on one vertical (same x) are joined when their vertical edges share one, points on one
    # horizontal (same y) when their horizontal edges do (a point below has a greater y, a point
    # to the right a greater x, so only that one test can hold)
    points = sorted(crossings)
    by_x: dict[float, list[float]] = {}
    by_y: dict[float, list[float]] = {}
    for x, y in points:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    for ys in by_y.values():
        ys.sort()
    cells: list[Bbox] = []
    for pt in points[:-1]:
        x, y = pt
        ys, xs = by_x[x], by_y[y]
        v_pt, h_pt = crossings[pt]
        found = None
        for b in ys[bisect_right(ys, y) :]:
            v_below, h_below = crossings[(x, b)]
            if v_pt.isdisjoint(v_below):  # connects(pt, below)
                continue
            for r in xs[bisect_right(xs, x) :]:
                v_right, h_right = crossings[(r, y)]
                if h_pt.isdisjoint(h_right):  # connects(pt, right)
                    continue
                corner = crossings.get((r, b))
                # connects(corner, right) and connects(corner, below)
                if corner is not None and not corner[0].isdisjoint(v_right) and not corner[1].isdisjoint(h_below):
                    found = (x, y, r, b)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _group_cells(cells: list[Bbox]) -> list[list[Bbox]]:
    """pdfplumber's cells_to_tables: cells sharing a corner form one table; tables with one cell
    are dropped; sorted by their top-left cell."""

    def corners(c: Bbox) -> tuple[tuple[float, float], ...]:
        x0, top, x1, bottom = c
        return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))

    # (each cell's corners computed once; the cells left for a later pass kept by position, in
    # order: the cells are distinct, each from its own top-left crossing)
    cell_corners = [corners(c) for c in cells]
    remaining = list(range(len(cells)))
    current_corners: set[tuple[float, float]] = set()
    current: list[Bbox] = []
    tables: list[list[Bbox]] = []
    while remaining:
        count = len(current)
        left = []
        for k in remaining:
            cc = cell_corners[k]
            if not current or not current_corners.isdisjoint(cc):
                current_corners.update(cc)
                current.append(cells[k])
            else:
                left.append(k)
        remaining = left
        if len(current) == count:
            tables.append(list(current))
            current_corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


class Row:
    """A row of a table: its cells on the table's column positions (None where a merged cell
    covers the position), and its bounding box."""

    def __init__(self, cells: list[Bbox | None]):
        self.cells = cells
        present = [c for c in cells if c]
        self.bbox = (
            min(c[0] for c in present),
            min(c[1] for c in present),
            max(c[2] for c in present),
            max(c[3] for c in present),
        )


class Table:
    """A ruled table: its cells, rows (pdfplumber's ``Table.rows``) and bounding box."""

    def __init__(self, cells: list[Bbox]):
        self.cells = cells
        self.bbox = (
            min(c[0] for c in cells),
            min(c[1] for c in cells),
            max(c[2] for c in cells),
            max(c[3] for c in cells),
        )

    @cached_property
    def rows(self) -> list[Row]:  # computed once (the reader asks for them several times)
        xs = sorted({c[0] for c in self.cells})
        rows = []
        for _, row_cells in groupby(sorted(self.cells, key=itemgetter(1, 0)), itemgetter(1)):
            by_x = {c[0]: c for c in row_cells}
            rows.append(Row([by_x.get(x) for x in xs]))
        return rows


def find_tables(edges: list[Edge], settings: dict[str, Any]) -> list[Table]:
    """The ruled tables drawn by ``edges`` (pdfplumber edge dicts), as pdfplumber's TableFinder
    finds them with the "lines" strategy and ``settings`` (snap_tolerance, join_tolerance,
    intersection_tolerance, edge_min_length)."""
    merged = _merged_edges(
        edges,
        settings["snap_tolerance"],
        settings["join_tolerance"],
        settings["edge_min_length"],
        settings.get("edge_min_length_prefilter", 1),
    )
    tol = settings["intersection_tolerance"]
    return [Table(group) for group in _group_cells(_cells(_intersections(merged, tol, tol)))]
