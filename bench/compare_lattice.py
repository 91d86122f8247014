"""Compare juesuan's lattice finder (juesuan.readers.lattice) with pdfplumber's TableFinder on
every ruled page: the same rulings (read from PDFium) into both, the tables compared exactly
(cells, rows with their cells and boxes, table boxes; floats compared with ==). Also times both.

Usage: .venv/bin/python bench/compare_lattice.py [PDF ...]
Default: every PDF in ../shared/corpus (when present) and tests/fixtures/roundtrip/*.pdf.
Exit status 1 when any page differs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


class EdgePage:
    """The little of a pdfplumber page that its table finder reads (lines strategy)."""

    def __init__(self, edges: list[dict[str, Any]], width: float, height: float):
        self.edges = edges
        self.bbox = (0, 0, width, height)
        self.chars: list[dict[str, Any]] = []


def shape(tables: Any) -> list[Any]:
    return [(list(t.cells), [(list(r.cells), tuple(r.bbox)) for r in t.rows], tuple(t.bbox)) for t in tables]


def main() -> None:
    import pypdfium2 as pdfium
    from pdfplumber.table import TableFinder, TableSettings

    from juesuan.readers import lattice
    from juesuan.readers.pdf import TABLE_SETTINGS, _pdfium_edges

    files = [Path(f) for f in sys.argv[1:]]
    if not files:
        corpus = REPO.parent / "shared" / "corpus"
        files = sorted(corpus.glob("*/*.pdf")) if corpus.exists() else []
        files += sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf"))
    pages = differ = tables = 0
    t_ours = t_theirs = 0.0
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        for i in range(len(doc)):
            page = doc[i]
            edges = _pdfium_edges(page)
            if not edges:
                page.close()
                continue
            width, height = page.get_size()
            t0 = time.perf_counter()
            theirs = TableFinder(EdgePage(edges, width, height), TableSettings.resolve(TABLE_SETTINGS)).tables  # type: ignore[arg-type]
            t1 = time.perf_counter()
            ours = lattice.find_tables(edges, TABLE_SETTINGS)
            t2 = time.perf_counter()
            t_theirs += t1 - t0
            t_ours += t2 - t1
            pages += 1
            tables += len(theirs)
            if shape(ours) != shape(theirs):
                differ += 1
                print(f"{f.name} p{i + 1}: {len(ours)} vs {len(theirs)} tables differ")
            page.close()
        doc.close()
    print(
        f"{pages} pages with rulings, {tables} tables; {differ} pages differ; "
        f"time: juesuan {t_ours:.3f} s, pdfplumber {t_theirs:.3f} s"
    )
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
