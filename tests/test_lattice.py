"""juesuan's lattice finder (juesuan.readers.lattice) against pdfplumber's TableFinder, which it
ports step for step: the same tables, rows and boxes, compared exactly, on random rulings (grids
with merged cells, gaps, near-duplicates to snap and pieces to join) and on the rulings of every
page of the fixture PDFs."""

from __future__ import annotations

import random
from typing import Any

import pytest

from conftest import REPO
from juesuan.readers import lattice
from juesuan.readers.pdf import TABLE_SETTINGS, _pdfium_edges


class _EdgePage:
    """The little of a pdfplumber page that its table finder reads (lines strategy)."""

    def __init__(self, edges: list[dict[str, Any]], width: float = 842, height: float = 595):
        self.edges = edges
        self.bbox = (0, 0, width, height)
        self.chars: list[dict[str, Any]] = []


def _theirs(edges: list[dict[str, Any]]) -> list[Any]:
    from pdfplumber.table import TableFinder, TableSettings

    return TableFinder(_EdgePage(edges), TableSettings.resolve(TABLE_SETTINGS)).tables  # type: ignore[arg-type]


def _shape(tables: Any) -> list[Any]:
    return [(list(t.cells), [(list(r.cells), tuple(r.bbox)) for r in t.rows], tuple(t.bbox)) for t in tables]


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    orientation = "v" if x1 - x0 < bottom - top else "h"
    if orientation == "v":
        x1 = x0
    else:
        bottom = top
    return {
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


def _random_rulings(rng: random.Random) -> list[dict[str, Any]]:
    """One or two grids of random rows and columns, drawn as pieces per cell (as many PDF writers
    do), with jitter below the snap tolerance, some segments left out (merged cells), a few drawn
    twice, short strokes and stray lines."""
    edges: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 2)):
        left, top = rng.uniform(20, 300), rng.uniform(20, 300)
        xs = [left]
        for _ in range(rng.randint(1, 7)):
            xs.append(xs[-1] + rng.choice([rng.uniform(2, 6), rng.uniform(20, 120)]))
        ys = [top]
        for _ in range(rng.randint(1, 12)):
            ys.append(ys[-1] + rng.choice([rng.uniform(2, 5), rng.uniform(12, 30)]))
        jitter = lambda: rng.choice([0.0, 0.0, rng.uniform(-2.5, 2.5)])  # noqa: E731
        for y in ys:
            for a, b in zip(xs, xs[1:]):
                if rng.random() < 0.1:
                    continue
                yy = round(y + jitter(), rng.choice([1, 3]))
                edges.append(_edge(a + jitter(), yy, b + jitter(), yy))
                if rng.random() < 0.05:
                    edges.append(_edge(a, y, b, y))
        for x in xs:
            for a, b in zip(ys, ys[1:]):
                if rng.random() < 0.15:
                    continue
                xx = round(x + jitter(), rng.choice([1, 3]))
                edges.append(_edge(xx, a + jitter(), xx, b + jitter()))
        for _ in range(rng.randint(0, 3)):
            x, y = rng.uniform(0, 800), rng.uniform(0, 560)
            edges.append(
                _edge(x, y, x + rng.uniform(0.5, 40), y)
                if rng.random() < 0.5
                else _edge(x, y, x, y + rng.uniform(0.5, 40))
            )
    rng.shuffle(edges)
    return edges


@pytest.mark.parametrize("seed", range(60))
def test_same_tables_as_pdfplumber_on_random_rulings(seed: int) -> None:
    edges = _random_rulings(random.Random(seed))
    theirs = _theirs(edges)
    assert _shape(lattice.find_tables(edges, TABLE_SETTINGS)) == _shape(theirs)


def test_random_rulings_make_tables() -> None:
    """The generator above makes real grids (so the comparison is not of empty lists)."""
    counts = [len(_theirs(_random_rulings(random.Random(seed)))) for seed in range(60)]
    assert sum(1 for n in counts if n) >= 50


def test_same_tables_as_pdfplumber_on_fixture_pages() -> None:
    import pypdfium2 as pdfium

    pages = 0
    for path in sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf")):
        doc = pdfium.PdfDocument(str(path))
        for i in range(len(doc)):
            edges = _pdfium_edges(doc[i])
            if edges:
                pages += 1
                assert _shape(lattice.find_tables(edges, TABLE_SETTINGS)) == _shape(_theirs(edges)), (path.name, i + 1)
        doc.close()
    assert pages >= 17
