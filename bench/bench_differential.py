"""Differential check of ruled PDF pages: our grids (PDFium characters on pdfplumber's lattice
finder) against pdfplumber's own ``extract_tables``, on every ruled page.

Usage: .venv/bin/python bench/bench_differential.py [PDF ...]   (default: every PDF of ../shared/corpus)
Prints the agreement rate and every disagreement; results go in docs/benchmarks.md. The reader runs
the same check on every ruled page with JUESUAN_PDF_DIFFERENTIAL=always (a reading note per page
that disagrees).
"""

from __future__ import annotations

import sys
from pathlib import Path

from juesuan.readers import pdf as P

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    files = [Path(a) for a in sys.argv[1:]]
    if not files:
        corpus = REPO.parent / "shared" / "corpus"
        files = sorted(corpus.glob("*/*.pdf")) if corpus.exists() else []
    if not files:
        print("no PDF given and ../shared/corpus is absent")
        return 1
    ruled = agree = 0
    for f in files:
        compared, notes, _ = P.differential_notes(f)
        ruled += compared
        agree += compared - len(notes)
        for note in notes:
            print(f"{f.name}: {note}")
    print(f"ruled pages: {ruled}; agree: {agree} ({100 * agree / max(ruled, 1):.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
