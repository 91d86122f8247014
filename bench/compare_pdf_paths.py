"""Compare the two ways juesuan reads a PDF page: PDFium's characters and rulings (the fast path)
against pdfplumber's page (pdfminer's characters, pdfplumber's own table finder).

Usage: .venv/bin/python bench/compare_pdf_paths.py [--rotated-only] [PDF ...]
Default: every PDF in ../shared/corpus (when present) and tests/fixtures/roundtrip/*.pdf.

For each page that has text, both readers' items (lines / grid rows) are compared: same number of
items, same cell texts in the same order (white space aside: see
``squeeze``; pages that differ in spaces only are counted apart), same grid membership, boxes within ``--tol`` points
(the two libraries measure character boxes differently: PDFium's loose advance boxes, pdfminer's
font boxes). Prints one line per page that differs and a summary; exit status 1 when any differs.
Used to check that rotated pages (/Rotate 90/180/270) read from PDFium give what pdfplumber gives.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def page_items(pg):  # type: ignore[no-untyped-def]
    return [(it.grid is not None, list(it.cells), it.boxes) for it in pg.items]


def boxes_close(a, b, tol: float) -> bool:  # type: ignore[no-untyped-def]
    if len(a) != len(b):
        return False
    for p, q in zip(a, b):
        if (p is None) != (q is None):
            return False
        if p is not None and any(abs(u - v) > tol for u, v in zip(p, q)):
            return False
    return True


def compare(path: Path, rotated_only: bool, tol: float) -> tuple[int, int]:
    import pdfplumber
    import pypdfium2 as pdfium

    from juesuan.readers import pdf as reader

    compared = differing = spaces = 0
    with pdfplumber.open(path) as plumb:
        fast = pdfium.PdfDocument(str(path))
        try:
            for number, page in enumerate(plumb.pages, start=1):
                fpage = fast[number - 1]
                if rotated_only and not fpage.get_rotation():
                    continue
                paths, chars = reader._triage(fpage, number)
                if not chars:
                    continue
                if paths:
                    got = reader._read_grid_page_fast(fpage, number, chars)
                    if got is None:
                        continue  # form XObjects: pdfplumber reads this page either way
                else:
                    got = reader._read_text_page(fpage, number, chars)
                want = reader._read_page(page, number)
                compared += 1
                a, b = page_items(got), page_items(want)
                problems = []
                if abs(got.width - want.width) > 0.01 or abs(got.height - want.height) > 0.01:
                    problems.append(f"size {got.width}x{got.height} vs {want.width}x{want.height}")
                if [(g, squeeze(c)) for g, c, _ in a] != [(g, squeeze(c)) for g, c, _ in b]:
                    problems.append(f"items differ ({len(a)} vs {len(b)})")
                    for x, y in zip(a, b):
                        if (x[0], squeeze(x[1])) != (y[0], squeeze(y[1])):
                            problems.append(f"  first: {x[1]!r} vs {y[1]!r}")
                            break
                elif not all(boxes_close(x[2], y[2], tol) for x, y in zip(a, b)):
                    problems.append("boxes differ beyond tolerance")
                if not problems and [x[1] for x in a] != [x[1] for x in b]:
                    spaces += 1
                if problems:
                    differing += 1
                    print(f"{path.name} p{number} (rotation {fpage.get_rotation()}): " + "; ".join(problems))
                fpage.close()
        finally:
            fast.close()
    print(f"{path.name}: {compared} pages, {differing} differ, {spaces} more differ in spaces only")
    return compared, differing


def squeeze(cells: list[str]) -> list[str]:
    """Cell texts without white space: pdfplumber's table text puts a space at every gap wider
    than 3 pt, also between CJK characters; juesuan's line text only between Latin words."""
    return ["".join(c.split()) for c in cells]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rotated-only", action="store_true")
    ap.add_argument("--tol", type=float, default=3.0, help="box tolerance in points")
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    files = list(args.files)
    if not files:
        corpus = REPO.parent / "shared" / "corpus"
        files = sorted(corpus.glob("*/*.pdf")) if corpus.exists() else []
        files += sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf"))
    total = bad = 0
    for f in files:
        n, d = compare(f, args.rotated_only, args.tol)
        total += n
        bad += d
    print(f"{total} pages compared, {bad} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
