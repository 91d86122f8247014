"""Benchmark: what the narrative (文表/文内) and 绩效 checks add to checking one document.

Usage: .venv/bin/python bench/bench_narrative.py [FILE ...]
       (default: the 30-page Shanghai PDF and the seed in ../shared when present, and the example)
Each document is read once; then, in a warm process, the table rules alone and the narrative and
绩效 checks alone are timed (median of 30 runs). Prints a Markdown table; results are recorded in
docs/narrative.md. Target: < 50 ms for the narrative checks of a 30-page document.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULTS = [
    SHARED / "corpus" / "final" / "shanghai-putuo-ghzyj-2024-final.pdf",
    SHARED / "seeds" / "000_f2a3e5ca77432ebc.txt",
    REPO / "examples" / "example-clean.txt",
]


def _median_ms(fn, runs: int = 30) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    fn()  # warm: imports, lexicon, rule files, catalogs
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    from juesuan import api, narrative
    from juesuan.layouts import load as load_layouts
    from juesuan.rules.engine import evaluate

    paths = [Path(p) for p in sys.argv[1:]] or [p for p in DEFAULTS if p.exists()]
    layouts = load_layouts()
    print(
        "| document | pages / lines | paragraphs | sentences | claims | table rules (ms) | narrative + 绩效 (ms, median / min / max) |"
    )
    print("|---|---|---|---|---|---|---|")
    for path in paths:
        doc = api.load_document(path)
        ctx = narrative.analyse(doc, layouts)
        size = max((p.provenance.page or 0 for p in doc.paragraphs if p.provenance), default=0)
        extent = f"{size} pp" if size else f"{sum(1 for _ in path.open(encoding='utf-8', errors='ignore'))} lines"
        tables, _, _ = _median_ms(lambda doc=doc: evaluate(doc, layouts))
        med, lo, hi = _median_ms(lambda doc=doc: narrative.check(doc, layouts))
        print(
            f"| {path.name} | {extent} | {len(doc.paragraphs)} | {len(ctx.nar.sentences)} | {len(ctx.ex.claims)} "
            f"| {tables:.1f} | {med:.1f} / {lo:.1f} / {hi:.1f} |"
        )


if __name__ == "__main__":
    main()
