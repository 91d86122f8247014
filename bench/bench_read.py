"""Benchmark: reading PDFs end to end (read + recognize), pages per second per core, peak memory.

Usage: .venv/bin/python bench/bench_read.py [PDF ...]
Default: every PDF in ../shared/corpus (when present) and the repo's generated PDF fixtures.
Each file is read in a fresh single-threaded process, three times; the best time is kept (the
process is warm: imports are excluded by timing inside it). Peak memory is the child's maximum
resident set size. Prints a Markdown table; results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
from juesuan.readers import read
from juesuan.recognize import recognize
path = sys.argv[1]
read(path)  # warm: imports, fonts, layouts
best = None
for _ in range(3):
    t0 = time.perf_counter()
    raw = read(path)
    recognize(raw)
    dt = time.perf_counter() - t0
    best = dt if best is None else min(best, dt)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"pages": raw.page_count, "seconds": best, "rss_mb": rss}))
"""


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]]
    if not files:
        corpus = REPO.parent / "shared" / "corpus"
        files = sorted(corpus.glob("*/*.pdf")) if corpus.exists() else []
        files += sorted((REPO / "tests" / "fixtures" / "roundtrip").glob("*.pdf"))
    env = dict(os.environ, OMP_NUM_THREADS="1", JUESUAN_OCR="off")
    total_pages = total_seconds = 0.0
    peak = 0.0
    print("| file | pages | s | pages/s | peak RSS (MB) |")
    print("|---|---|---|---|---|")
    for f in files:
        out = subprocess.run([sys.executable, "-c", CHILD, str(f)], capture_output=True, text=True, env=env, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        total_pages += r["pages"]
        total_seconds += r["seconds"]
        peak = max(peak, r["rss_mb"])
        print(f"| {f.name} | {r['pages']} | {r['seconds']:.2f} | {r['pages'] / r['seconds']:.1f} | {r['rss_mb']:.0f} |")
    if total_seconds:
        print(
            f"| **all** | {total_pages:.0f} | {total_seconds:.2f} | **{total_pages / total_seconds:.1f}** | **{peak:.0f}** (max) |"
        )


if __name__ == "__main__":
    main()
